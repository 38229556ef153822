package io.ormdb.store.columnar;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.AggregateQuery.Aggregation;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.ReadOptions;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.query.QueryEngine;
import io.ormdb.store.query.internal.RowScanAggregateSource;
import io.ormdb.store.view.ReadView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColumnStoreTest {
  @TempDir Path dir;

  private final QueryEngine rowScan = new QueryEngine(0, new RowScanAggregateSource());

  private static List<FieldDef> fields() {
    List<FieldDef> fs = new ArrayList<>();
    fs.add(FieldDef.of("id", FieldType.of(ValueType.INT64)));
    fs.add(FieldDef.of("kind", FieldType.of(ValueType.STRING)));
    fs.add(FieldDef.of("amount", FieldType.of(ValueType.INT32)));
    return fs;
  }

  private static SchemaBundle schema(long version, List<FieldDef> fields) {
    return new SchemaBundle(
        version,
        List.of(),
        List.of(new EntityDef("Sale", "id", fields, false, List.of())),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  private static Mutation insert(long id, String kind, int amount) {
    return new Mutation.Insert(
        "Sale", Map.of("id", Value.of(id), "kind", Value.of(kind), "amount", Value.of(amount)));
  }

  private static void fill(OrmStore store, int from, int to) {
    List<Mutation> ms = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ms.add(insert(i, "k" + (i % 3), i));
    }
    store.commit(new MutationBatch(ms));
  }

  private static AggregateQuery sumByKind(Filter filter, ReadOptions options) {
    return new AggregateQuery(
        "Sale",
        List.of(
            new Aggregation(Function.COUNT, null),
            new Aggregation(Function.SUM, "amount"),
            new Aggregation(Function.AVG, "amount")),
        filter,
        List.of("kind"),
        options);
  }

  private AggregateResult rowScanAt(OrmStore store, long lsn, AggregateQuery q) {
    try (ReadView view = store.snapshotAt(lsn)) {
      return rowScan.aggregate(view, q, Map.of());
    }
  }

  @Test
  void aggregatesAtTheNewestSnapshotAreServedFromColumns() {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      store.applySchema(schema(1, fields()));
      fill(store, 0, 300);
      ColumnStore columns = store.columnStore();
      AggregateResult first = store.aggregate(sumByKind(null, null));
      store.commit(new MutationBatch(List.of(insert(1000, "k9", 7))));
      store.commit(
          new MutationBatch(
              List.of(
                  new Mutation.Update("Sale", Value.of(5L), Map.of("amount", Value.of(50)), 0))));
      AggregateResult second =
          store.aggregate(sumByKind(new Filter.Compare("amount", Filter.Op.GE, Value.of(5)), null));

      assertThat(columns.columnarAggregates()).isEqualTo(2);
      assertThat(columns.rowScanAggregates()).isZero();
      assertThat(columns.builds()).isEqualTo(1); // the second one caught up from the changelog
      assertThat(first.rows()).hasSize(3);
      assertThat(first.rows().get(0))
          .containsExactly(
              Value.of("k0"), Value.of(100L), Value.of(14850L), new Value.Float64(148.5));
      assertThat(second)
          .isEqualTo(
              rowScanAt(
                  store,
                  store.currentLsn(),
                  sumByKind(new Filter.Compare("amount", Filter.Op.GE, Value.of(5)), null)));
      assertThat(second.rows()).hasSize(4);
    }
  }

  @Test
  void anAsOfReadOlderThanTheColumnsFallsBackToTheRowScanWithTheSameResult() {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      store.applySchema(schema(1, fields()));
      fill(store, 0, 10);
      long old = store.currentLsn();
      fill(store, 10, 20);
      store.aggregate(sumByKind(null, null)); // builds at the newest LSN
      AggregateResult asOf = store.aggregate(sumByKind(null, ReadOptions.asOf(old)));

      assertThat(store.columnStore().rowScanAggregates()).isEqualTo(1);
      assertThat(asOf).isEqualTo(rowScanAt(store, old, sumByKind(null, null)));
      assertThat(asOf.rows().get(0).get(1)).isEqualTo(Value.of(4L));
    }
  }

  @Test
  void aFieldAddedToAPopulatedEntityIsAggregatedWithItsDefault() {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      store.applySchema(schema(1, fields()));
      fill(store, 0, 30);
      store.aggregate(sumByKind(null, null));
      long before = store.currentLsn();

      List<FieldDef> more = fields();
      more.add(
          FieldDef.of("bonus", FieldType.of(ValueType.INT32))
              .asOptional()
              .withDefault(new DefaultValue.Literal(Value.of(2))));
      more.add(FieldDef.of("note", FieldType.of(ValueType.STRING)).asOptional());
      store.applySchema(schema(2, more));
      store.commit(
          new MutationBatch(
              List.of(
                  new Mutation.Insert(
                      "Sale",
                      Map.of(
                          "id", Value.of(99L),
                          "kind", Value.of("k0"),
                          "amount", Value.of(1),
                          "bonus", Value.of(10),
                          "note", Value.of("x"))))));
      AggregateQuery q =
          new AggregateQuery(
              "Sale",
              List.of(
                  new Aggregation(Function.SUM, "bonus"),
                  new Aggregation(Function.COUNT, "note"),
                  new Aggregation(Function.MAX, "bonus")),
              new Filter.IsNull("note", true),
              List.of("kind"),
              null);
      AggregateQuery all =
          new AggregateQuery(
              "Sale", List.of(new Aggregation(Function.SUM, "bonus")), null, List.of("note"), null);
      AggregateResult r = store.aggregate(q);
      AggregateResult byNote = store.aggregate(all);

      assertThat(r).isEqualTo(rowScanAt(store, store.currentLsn(), q));
      assertThat(r.rows())
          .containsExactly(List.of(Value.of("k0"), Value.of(10L), Value.of(1L), Value.of(10)));
      assertThat(byNote.rows())
          .containsExactly(
              List.of(Value.NULL, Value.of(60L)), List.of(Value.of("x"), Value.of(10L)));
      assertThat(store.columnStore().columnarAggregates()).isEqualTo(3);
      assertThat(store.columnStore().builds()).isEqualTo(2); // rebuilt for the new schema
      // the old schema's view is older than the rebuilt columns: served by the row scan, alike
      AggregateResult old = store.aggregate(sumByKind(null, ReadOptions.asOf(before)));
      assertThat(old).isEqualTo(rowScanAt(store, before, sumByKind(null, null)));
    }
  }

  @Test
  void compactionDropsDeadSlotsAndKeepsResults() {
    StoreConfig config = StoreConfig.of(dir).withRetention(Duration.ZERO, Duration.ZERO);
    try (OrmStore store = OrmStore.open(config)) {
      store.applySchema(schema(1, fields()));
      fill(store, 0, 5000);
      store.aggregate(sumByKind(null, null));
      for (int round = 0; round < 3; round++) {
        List<Mutation> ms = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
          ms.add(
              new Mutation.Update(
                  "Sale", Value.of((long) i), Map.of("amount", Value.of(i + round + 1)), 0));
        }
        store.commit(new MutationBatch(ms));
      }
      store.compact();
      store.commit(new MutationBatch(List.of(insert(9999, "k0", 1))));
      AggregateResult r = store.aggregate(sumByKind(null, null));

      assertThat(r).isEqualTo(rowScanAt(store, store.currentLsn(), sumByKind(null, null)));
      assertThat(store.columnStore().columnarAggregates()).isEqualTo(2);
      assertThat(store.columnStore().slots("Sale")).isLessThan(10_000);
    }
  }
}
