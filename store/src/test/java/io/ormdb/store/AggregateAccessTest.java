package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.AggregateQuery.Aggregation;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An aggregate whose filter looks rows up by keys ({@code ==} or {@code in} on the identity or an
 * indexed field) reads those rows through the index instead of every row's columns; any other
 * filter reads the column store. Explain says which, and both give the same result.
 */
class AggregateAccessTest {
  private static final int MOVIES = 50;
  private static final int REVIEWS = 2_000;

  private OrmStore store;

  @BeforeEach
  void load() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(
        SchemaParser.parse(
            "entity Review {\n  id int64 @id\n  movie_id int64 @index\n  rating int32\n}\n"));
    List<Mutation> rows = new ArrayList<>();
    for (long i = 0; i < REVIEWS; i++) {
      rows.add(
          new Mutation.Insert(
              "Review",
              Map.of(
                  "id", Value.of(i),
                  "movie_id", Value.of(i % MOVIES),
                  "rating", Value.of((int) (i % 7)))));
    }
    store.commit(new MutationBatch(rows));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static AggregateQuery avgRatingByMovie(Filter filter) {
    return new AggregateQuery(
        "Review",
        List.of(new Aggregation(Function.AVG, "rating"), new Aggregation(Function.COUNT, null)),
        filter,
        List.of("movie_id"),
        null);
  }

  @Test
  void anEqualityOnAnIndexedFieldReadsTheMatchingRowsThroughTheIndex() {
    AggregateQuery q = avgRatingByMovie(Filter.cmp("movie_id", Filter.Op.EQ, 7L));
    long columnar = store.columnStore().columnarAggregates();
    long rowScans = store.columnStore().rowScanAggregates();

    List<List<Value>> rows = store.aggregate(q).rows();

    assertThat(store.columnStore().columnarAggregates()).isEqualTo(columnar);
    assertThat(store.columnStore().rowScanAggregates()).isEqualTo(rowScans + 1);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get(0)).isEqualTo(Value.of(7L));
    assertThat(rows.get(0).get(2)).isEqualTo(Value.of((long) (REVIEWS / MOVIES)));
    assertThat(rows).isEqualTo(expected(q));

    ExplainResult plan = store.explain(q);
    assertThat(plan.steps()).hasSize(1);
    assertThat(plan.steps().get(0).access()).isEqualTo("index-eq");
    assertThat(plan.steps().get(0).index()).isNotNull();
    assertThat(plan.steps().get(0).estimatedRows()).isLessThan(REVIEWS);
    assertThat(plan.text()).contains("Review by index-eq using");
  }

  @Test
  void anInListOnAnIndexedFieldOrTheIdentityReadsOnlyThoseRows() {
    AggregateQuery byMovies =
        avgRatingByMovie(new Filter.In("movie_id", List.of(Value.of(1L), Value.of(2L)), false));
    AggregateQuery byIds =
        avgRatingByMovie(
            new Filter.In("id", List.of(Value.of(1L), Value.of(2L), Value.of(51L)), false));
    long columnar = store.columnStore().columnarAggregates();

    assertThat(store.aggregate(byMovies).rows()).hasSize(2).isEqualTo(expected(byMovies));
    assertThat(store.aggregate(byIds).rows()).hasSize(2).isEqualTo(expected(byIds));

    assertThat(store.columnStore().columnarAggregates()).isEqualTo(columnar);
    assertThat(store.explain(byMovies).steps().get(0).access()).isEqualTo("index-in");
    assertThat(store.explain(byIds).steps().get(0).access()).isEqualTo("primary-key");
    assertThat(store.explain(byIds).steps().get(0).estimatedRows()).isEqualTo(3);
  }

  @Test
  void noFilterOrARangeReadsTheColumnStore() {
    AggregateQuery all = avgRatingByMovie(null);
    AggregateQuery range = avgRatingByMovie(Filter.cmp("rating", Filter.Op.GE, 3));
    long columnar = store.columnStore().columnarAggregates();

    assertThat(store.aggregate(all).rows()).hasSize(MOVIES).isEqualTo(expected(all));
    assertThat(store.aggregate(range).rows()).hasSize(MOVIES).isEqualTo(expected(range));

    assertThat(store.columnStore().columnarAggregates()).isEqualTo(columnar + 2);
    assertThat(store.explain(all).steps().get(0).access()).isEqualTo("columnar");
    assertThat(store.explain(range).text()).contains("Review by columnar");
  }

  /** The aggregate computed here from every row, in group order. */
  private List<List<Value>> expected(AggregateQuery q) {
    java.util.TreeMap<Long, long[]> groups = new java.util.TreeMap<>();
    for (var row : StoreTestSupport.all(store, "Review")) {
      Map<String, Value> fields =
          Map.of("id", row.get("id"), "movie_id", row.get("movie_id"), "rating", row.get("rating"));
      if (q.filter() != null
          && !io.ormdb.store.filter.FilterEvaluator.matches(q.filter(), fields::get)) {
        continue;
      }
      long[] g = groups.computeIfAbsent(row.get("movie_id").asLong(), k -> new long[2]);
      g[0] += row.get("rating").asLong();
      g[1]++;
    }
    List<List<Value>> out = new ArrayList<>();
    groups.forEach(
        (movie, g) ->
            out.add(List.of(Value.of(movie), Value.of((double) g[0] / g[1]), Value.of(g[1]))));
    return out;
  }
}
