package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.Filter.Op;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.result.EdgeBlock;
import io.ormdb.protocol.result.EntityBlock;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.ReadView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryGraphTest {
  private final QueryEngine engine = new QueryEngine();
  private final ReadView view = Blog.data(10, 3, 2).view();

  static List<Long> ids(EntityBlock b) {
    return b.ids().stream().map(Value::asLong).toList();
  }

  private QueryResult run(GraphQuery q) {
    return engine.query(view, q, Map.of());
  }

  @Test
  void rootRowsComeInIdentityOrderWithAllFieldsByDefault() {
    QueryResult r = run(GraphQuery.from("User").build());
    assertThat(ids(r.root())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(r.root().columns())
        .extracting(c -> c.name())
        .containsExactly("id", "name", "email", "age", "city");
    assertThat(r.root().versions()).allMatch(v -> v > 0);
    assertThat(r.hasMore()).isFalse();
    assertThat(r.nextCursor()).isNull();
    assertThat(r.snapshotLsn()).isEqualTo(view.lsn());
  }

  @Test
  void nestedFiltersOrderLimitAndOffset() {
    Filter f =
        Filter.or(
            Filter.and(Filter.eq("city", "Paris"), Filter.not(Filter.cmp("age", Op.LT, 25))),
            new Filter.In("id", List.of(Value.of(2L), Value.of(3L)), false),
            new Filter.IsNull("age", false));
    QueryResult r =
        run(
            GraphQuery.from("User")
                .where(f)
                .orderBy(OrderSpec.desc("age"))
                .page(new Pagination(2, 1, null))
                .build());
    // Matching: Paris = ids 1,5,9 (ages 21,25,29) -> 5,9 ; ids 2,3 ; age null: 7
    // order age desc (nulls last): 9(29), 5(25), 3(23), 2(22), 7(null); offset 1 limit 2
    assertThat(ids(r.root())).containsExactly(5L, 3L);
    assertThat(r.hasMore()).isTrue();
    assertThat(r.nextCursor()).isNotNull();
  }

  @Test
  void projectionReturnsOnlyTheSelectedFieldsInOrder() {
    QueryResult r = run(GraphQuery.from("User").select("email", "name").limit(1).build());
    assertThat(r.root().columns()).extracting(c -> c.name()).containsExactly("email", "name");
    assertThat(ResultObjects.toMaps(r))
        .containsExactly(Map.of("email", "u1@x.io", "name", "user1"));
  }

  @Test
  void threeLevelIncludesWithPerIncludeFilterOrderAndLimit() {
    QueryResult r =
        run(
            GraphQuery.from("User")
                .where(new Filter.In("id", List.of(Value.of(1L), Value.of(2L)), false))
                .include(
                    new Include(
                        "posts",
                        List.of("title", "score"),
                        Filter.cmp("score", Op.GE, 0),
                        List.of(OrderSpec.desc("score")),
                        Pagination.limit(2)))
                .include(
                    new Include(
                        "posts.comments",
                        List.of("likes"),
                        Filter.cmp("likes", Op.GT, 1),
                        List.of(),
                        Pagination.NONE))
                .include("posts.comments.post")
                .build());
    // user1 posts 101..103 scores 8,9,0 -> desc: 102(9), 101(8); user2 posts 201..203: 5,6,7
    EdgeBlock posts = r.edges("posts");
    assertThat(posts.toMany()).isTrue();
    assertThat(posts.edges())
        .extracting(e -> e.from().asLong() + "->" + e.to().asLong())
        .containsExactly("1->102", "1->101", "2->203", "2->202");
    assertThat(posts.pages()).extracting(p -> p.parentId().asLong()).containsExactly(1L, 2L);
    assertThat(ids(r.block("posts"))).containsExactly(102L, 101L, 203L, 202L);
    assertThat(ids(r.block("posts.comments"))).containsExactly(10202L, 10102L, 20302L, 20202L);
    EdgeBlock back = r.edges("posts.comments.post");
    assertThat(back.toMany()).isFalse();
    assertThat(ids(r.block("posts.comments.post"))).containsExactly(102L, 101L, 203L, 202L);

    List<Map<String, Object>> maps = ResultObjects.toMaps(r);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> user1Posts = (List<Map<String, Object>>) maps.get(0).get("posts");
    assertThat(user1Posts).extracting(m -> m.get("title")).containsExactly("post 102", "post 101");
    assertThat(r.entities())
        .extracting(EntityBlock::path)
        .containsExactly("", "posts", "posts.comments", "posts.comments.post");
  }

  @Test
  void manyToOneChildAppearsOnceEvenWithManyParents() {
    QueryResult r =
        run(
            GraphQuery.from("Post")
                .where(Filter.cmp("authorId", Op.LE, 2))
                .include(new Include("author", List.of("name"), null, List.of(), null))
                .build());
    assertThat(r.root().size()).isEqualTo(6);
    assertThat(ids(r.block("author"))).containsExactly(1L, 2L);
    assertThat(r.edges("author").edges()).hasSize(6);
    assertThat(ResultObjects.toMaps(r).get(3).get("author")).isEqualTo(Map.of("name", "user2"));
  }

  @Test
  void manyToManyThroughTheEdgeEntity() {
    QueryResult r =
        run(
            GraphQuery.from("Post")
                .where(new Filter.In("id", List.of(Value.of(101L), Value.of(102L)), false))
                .include(
                    new Include(
                        "tags", List.of("label"), null, List.of(OrderSpec.desc("label")), null))
                .build());
    assertThat(r.edges("tags").toMany()).isTrue();
    assertThat(r.edges("tags").edges())
        .extracting(e -> e.from().asLong() + "->" + e.to().asLong())
        .containsExactly("101->1", "101->2");
    List<Map<String, Object>> maps = ResultObjects.toMaps(r);
    assertThat(maps.get(0).get("tags"))
        .isEqualTo(List.of(Map.of("label", "java"), Map.of("label", "db")));
    assertThat(maps.get(1).get("tags")).isEqualTo(List.of());
  }

  @Test
  void defaultOrderOfTheEntityAppliesWhenNoneIsGiven() {
    TestData d = Blog.data(3, 0, 0);
    io.ormdb.protocol.schema.EntityDef user =
        new io.ormdb.protocol.schema.EntityDef(
            "User", "id", Blog.USER.fields(), false, List.of(OrderSpec.desc("name")));
    io.ormdb.protocol.schema.SchemaBundle s = d.schema();
    List<io.ormdb.protocol.schema.EntityDef> entities =
        s.entities().stream().map(e -> e.name().equals("User") ? user : e).toList();
    d.schema(
        new io.ormdb.protocol.schema.SchemaBundle(
            2, s.enums(), entities, s.relations(), s.constraints(), s.indexes(), s.policies()));
    QueryResult r = engine.query(d.view(), GraphQuery.from("User").build(), Map.of());
    assertThat(ids(r.root())).containsExactly(3L, 2L, 1L);
  }

  @Test
  void sessionAttributesBindIntoFilters() {
    QueryResult r =
        engine.query(
            view,
            GraphQuery.from("User").where(new Filter.AttrCompare("id", Op.EQ, "user.id")).build(),
            Map.of("user.id", Value.of(4L)));
    assertThat(ids(r.root())).containsExactly(4L);
    QueryResult none =
        engine.query(
            view,
            GraphQuery.from("User").where(new Filter.AttrCompare("id", Op.EQ, "user.id")).build(),
            Map.of());
    assertThat(none.root().size()).isZero();
  }
}
