package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.get;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.Row;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Computed fields and schema evolution on a populated store: virtual ones come, go and change
 * without touching a row; a stored one added later reads its value computed from the rows written
 * before it and is indexed over them; what would lose or misread stored values is refused; and the
 * store reopened from its file computes what it computed before.
 */
class ComputedFieldSchemaTest {
  @TempDir Path dir;

  private static final String BASE =
      """
      entity Item {
        id    int64  @id
        name  string
        price int32
        qty   int32?
        %s
      }
      """;

  private static SchemaBundle schema(String computed) {
    return SchemaParser.parse(BASE.formatted(computed));
  }

  private static Mutation item(long id, String name, int price, Integer qty) {
    return insert("Item", "id", id, "name", name, "price", price, "qty", qty);
  }

  private static Value field(OrmStore store, long id, String field) {
    return get(store, "Item", Value.of(id)).orElseThrow().get(field);
  }

  private static List<Long> ids(OrmStore store, Filter where) {
    return store.query(GraphQuery.from("Item").where(where).build()).root().ids().stream()
        .map(Value::asLong)
        .toList();
  }

  @Test
  void virtualFieldsComeGoAndChangeWithoutWritingARow() {
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(schema(""));
      commit(store, item(1, "pen", 3, 4), item(2, "ink", 5, null));
      long lsn = store.currentLsn();
      long version = get(store, "Item", Value.of(1L)).orElseThrow().version();

      store.applySchema(schema("total int64? = price * qty"));
      assertThat(field(store, 1, "total")).isEqualTo(Value.of(12L));
      assertThat(field(store, 2, "total")).isEqualTo(Value.NULL);

      store.applySchema(schema("total int64 = price * coalesce(qty, 1) + 100"));
      assertThat(field(store, 1, "total")).isEqualTo(Value.of(112L));
      assertThat(field(store, 2, "total")).isEqualTo(Value.of(105L));

      store.applySchema(schema(""));
      assertThat(get(store, "Item", Value.of(1L)).orElseThrow().fields())
          .doesNotContainKey("total");

      assertThat(store.changes(lsn + 1, 10)).as("no row was written").isEmpty();
      assertThat(get(store, "Item", Value.of(1L)).orElseThrow().version()).isEqualTo(version);
    }
  }

  @Test
  void aStoredFieldAddedLaterReadsItsValueComputedFromOlderRowsAndIsIndexedOverThem() {
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(schema(""));
      commit(store, item(1, "pen", 3, 4), item(2, "ink", 5, 2), item(3, "cap", 7, 1));

      store.applySchema(schema("total int64? = price * qty @stored @index"));

      assertThat(field(store, 1, "total")).isEqualTo(Value.of(12L));
      assertThat(
              store
                  .explain(GraphQuery.from("Item").where(Filter.eq("total", 10)).build(), false)
                  .text())
          .contains("Item_total_idx");
      assertThat(ids(store, Filter.eq("total", 10))).containsExactly(2L);
      assertThat(ids(store, Filter.cmp("total", Filter.Op.GE, 7))).containsExactly(1L, 2L, 3L);

      commit(store, new Mutation.Update("Item", Value.of(2L), StoreTestSupport.m("qty", 3), 0));
      assertThat(ids(store, Filter.eq("total", 10))).isEmpty();
      assertThat(ids(store, Filter.eq("total", 15))).containsExactly(2L);
      // the update stored its value: its change event carries it
      var last = store.changes(store.currentLsn(), 1).get(0).events().get(0);
      assertThat(last.after()).containsEntry("total", Value.of(15L));
    }
  }

  @Test
  void changesThatWouldLoseOrMisreadStoredValuesAreRefused() {
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(schema("total int64? = price * qty @stored"));
      commit(store, item(1, "pen", 3, 4));

      Map<String, String> refused =
          Map.of(
              "total int64? = price + qty @stored",
              "incompatible schema change (cannot change the expression or type of stored"
                  + " computed field Item.total (its rows hold values of the old one); add a new"
                  + " field, or make it virtual first (drop @stored and its indexes))",
              "total int64?",
              "incompatible schema change (cannot make computed field Item.total a field that"
                  + " writes set (its rows hold no value for it); add a new field)");
      refused.forEach(
          (decl, message) -> {
            OrmDbException e =
                catchThrowableOfType(OrmDbException.class, () -> store.applySchema(schema(decl)));
            assertThat(e.code()).as(decl).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.getMessage()).as(decl).isEqualTo(message);
          });
      OrmDbException e =
          catchThrowableOfType(
              OrmDbException.class,
              () ->
                  store.applySchema(
                      SchemaParser.parse(
                          BASE.formatted("total int64? = price * qty @stored")
                              .replace("name  string", "name  string = \"x\""))));
      assertThat(e.getMessage())
          .isEqualTo(
              "incompatible schema change (cannot make Item.name computed (its values would be"
                  + " lost); add a new field)");
      assertThat(field(store, 1, "total")).isEqualTo(Value.of(12L));
    }
  }

  @Test
  void aStoredFieldMadeVirtualAndStoredAgainWithAnotherExpressionReadsTheNewOne() {
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(schema("total int64? = price * qty @stored"));
      commit(store, item(1, "pen", 3, 4));

      store.applySchema(schema("total int64? = price * qty"));
      store.applySchema(schema("total int64? = price + qty"));
      store.applySchema(schema("total int64? = price + qty @stored @index"));

      assertThat(field(store, 1, "total"))
          .as("row 1 still holds 12 from the first expression; it reads the new one")
          .isEqualTo(Value.of(7L));
      assertThat(ids(store, Filter.eq("total", 7))).containsExactly(1L);
      assertThat(ids(store, Filter.eq("total", 12))).isEmpty();
    }
  }

  @Test
  void aStoreReopenedFromItsFileComputesWhatItComputedBefore() {
    SchemaBundle s =
        schema(
            "total int64? = price * qty\n"
                + "  label string = name + \"/\" + if(qty is null, \"?\", \"ok\") @stored @unique");
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      store.applySchema(s);
      commit(store, item(1, "pen", 3, 4), item(2, "ink", 5, null));
    }
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      assertThat(store.schema().withVersion(0)).isEqualTo(s);
      Row ink = get(store, "Item", Value.of(2L)).orElseThrow();
      assertThat(ink.get("label")).isEqualTo(Value.of("ink/?"));
      assertThat(field(store, 1, "total")).isEqualTo(Value.of(12L));
      OrmDbException e =
          catchThrowableOfType(OrmDbException.class, () -> commit(store, item(3, "ink", 1, null)));
      assertThat(e.code()).isEqualTo(ErrorCode.CONSTRAINT_VIOLATION);
      assertThat(e.getMessage())
          .isEqualTo(
              "mutation 0 (insert into Item): unique constraint Item_label_key violated by"
                  + " label=\"ink/?\"");
    }
    assertThat(OrmStore.verify(dir).clean()).as("rows and index entries agree").isTrue();
  }
}
