package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ormdb.actors.connection.ConnectionActor;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.ReadOptions;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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
 * Writers move comments between posts and users through {@link OrmDb#mutate} while readers fetch
 * users → posts → comments, two through {@link OrmDb#query} on their own threads and two through
 * sessions (8 partitions). Every fetch must be one committed state: equal to {@code OrmStore.query}
 * as of the fetch's LSN, and holding every comment exactly once.
 */
class SnapshotChurnTest {
  static final int USERS = 6;
  static final int POSTS = 12;
  static final int COMMENTS = 60;
  static final String BLOG =
      """
      entity User {
        id    int64  @id
        email string @unique
        name  string
        relation posts: one to many Post by authorId on delete cascade
        relation comments: one to many Comment by userId on delete cascade
      }
      entity Post {
        id       int64 @id
        authorId int64
        title    string
        relation author: many to one User by authorId on delete cascade
        relation comments: one to many Comment by postId on delete cascade
      }
      entity Comment {
        id     int64 @id
        postId int64
        userId int64
        body   string
        relation post: many to one Post by postId on delete cascade
        relation user: many to one User by userId on delete cascade
      }
      """;

  private static final AtomicLong IDS = new AtomicLong();

  @Test
  void everyGraphFetchIsOneCommittedState() throws Exception {
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "churn",
            ConfigFactory.parseString("ormdb.partitions = 8\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    ExecutorService threads = Executors.newFixedThreadPool(7);
    try {
      OrmDb db = OrmDb.get(system);
      db.store().applySchema(SchemaParser.parse(BLOG));
      List<Mutation> seed = new ArrayList<>();
      for (long u = 1; u <= USERS; u++) {
        seed.add(
            new Mutation.Insert(
                "User",
                Map.of(
                    "id",
                    Value.of(u),
                    "email",
                    Value.of("u" + u + "@x"),
                    "name",
                    Value.of("U" + u))));
      }
      for (long p = 1; p <= POSTS; p++) {
        seed.add(
            new Mutation.Insert(
                "Post",
                Map.of(
                    "id",
                    Value.of(100 + p),
                    "authorId",
                    Value.of(1 + p % USERS),
                    "title",
                    Value.of("P" + p))));
      }
      for (long c = 1; c <= COMMENTS; c++) {
        seed.add(comment(c, 100 + 1 + c % POSTS, 1 + c % USERS));
      }
      db.mutate(new MutationBatch(seed)).toCompletableFuture().join();

      GraphQuery fetch =
          GraphQuery.from("User")
              .include("posts")
              .include("posts.comments")
              .include("comments")
              .build();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger moves = new AtomicInteger();
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        int writer = w;
        writers.add(
            CompletableFuture.runAsync(
                () -> {
                  Random rnd = new Random(writer);
                  while (!stop.get()) {
                    // one batch moves two comments at once: a torn read would see one moved
                    List<Mutation> batch = new ArrayList<>();
                    for (int k = 0; k < 2; k++) {
                      long c = 1 + rnd.nextInt(COMMENTS);
                      batch.add(
                          new Mutation.Update(
                              "Comment",
                              Value.of(c),
                              Map.of(
                                  "postId", Value.of(101L + rnd.nextInt(POSTS)),
                                  "userId", Value.of(1L + rnd.nextInt(USERS))),
                              0));
                    }
                    db.mutate(new MutationBatch(batch)).toCompletableFuture().join();
                    moves.incrementAndGet();
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
                      got = db.query(fetch).toCompletableFuture().join();
                    } else {
                      got = viaSession(system, session, fetch);
                      viaSessions.incrementAndGet();
                    }
                    GraphQuery asOf =
                        new GraphQuery(
                            fetch.rootEntity(),
                            fetch.fields(),
                            fetch.filter(),
                            fetch.orderBy(),
                            fetch.pagination(),
                            fetch.includes(),
                            ReadOptions.asOf(got.snapshotLsn()));
                    QueryResult committed = db.store().query(asOf);
                    boolean whole =
                        got.block("posts.comments").size() == COMMENTS
                            && got.edges("posts.comments").edges().size() == COMMENTS
                            && got.edges("comments").edges().size() == COMMENTS;
                    if (!got.equals(committed) || !whole) {
                      anomalies.incrementAndGet();
                      if (firstAnomalies.size() < 3) {
                        firstAnomalies.add("at lsn " + got.snapshotLsn() + ": " + got);
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
          "snapshot churn: %d graph fetches checked (%d through sessions), %d anomalies, %d move"
              + " batches committed%n",
          checked.get(), viaSessions.get(), anomalies.get(), moves.get());
      assertThat(firstAnomalies).isEmpty();
      assertThat(anomalies.get()).isZero();
      assertThat(checked.get()).isGreaterThanOrEqualTo(1_000);
      assertThat(viaSessions.get()).isPositive();
      assertThat(db.callerThreadReads()).isPositive();
      assertThat(moves.get()).isPositive();
    } finally {
      threads.shutdownNow();
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
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

  private static Mutation comment(long id, long post, long user) {
    return new Mutation.Insert(
        "Comment",
        Map.of(
            "id", Value.of(id),
            "postId", Value.of(post),
            "userId", Value.of(user),
            "body", Value.of("c" + id)));
  }
}
