package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.Filter.Op;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.result.ExplainResult.PlanStep;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.ReadView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Access paths, joins, explain output and the plan cache. */
class QueryPlanTest {
  private final QueryEngine engine = new QueryEngine();
  private final TestData data = Blog.data(20, 3, 2);
  private final ReadView view = data.view();

  private PlanStep root(GraphQuery q) {
    return engine.explain(view, q, false).steps().get(0);
  }

  @Test
  void identityEqualityAndInUseThePrimaryKey() {
    assertThat(root(GraphQuery.from("User").where(Filter.eq("id", 3L)).build()).access())
        .isEqualTo("primary-key");
    PlanStep in =
        root(
            GraphQuery.from("User")
                .where(
                    Filter.and(
                        new Filter.In("id", List.of(Value.of(1L), Value.of(2L)), false),
                        Filter.eq("city", "Paris")))
                .build());
    assertThat(in.access()).isEqualTo("primary-key");
    assertThat(in.estimatedRows()).isEqualTo(1);
    assertThat(in.detail())
        .contains("index condition: id in ?")
        .contains("residual filter: city == ?");
  }

  @Test
  void anInListOnAnIndexedFieldReadsOneEqualRangePerValue() {
    GraphQuery q =
        GraphQuery.from("User")
            .where(
                new Filter.In(
                    "email", List.of(Value.of("u3@x.io"), Value.of("u5@x.io"), Value.NULL), false))
            .orderBy(OrderSpec.desc("id"))
            .build();
    PlanStep in = root(q);
    assertThat(in.access()).isEqualTo("index-in");
    assertThat(in.index()).isEqualTo("User_email_idx");
    assertThat(in.detail()).contains("index condition: email in ?").contains("sort");
    assertThat(engine.query(view, q, Map.of()).root().ids())
        .containsExactly(Value.of(5L), Value.of(3L));
  }

  @Test
  void equalityPrefixAndRangeUseTheCompositeIndex() {
    PlanStep eq = root(GraphQuery.from("User").where(Filter.eq("email", "u3@x.io")).build());
    assertThat(eq.access()).isEqualTo("index-eq");
    assertThat(eq.index()).isEqualTo("User_email_idx");

    PlanStep range =
        root(
            GraphQuery.from("User")
                .where(Filter.and(Filter.eq("city", "Paris"), Filter.cmp("age", Op.GT, 22)))
                .build());
    assertThat(range.access()).isEqualTo("index-range");
    assertThat(range.index()).isEqualTo("User_city_age_idx");
    assertThat(range.detail()).contains("index condition: city == ? and age > ?");

    PlanStep hash = root(GraphQuery.from("User").where(Filter.eq("name", "user3")).build());
    assertThat(hash.access()).isEqualTo("index-eq");
    assertThat(hash.index()).isEqualTo("User_name_hidx");
  }

  @Test
  void aSelectiveStepOnANonEmptyEntityIsNeverEstimatedAtZeroRows() {
    ReadView small = Blog.data(3, 1, 1).view();
    PlanStep range =
        engine
            .explain(
                small,
                GraphQuery.from("User")
                    .where(Filter.and(Filter.eq("city", "Paris"), Filter.cmp("age", Op.GT, 22)))
                    .build(),
                false)
            .steps()
            .get(0);
    assertThat(range.access()).isEqualTo("index-range");
    assertThat(range.estimatedRows()).isEqualTo(1);
  }

  @Test
  void prefixLikeUsesAnOrderedIndexButOtherPatternsScan() {
    PlanStep like =
        root(GraphQuery.from("User").where(new Filter.Like("email", "u1%", false)).build());
    assertThat(like.access()).isEqualTo("index-range");
    assertThat(like.index()).isEqualTo("User_email_idx");
    assertThat(
            engine
                .query(
                    view,
                    GraphQuery.from("User").where(new Filter.Like("email", "u1%", false)).build(),
                    Map.of())
                .root()
                .ids())
        .extracting(Value::asLong)
        .containsExactly(1L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
    assertThat(
            root(GraphQuery.from("User").where(new Filter.Like("email", "%1", false)).build())
                .access())
        .isEqualTo("scan");
    // the hash index on name cannot serve a range
    assertThat(
            root(GraphQuery.from("User").where(new Filter.Like("name", "u%", false)).build())
                .access())
        .isEqualTo("scan");
  }

  @Test
  void orderByAnIndexWithLimitReadsInOrderAndStopsEarly() {
    GraphQuery q = GraphQuery.from("Post").orderBy(OrderSpec.asc("score")).limit(3).build();
    ExplainResult e = engine.explain(view, q, true);
    PlanStep s = e.steps().get(0);
    assertThat(s.access()).isEqualTo("index-order");
    assertThat(s.index()).isEqualTo("Post_score_idx");
    assertThat(s.detail()).contains("index order, no sort, stops after the page");
    assertThat(s.actualRows()).isEqualTo(3);

    PlanStep withPrefix =
        root(
            GraphQuery.from("User")
                .where(Filter.eq("city", "Rome"))
                .orderBy(OrderSpec.asc("age"))
                .build());
    assertThat(withPrefix.index()).isEqualTo("User_city_age_idx");
    assertThat(withPrefix.detail()).contains("no sort");

    PlanStep noLimit = root(GraphQuery.from("Post").orderBy(OrderSpec.asc("score")).build());
    assertThat(noLimit.access()).isEqualTo("scan");
    assertThat(noLimit.detail()).contains("full sort");

    PlanStep topK = root(GraphQuery.from("Post").orderBy(OrderSpec.asc("title")).limit(4).build());
    assertThat(topK.access()).isEqualTo("scan");
    assertThat(topK.detail()).contains("top-K sort keeping 5 rows");
  }

  @Test
  void indexOrderAndScanGiveTheSameRowsAsSorting() {
    for (OrderSpec o : List.of(OrderSpec.asc("score"), OrderSpec.desc("score"))) {
      List<Value> indexed =
          engine
              .query(view, GraphQuery.from("Post").orderBy(o).limit(7).build(), Map.of())
              .root()
              .ids();
      List<Value> sorted =
          engine.query(view, GraphQuery.from("Post").orderBy(o).build(), Map.of()).root().ids();
      assertThat(indexed).isEqualTo(sorted.subList(0, 7));
    }
  }

  @Test
  void includesReportTheirJoinStrategy() {
    GraphQuery q =
        GraphQuery.from("User")
            .where(Filter.cmp("id", Op.LE, 3L))
            .include("posts")
            .include("posts.author")
            .include("posts.tags")
            .build();
    ExplainResult e = engine.explain(view, q, true);
    assertThat(e.steps())
        .extracting(PlanStep::path)
        .containsExactly("", "posts", "posts.author", "posts.tags");
    PlanStep posts = e.steps().get(1);
    assertThat(posts.access()).isEqualTo("index-merge");
    assertThat(posts.index()).isEqualTo("Post_authorId_idx");
    assertThat(posts.actualRows()).isEqualTo(9);
    assertThat(posts.detail()).contains("join: User.id = Post.authorId (one_to_many)");
    assertThat(e.steps().get(2).access()).isEqualTo("pk-batch");
    assertThat(e.steps().get(2).actualRows()).isEqualTo(3);
    assertThat(e.steps().get(3).access()).isEqualTo("index-merge then pk-batch");
    assertThat(e.text())
        .contains("root: User by scan")
        .contains("include posts: Post by index-merge using Post_authorId_idx")
        .contains("actual 9 rows");
  }

  @Test
  void manyParentsOverMostOfTheChildrenUseAHashJoin() {
    ReadView big = Blog.data(150, 3, 0).view();
    ExplainResult e = engine.explain(big, GraphQuery.from("User").include("posts").build(), true);
    assertThat(e.steps().get(1).access()).isEqualTo("hash");
    assertThat(e.steps().get(1).actualRows()).isEqualTo(450);
  }

  @Test
  void planCacheHitsOnALiteralChangeAndMissesOnAnotherShape() {
    QueryEngine fresh = new QueryEngine();
    GraphQuery a = GraphQuery.from("User").where(Filter.eq("email", "u1@x.io")).build();
    GraphQuery b = GraphQuery.from("User").where(Filter.eq("email", "u2@x.io")).build();
    GraphQuery other = GraphQuery.from("User").where(Filter.eq("name", "user2")).build();
    assertThat(fresh.explain(view, a, false).planCached()).isFalse();
    assertThat(fresh.explain(view, b, false).planCached()).isTrue();
    assertThat(fresh.query(view, b, Map.of()).root().ids()).containsExactly(Value.of(2L));
    assertThat(fresh.explain(view, other, false).planCached()).isFalse();
    assertThat(fresh.cachedPlans()).isEqualTo(2);
    // a null literal changes what can use an index: another shape
    GraphQuery nullLiteral = GraphQuery.from("User").where(Filter.eq("email", null)).build();
    ExplainResult n = fresh.explain(view, nullLiteral, false);
    assertThat(n.planCached()).isFalse();
    assertThat(n.steps().get(0).access()).isEqualTo("scan");
    assertThat(n.text()).startsWith("plan for User (new)");
  }

  @Test
  void aNewSchemaVersionInvalidatesTheCache() {
    QueryEngine fresh = new QueryEngine();
    GraphQuery q = GraphQuery.from("User").where(Filter.eq("email", "u1@x.io")).build();
    fresh.explain(view, q, false);
    assertThat(fresh.explain(view, q, false).planCached()).isTrue();
    data.schema(data.schema().withVersion(2));
    ReadView v2 = data.view();
    assertThat(fresh.explain(v2, q, false).planCached()).isFalse();
    assertThat(fresh.cachedPlans()).isEqualTo(1);
    assertThat(fresh.explain(v2, q, false).planCached()).isTrue();
  }

  @Test
  void prepareIfCachedNeedsACachedPlanOfTheSameSchemaAndSharesItAcrossLiterals() {
    QueryEngine fresh = new QueryEngine();
    GraphQuery first = GraphQuery.from("User").where(Filter.eq("id", 3L)).build();
    GraphQuery other = GraphQuery.from("User").where(Filter.eq("id", 7L)).build();
    assertThat(fresh.prepareIfCached(view.schema(), first, Map.of(), QueryBudget.DEFAULT)).isNull();
    fresh.prepare(view, first, Map.of(), QueryBudget.DEFAULT);
    PreparedQuery cached =
        fresh.prepareIfCached(view.schema(), other, Map.of(), QueryBudget.DEFAULT);
    assertThat(cached).isNotNull();
    assertThat(cached.rootIdentities()).containsExactly(Value.of(7L));
    assertThat(cached.levels()).isEqualTo(1);
    assertThat(cached.rootCandidates(view, null).rows())
        .isEqualTo(
            fresh
                .prepare(view, other, Map.of(), QueryBudget.DEFAULT)
                .rootCandidates(view, null)
                .rows());
    // another schema: no plan, and the probe leaves the cache alone
    assertThat(
            fresh.prepareIfCached(
                view.schema().withVersion(9), other, Map.of(), QueryBudget.DEFAULT))
        .isNull();
    assertThat(fresh.cachedPlans()).isEqualTo(1);
  }

  @Test
  void perParentPaginationAppearsInExplain() {
    GraphQuery q =
        GraphQuery.from("User")
            .include(
                new Include(
                    "posts",
                    List.of(),
                    Filter.cmp("score", Op.GT, 2),
                    List.of(),
                    Pagination.limit(1)))
            .build();
    ExplainResult e = engine.explain(view, q, false);
    assertThat(e.steps().get(1).actualRows()).isEqualTo(-1);
    assertThat(e.steps().get(1).detail())
        .contains("residual filter: score > ?")
        .contains("per parent: limit 1");
  }
}
