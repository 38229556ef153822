package io.ormdb.protocol.lang.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.AggregateQuery.Aggregation;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.query.ReadOptions;
import io.ormdb.protocol.query.RelationAggregate;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryParserTest {

  static Statement.Write write(Mutation m) {
    return new Statement.Write(MutationBatch.of(m));
  }

  @Test
  void findManyWithEverything() {
    Statement s =
        QueryParser.parse(
            "User.findMany().where(price >= 12.50m).include(posts, where: published == true,"
                + " orderBy: [createdAt.desc, id], limit: 5, after: \"p\", select: [id, title])"
                + ".select(id, name).orderBy(name.asc).after(\"c1\").limit(3).asOf(1234);");
    assertThat(s)
        .isEqualTo(
            new Statement.Find(
                new GraphQuery(
                    "User",
                    List.of("id", "name"),
                    Filter.cmp("price", Filter.Op.GE, new BigDecimal("12.50")),
                    List.of(OrderSpec.asc("name")),
                    new Pagination(3, 0, "c1"),
                    List.of(
                        new Include(
                            "posts",
                            List.of("id", "title"),
                            Filter.eq("published", true),
                            List.of(OrderSpec.desc("createdAt"), OrderSpec.asc("id")),
                            new Pagination(5, 0, "p"))),
                    ReadOptions.asOf(1234)),
                Statement.Find.Kind.MANY));
  }

  @Test
  void aggregatesOverRelationsAreSelectedAtTheRootAndInIncludes() {
    Statement s =
        QueryParser.parse(
            "User.findMany()\n"
                + "  .select(name, postCount: count(posts), avgViews: avg(posts.views))\n"
                + "  .include(posts, select: [title, comments: count(comments, where: text like"
                + " \"%!%\"), last: max(comments.createdAt)], limit: 2)\n"
                + "  .include(comments, select: n: count(replies))");
    assertThat(s)
        .isEqualTo(
            new Statement.Find(
                GraphQuery.from("User")
                    .select("name")
                    .aggregate(
                        RelationAggregate.count("postCount", "posts"),
                        RelationAggregate.of("avgViews", Function.AVG, "posts", "views"))
                    .include(
                        new Include(
                            "posts",
                            List.of("title"),
                            null,
                            List.of(),
                            Pagination.limit(2),
                            List.of(
                                RelationAggregate.count("comments", "comments")
                                    .where(new Filter.Like("text", "%!%", false)),
                                RelationAggregate.of(
                                    "last", Function.MAX, "comments", "createdAt"))))
                    .include(
                        Include.of("comments")
                            .withAggregates(RelationAggregate.count("n", "replies")))
                    .build(),
                Statement.Find.Kind.MANY));
    // only aggregates: the fields stay "all"
    GraphQuery q =
        ((Statement.Find) QueryParser.parse("User.findMany().select(n: count(posts.views))"))
            .query();
    assertThat(q.fields()).isEmpty();
    assertThat(q.aggregates())
        .containsExactly(RelationAggregate.of("n", Function.COUNT, "posts", "views"));
    assertThat(q.aggregates().get(0).expression()).isEqualTo("count(posts.views)");
  }

  @Test
  void findFirstAndFindUnique() {
    assertThat(QueryParser.parse("User.findFirst().offset(2)"))
        .isEqualTo(
            new Statement.Find(
                GraphQuery.from("User").page(new Pagination(1, 2, null)).build(),
                Statement.Find.Kind.FIRST));
    assertThat(QueryParser.parse("User.findUnique().where(id == \"u1\")"))
        .isEqualTo(
            new Statement.Find(
                GraphQuery.from("User").where(Filter.eq("id", "u1")).build(),
                Statement.Find.Kind.UNIQUE));
  }

  @Test
  void orderKeysPlaceNulls() {
    Statement.Find f =
        (Statement.Find)
            QueryParser.parse(
                "User.findMany().orderBy(age.desc.nullsLast, name.nullsFirst, id.asc)"
                    + ".include(posts, orderBy: [views.nullsLast, `nullsFirst`.desc])");
    assertThat(f.query().orderBy())
        .containsExactly(
            OrderSpec.desc("age").nullsLast(),
            OrderSpec.asc("name").nullsFirst(),
            OrderSpec.asc("id"));
    assertThat(f.query().includes().get(0).orderBy())
        .containsExactly(OrderSpec.asc("views").nullsLast(), OrderSpec.desc("nullsFirst"));
  }

  @Test
  void countAndAggregate() {
    assertThat(QueryParser.parse("User.count().where(active == true)"))
        .isEqualTo(
            new Statement.Aggregate(
                new AggregateQuery(
                    "User",
                    List.of(new Aggregation(Function.COUNT, null)),
                    Filter.eq("active", true),
                    List.of(),
                    null)));
    assertThat(
            QueryParser.parse(
                "Post.aggregate(count(), count(body), sum(views), avg(views), min(createdAt),"
                    + " max(views)).groupBy(authorId, status).asOf(7)"))
        .isEqualTo(
            new Statement.Aggregate(
                new AggregateQuery(
                    "Post",
                    List.of(
                        new Aggregation(Function.COUNT, null),
                        new Aggregation(Function.COUNT, "body"),
                        new Aggregation(Function.SUM, "views"),
                        new Aggregation(Function.AVG, "views"),
                        new Aggregation(Function.MIN, "createdAt"),
                        new Aggregation(Function.MAX, "views")),
                    null,
                    List.of("authorId", "status"),
                    ReadOptions.asOf(7))));
  }

  @Test
  void createWithNestedRows() {
    assertThat(
            QueryParser.parse(
                "User.create({ name: \"Alice\", \"e-mail\": \"a@x\", tags: [\"a\"], score: -1.5,"
                    + " posts: [{ title: \"Hello\" }, { title: \"Bye\" }], profile: { bio: null } })"))
        .isEqualTo(
            write(
                new Mutation.Insert(
                    "User",
                    Map.of(
                        "name", Value.of("Alice"),
                        "e-mail", Value.of("a@x"),
                        "tags", new Value.Array(ValueType.STRING, List.of(Value.of("a"))),
                        "score", Value.of(-1.5)),
                    List.of(
                        new Mutation.NestedInsert(
                            "posts",
                            List.of(
                                new Mutation.Insert("", Map.of("title", Value.of("Hello"))),
                                new Mutation.Insert("", Map.of("title", Value.of("Bye"))))),
                        new Mutation.NestedInsert(
                            "profile",
                            List.of(new Mutation.Insert("", Map.of("bio", Value.NULL))))))));
  }

  @Test
  void updatesDeletesAndUpserts() {
    assertThat(QueryParser.parse("User.update(id: \"u1\").set({ name: \"B\" }).expectVersion(3)"))
        .isEqualTo(
            write(new Mutation.Update("User", Value.of("u1"), Map.of("name", Value.of("B")), 3)));
    assertThat(QueryParser.parse("User.update(42).set({})"))
        .isEqualTo(write(new Mutation.Update("User", Value.of(42L), Map.of(), 0)));
    assertThat(QueryParser.parse("User.updateMany().where(a > 1).set({ b: true })"))
        .isEqualTo(
            write(
                new Mutation.UpdateMany(
                    "User", Filter.cmp("a", Filter.Op.GT, 1L), Map.of("b", Value.TRUE))));
    assertThat(QueryParser.parse("User.delete(id: \"u1\").expectVersion(9)"))
        .isEqualTo(write(new Mutation.Delete("User", Value.of("u1"), 9)));
    assertThat(QueryParser.parse("User.deleteMany().where(true)"))
        .isEqualTo(write(new Mutation.DeleteMany("User", new Filter.Const(true))));
    assertThat(QueryParser.parse("User.upsert(key: { email: \"a@x\" }).set({ name: \"A\" })"))
        .isEqualTo(
            write(
                new Mutation.Upsert(
                    "User", Map.of("email", Value.of("a@x")), Map.of("name", Value.of("A")))));
  }

  @Test
  void batchesAndScripts() {
    assertThat(QueryParser.parse("batch { A.delete(1); B.delete(2); }"))
        .isEqualTo(
            new Statement.Write(
                MutationBatch.of(
                    new Mutation.Delete("A", Value.of(1L), 0),
                    new Mutation.Delete("B", Value.of(2L), 0))));
    assertThat(QueryParser.parseScript(";User.count(); ; explain analyze User.findMany();"))
        .containsExactly(
            new Statement.Aggregate(
                new AggregateQuery(
                    "User", List.of(new Aggregation(Function.COUNT, null)), null, null, null)),
            new Statement.Explain(GraphQuery.from("User").build(), true));
    assertThat(QueryParser.parseScript("  // nothing\n")).isEmpty();
  }

  @Test
  void filtersParseOnTheirOwn() {
    assertThat(QueryParser.parseFilter("a == 1 or not b is null"))
        .isEqualTo(Filter.or(Filter.eq("a", 1L), Filter.not(new Filter.IsNull("b", false))));
  }
}
