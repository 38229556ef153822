package io.ormdb.store.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.query.RelationAggregate;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.query.internal.AggregateGroup;
import io.ormdb.store.query.internal.Level;
import io.ormdb.store.query.internal.QueryResolver;
import io.ormdb.store.query.internal.ResolveCache;
import io.ormdb.store.query.internal.ResolvedQuery;
import io.ormdb.store.query.internal.RowScanAggregateSource;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The resolve cache hands out what resolving the query would: the same levels, bound filters,
 * pages, cursors and plan key, and the same errors for literals that do not fit.
 */
class ResolveCacheTest {
  private static final SchemaBundle SCHEMA = Blog.schema(1);
  private static final Map<String, Value> ATTRS = Map.of("me", Value.of(3L));

  /** Query shapes; each is asked with several literals. */
  private static final List<IntFunction<GraphQuery>> SHAPES =
      List.of(
          i -> GraphQuery.from("User").where(Filter.eq("id", (long) i)).build(),
          i ->
              GraphQuery.from("User")
                  .where(
                      Filter.and(
                          Filter.cmp("age", Filter.Op.GE, 20 + i),
                          new Filter.In("city", List.of(Value.of("Rome")), false)))
                  .orderBy(OrderSpec.desc("age"))
                  .limit(2 + i)
                  .include(
                      new Include(
                          "posts",
                          List.of("id", "title"),
                          Filter.cmp("score", Filter.Op.LT, i),
                          List.of(OrderSpec.asc("score")),
                          Pagination.limit(3 + i),
                          List.of(
                              RelationAggregate.count("hot", "comments")
                                  .where(Filter.cmp("likes", Filter.Op.GT, i)),
                              RelationAggregate.of("likes", Function.SUM, "comments", "likes"))))
                  .include("posts.comments")
                  .build(),
          i ->
              GraphQuery.from("User")
                  .where(new Filter.Like("name", "user" + i + "%", false))
                  .aggregate(
                      RelationAggregate.of("best", Function.MAX, "posts", "score")
                          .where(Filter.not(Filter.eq("title", "t" + i))))
                  .build(),
          // a filter over link fields (the edge's own id is one), the target's and both
          i ->
              GraphQuery.from("Post")
                  .include(
                      Include.of("tags")
                          .where(
                              Filter.and(
                                  Filter.cmp("@id", Filter.Op.GT, (long) i),
                                  Filter.eq("label", "l" + i),
                                  Filter.or(
                                      Filter.eq("@id", (long) i + 7),
                                      Filter.eq("label", "x" + i)))))
                  .build(),
          i ->
              GraphQuery.from("Post")
                  .where(
                      Filter.or(
                          new Filter.AttrCompare("authorId", Filter.Op.EQ, "me"),
                          Filter.eq("score", i)))
                  .page(new Pagination(0, i + 1, null))
                  .include("tags")
                  .build());

  @Test
  void rebindingGivesWhatResolvingGives() {
    ResolveCache cache = new ResolveCache(16);
    for (int i = 0; i < 5; i++) {
      for (IntFunction<GraphQuery> shape : SHAPES) {
        GraphQuery q = shape.apply(i);
        ResolvedQuery cached = cache.resolve(SCHEMA, q, ATTRS, QueryBudget.DEFAULT);
        ResolvedQuery fresh = QueryResolver.resolve(SCHEMA, q, ATTRS, QueryBudget.DEFAULT);
        assertEquals(describe(fresh), describe(cached), "query " + q);
      }
    }
    assertEquals(SHAPES.size(), cache.size(), "one entry per shape, not per literal");
  }

  @Test
  void aLiteralThatDoesNotFitItsFieldIsRefusedOnAHitAsWithout() {
    ResolveCache cache = new ResolveCache(16);
    cache.resolve(
        SCHEMA, GraphQuery.from("User").where(Filter.eq("age", 30)).build(), ATTRS, budget());
    GraphQuery bad = GraphQuery.from("User").where(Filter.eq("age", "thirty")).build();
    OrmDbException expected =
        assertThrows(
            OrmDbException.class, () -> QueryResolver.resolve(SCHEMA, bad, ATTRS, budget()));
    OrmDbException got =
        assertThrows(OrmDbException.class, () -> cache.resolve(SCHEMA, bad, ATTRS, budget()));
    assertEquals(expected.code(), got.code());
    assertEquals(expected.getMessage(), got.getMessage());
  }

  @Test
  void anAggregateFilterLiteralThatDoesNotFitIsRefusedOnAHit() {
    ResolveCache cache = new ResolveCache(16);
    IntFunction<GraphQuery> shape =
        i ->
            GraphQuery.from("Post")
                .aggregate(
                    RelationAggregate.count("n", "comments")
                        .where(Filter.eq("likes", i == 0 ? Value.of(1) : Value.of("many"))))
                .build();
    cache.resolve(SCHEMA, shape.apply(0), ATTRS, budget());
    OrmDbException e =
        assertThrows(
            OrmDbException.class, () -> cache.resolve(SCHEMA, shape.apply(1), ATTRS, budget()));
    assertEquals(
        assertThrows(
                OrmDbException.class,
                () -> QueryResolver.resolve(SCHEMA, shape.apply(1), ATTRS, budget()))
            .getMessage(),
        e.getMessage());
  }

  @Test
  void cursorsAreCheckedOnAHit() {
    TestData data = Blog.data(8, 3, 0);
    QueryEngine engine = new QueryEngine();
    IntFunction<GraphQuery> page =
        i ->
            GraphQuery.from("User")
                .where(Filter.cmp("id", Filter.Op.GT, (long) i))
                .limit(2)
                .build();
    QueryResult first = engine.query(data.view(), page.apply(0), Map.of());
    GraphQuery next =
        GraphQuery.from("User")
            .where(Filter.cmp("id", Filter.Op.GT, 0L))
            .page(Pagination.after(first.nextCursor(), 2))
            .build();
    QueryResult second = engine.query(data.view(), next, Map.of());
    assertEquals(
        ResultObjects.toMaps(
            new QueryEngine(0, new RowScanAggregateSource()).query(data.view(), next, Map.of())),
        ResultObjects.toMaps(second));
    assertEquals(List.of(3L, 4L), ids(second));
    // the same cursor given to a query of another shape is refused, cached or not
    GraphQuery other =
        GraphQuery.from("User")
            .where(Filter.cmp("age", Filter.Op.GT, 0))
            .page(Pagination.after(first.nextCursor(), 2))
            .build();
    engine.query(
        data.view(),
        GraphQuery.from("User").where(Filter.cmp("age", Filter.Op.GT, 5)).limit(2).build(),
        Map.of());
    OrmDbException e =
        assertThrows(OrmDbException.class, () -> engine.query(data.view(), other, Map.of()));
    assertEquals("cursor does not belong to this query", e.getMessage());
  }

  @Test
  void aLiteralThatChangesTheFilterShapeIsResolvedInFull() {
    ResolveCache cache = new ResolveCache(16);
    GraphQuery prefix =
        GraphQuery.from("User").where(new Filter.Like("name", "us%", false)).build();
    GraphQuery infix =
        GraphQuery.from("User").where(new Filter.Like("name", "%er%", false)).build();
    GraphQuery nullCompare = GraphQuery.from("User").where(Filter.eq("age", Value.NULL)).build();
    GraphQuery valueCompare = GraphQuery.from("User").where(Filter.eq("age", 4)).build();
    for (GraphQuery q : List.of(prefix, infix, nullCompare, valueCompare, prefix)) {
      ResolvedQuery cached = cache.resolve(SCHEMA, q, ATTRS, budget());
      assertEquals(describe(QueryResolver.resolve(SCHEMA, q, ATTRS, budget())), describe(cached));
    }
    assertNotEquals(
        cache.resolve(SCHEMA, prefix, ATTRS, budget()).shapeKey(),
        cache.resolve(SCHEMA, infix, ATTRS, budget()).shapeKey());
  }

  @Test
  void anotherSchemaOrDepthBudgetIsResolvedAgain() {
    ResolveCache cache = new ResolveCache(16);
    GraphQuery q = GraphQuery.from("User").include("posts").include("posts.comments").build();
    cache.resolve(SCHEMA, q, ATTRS, budget());
    SchemaBundle v2 = Blog.schema(2);
    assertSame(v2, cache.resolve(v2, q, ATTRS, budget()).schema());
    OrmDbException e =
        assertThrows(
            OrmDbException.class,
            () -> cache.resolve(v2, q, ATTRS, new QueryBudget(1, 10_000, 50_000)));
    assertEquals(io.ormdb.protocol.ErrorCode.BUDGET_EXCEEDED, e.code());
  }

  @Test
  void aFullCacheStartsOver() {
    ResolveCache cache = new ResolveCache(2);
    for (IntFunction<GraphQuery> shape : SHAPES) {
      cache.resolve(SCHEMA, shape.apply(1), ATTRS, budget());
    }
    assertTrue(cache.size() >= 1 && cache.size() <= 2, "size " + cache.size());
  }

  /**
   * The cache's shape of a query names every component of the query model except the literals; a
   * component added to these records must be added to it (or this list, when it does not change
   * what resolving gives, like the read options).
   */
  @Test
  void theShapeKnowsEveryComponentOfTheQueryModel() {
    assertEquals(
        List.of(
            "rootEntity",
            "fields",
            "filter",
            "orderBy",
            "pagination",
            "includes",
            "readOptions",
            "aggregates"),
        names(GraphQuery.class));
    assertEquals(
        List.of("path", "fields", "filter", "orderBy", "pagination", "aggregates"),
        names(Include.class));
    assertEquals(
        List.of("label", "function", "relation", "field", "filter"),
        names(RelationAggregate.class));
    assertEquals(List.of("limit", "offset", "cursor"), names(Pagination.class));
  }

  private static List<String> names(Class<?> record) {
    return Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).toList();
  }

  private static QueryBudget budget() {
    return QueryBudget.DEFAULT;
  }

  private static List<Object> ids(QueryResult r) {
    return ResultObjects.toMaps(r).stream().map(m -> m.get("id")).toList();
  }

  /** Everything a resolution holds, as text (RowOrder compares by identity). */
  private static String describe(ResolvedQuery rq) {
    StringBuilder sb = new StringBuilder(rq.shapeKey());
    for (Level l : rq.levels()) {
      sb.append("\n")
          .append(
              List.of(
                  l.index(),
                  l.blockOrder(),
                  l.path(),
                  l.entity().name(),
                  String.valueOf(l.relation()),
                  l.parent(),
                  l.fields(),
                  String.valueOf(l.filter()),
                  l.filterShape(),
                  l.order().keys(),
                  l.limit(),
                  l.offset(),
                  String.valueOf(l.cursor()),
                  l.fingerprint(),
                  l.links()));
    }
    for (AggregateGroup g : rq.aggregates()) {
      sb.append("\n").append(g);
    }
    return sb.toString();
  }
}
