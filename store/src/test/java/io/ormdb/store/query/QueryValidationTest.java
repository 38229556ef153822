package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.AggregateQuery.Aggregation;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.store.view.ReadView;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class QueryValidationTest {
  private final QueryEngine engine = new QueryEngine();
  private final ReadView view = Blog.data(5, 3, 1).view();

  private AbstractThrowableAssert<?, ? extends Throwable> fails(GraphQuery q) {
    return assertThatThrownBy(() -> engine.query(view, q, Map.of()))
        .isInstanceOf(OrmDbException.class)
        .satisfies(
            e -> assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }

  private static Include inc(String path, Pagination page) {
    return new Include(path, List.of(), null, List.of(), page);
  }

  @Test
  void unknownRootEntity() {
    fails(GraphQuery.from("Usr").build()).hasMessage("unknown entity 'Usr' (did you mean 'User'?)");
    fails(GraphQuery.from("Zebra").build()).hasMessage("unknown entity 'Zebra'");
  }

  @Test
  void unknownFieldsInSelectAndOrder() {
    fails(GraphQuery.from("User").select("emial").build())
        .hasMessage("select: unknown field 'emial' on entity User (did you mean 'email'?)");
    fails(GraphQuery.from("User").select("name", "name").build())
        .hasMessage("select: field 'name' is listed twice");
    fails(GraphQuery.from("User").orderBy(OrderSpec.asc("agee")).build())
        .hasMessage("order by: unknown field 'agee' on entity User (did you mean 'age'?)");
    fails(
            GraphQuery.from("User")
                .include(new Include("posts", List.of("titel"), null, List.of(), null))
                .build())
        .hasMessage(
            "select of include 'posts': unknown field 'titel' on entity Post (did you mean 'title'?)");
    fails(
            GraphQuery.from("User")
                .include(
                    new Include("posts", List.of(), null, List.of(OrderSpec.desc("scroe")), null))
                .build())
        .hasMessage(
            "order by of include 'posts': unknown field 'scroe' on entity Post (did you mean 'score'?)");
  }

  @Test
  void includePaths() {
    fails(GraphQuery.from("User").include("posts").include("posts.coments").build())
        .hasMessage(
            "include 'posts.coments': unknown relation 'coments' on entity Post (did you mean 'comments'?)");
    fails(GraphQuery.from("User").include("posts.comments").build())
        .hasMessage("include 'posts.comments': its parent path 'posts' is not included");
    fails(GraphQuery.from("User").include("posts").include("posts").build())
        .hasMessage("include 'posts' is listed twice");
    fails(GraphQuery.from("User").include("author").build())
        .hasMessage("include 'author': unknown relation 'author' on entity User");
  }

  @Test
  void nestedIncludeMayBeListedBeforeItsParent() {
    assertThat(
            engine
                .query(
                    view,
                    GraphQuery.from("User").include("posts.comments").include("posts").build(),
                    Map.of())
                .entities())
        .extracting(b -> b.path())
        .containsExactly("", "posts.comments", "posts");
  }

  @Test
  void filters() {
    fails(GraphQuery.from("User").where(Filter.eq("age", "x")).build())
        .hasMessage("filter: field User.age is int32 but is compared with string \"x\"");
    fails(GraphQuery.from("User").where(Filter.eq("nme", "x")).build())
        .hasMessage("filter: unknown field 'nme' on entity User (did you mean 'name'?)");
    fails(
            GraphQuery.from("User")
                .include(new Include("posts", List.of(), Filter.eq("scroe", 1), List.of(), null))
                .build())
        .hasMessage(
            "filter of include 'posts': unknown field 'scroe' on entity Post (did you mean 'score'?)");
  }

  @Test
  void pagination() {
    assertThatThrownBy(() -> new Pagination(-1, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be >= 0, got -1");
    assertThatThrownBy(() -> new Pagination(1, -2, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("offset must be >= 0, got -2");
    String cursor =
        engine.query(view, GraphQuery.from("User").limit(2).build(), Map.of()).nextCursor();
    fails(GraphQuery.from("User").page(new Pagination(2, 1, cursor)).build())
        .hasMessage("pagination: offset cannot be combined with a cursor");
    fails(GraphQuery.from("User").include(inc("posts", new Pagination(2, 1, "x"))).build())
        .hasMessage("pagination of include 'posts': offset cannot be combined with a cursor");
  }

  @Test
  void cursorsFromOtherQueriesOrCorrupted() {
    String cursor =
        engine.query(view, GraphQuery.from("User").limit(2).build(), Map.of()).nextCursor();
    assertThat(cursor).isNotNull();
    // another order
    fails(
            GraphQuery.from("User")
                .orderBy(OrderSpec.asc("name"))
                .page(Pagination.after(cursor, 2))
                .build())
        .hasMessage("cursor does not belong to this query");
    // another entity
    fails(GraphQuery.from("Post").page(Pagination.after(cursor, 2)).build())
        .hasMessage("cursor does not belong to this query");
    // another filter shape
    fails(
            GraphQuery.from("User")
                .where(Filter.eq("name", "a"))
                .page(Pagination.after(cursor, 2))
                .build())
        .hasMessage("cursor does not belong to this query");
    // corrupted: flip one character, truncate, garbage
    char c = cursor.charAt(5);
    String flipped = cursor.substring(0, 5) + (c == 'A' ? 'B' : 'A') + cursor.substring(6);
    for (String bad : List.of(flipped, cursor.substring(0, cursor.length() - 3), "%%%", "")) {
      fails(GraphQuery.from("User").page(Pagination.after(bad, 2)).build())
          .hasMessage("cursor does not belong to this query");
    }
    // a root cursor used inside an include
    fails(GraphQuery.from("User").include(inc("posts", Pagination.after(cursor, 1))).build())
        .hasMessage("include 'posts': cursor does not belong to this query");
    // the same filter shape with another literal is the same query shape: accepted
    String filtered =
        engine
            .query(
                view,
                GraphQuery.from("User").where(Filter.cmp("id", Filter.Op.GT, 0L)).limit(1).build(),
                Map.of())
            .nextCursor();
    assertThat(
            engine
                .query(
                    view,
                    GraphQuery.from("User")
                        .where(Filter.cmp("id", Filter.Op.GT, 1L))
                        .page(Pagination.after(filtered, 1))
                        .build(),
                    Map.of())
                .root()
                .ids())
        .extracting(v -> v.asLong())
        .containsExactly(2L);
  }

  @Test
  void aggregates() {
    assertThatThrownBy(
            () ->
                engine.aggregate(
                    view,
                    new AggregateQuery(
                        "User", List.of(new Aggregation(Function.SUM, "name")), null, null, null),
                    Map.of()))
        .hasMessage("aggregate sum(name): field User.name is string, not a number");
    assertThatThrownBy(
            () ->
                engine.aggregate(
                    view,
                    new AggregateQuery(
                        "User", List.of(new Aggregation(Function.AVG, null)), null, null, null),
                    Map.of()))
        .hasMessage("aggregate avg: needs a field");
    assertThatThrownBy(
            () ->
                engine.aggregate(
                    view,
                    new AggregateQuery(
                        "User", List.of(new Aggregation(Function.MAX, "agee")), null, null, null),
                    Map.of()))
        .hasMessage(
            "aggregate max(agee): unknown field 'agee' on entity User (did you mean 'age'?)");
    assertThatThrownBy(
            () ->
                engine.aggregate(
                    view,
                    new AggregateQuery("User", List.of(), null, List.of("cty"), null),
                    Map.of()))
        .hasMessage("group by: unknown field 'cty' on entity User (did you mean 'city'?)");
    assertThatThrownBy(
            () ->
                engine.aggregate(
                    view, new AggregateQuery("Usr", List.of(), null, null, null), Map.of()))
        .hasMessage("unknown entity 'Usr' (did you mean 'User'?)");
  }
}
