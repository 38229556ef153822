package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.Partitioning;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The steps of {@link PreparedQuery}, with every read split over disjoint partitions and the
 * partial results merged, give exactly what {@link QueryEngine#query} gives on the same view.
 */
class PreparedQueryStepsTest {

  @Test
  void partitionedStepsEqualTheSingleViewResult() {
    long seed = Long.getLong("ormdb.model.seed", System.nanoTime());
    Random rnd = new Random(seed);
    QueryEngine engine = new QueryEngine();
    int compared = 0;
    int nonEmpty = 0;
    int aggregated = 0;
    try {
      for (int model = 0; model < 40; model++) {
        QueryModelTest.Model m = new QueryModelTest.Model(rnd, model + 1);
        m.open(ViewFactory.IN_MEMORY);
        for (int i = 0; i < 40; i++) {
          GraphQuery q = m.randomQuery(false);
          QueryResult expected;
          try {
            expected = engine.query(m.view, q, Map.of());
          } catch (OrmDbException e) {
            continue; // e.g. a literal of the wrong type: the same error either way
          }
          for (int partitions : new int[] {1, 3, 8}) {
            assertThat(partitioned(engine, m.view, q, partitions))
                .as("%s with %d partitions", q, partitions)
                .isEqualTo(expected);
            compared++;
          }
          nonEmpty += expected.totalRows() > 0 ? 1 : 0;
          aggregated += hasAggregates(q) && expected.totalRows() > 0 ? 1 : 0;
          if (expected.nextCursor() != null) {
            GraphQuery next =
                new GraphQuery(
                    q.rootEntity(),
                    q.fields(),
                    q.filter(),
                    q.orderBy(),
                    new Pagination(q.pagination().limit(), 0, expected.nextCursor()),
                    q.includes(),
                    q.readOptions(),
                    q.aggregates());
            assertThat(partitioned(engine, m.view, next, 3))
                .as("next page of %s", q)
                .isEqualTo(engine.query(m.view, next, Map.of()));
            compared++;
          }
        }
      }
    } catch (AssertionError e) {
      throw new AssertionError("replay with -Dormdb.model.seed=" + seed + ": " + e.getMessage(), e);
    }
    assertThat(compared).isGreaterThan(1_000);
    assertThat(nonEmpty).isGreaterThan(100);
    assertThat(aggregated).as("non-empty results with aggregates over relations").isGreaterThan(50);
  }

  static boolean hasAggregates(GraphQuery q) {
    return !q.aggregates().isEmpty()
        || q.includes().stream().anyMatch(i -> !i.aggregates().isEmpty());
  }

  @Test
  void partitionOfIsStableAndSpreadsIdentities() {
    assertThat(Partitioning.partitionOf(Value.of(42L), 8))
        .isEqualTo(Partitioning.partitionOf(Value.of(42), 8));
    assertThat(Partitioning.hash(Value.of("alice")))
        .isEqualTo(Partitioning.hash(Value.of("alice")));
    int[] counts = new int[8];
    for (long id = 1; id <= 8_000; id++) {
      counts[Partitioning.partitionOf(Value.of(id), 8)]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(700, 1_300);
    }
  }

  /** Runs the steps as a distributed executor would: each read once per partition, then merged. */
  static QueryResult partitioned(QueryEngine engine, ReadView view, GraphQuery q, int partitions) {
    PreparedQuery pq = engine.prepare(view, q, Map.of(), QueryBudget.DEFAULT);
    List<Row> candidates = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      candidates.addAll(pq.rootCandidates(view, owner(p, partitions)).rows());
    }
    PreparedQuery.RootPage root = pq.rootPage(candidates);
    List<List<Row>> rows = new ArrayList<>();
    List<PreparedQuery.IncludePage> includes = new ArrayList<>();
    rows.add(root.rows());
    includes.add(null);
    for (int level = 1; level < pq.levels(); level++) {
      List<Row> parents = rows.get(pq.parentLevel(level));
      List<Row> first = fetchAll(pq, view, level, 0, pq.parentKeys(level, parents), partitions);
      List<Row> second =
          pq.hops(level) == 2
              ? fetchAll(pq, view, level, 1, pq.edgeKeys(level, first), partitions)
              : null;
      PreparedQuery.IncludePage page = pq.attach(level, parents, first, second);
      rows.add(page.rows());
      includes.add(page);
    }
    List<PreparedQuery.AggregatePage> aggregates = new ArrayList<>();
    for (int g = 0; g < pq.aggregateGroups(); g++) {
      List<Row> parents = rows.get(pq.aggregateLevel(g));
      List<Row> first = fetchAggregated(pq, view, g, 0, pq.aggregateKeys(g, parents), partitions);
      List<Row> second =
          pq.aggregateHops(g) == 2
              ? fetchAggregated(pq, view, g, 1, pq.aggregateEdgeKeys(g, first), partitions)
              : null;
      aggregates.add(pq.aggregate(g, parents, first, second));
    }
    return pq.assemble(root, includes, aggregates, view.lsn());
  }

  private static List<Row> fetchAggregated(
      PreparedQuery pq, ReadView view, int group, int hop, SortedSet<Value> keys, int partitions) {
    List<Row> out = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      SortedSet<Value> mine = keys;
      if (pq.aggregateHopByIdentity(group, hop)) {
        mine = new TreeSet<>(keys.comparator());
        for (Value k : keys) {
          if (Partitioning.partitionOf(k, partitions) == p) {
            mine.add(k);
          }
        }
      }
      if (!mine.isEmpty()) {
        out.addAll(pq.aggregateFetch(view, group, hop, mine, owner(p, partitions)).rows());
      }
    }
    return out;
  }

  private static List<Row> fetchAll(
      PreparedQuery pq, ReadView view, int level, int hop, SortedSet<Value> keys, int partitions) {
    List<Row> out = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      SortedSet<Value> mine = keys;
      if (pq.hopByIdentity(level, hop)) {
        mine = new TreeSet<>(keys.comparator());
        for (Value k : keys) {
          if (Partitioning.partitionOf(k, partitions) == p) {
            mine.add(k);
          }
        }
      }
      if (!mine.isEmpty()) {
        out.addAll(pq.fetch(view, level, hop, mine, owner(p, partitions)).rows());
      }
    }
    return out;
  }

  private static Predicate<Value> owner(int p, int partitions) {
    return id -> Partitioning.partitionOf(id, partitions) == p;
  }
}
