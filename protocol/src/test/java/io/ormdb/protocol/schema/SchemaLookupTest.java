package io.ormdb.protocol.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.value.ValueType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one lookup of entities, fields and relations by name, and how it says a name is unknown. */
class SchemaLookupTest {
  private final EntityDef user =
      new EntityDef(
          "User",
          "id",
          List.of(
              FieldDef.of("id", FieldType.of(ValueType.UUID)),
              FieldDef.of("email", FieldType.of(ValueType.STRING))),
          false,
          List.of());
  private final EntityDef post =
      new EntityDef(
          "Post",
          "id",
          List.of(
              FieldDef.of("id", FieldType.of(ValueType.UUID)),
              FieldDef.of("authorId", FieldType.of(ValueType.UUID))),
          false,
          List.of());
  private final SchemaBundle schema =
      new SchemaBundle(
          0,
          List.of(new EnumDef("Role", List.of("admin"))),
          List.of(user, post),
          List.of(RelationDef.oneToMany("posts", "User", "id", "Post", "authorId", null)),
          List.of(),
          List.of(),
          List.of());

  @Test
  void foundNamesAreReturned() {
    assertThat(schema.requireEntity("Post")).isSameAs(post);
    assertThat(user.requireField("email").name()).isEqualTo("email");
    assertThat(schema.requireRelation("User", "posts").toEntity()).isEqualTo("Post");
  }

  @Test
  void unknownNamesAreInvalidRequestsWithASuggestion() {
    assertThatThrownBy(() -> schema.requireEntity("Pst"))
        .isInstanceOf(OrmDbException.class)
        .hasMessage("unknown entity 'Pst' (did you mean 'Post'?)")
        .satisfies(
            e -> assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThatThrownBy(() -> schema.requireEntity("Zebra")).hasMessage("unknown entity 'Zebra'");
    assertThatThrownBy(() -> user.requireField("emial"))
        .hasMessage("unknown field 'emial' on entity User (did you mean 'email'?)");
    assertThatThrownBy(() -> schema.requireRelation("User", "post"))
        .hasMessage("unknown relation 'post' on entity User (did you mean 'posts'?)");
    assertThatThrownBy(() -> schema.requireRelation("Post", "posts"))
        .hasMessage("unknown relation 'posts' on entity Post");
  }

  @Test
  void anEnumIsNotMistakenForAMissingEntity() {
    assertThatThrownBy(() -> schema.requireEntity("Role"))
        .hasMessage("'Role' is an enum, not an entity");
  }
}
