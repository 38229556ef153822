package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An include's batched index lookup reads the entries of its parents' keys only: parents spread
 * over the table (a filtered root) must not make it read every child between the smallest and the
 * largest key, as one range scan would. Also: the skipping scan returns exactly what one equality
 * scan per key returns, for sparse, dense, missing and mixed keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparseIncludeTest {
  private OrmStore store;

  @BeforeAll
  void fill() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(
        SchemaParser.parse(
            """
            entity U {
              id int64 @id
              n  int32
              relation posts: one to many P by uid
            }
            entity P {
              id  int64 @id
              uid int64
              relation u: many to one U by uid
            }
            """));
    List<Mutation> ms = new ArrayList<>();
    for (long u = 1; u <= 2_000; u++) {
      ms.add(new Mutation.Insert("U", Map.of("id", Value.of(u), "n", Value.of((int) (u % 200)))));
      for (int p = 0; p < 5; p++) {
        ms.add(new Mutation.Insert("P", Map.of("id", Value.of(u * 10 + p), "uid", Value.of(u))));
      }
    }
    store.commit(new MutationBatch(ms));
  }

  @AfterAll
  void close() {
    store.close();
  }

  @Test
  void sparseParentsReadOnlyTheirOwnChildren() {
    GraphQuery q = GraphQuery.from("U").where(Filter.eq("n", 7)).include("posts").build();
    try (ReadView snapshot = store.snapshot()) {
      CountingReadView view = new CountingReadView(snapshot);
      QueryResult r = new QueryEngine().query(view, q, Map.of(), QueryBudget.DEFAULT);
      assertThat(r.root().size()).isEqualTo(10); // users 7, 207, ..., 1807
      assertThat(r.block("posts").size()).isEqualTo(50);
      // the root scans 2,000 users; the include reads its 50 posts, not the ~9,000 between
      assertThat(view.rowsScanned).isEqualTo(2_000 + 50);
    }
  }

  @Test
  void theSkippingScanEqualsOneEqualityScanPerKey() {
    List<List<Long>> keySets =
        List.of(
            List.of(7L, 1_807L),
            List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L),
            List.of(3L, 4L, 5L, 900L, 901L, 1_999L, 2_000L),
            List.of(-5L, 0L, 5_000L),
            List.of(2_000L),
            List.of(6L, 7L, 30L, 31L, 33L, 60L, 600L, 1_200L, 1_201L, 1_800L));
    try (ReadView view = store.snapshot()) {
      for (List<Long> ks : keySets) {
        TreeSet<Value> keys = new TreeSet<>(io.ormdb.protocol.value.Values::compare);
        ks.forEach(k -> keys.add(Value.of(k)));
        List<Value> skipping = ids(view.indexScanIn("P", "P_uid_fk", keys));
        List<Value> perKey = new ArrayList<>();
        for (Value k : keys) {
          perKey.addAll(
              ids(
                  view.indexScan(
                      "P",
                      "P_uid_fk",
                      new io.ormdb.store.view.KeyRange(List.of(k), null, null),
                      false)));
        }
        assertThat(skipping).as("keys %s", ks).isEqualTo(perKey);
      }
    }
  }

  private static List<Value> ids(Iterator<Row> it) {
    List<Value> out = new ArrayList<>();
    it.forEachRemaining(r -> out.add(r.id()));
    return out;
  }
}
