package io.ormdb.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.ReadOptions;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Writers move comments between posts and users while readers fetch users → posts → comments
 * through the actor path (8 partitions). Every fetch must be one committed state: equal to {@code
 * OrmStore.query} as of the fetch's LSN, and holding every comment exactly once.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SnapshotChurnTest {
  static final int USERS = 6;
  static final int POSTS = 12;
  static final int COMMENTS = 60;

  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  @Test
  void everyGraphFetchIsOneCommittedState() throws Exception {
    try (TestDb db = TestDb.blog(testKit.system(), 8)) {
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
      db.store.commit(new MutationBatch(seed));

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
                    Message.Response r =
                        db.askOn(writer, id -> new Message.Mutate(id, 0, new MutationBatch(batch)))
                            .toCompletableFuture()
                            .join();
                    assertThat(r).isInstanceOf(Message.MutateReply.class);
                    moves.incrementAndGet();
                  }
                }));
      }
      AtomicInteger checked = new AtomicInteger();
      AtomicInteger anomalies = new AtomicInteger();
      List<String> firstAnomalies = java.util.Collections.synchronizedList(new ArrayList<>());
      List<CompletableFuture<Void>> readers = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        int reader = r;
        readers.add(
            CompletableFuture.runAsync(
                () -> {
                  while (checked.get() < 1_200) {
                    QueryResult got =
                        TestDb.ok(
                                db.askOn(3 + reader, id -> new Message.Query(id, 0, fetch))
                                    .toCompletableFuture()
                                    .join(),
                                Message.QueryReply.class)
                            .result();
                    GraphQuery asOf =
                        new GraphQuery(
                            fetch.rootEntity(),
                            fetch.fields(),
                            fetch.filter(),
                            fetch.orderBy(),
                            fetch.pagination(),
                            fetch.includes(),
                            ReadOptions.asOf(got.snapshotLsn()));
                    QueryResult committed = db.store.query(asOf);
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
                }));
      }
      CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get();
      stop.set(true);
      CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();
      System.out.printf(
          "snapshot churn: %d graph fetches checked, %d anomalies, %d move batches committed%n",
          checked.get(), anomalies.get(), moves.get());
      assertThat(firstAnomalies).isEmpty();
      assertThat(anomalies.get()).isZero();
      assertThat(checked.get()).isGreaterThanOrEqualTo(1_000);
      assertThat(moves.get()).isPositive();
    }
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
