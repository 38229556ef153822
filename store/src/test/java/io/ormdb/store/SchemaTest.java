package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.all;
import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static io.ormdb.store.StoreTestSupport.list;
import static io.ormdb.store.TestSchemas.f;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.ParseException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.EnumDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.view.KeyRange;
import io.ormdb.store.view.ReadView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaTest {
  @TempDir Path dir;
  OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.of(dir));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static SchemaBundle bundle(List<EntityDef> entities, List<RelationDef> relations) {
    return new SchemaBundle(0, List.of(), entities, relations, List.of(), List.of(), List.of());
  }

  private static EntityDef entity(String name, FieldDef... fields) {
    return new EntityDef(name, "id", List.of(fields), false, List.of());
  }

  private OrmDbException refused(SchemaBundle s) {
    OrmDbException e = catchThrowableOfType(OrmDbException.class, () -> store.applySchema(s));
    assertThat(e).as("schema refused").isNotNull();
    return e;
  }

  @Test
  void validationListsEveryProblem() {
    EntityDef user =
        new EntityDef(
            "User",
            "uid",
            List.of(
                f("id", ValueType.UUID),
                f("name", ValueType.STRING),
                f("name", ValueType.STRING),
                FieldDef.of("role", FieldType.enumType("Rol")),
                f("age", ValueType.INT32).withDefault(new DefaultValue.Literal(Value.of("x"))),
                f("ref", ValueType.UUID)),
            false,
            List.of());
    EntityDef dup = entity("User", f("id", ValueType.UUID));
    SchemaBundle s =
        new SchemaBundle(
            0,
            List.of(new EnumDef("Role", List.of("a"))),
            List.of(user, dup),
            List.of(
                RelationDef.oneToMany("posts", "User", "id", "Pst", "authorId", OnDelete.CASCADE),
                RelationDef.oneToMany("refs", "User", "id", "User", "ref", OnDelete.SET_NULL)),
            List.of(new ConstraintDef.Unique("u1", "User", List.of("nmae"))),
            List.of(new IndexDef("i1", "User", List.of("agee"), IndexDef.Kind.BTREE, false)),
            List.of());
    OrmDbException e = refused(s);
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage())
        .isEqualTo(
            "invalid schema (9 problems):\n"
                + "  - entity User: duplicate entity 'User'\n"
                + "  - field User.name: duplicate field 'name' in entity User\n"
                + "  - field User.role: unknown type 'Rol' (did you mean 'Role'?)\n"
                + "  - field User.age: default \"x\" is not a valid int32\n"
                + "  - entity User: identity field 'uid' is not one of its fields (did you mean"
                + " 'id'?)\n"
                + "  - relation User.posts: unknown entity 'Pst' (did you mean 'Post'?)"
                    .replace(" (did you mean 'Post'?)", "")
                + "\n"
                + "  - relation User.refs: on delete set null needs an optional key, but User.ref"
                + " is required\n"
                + "  - constraint u1: unknown field 'nmae' on entity User (did you mean 'name'?)\n"
                + "  - index i1: unknown field 'agee' on entity User (did you mean 'age'?)");
    assertThat(store.schemaVersions()).isEmpty();
  }

  @Test
  void aBundleBuiltInCodeIsRefusedWithTheWordsOfTheSchemaLanguage() {
    String text =
        "entity User {\n  id uuid @id\n  relation posts: one to many Post by authorId\n}\n"
            + "entity Post {\n  id uuid @id\n  authorId uuid\n}";
    SchemaBundle valid = SchemaParser.parse(text);
    RelationDef posts = valid.relations().get(0);
    SchemaBundle faulty =
        new SchemaBundle(
            0,
            List.of(),
            valid.entities(),
            List.of(
                RelationDef.oneToMany(
                    "posts", "User", "id", "Pst", posts.toField(), posts.onDelete())),
            List.of(),
            List.of(),
            List.of());
    ParseException inText =
        catchThrowableOfType(
            ParseException.class, () -> SchemaParser.parse(text.replace("many Post", "many Pst")));
    assertThat(inText.getMessage())
        .isEqualTo("line 3:31: unknown entity 'Pst' (did you mean 'Post'?)");
    assertThat(refused(faulty).getMessage())
        .isEqualTo(
            "invalid schema (1 problem):\n"
                + "  - relation User.posts: unknown entity 'Pst' (did you mean 'Post'?)");
    assertThat(store.schemaVersions()).isEmpty();
  }

  @Test
  void conflictingOnDeleteOfARelationAndItsInverseIsRefused() {
    SchemaBundle s =
        bundle(
            List.of(
                entity("User", f("id", ValueType.UUID)),
                entity(
                    "Post", f("id", ValueType.UUID), f("authorId", ValueType.UUID).asOptional())),
            List.of(
                RelationDef.oneToMany("posts", "User", "id", "Post", "authorId", OnDelete.CASCADE),
                new RelationDef(
                    "author",
                    "Post",
                    "User",
                    io.ormdb.protocol.schema.Cardinality.MANY_TO_ONE,
                    "authorId",
                    "id",
                    OnDelete.SET_NULL,
                    null,
                    null,
                    null)));
    assertThat(refused(s).getMessage())
        .isEqualTo(
            "invalid schema (1 problem):\n"
                + "  - relation Post.author: on delete set null conflicts with on delete cascade"
                + " of relation User.posts, which uses the same key Post.authorId");
  }

  @Test
  void versionsAreKeptAndCompatibleChangesWorkOnAPopulatedDatabase() {
    SchemaBundle v1 = TestSchemas.blog();
    assertThat(store.applySchema(v1)).isEqualTo(1);
    List<Value> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(
          commit(store, insert("User", "email", "u" + i + "@x.io", "name", "same"))
              .insertedIds()
              .get(0));
    }
    // add an entity, an optional field, a field with a default, a non-unique index
    List<EntityDef> entities = new ArrayList<>(v1.entities());
    EntityDef user = entities.get(0);
    List<FieldDef> fields = new ArrayList<>(user.fields());
    fields.add(f("nickname", ValueType.STRING).asOptional());
    fields.add(f("level", ValueType.INT32).withDefault(new DefaultValue.Literal(Value.of(7))));
    entities.set(0, new EntityDef("User", "id", fields, false, List.of()));
    entities.add(entity("Audit", f("id", ValueType.UUID)));
    List<IndexDef> indexes = new ArrayList<>(v1.indexes());
    indexes.add(new IndexDef("User_name_idx", "User", List.of("name"), IndexDef.Kind.BTREE, false));
    indexes.add(
        new IndexDef("User_level_idx", "User", List.of("level"), IndexDef.Kind.HASH, false));
    SchemaBundle v2 =
        new SchemaBundle(
            0, v1.enums(), entities, v1.relations(), v1.constraints(), indexes, v1.policies());
    assertThat(store.applySchema(v2)).isEqualTo(2);
    assertThat(store.schemaVersions()).containsExactly(1L, 2L);
    assertThat(store.schemaAt(1)).isEqualTo(v1.withVersion(1));
    assertThat(store.schema()).isEqualTo(v2.withVersion(2));
    try (ReadView v = store.snapshot()) {
      assertThat(v.get("User", ids.get(0)).orElseThrow().get("level")).isEqualTo(Value.of(7));
      assertThat(v.get("User", ids.get(0)).orElseThrow().get("nickname")).isEqualTo(Value.NULL);
      assertThat(list(v.indexScan("User", "User_name_idx", KeyRange.eq(Value.of("same")), false)))
          .hasSize(3);
      assertThat(list(v.indexScan("User", "User_level_idx", KeyRange.eq(Value.of(7)), false)))
          .hasSize(3);
    }
    commit(store, insert("Audit"));
    assertThat(all(store, "Audit")).hasSize(1);

    // a unique index that existing rows violate is refused with the values
    List<IndexDef> bad = new ArrayList<>(indexes);
    bad.add(new IndexDef("User_name_key", "User", List.of("name"), IndexDef.Kind.BTREE, true));
    SchemaBundle v3 =
        new SchemaBundle(0, v1.enums(), entities, v1.relations(), v1.constraints(), bad, List.of());
    OrmDbException e = refused(v3);
    assertThat(e.code()).isEqualTo(ErrorCode.CONSTRAINT_VIOLATION);
    assertThat(e.getMessage())
        .isEqualTo(
            "schema change refused: existing rows violate it (unique constraint User_name_key is"
                + " violated by name=\"same\")");
    // a satisfiable unique constraint is built over existing rows and enforced
    List<ConstraintDef> cs = new ArrayList<>(v1.constraints());
    cs.add(new ConstraintDef.Unique("User_level_email_key", "User", List.of("level", "email")));
    cs.add(
        new ConstraintDef.Check(
            "User_level_check", "User", Filter.cmp("level", Filter.Op.GT, 0), ""));
    SchemaBundle v4 =
        new SchemaBundle(0, v1.enums(), entities, v1.relations(), cs, indexes, List.of());
    assertThat(store.applySchema(v4)).isEqualTo(3);
    try (ReadView v = store.snapshot()) {
      assertThat(list(v.indexScan("User", "User_level_email_key", KeyRange.eq(Value.of(7)), false)))
          .hasSize(3);
    }
    // history survives a restart
    store.close();
    store = OrmStore.open(StoreConfig.of(dir));
    assertThat(store.schemaVersions()).containsExactly(1L, 2L, 3L);
    assertThat(store.schemaAt(2)).isEqualTo(v2.withVersion(2));
    try (ReadView v = store.snapshotAt(2)) {
      assertThat(v.schema().version()).isEqualTo(1);
    }
  }

  @Test
  void incompatibleChangesAreRefusedWithAReason() {
    SchemaBundle v1 = TestSchemas.blog();
    store.applySchema(v1);
    commit(store, insert("User", "email", "a@x.io", "name", "n"));
    List<EntityDef> entities = new ArrayList<>(v1.entities());
    EntityDef user = entities.get(0);
    List<FieldDef> fields = new ArrayList<>(user.fields());
    fields.remove(6); // bio
    fields.set(2, f("name", ValueType.INT64));
    fields.add(f("required", ValueType.STRING));
    fields.set(0, fields.get(0).asUnique()); // the relations to User still reference a key
    entities.set(0, new EntityDef("User", "email", fields, false, List.of()));
    SchemaBundle bad =
        new SchemaBundle(
            0, v1.enums(), entities, v1.relations(), v1.constraints(), v1.indexes(), List.of());
    OrmDbException e = refused(bad);
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage())
        .isEqualTo(
            "incompatible schema change (cannot change the identity of User from 'id' to 'email';"
                + " cannot change the type of User.name from string to int64; cannot drop field"
                + " User.bio (its values would be lost); cannot add required field User.required"
                + " without a literal default: User has rows)");
    List<EntityDef> dropped = new ArrayList<>(v1.entities());
    dropped.removeIf(x -> x.name().equals("Note"));
    assertThat(
            refused(
                    new SchemaBundle(
                        0,
                        v1.enums(),
                        dropped,
                        v1.relations(),
                        v1.constraints(),
                        v1.indexes(),
                        List.of()))
                .getMessage())
        .isEqualTo("incompatible schema change (cannot drop entity Note (its rows would be lost))");
    assertThat(store.schemaVersions()).containsExactly(1L);
  }
}
