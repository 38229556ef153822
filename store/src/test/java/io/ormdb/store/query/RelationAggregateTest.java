package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.RelationAggregate;
import io.ormdb.protocol.result.EntityBlock;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.view.ReadView;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Aggregates over a relation, selected next to fields at any level of a graph query, on an
 * IMDB-shaped schema: each is computed in the same query and snapshot, from the related rows read
 * through the relation's key index, with the result types of standalone aggregates.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelationAggregateTest {
  static final String SCHEMA =
      """
      entity Movie {
        id    int64  @id
        title string
        relation reviews: one to many Review by movieId
        relation cast: many to many Person through Role(movieId, personId)
      }
      entity Person {
        id   int64  @id
        name string
        relation actedIn: many to many Movie through Role(personId, movieId)
      }
      entity Role {
        id       int64 @id
        movieId  int64
        personId int64
        relation movie: many to one Movie by movieId
        relation person: many to one Person by personId
      }
      entity User {
        id   int64  @id
        name string
        relation reviews: one to many Review by authorId
      }
      entity Review {
        id        int64         @id
        movieId   int64
        authorId  int64
        rating    int32
        tip       decimal(8, 2)?
        text      string
        createdAt int64
        relation movie: many to one Movie by movieId
        relation author: many to one User by authorId
      }
      """;

  /** Movie 1 has 20 reviews rated 1..5 in turn; movie m > 1 has m % 4 reviews. */
  static final int MOVIES = 30;

  private OrmStore store;
  private final List<long[]> reviews = new ArrayList<>(); // id, movie, author, rating, createdAt
  private final List<long[]> roles = new ArrayList<>(); // movie, person

  @BeforeAll
  void fill() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(SchemaParser.parse(SCHEMA));
    List<Mutation> ms = new ArrayList<>();
    for (long u = 1; u <= 4; u++) {
      ms.add(new Mutation.Insert("User", Map.of("id", Value.of(u), "name", Value.of("U" + u))));
    }
    for (long p = 1; p <= 5; p++) {
      ms.add(new Mutation.Insert("Person", Map.of("id", Value.of(p), "name", Value.of("P" + p))));
    }
    long reviewId = 0;
    for (long m = 1; m <= MOVIES; m++) {
      ms.add(new Mutation.Insert("Movie", Map.of("id", Value.of(m), "title", Value.of("M" + m))));
      int count = m == 1 ? 20 : (int) (m % 4);
      for (int i = 0; i < count; i++) {
        reviewId++;
        long rating = m == 1 ? 1 + i % 5 : 1 + (m + i) % 5;
        long author = 1 + reviewId % 4;
        long[] r = {reviewId, m, author, rating, 1_000 + reviewId * 7 % 100};
        reviews.add(r);
        Map<String, Value> row = new java.util.LinkedHashMap<>();
        row.put("id", Value.of(reviewId));
        row.put("movieId", Value.of(m));
        row.put("authorId", Value.of(author));
        row.put("rating", Value.of((int) rating));
        row.put("tip", reviewId % 3 == 0 ? Value.NULL : Value.of(new BigDecimal(rating + ".25")));
        row.put("text", Value.of("t" + reviewId));
        row.put("createdAt", Value.of(r[4]));
        ms.add(new Mutation.Insert("Review", row));
      }
      for (long p = 1; p <= 5; p++) {
        if (m % p == 0 && m <= 12) {
          roles.add(new long[] {m, p});
          ms.add(
              new Mutation.Insert(
                  "Role",
                  Map.of(
                      "id",
                      Value.of(m * 10 + p),
                      "movieId",
                      Value.of(m),
                      "personId",
                      Value.of(p))));
        }
      }
    }
    store.commit(new MutationBatch(ms));
  }

  @AfterAll
  void close() {
    store.close();
  }

  private static GraphQuery parse(String text) {
    return ((Statement.Find) QueryParser.parse(text)).query();
  }

  private List<Long> ratingsOf(long movie) {
    return reviews.stream().filter(r -> r[1] == movie).map(r -> r[3]).toList();
  }

  private static Value avg(List<Long> values) {
    if (values.isEmpty()) {
      return Value.NULL;
    }
    long sum = values.stream().mapToLong(Long::longValue).sum();
    return Value.of(
        BigDecimal.valueOf(sum)
            .divide(BigDecimal.valueOf(values.size()), MathContext.DECIMAL128)
            .doubleValue());
  }

  private static List<Value> column(EntityBlock b, String name) {
    return b.column(name).values();
  }

  @Test
  void aMovieWithItsAverageRatingAndReviewCountReadsOnlyItsTwentyReviews() {
    GraphQuery q =
        parse(
            "Movie.findUnique().where(id == 1).select(title, avgRating: avg(reviews.rating),"
                + " reviewCount: count(reviews), good: count(reviews, where: rating >= 4))");
    try (ReadView snapshot = store.snapshot()) {
      CountingReadView view = new CountingReadView(snapshot);
      QueryResult r = new QueryEngine().query(view, q, Map.of());
      EntityBlock movie = r.root();
      assertThat(movie.columns().stream().map(c -> c.name()))
          .containsExactly("title", "avgRating", "reviewCount", "good");
      assertThat(column(movie, "avgRating")).containsExactly(Value.of(3.0));
      assertThat(column(movie, "reviewCount")).containsExactly(Value.of(20L));
      assertThat(column(movie, "good")).containsExactly(Value.of(8L));
      // the movie by its key, then one batched lookup of its 20 reviews through the key index
      assertThat(view.rowsScanned).isEqualTo(20);
      assertThat(view.calls).containsEntry("Review", 1);
    }
  }

  @Test
  void everyMovieOfAPageGetsItsOwnAggregatesFromOneLookup() {
    GraphQuery q =
        parse(
            "Movie.findMany().orderBy(id).limit(12).select(id, title, avgRating: avg(reviews.rating),"
                + " reviewCount: count(reviews), best: max(reviews.rating),"
                + " total: sum(reviews.rating))");
    try (ReadView snapshot = store.snapshot()) {
      CountingReadView view = new CountingReadView(snapshot);
      QueryResult r = new QueryEngine().query(view, q, Map.of());
      List<Map<String, Object>> movies = ResultObjects.toMaps(r);
      assertThat(movies).hasSize(12);
      long related = 0;
      for (Map<String, Object> m : movies) {
        long id = (Long) m.get("id");
        List<Long> ratings = ratingsOf(id);
        related += ratings.size();
        assertThat(m.get("reviewCount")).as("movie %d", id).isEqualTo((long) ratings.size());
        assertThat(m.get("avgRating"))
            .as("movie %d", id)
            .isEqualTo(avg(ratings).isNull() ? null : avg(ratings).asDouble());
        assertThat(m.get("best"))
            .as("movie %d", id)
            .isEqualTo(
                ratings.stream().max(Comparator.naturalOrder()).map(Long::intValue).orElse(null));
        assertThat(m.get("total"))
            .as("movie %d", id)
            .isEqualTo(ratings.isEmpty() ? null : ratings.stream().mapToLong(x -> x).sum());
      }
      assertThat(view.calls).containsEntry("Review", 1);
      // what the page alone reads, then the page's reviews
      CountingReadView pageOnly = new CountingReadView(snapshot);
      new QueryEngine().query(pageOnly, parse("Movie.findMany().orderBy(id).limit(12)"), Map.of());
      assertThat(view.rowsScanned).isEqualTo(pageOnly.rowsScanned + related);
    }
  }

  @Test
  void aPersonWithTheMoviesTheyActedInEachWithItsAverageRating() {
    GraphQuery q =
        parse(
            "Person.findUnique().where(id == 2).select(name, movies: count(actedIn))"
                + ".include(actedIn, orderBy: id, select: [id, title, avgRating: avg(reviews.rating),"
                + " reviews: count(reviews)])");
    QueryResult r = store.query(q);
    List<Long> acted = roles.stream().filter(x -> x[1] == 2).map(x -> x[0]).toList();
    Map<String, Object> person = ResultObjects.toMaps(r).get(0);
    assertThat(person.get("movies")).isEqualTo((long) acted.size());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> movies = (List<Map<String, Object>>) person.get("actedIn");
    assertThat(movies).extracting(m -> m.get("id")).containsExactlyElementsOf(acted);
    for (Map<String, Object> m : movies) {
      List<Long> ratings = ratingsOf((Long) m.get("id"));
      Value avg = avg(ratings);
      assertThat(m.get("avgRating")).isEqualTo(avg.isNull() ? null : avg.asDouble());
      assertThat(m.get("reviews")).isEqualTo((long) ratings.size());
    }
    // a movie's cast through the edge rows: each person once
    Map<String, Object> movie6 =
        ResultObjects.toMaps(
                store.query(parse("Movie.findUnique().where(id == 6).select(n: count(cast))")))
            .get(0);
    assertThat(movie6.get("n")).isEqualTo(3L); // persons 1, 2 and 3
  }

  @Test
  void aUserWithTheirLatestTenReviewsEachWithItsMovieAndThatMoviesAverage() {
    GraphQuery q =
        parse(
            "User.findUnique().where(id == 1)"
                + ".include(reviews, orderBy: createdAt.desc, limit: 10)"
                + ".include(reviews.movie, select: [id, title, avgRating: avg(reviews.rating)])");
    QueryResult r = store.query(q);
    Map<String, Object> user = ResultObjects.toMaps(r).get(0);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> latest = (List<Map<String, Object>>) user.get("reviews");
    List<long[]> mine =
        reviews.stream()
            .filter(x -> x[2] == 1)
            .sorted(Comparator.<long[]>comparingLong(x -> -x[4]).thenComparingLong(x -> x[0]))
            .limit(10)
            .toList();
    assertThat(latest)
        .extracting(m -> m.get("id"))
        .containsExactlyElementsOf(mine.stream().map(x -> x[0]).toList());
    for (Map<String, Object> review : latest) {
      @SuppressWarnings("unchecked")
      Map<String, Object> movie = (Map<String, Object>) review.get("movie");
      assertThat(movie.get("avgRating"))
          .as("movie of review %s", review.get("id"))
          .isEqualTo(avg(ratingsOf((Long) movie.get("id"))).asDouble());
    }
  }

  @Test
  void resultTypesAndMoviesWithoutReviewsFollowTheStandaloneAggregates() {
    GraphQuery q =
        GraphQuery.from("Movie")
            .where(new Filter.In("id", List.of(Value.of(1L), Value.of(4L)), false))
            .orderBy(io.ormdb.protocol.query.OrderSpec.asc("id"))
            .select("title")
            .aggregate(
                RelationAggregate.count("n", "reviews"),
                RelationAggregate.of("ratings", Function.COUNT, "reviews", "rating"),
                RelationAggregate.of("sum", Function.SUM, "reviews", "rating"),
                RelationAggregate.of("avg", Function.AVG, "reviews", "rating"),
                RelationAggregate.of("tips", Function.SUM, "reviews", "tip"),
                RelationAggregate.of("avgTip", Function.AVG, "reviews", "tip"),
                RelationAggregate.of("first", Function.MIN, "reviews", "text"),
                RelationAggregate.of("low", Function.MIN, "reviews", "rating"))
            .build();
    EntityBlock b = store.query(q).root();
    // movie 4 has no reviews: count 0, the others null
    assertThat(column(b, "n")).containsExactly(Value.of(20L), Value.of(0L));
    assertThat(column(b, "sum")).containsExactly(Value.of(60L), Value.NULL);
    assertThat(column(b, "avg")).containsExactly(Value.of(3.0), Value.NULL);
    assertThat(column(b, "first")).containsExactly(Value.of("t1"), Value.NULL);
    assertThat(column(b, "low")).containsExactly(Value.of(1), Value.NULL);
    // tips: every third review has none; decimals sum and average as decimals
    List<long[]> tipped = reviews.stream().filter(x -> x[1] == 1 && x[0] % 3 != 0).toList();
    BigDecimal tips =
        tipped.stream()
            .map(x -> new BigDecimal(x[3] + ".25"))
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(column(b, "ratings")).containsExactly(Value.of(20L), Value.of(0L));
    assertThat(column(b, "tips")).containsExactly(Value.of(tips), Value.NULL);
    assertThat(column(b, "avgTip"))
        .containsExactly(
            Value.of(tips.divide(BigDecimal.valueOf(tipped.size()), MathContext.DECIMAL128)),
            Value.NULL);
  }

  private void refused(String query, String message) {
    assertThatThrownBy(() -> store.query(parse(query)))
        .isInstanceOf(OrmDbException.class)
        .hasMessage(message)
        .satisfies(
            e -> assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }

  @Test
  void mistakesAreNamedWithTheAggregateAndADidYouMean() {
    refused(
        "Movie.findMany().select(r: avg(reviws.rating))",
        "select: aggregate r = avg(reviws.rating): unknown relation 'reviws' on entity Movie (did"
            + " you mean 'reviews'?)");
    refused(
        "Person.findMany().include(actedIn, select: [r: avg(reviews.ratng)])",
        "select of include 'actedIn': aggregate r = avg(reviews.ratng): unknown field 'ratng' on"
            + " entity Review (did you mean 'rating'?)");
    refused(
        "Movie.findMany().select(r: sum(reviews.text))",
        "select: aggregate r = sum(reviews.text): field Review.text is string, not a number");
    refused(
        "Review.findMany().select(n: count(movie))",
        "select: aggregate n = count(movie): Review.movie is a to-one relation (many to one);"
            + " aggregates read to-many relations, include 'movie' to read its row");
    refused(
        "Movie.findMany().select(title: count(reviews))",
        "select: aggregate title = count(reviews): its label is a field of Movie; give the"
            + " aggregate another label");
    refused(
        "Movie.findMany().select(reviews: count(reviews)).include(reviews)",
        "select: aggregate reviews = count(reviews): its label is the relation 'reviews' included"
            + " under it; give the aggregate another label");
    refused(
        "Movie.findMany().select(n: count(reviews, where: ratin > 3))",
        "select: aggregate n = count(reviews), where: unknown field 'ratin' on entity Review (did"
            + " you mean 'rating'?)");
    assertThatThrownBy(
            () ->
                store.query(
                    GraphQuery.from("Movie")
                        .aggregate(
                            RelationAggregate.count("n", "reviews"),
                            RelationAggregate.count("n", "cast"))
                        .build()))
        .hasMessage("select: aggregate label 'n' is listed twice");
    assertThatThrownBy(
            () ->
                store.query(
                    GraphQuery.from("Movie")
                        .aggregate(RelationAggregate.count("$version", "reviews"))
                        .build()))
        .hasMessage(
            "select: aggregate $version = count(reviews): a label is a name, not empty nor"
                + " starting with '$'");
  }

  @Test
  void theRowsAnAggregateReadsCountAgainstTheBudget() {
    GraphQuery q = parse("Movie.findUnique().where(id == 1).select(n: count(reviews))");
    try (ReadView view = store.snapshot()) {
      QueryEngine engine = new QueryEngine();
      assertThat(engine.query(view, q, Map.of(), new QueryBudget(5, 21, 100)).root().size())
          .isEqualTo(1);
      assertThatThrownBy(() -> engine.query(view, q, Map.of(), new QueryBudget(5, 20, 100)))
          .isInstanceOf(OrmDbException.class)
          .hasMessage(
              "query exceeds its entity budget: more than 20 entities (root and includes"
                  + " together, with the related rows its aggregates read)")
          .satisfies(
              e -> assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED));
    }
  }

  @Test
  void explainShowsEachAggregateStepAfterItsLevel() {
    GraphQuery q =
        parse(
            "Person.findUnique().where(id == 2).select(name, movies: count(actedIn))"
                + ".include(actedIn, select: [title, avgRating: avg(reviews.rating, where: rating"
                + " > 1), n: count(reviews)])");
    ExplainResult plan = store.explain(q, true);
    assertThat(plan.steps())
        .extracting(s -> s.path() + " " + s.entity() + " " + s.access())
        .containsExactly(
            " Person primary-key",
            " Movie index-merge then pk-batch",
            "actedIn Movie index-merge then pk-batch",
            "actedIn Review index-merge");
    ExplainResult.PlanStep ratings = plan.steps().get(3);
    assertThat(ratings.index()).isEqualTo("Review_movieId_fk");
    long expected =
        roles.stream().filter(x -> x[1] == 2).mapToLong(x -> ratingsOf(x[0]).size()).sum();
    assertThat(ratings.actualRows()).isEqualTo(expected);
    assertThat(ratings.detail())
        .contains(
            "aggregates: avgRating = avg(reviews.rating) where rating > ?, n = count(reviews)");
    assertThat(plan.text())
        .contains("aggregates of root over actedIn: Movie by index-merge then pk-batch")
        .contains("aggregates of include actedIn over reviews: Review by index-merge using");
  }

  @Test
  void plansAreCachedByTheRelationsAggregatesRead() {
    QueryEngine engine = new QueryEngine();
    try (ReadView view = store.snapshot()) {
      engine.query(view, parse("Movie.findMany().select(n: count(reviews))"), Map.of());
      engine.query(
          view, parse("Movie.findMany().select(n: count(reviews, where: rating > 2))"), Map.of());
      assertThat(engine.cachedPlans()).isEqualTo(1);
      QueryResult cast =
          engine.query(
              view, parse("Movie.findMany().where(id == 6).select(n: count(cast))"), Map.of());
      assertThat(engine.cachedPlans()).isEqualTo(2);
      assertThat(cast.root().column("n").values()).containsExactly(Value.of(3L));
    }
  }

  @Test
  void anIncludesAggregatesAreTheSameWhicheverParentReachesARow() {
    // many reviews reach the same movie: its block row and its aggregate appear once
    GraphQuery q =
        GraphQuery.from("Review")
            .where(Filter.eq("movieId", 1L))
            .include(Include.of("movie").withAggregates(RelationAggregate.count("n", "reviews")))
            .build();
    QueryResult r = store.query(q);
    assertThat(r.root().size()).isEqualTo(20);
    assertThat(r.block("movie").ids()).containsExactly(Value.of(1L));
    assertThat(r.block("movie").column("n").values()).containsExactly(Value.of(20L));
  }
}
