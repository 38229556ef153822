package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.result.EdgeBlock;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nulls go first or last in an order key as it says, by default first ascending and last
 * descending; pages followed by their cursors give the same rows in the same order, with and
 * without an index on the key, at the root and per parent in an include.
 */
class NullsOrderTest {
  static final String SCHEMA =
      """
      entity Team {
        id   int64 @id
        name string
        relation players: one to many Player by teamId
      }
      entity Player {
        id      int64  @id
        teamId  int64
        age     int32? @index
        score   int32?
        joined  int32  @index
        relation team: many to one Team by teamId
      }
      """;

  /** id → age (null for some), score (null for others). */
  static final Integer[][] PLAYERS = {
    {1, 30, null},
    {2, null, 5},
    {3, 20, 5},
    {4, null, null},
    {5, 40, 1},
    {6, 20, null},
    {7, null, 3},
    {8, 30, 2}
  };

  private OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(SchemaParser.parse(SCHEMA));
    List<Mutation> rows = new ArrayList<>();
    rows.add(insert("Team", "id", 1L, "name", "a"));
    rows.add(insert("Team", "id", 2L, "name", "b"));
    for (Integer[] p : PLAYERS) {
      rows.add(
          insert(
              "Player",
              "id",
              (long) p[0],
              "teamId",
              p[0] % 2 + 1L,
              "age",
              p[1],
              "score",
              p[2],
              "joined",
              p[0] * 10));
    }
    store.commit(new MutationBatch(rows));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Mutation insert(String entity, Object... kv) {
    Map<String, Value> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], Values.of(kv[i + 1]));
    }
    return new Mutation.Insert(entity, m);
  }

  private List<Long> ids(OrderSpec... order) {
    return ids(store.query(GraphQuery.from("Player").orderBy(order).build()));
  }

  private static List<Long> ids(QueryResult r) {
    return r.root().ids().stream().map(Value::asLong).toList();
  }

  @Test
  void nullsGoWhereTheKeySays() {
    // ages: 1:30 2:- 3:20 4:- 5:40 6:20 7:- 8:30
    assertThat(ids(OrderSpec.asc("age"))).containsExactly(2L, 4L, 7L, 3L, 6L, 1L, 8L, 5L);
    assertThat(ids(OrderSpec.asc("age").nullsFirst()))
        .containsExactly(2L, 4L, 7L, 3L, 6L, 1L, 8L, 5L);
    assertThat(ids(OrderSpec.asc("age").nullsLast()))
        .containsExactly(3L, 6L, 1L, 8L, 5L, 2L, 4L, 7L);
    assertThat(ids(OrderSpec.desc("age"))).containsExactly(5L, 1L, 8L, 3L, 6L, 2L, 4L, 7L);
    assertThat(ids(OrderSpec.desc("age").nullsLast()))
        .containsExactly(5L, 1L, 8L, 3L, 6L, 2L, 4L, 7L);
    assertThat(ids(OrderSpec.desc("age").nullsFirst()))
        .containsExactly(2L, 4L, 7L, 5L, 1L, 8L, 3L, 6L);
    // a second key with its own placement; scores: 1:- 2:5 3:5 4:- 5:1 6:- 7:3 8:2
    assertThat(ids(OrderSpec.asc("age").nullsLast(), OrderSpec.desc("score").nullsFirst()))
        .containsExactly(6L, 3L, 1L, 8L, 5L, 4L, 2L, 7L);
  }

  @Test
  void everyPageSizeAndPlacementWalksTheWholeOrder() {
    List<UnaryOperator<OrderSpec>> placements =
        List.of(k -> k, OrderSpec::nullsFirst, OrderSpec::nullsLast);
    for (String field : List.of("age", "score")) { // indexed, not indexed
      for (boolean desc : List.of(false, true)) {
        for (UnaryOperator<OrderSpec> placement : placements) {
          OrderSpec key = placement.apply(desc ? OrderSpec.desc(field) : OrderSpec.asc(field));
          List<Long> all = ids(key);
          for (int limit = 1; limit <= 4; limit++) {
            assertThat(walk(key, limit)).as("%s by %d", key, limit).isEqualTo(all);
          }
        }
      }
    }
  }

  private List<Long> walk(OrderSpec key, int limit) {
    List<Long> seen = new ArrayList<>();
    QueryResult r =
        store.query(GraphQuery.from("Player").orderBy(key).page(Pagination.limit(limit)).build());
    seen.addAll(ids(r));
    while (r.hasMore()) {
      r =
          store.query(
              GraphQuery.from("Player")
                  .orderBy(key)
                  .page(Pagination.after(r.nextCursor(), limit))
                  .build());
      seen.addAll(ids(r));
      assertThat(seen.size()).isLessThanOrEqualTo(PLAYERS.length);
    }
    return seen;
  }

  @Test
  void anIncludeOrdersEachParentsChildrenWithItsPlacementAndPagesThem() {
    // team 1: players 2, 4, 6, 8 (ages -, -, 20, 30); team 2: 1, 3, 5, 7 (30, 20, 40, -)
    Include byAge =
        new Include(
            "players",
            List.of(),
            null,
            List.of(OrderSpec.desc("age").nullsFirst()),
            Pagination.limit(3));
    QueryResult r =
        store.query(GraphQuery.from("Team").orderBy(OrderSpec.asc("id")).include(byAge).build());
    EdgeBlock edges = r.edges("players");
    assertThat(children(edges, 1L)).containsExactly(2L, 4L, 8L);
    assertThat(children(edges, 2L)).containsExactly(7L, 5L, 1L);
    EdgeBlock.ParentPage page = edges.pages().get(0);
    Include next =
        new Include(
            "players", List.of(), null, byAge.orderBy(), Pagination.after(page.nextCursor(), 3));
    QueryResult rest =
        store.query(GraphQuery.from("Team").orderBy(OrderSpec.asc("id")).include(next).build());
    assertThat(children(rest.edges("players"), page.parentId().asLong()))
        .containsExactly(page.parentId().asLong() == 1L ? 6L : 3L);
  }

  private static List<Long> children(EdgeBlock edges, long parent) {
    List<Long> out = new ArrayList<>();
    for (EdgeBlock.Edge e : edges.edges()) {
      if (e.from().asLong() == parent) {
        out.add(e.to().asLong());
      }
    }
    return out;
  }

  @Test
  void anIndexGivesTheOrderOnlyWhereItHasTheNulls() {
    String nullsLast =
        store
            .explain(
                GraphQuery.from("Player")
                    .orderBy(OrderSpec.asc("age").nullsLast())
                    .limit(2)
                    .build(),
                false)
            .text();
    assertThat(nullsLast).contains("order [age asc nulls last, id asc]: top-K sort");
    String byDefault =
        store
            .explain(
                GraphQuery.from("Player")
                    .orderBy(OrderSpec.desc("age").nullsLast())
                    .limit(2)
                    .build(),
                false)
            .text();
    assertThat(byDefault).contains("index-order").contains("order [age desc, id asc]: index order");
    assertThat(
            ids(
                store.query(
                    GraphQuery.from("Player")
                        .orderBy(OrderSpec.desc("age").nullsLast())
                        .limit(4)
                        .build())))
        .containsExactly(5L, 1L, 8L, 3L);
    // a field that holds no null: any placement reads the index in order
    String required =
        store
            .explain(
                GraphQuery.from("Player")
                    .orderBy(OrderSpec.asc("joined").nullsLast())
                    .limit(2)
                    .build(),
                false)
            .text();
    assertThat(required).contains("index-order");
    assertThat(
            ids(
                store.query(
                    GraphQuery.from("Player")
                        .orderBy(OrderSpec.asc("joined").nullsLast())
                        .limit(2)
                        .build())))
        .containsExactly(1L, 2L);
  }
}
