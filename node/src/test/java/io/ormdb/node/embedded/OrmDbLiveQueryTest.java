package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.ormdb.cdc.live.LiveEvent;
import io.ormdb.cdc.live.LiveView;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.StoreConfig;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.junit.jupiter.api.Test;

/** The embedded API's live query, end to end: writes through the actor path, events to a view. */
class OrmDbLiveQueryTest {
  static final String SCHEMA =
      """
      entity Note {
        id   int64  @id
        text string
        rank int32
      }
      """;

  private static Mutation note(long id, int rank) {
    return new Mutation.Insert(
        "Note", Map.of("id", Value.of(id), "text", Value.of("n" + id), "rank", Value.of(rank)));
  }

  private static LiveEvent pull(SinkQueueWithCancel<LiveEvent> q) throws Exception {
    Optional<LiveEvent> o = q.pull().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(o).as("an event").isPresent();
    return o.get();
  }

  @Test
  void aLiveQueryFollowsWritesMadeThroughTheNode() throws Exception {
    ActorSystem<Void> s =
        ActorSystem.create(
            Behaviors.empty(),
            "live",
            ConfigFactory.parseString(
                    "ormdb.data-dir = \""
                        + StoreConfig.IN_MEMORY
                        + "\"\npekko.actor.serialize-messages = on\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    try {
      OrmDb db = OrmDb.get(s);
      db.applySchema(SCHEMA).toCompletableFuture().join();
      db.mutate(MutationBatch.of(note(1, 5), note(2, 1))).toCompletableFuture().join();
      GraphQuery ranked =
          GraphQuery.from("Note")
              .where(Filter.cmp("rank", Filter.Op.GE, 3))
              .orderBy(OrderSpec.desc("rank"))
              .build();
      var run = db.liveQuery(ranked, 0).toMat(Sink.queue(), Keep.both()).run(s);
      LiveView view = new LiveView().apply(pull(run.second()));
      assertThat(view.root()).extracting(LiveEvent.Row::id).containsExactly(Value.of(1L));

      long lsn =
          db.mutate(
                  MutationBatch.of(
                      new Mutation.Update("Note", Value.of(2L), Map.of("rank", Value.of(9)), 0)))
              .toCompletableFuture()
              .join()
              .lsn();
      LiveEvent e = pull(run.second());
      assertThat(e.lsn()).isEqualTo(lsn);
      assertThat(((LiveEvent.Delta) e).entered())
          .extracting(LiveEvent.Row::id)
          .containsExactly(Value.of(2L));
      view.apply(e);
      assertThat(view.toMaps())
          .isEqualTo(
              io.ormdb.protocol.result.ResultObjects.toMaps(
                  db.query(ranked).toCompletableFuture().join()));
      assertThat(view.root())
          .extracting(LiveEvent.Row::id)
          .containsExactly(Value.of(2L), Value.of(1L));
      run.first().stop();
    } finally {
      s.terminate();
      s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theLiveQueriesOfANodeShareOneEvaluationAndAdvanceAtOneLsn() throws Exception {
    ActorSystem<Void> s =
        ActorSystem.create(
            Behaviors.empty(),
            "live-shared",
            ConfigFactory.parseString(
                    "ormdb.data-dir = \""
                        + StoreConfig.IN_MEMORY
                        + "\"\npekko.actor.serialize-messages = on\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    try {
      OrmDb db = OrmDb.get(s);
      db.applySchema(SCHEMA).toCompletableFuture().join();
      db.mutate(MutationBatch.of(note(1, 5))).toCompletableFuture().join();
      GraphQuery ranked =
          GraphQuery.from("Note")
              .where(Filter.cmp("rank", Filter.Op.GE, 3))
              .orderBy(OrderSpec.desc("rank"))
              .build();
      GraphQuery all = GraphQuery.from("Note").build();
      var a = db.liveQuery(ranked, 0).toMat(Sink.queue(), Keep.both()).run(s);
      var b = db.liveQuery(ranked, 0).toMat(Sink.queue(), Keep.both()).run(s);
      var c = db.liveQuery(all, 0).toMat(Sink.queue(), Keep.both()).run(s);
      for (var run : java.util.List.of(a, b, c)) {
        assertThat(pull(run.second())).isInstanceOf(LiveEvent.Snapshot.class);
      }
      // the hub counts its queries at the end of the round that handed out the snapshots
      await()
          .untilAsserted(
              () -> {
                assertThat(db.liveQueries().stats().queries())
                    .as("two distinct queries")
                    .isEqualTo(2);
                assertThat(db.liveQueries().stats().subscriptions()).isEqualTo(3);
              });
      long lsn = db.mutate(MutationBatch.of(note(2, 9))).toCompletableFuture().join().lsn();
      LiveEvent ea = pull(a.second());
      assertThat(pull(b.second())).as("one delta for both subscribers").isEqualTo(ea);
      assertThat(ea.lsn()).isEqualTo(lsn);
      assertThat(pull(c.second()).lsn()).as("every query at the same LSN").isEqualTo(lsn);
      for (var run : java.util.List.of(a, b, c)) {
        run.first().stop();
      }
    } finally {
      s.terminate();
      s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
