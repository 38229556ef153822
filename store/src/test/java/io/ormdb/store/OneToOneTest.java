package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.all;
import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One-to-one relations: read as one object (or null) from either side, the key is unique (a second
 * row referring to the same row is refused, and a schema whose one-to-one key is not unique is
 * refused with the reason), nested inserts work through both sides, and deletes cascade.
 */
class OneToOneTest {
  static final String SCHEMA =
      """
      entity User {
        id   int64 @id
        name string
        relation profile: one to one Profile by userId on delete cascade
      }
      entity Profile {
        id     int64 @id
        userId int64 @unique
        bio    string?
        relation user: one to one User by userId on delete cascade
      }
      """;

  OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(SchemaParser.parse(SCHEMA));
    commit(store, insert("User", "id", 1L, "name", "Ann"), insert("User", "id", 2L, "name", "Bo"));
    commit(store, insert("Profile", "id", 10L, "userId", 1L, "bio", "hi"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private List<Map<String, Object>> users() {
    return ResultObjects.toMaps(store.query(GraphQuery.from("User").include("profile").build()));
  }

  @Test
  void readsAsOneObjectOrNullFromEitherSide() {
    assertThat(users())
        .containsExactly(
            Map.of(
                "id", 1L, "name", "Ann", "profile", Map.of("id", 10L, "userId", 1L, "bio", "hi")),
            map("id", 2L, "name", "Bo", "profile", null));
    assertThat(
            ResultObjects.toMaps(store.query(GraphQuery.from("Profile").include("user").build())))
        .containsExactly(
            Map.of("id", 10L, "userId", 1L, "bio", "hi", "user", Map.of("id", 1L, "name", "Ann")));
  }

  @Test
  void aSecondRowReferringToTheSameRowIsRefused() {
    OrmDbException e =
        catchThrowableOfType(
            OrmDbException.class, () -> commit(store, insert("Profile", "id", 11L, "userId", 1L)));
    assertThat(e.code()).isEqualTo(ErrorCode.CONSTRAINT_VIOLATION);
    assertThat(e.getMessage()).contains("unique").contains("userId=1");
    assertThat(all(store, "Profile")).hasSize(1);
  }

  @Test
  void nestedInsertsThroughEitherSideAndCascadingDeletes() {
    commit(
        store,
        new Mutation.Insert(
            "User",
            Map.of("id", Value.of(3L), "name", Value.of("Cy")),
            List.of(
                new Mutation.NestedInsert(
                    "profile", List.of(new Mutation.Insert("", Map.of("id", Value.of(13L))))))));
    commit(
        store,
        new Mutation.Insert(
            "Profile",
            Map.of("id", Value.of(14L)),
            List.of(
                new Mutation.NestedInsert(
                    "user",
                    List.of(
                        new Mutation.Insert(
                            "", Map.of("id", Value.of(4L), "name", Value.of("Di"))))))));
    assertThat(users())
        .extracting(u -> u.get("id") + ":" + u.get("profile"))
        .containsExactly(
            "1:{id=10, userId=1, bio=hi}",
            "2:null",
            "3:{id=13, userId=3, bio=null}",
            "4:{id=14, userId=4, bio=null}");

    store.commit(MutationBatch.of(new Mutation.Delete("User", Value.of(1L), 0)));
    assertThat(all(store, "Profile"))
        .extracting(r -> r.id())
        .containsExactlyInAnyOrder(Value.of(13L), Value.of(14L));
  }

  @Test
  void aOneToOneKeyThatIsNotUniqueIsRefusedWithTheReason() {
    OrmDbException text =
        catchThrowableOfType(
            OrmDbException.class, () -> SchemaParser.parse(SCHEMA.replace(" @unique", "")));
    assertThat(text.getMessage())
        .contains("is one to one, so its key Profile.userId must be @unique (or the identity)");
    // built in code, the same schema is refused with the same words

    EntityDef user =
        new EntityDef(
            "Member",
            "id",
            List.of(FieldDef.of("id", FieldType.of(ValueType.INT64))),
            false,
            List.of());
    EntityDef card =
        new EntityDef(
            "Card",
            "id",
            List.of(
                FieldDef.of("id", FieldType.of(ValueType.INT64)),
                FieldDef.of("memberId", FieldType.of(ValueType.INT64))),
            false,
            List.of());
    RelationDef rel =
        new RelationDef(
            "card",
            "Member",
            "Card",
            Cardinality.ONE_TO_ONE,
            "id",
            "memberId",
            OnDelete.CASCADE,
            null,
            null,
            null);
    SchemaBundle bundle =
        new SchemaBundle(
            0, List.of(), List.of(user, card), List.of(rel), List.of(), List.of(), List.of());
    OrmDbException e = catchThrowableOfType(OrmDbException.class, () -> store.applySchema(bundle));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage())
        .contains(
            "relation Member.card: relation 'card' is one to one, so its key Card.memberId must be"
                + " @unique (or the identity)");
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
