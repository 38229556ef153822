package io.ormdb.protocol.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.schema.SchemaParser;
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
        .hasMessage(
            "unknown relation 'posts' on entity Post (User.posts leads here; to navigate it from"
                + " Post, declare in entity Post: relation posts: many to one User (authorId ->"
                + " id))");
  }

  @Test
  void aMissingReverseRelationSaysHowToDeclareItAndTheDeclarationWorks() {
    String movie = "entity Movie {\n  id int64 @id\n  title string\n%s}\n";
    String rest =
        "entity Review {\n  id int64 @id\n  movieId int64\n  rating int32\n"
            + "  relation movie: many to one Movie by movieId\n}\n"
            + "entity Person {\n  id int64 @id\n"
            + "  relation films: many to many Movie through Cast(personId, movieId)\n}\n"
            + "entity Cast {\n  id int64 @id\n  personId int64\n  movieId int64\n}\n";
    SchemaBundle without = SchemaParser.parse(String.format(movie, "") + rest);

    String message =
        catchThrowableOfType(
                OrmDbException.class, () -> without.requireRelation("Movie", "reviews"))
            .getMessage();
    assertThat(message)
        .startsWith(
            "unknown relation 'reviews' on entity Movie (Review.movie leads here; to navigate it"
                + " from Movie, declare in entity Movie: relation reviews: one to many Review (id"
                + " -> movieId); Person.films leads here;");
    String oneToMany = "relation reviews: one to many Review (id -> movieId)";
    String manyToMany = "relation reviews: many to many Person through Cast(movieId, personId)";
    assertThat(message).contains(oneToMany).contains(manyToMany);

    SchemaBundle with =
        SchemaParser.parse(
            String.format(
                    movie,
                    "  "
                        + oneToMany
                        + "\n  relation cast: "
                        + manyToMany.substring("relation reviews: ".length())
                        + "\n")
                + rest);
    assertThat(with.requireRelation("Movie", "reviews").toEntity()).isEqualTo("Review");
    assertThat(with.requireRelation("Movie", "cast").edgeEntity()).isEqualTo("Cast");
    assertThat(catchThrowableOfType(OrmDbException.class, () -> with.requireRelation("Movie", "x")))
        .hasMessage("unknown relation 'x' on entity Movie");
  }

  @Test
  void anEnumIsNotMistakenForAMissingEntity() {
    assertThatThrownBy(() -> schema.requireEntity("Role"))
        .hasMessage("'Role' is an enum, not an entity");
  }
}
