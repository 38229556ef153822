package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ormdb.actors.connection.ConnectionActor;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.ReadOptions;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/**
 * Writers change review ratings and move reviews between movies through {@link OrmDb#mutate} while
 * readers fetch every movie with its average rating, review count and rating total next to the
 * reviews themselves, two through {@link OrmDb#query} and two through sessions (8 partitions).
 * Every fetch must be one snapshot: each movie's aggregates are those of the reviews returned with
 * it, and the whole result equals {@code OrmStore.query} as of the fetch's LSN.
 */
class AggregateChurnTest {
  static final int MOVIES = 5;
  static final int REVIEWS = 40;
  static final String SCHEMA =
      """
      entity Movie {
        id    int64  @id
        title string
        relation reviews: one to many Review by movieId on delete cascade
      }
      entity Review {
        id      int64 @id
        movieId int64
        rating  int32
        relation movie: many to one Movie by movieId on delete cascade
      }
      """;
  static final GraphQuery FETCH =
      ((Statement.Find)
              QueryParser.parse(
                  "Movie.findMany()"
                      + ".select(title, avgRating: avg(reviews.rating), reviewCount: count(reviews),"
                      + " total: sum(reviews.rating))"
                      + ".include(reviews, select: rating)"))
          .query();

  private static final AtomicLong IDS = new AtomicLong();

  @Test
  void everyMoviesAggregatesAreThoseOfTheReviewsFetchedWithIt() throws Exception {
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "aggregate-churn",
            ConfigFactory.parseString("ormdb.partitions = 8\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    ExecutorService threads = Executors.newFixedThreadPool(7);
    try {
      OrmDb db = OrmDb.get(system);
      db.store().applySchema(SchemaParser.parse(SCHEMA));
      List<Mutation> seed = new ArrayList<>();
      for (long m = 1; m <= MOVIES; m++) {
        seed.add(
            new Mutation.Insert("Movie", Map.of("id", Value.of(m), "title", Value.of("M" + m))));
      }
      for (long r = 1; r <= REVIEWS; r++) {
        seed.add(review(r, 1 + r % MOVIES, (int) (1 + r % 5)));
      }
      db.mutate(new MutationBatch(seed)).toCompletableFuture().join();

      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger changes = new AtomicInteger();
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        int writer = w;
        writers.add(
            CompletableFuture.runAsync(
                () -> {
                  Random rnd = new Random(writer);
                  while (!stop.get()) {
                    // one batch rates one review anew and moves another to some movie
                    List<Mutation> batch = new ArrayList<>();
                    batch.add(
                        new Mutation.Update(
                            "Review",
                            Value.of(1L + rnd.nextInt(REVIEWS)),
                            Map.of("rating", Value.of(1 + rnd.nextInt(5))),
                            0));
                    batch.add(
                        new Mutation.Update(
                            "Review",
                            Value.of(1L + rnd.nextInt(REVIEWS)),
                            Map.of(
                                "movieId", Value.of(1L + rnd.nextInt(MOVIES)),
                                "rating", Value.of(1 + rnd.nextInt(5))),
                            0));
                    db.mutate(new MutationBatch(batch)).toCompletableFuture().join();
                    changes.incrementAndGet();
                  }
                },
                threads));
      }
      AtomicInteger checked = new AtomicInteger();
      AtomicInteger viaSessions = new AtomicInteger();
      AtomicInteger anomalies = new AtomicInteger();
      List<String> firstAnomalies = Collections.synchronizedList(new ArrayList<>());
      List<CompletableFuture<Void>> readers = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        ActorRef<ConnectionActor.Command> session = r < 2 ? null : db.connect();
        readers.add(
            CompletableFuture.runAsync(
                () -> {
                  while (checked.get() < 1_200) {
                    QueryResult got;
                    if (session == null) {
                      got = db.query(FETCH).toCompletableFuture().join();
                    } else {
                      got = viaSession(system, session, FETCH);
                      viaSessions.incrementAndGet();
                    }
                    String wrong = problem(got);
                    if (wrong == null && !got.equals(db.store().query(asOf(got.snapshotLsn())))) {
                      wrong = "differs from the store's result at its lsn";
                    }
                    if (wrong != null) {
                      anomalies.incrementAndGet();
                      if (firstAnomalies.size() < 3) {
                        firstAnomalies.add("at lsn " + got.snapshotLsn() + ": " + wrong);
                      }
                    }
                    checked.incrementAndGet();
                  }
                },
                threads));
      }
      CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get();
      stop.set(true);
      CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();
      System.out.printf(
          "aggregate churn: %d fetches checked (%d through sessions), %d anomalies, %d change"
              + " batches committed%n",
          checked.get(), viaSessions.get(), anomalies.get(), changes.get());
      assertThat(firstAnomalies).isEmpty();
      assertThat(anomalies.get()).isZero();
      assertThat(checked.get()).isGreaterThanOrEqualTo(1_000);
      assertThat(viaSessions.get()).isPositive();
      assertThat(changes.get()).isPositive();
    } finally {
      threads.shutdownNow();
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * What is wrong with one fetch, or null: every review belongs to one movie, and each movie's
   * count, total and average are those of the reviews returned with it.
   */
  private static String problem(QueryResult got) {
    int reviews = 0;
    for (Map<String, Object> movie : ResultObjects.toMaps(got)) {
      List<?> mine = (List<?>) movie.get("reviews");
      reviews += mine.size();
      long total = 0;
      for (Object r : mine) {
        total += ((Number) ((Map<?, ?>) r).get("rating")).longValue();
      }
      Object avg =
          mine.isEmpty()
              ? null
              : BigDecimal.valueOf(total)
                  .divide(BigDecimal.valueOf(mine.size()), MathContext.DECIMAL128)
                  .doubleValue();
      if (!Objects.equals((long) mine.size(), movie.get("reviewCount"))
          || !Objects.equals(mine.isEmpty() ? null : total, movie.get("total"))
          || !Objects.equals(avg, movie.get("avgRating"))) {
        return "movie " + movie;
      }
    }
    return reviews == REVIEWS ? null : reviews + " reviews instead of " + REVIEWS;
  }

  private static GraphQuery asOf(long lsn) {
    return new GraphQuery(
        FETCH.rootEntity(),
        FETCH.fields(),
        FETCH.filter(),
        FETCH.orderBy(),
        FETCH.pagination(),
        FETCH.includes(),
        ReadOptions.asOf(lsn),
        FETCH.aggregates());
  }

  private static QueryResult viaSession(
      ActorSystem<?> system, ActorRef<ConnectionActor.Command> session, GraphQuery q) {
    long id = IDS.incrementAndGet();
    Message.Response r =
        AskPattern.<ConnectionActor.Command, Message.Response>ask(
                session,
                replyTo -> new ConnectionActor.Request(new Message.Query(id, 0, q), replyTo),
                Duration.ofSeconds(30),
                system.scheduler())
            .toCompletableFuture()
            .join();
    assertThat(r).isInstanceOf(Message.QueryReply.class);
    return ((Message.QueryReply) r).result();
  }

  private static Mutation review(long id, long movie, int rating) {
    return new Mutation.Insert(
        "Review",
        Map.of("id", Value.of(id), "movieId", Value.of(movie), "rating", Value.of(rating)));
  }
}
