package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.result.ExplainResult.PlanStep;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Identity ranges and identity-ordered keyset pages read only what they return: the scan seeks to
 * the range's (or the cursor's) start in the store, forwards or backwards.
 */
class IdentityRangeTest {
  private static final int ROWS = 600;
  OrmStore store;
  final QueryEngine engine = new QueryEngine();

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(SchemaParser.parse("entity Item {\n id int64 @id\n n int32\n}\n"));
    List<Mutation> batch = new ArrayList<>();
    for (int i = 1; i <= ROWS; i++) {
      batch.add(
          new Mutation.Insert("Item", Map.of("id", Value.of((long) i), "n", Value.of(i % 7))));
    }
    store.commit(MutationBatch.of(batch.toArray(new Mutation[0])));
    // a later version of some rows and a deletion: scans must see only the newest live version
    store.commit(
        MutationBatch.of(
            new Mutation.Update("Item", Value.of(10L), Map.of("n", Value.of(99)), 0),
            new Mutation.Delete("Item", Value.of(11L), 0)));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private List<Long> ids(QueryResult r) {
    return r.root().ids().stream().map(Value::asLong).toList();
  }

  @Test
  void aBoundedIdentityReadsOnlyItsRangeInEitherDirection() {
    Filter range =
        Filter.and(Filter.cmp("id", Filter.Op.GE, 100L), Filter.cmp("id", Filter.Op.LT, 150L));
    try (CountingReadView view = new CountingReadView(store.snapshot())) {
      QueryResult up = engine.query(view, GraphQuery.from("Item").where(range).build(), Map.of());
      assertThat(ids(up)).hasSize(50).startsWith(100L).endsWith(149L).isSorted();
      assertThat(view.rowsScanned).isEqualTo(50);

      view.rowsScanned = 0;
      QueryResult down =
          engine.query(
              view,
              GraphQuery.from("Item").where(range).orderBy(OrderSpec.desc("id")).build(),
              Map.of());
      assertThat(ids(down)).hasSize(50).startsWith(149L).endsWith(100L);
      assertThat(view.rowsScanned).isEqualTo(50);

      view.rowsScanned = 0;
      Filter exclusive =
          Filter.and(Filter.cmp("id", Filter.Op.GT, 9L), Filter.cmp("id", Filter.Op.LE, 12L));
      QueryResult edges =
          engine.query(
              view,
              GraphQuery.from("Item").where(exclusive).orderBy(OrderSpec.desc("id")).build(),
              Map.of());
      // 11 is deleted, 10 has a newer version
      assertThat(ids(edges)).containsExactly(12L, 10L);
      assertThat(edges.root().column("n").values().get(1)).isEqualTo(Value.of(99));
    }
    PlanStep step =
        store.explain(GraphQuery.from("Item").where(range).build(), false).steps().get(0);
    assertThat(step.access()).isEqualTo("scan");
    assertThat(step.detail()).contains("id >= ? and id < ?");
  }

  @Test
  void keysetPagesByIdentityStartAtTheCursorAndCostTheSameAtTheEnd() {
    for (boolean descending : new boolean[] {false, true}) {
      List<Long> seen = new ArrayList<>();
      String cursor = null;
      long lastPageRows = 0;
      try (CountingReadView view = new CountingReadView(store.snapshot())) {
        do {
          view.rowsScanned = 0;
          GraphQuery q =
              GraphQuery.from("Item")
                  .orderBy(descending ? OrderSpec.desc("id") : OrderSpec.asc("id"))
                  .page(new Pagination(25, 0, cursor))
                  .build();
          QueryResult page = engine.query(view, q, Map.of());
          seen.addAll(ids(page));
          lastPageRows = view.rowsScanned;
          // a page reads its rows, the cursor row and a couple more to know whether more follow
          assertThat(view.rowsScanned).as("rows read for one page").isLessThanOrEqualTo(28);
          cursor = page.hasMore() ? page.nextCursor() : null;
        } while (cursor != null);
      }
      assertThat(seen).hasSize(ROWS - 1).doesNotHaveDuplicates();
      List<Long> ascending = new ArrayList<>(seen);
      if (descending) {
        java.util.Collections.reverse(ascending);
      }
      assertThat(ascending).isSorted();
      assertThat(lastPageRows).isLessThanOrEqualTo(28);
    }
  }
}
