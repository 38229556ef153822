package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/**
 * {@link OrmDb#mutate} does not pass the embedded session: application threads writing at once do
 * not queue behind one actor (whose in-flight bound is set to 1 here, so queueing there would
 * refuse all but one with BUDGET_EXCEEDED); every batch commits.
 */
class OrmDbMutateTest {
  @Test
  void writersOnManyThreadsDoNotQueueBehindTheEmbeddedSession() throws Exception {
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "writers",
            ConfigFactory.parseString(
                    "ormdb.actors.max-in-flight = 1\normdb.partitions = 4\n"
                        + "pekko.actor.serialize-messages = on\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    int writers = 16;
    ExecutorService threads = Executors.newFixedThreadPool(writers);
    try {
      OrmDb db = OrmDb.get(system);
      db.applySchema(OrmDbEmbeddedTest.SCHEMA).toCompletableFuture().join();
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<List<MutationResult>>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        long base = w * 1_000L;
        done.add(
            CompletableFuture.supplyAsync(
                () -> {
                  await(start);
                  List<CompletableFuture<MutationResult>> mine = new ArrayList<>();
                  for (long i = 1; i <= 20; i++) {
                    // one row (one shard) or two rows (two shards' validation, one commit)
                    mine.add(
                        db.mutate(
                                i % 2 == 0
                                    ? MutationBatch.of(note(base + i))
                                    : MutationBatch.of(note(base + i), note(base + 500 + i)))
                            .toCompletableFuture());
                  }
                  return mine.stream().map(CompletableFuture::join).toList();
                },
                threads));
      }
      start.countDown();
      for (CompletableFuture<List<MutationResult>> d : done) {
        assertThat(d.get(60, TimeUnit.SECONDS)).hasSize(20);
      }
      assertThat(
              db.query(GraphQuery.from("Note").build()).toCompletableFuture().join().root().size())
          .isEqualTo(writers * 30);
    } finally {
      threads.shutdownNow();
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void await(CountDownLatch l) {
    try {
      l.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Mutation note(long id) {
    return new Mutation.Insert("Note", Map.of("id", Value.of(id), "text", Value.of("n" + id)));
  }
}
