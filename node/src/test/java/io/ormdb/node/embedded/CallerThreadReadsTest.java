package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reads of the embedded API — every graph query, aggregates, explains — run on the caller's thread
 * when that thread is not a dispatcher's: the same answers as through the actors, already-complete
 * stages, and never on an actor's thread or a fork-join worker (those keep the actor path and never
 * block on the store).
 */
class CallerThreadReadsTest {
  private ActorSystem<Void> system;

  private OrmDb start(boolean callerThreadReads) {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "callerreads",
            ConfigFactory.parseString(
                    "ormdb.embedded.caller-thread-reads = "
                        + (callerThreadReads ? "on" : "off")
                        + "\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    OrmDb db = OrmDb.get(system);
    db.applySchema(OrmDbEmbeddedTest.SCHEMA).toCompletableFuture().join();
    List<Mutation> notes = new ArrayList<>();
    for (long id = 1; id <= 20; id++) {
      notes.add(
          new Mutation.Insert("Note", Map.of("id", Value.of(id), "text", Value.of("n" + id))));
    }
    db.mutate(new MutationBatch(notes)).toCompletableFuture().join();
    return db;
  }

  @AfterEach
  void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A primary-key read of an entity the schema does not have. */
  private static final GraphQuery UNKNOWN =
      GraphQuery.from("Nope").where(Filter.eq("id", 1L)).build();

  private static GraphQuery note(long id) {
    return GraphQuery.from("Note").where(Filter.eq("id", id)).build();
  }

  @Test
  void everyReadFromAnApplicationThreadIsAnsweredOnThatThread() {
    OrmDb db = start(true);
    long before = db.callerThreadReads();

    CompletableFuture<QueryResult> byId = db.query(note(2)).toCompletableFuture();
    assertThat(byId).as("complete when query returns").isDone();
    assertThat(byId.join()).isEqualTo(db.store().query(note(2)));
    assertThat(db.query("Note.findUnique().where(id == 3)").toCompletableFuture())
        .isDone()
        .isCompletedWithValue(db.store().query(note(3)));
    assertThat(db.query(note(99)).toCompletableFuture().join().root().size()).isZero();
    GraphQuery page =
        GraphQuery.from("Note").where(Filter.cmp("text", Filter.Op.GE, "n1")).limit(5).build();
    CompletableFuture<QueryResult> scan = db.query(page).toCompletableFuture();
    assertThat(scan).isDone().isCompletedWithValue(db.store().query(page));
    assertThat(scan.join().nextCursor()).isNotNull();
    AggregateQuery count =
        new AggregateQuery(
            "Note",
            List.of(new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, null)),
            null,
            List.of(),
            null);
    CompletableFuture<AggregateResult> counted = db.aggregate(count).toCompletableFuture();
    assertThat(counted).isDone().isCompletedWithValue(db.store().aggregate(count));
    CompletableFuture<ExplainResult> plan = db.explain(page, true).toCompletableFuture();
    assertThat(plan).isDone();
    assertThat(plan.join().steps()).isNotEmpty();
    assertThat(db.callerThreadReads() - before).isEqualTo(6);

    // a refusal is answered on the caller's thread too
    assertThat(db.query(UNKNOWN).toCompletableFuture()).isCompletedExceptionally();
    assertThat(db.callerThreadReads() - before).isEqualTo(7);
  }

  /**
   * With a request timeout of one nanosecond every read is past its deadline when it starts: it
   * stops with TIMEOUT before reading, on the caller's thread as through a session.
   */
  @Test
  void aReadOnTheCallersThreadStopsAtTheRequestTimeout() {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "callerreads",
            ConfigFactory.parseString(
                    "ormdb.actors.request-timeout = 1ns\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    OrmDb db = OrmDb.get(system);
    db.store()
        .applySchema(io.ormdb.protocol.lang.schema.SchemaParser.parse(OrmDbEmbeddedTest.SCHEMA));
    Throwable e = failure(db, GraphQuery.from("Note").build());
    assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(e.getMessage()).contains("its read was stopped");
  }

  @Test
  void afterShutdownAReadFailsItsStageWithACodeInsteadOfThrowing() throws Exception {
    OrmDb db = start(true);
    db.query(note(1)).toCompletableFuture().join();
    stop();
    CompletableFuture<QueryResult> late = db.query(note(2)).toCompletableFuture();
    assertThat(late).isCompletedExceptionally();
    Throwable cause = failure(late);
    assertThat(cause).isInstanceOf(OrmDbException.class).hasMessageContaining("closed");
    assertThat(((OrmDbException) cause).code()).isEqualTo(ErrorCode.INTERNAL);
    system = ActorSystem.create(Behaviors.empty(), "callerreads-after"); // for @AfterEach
  }

  @Test
  void actorThreadsAndForkJoinWorkersKeepTheActorPath() throws Exception {
    OrmDb db = start(true);
    long before = db.callerThreadReads();

    CompletableFuture<QueryResult> fromActor = new CompletableFuture<>();
    system.systemActorOf(
        Behaviors.setup(
            ctx -> {
              db.query(note(4))
                  .whenComplete(
                      (r, e) -> {
                        if (e != null) {
                          fromActor.completeExceptionally(e);
                        } else {
                          fromActor.complete(r);
                        }
                      });
              return Behaviors.empty();
            }),
        "reader",
        Props.empty());
    assertThat(fromActor.get(10, TimeUnit.SECONDS).root().ids()).containsExactly(Value.of(4L));

    CompletableFuture<QueryResult> fromStoreDispatcher = new CompletableFuture<>();
    system.systemActorOf(
        Behaviors.setup(
            ctx -> {
              assertThat(Thread.currentThread().getName())
                  .startsWith("callerreads-ormdb.store-dispatcher-");
              fromStoreDispatcher.complete(db.query(note(6)).toCompletableFuture().join());
              return Behaviors.empty();
            }),
        "pooled-reader",
        DispatcherSelector.fromConfig("ormdb.store-dispatcher"));
    assertThat(fromStoreDispatcher.get(10, TimeUnit.SECONDS).root().ids())
        .containsExactly(Value.of(6L));

    ForkJoinPool pool = new ForkJoinPool(1);
    try {
      QueryResult fromWorker =
          pool.submit(() -> db.query(note(5)).toCompletableFuture().join())
              .get(10, TimeUnit.SECONDS);
      assertThat(fromWorker.root().ids()).containsExactly(Value.of(5L));
    } finally {
      pool.shutdown();
    }
    assertThat(db.callerThreadReads()).as("none ran on its caller's thread").isEqualTo(before);

    // an application thread whose name merely starts like the system's threads reads itself
    CompletableFuture<CompletableFuture<QueryResult>> fromApp = new CompletableFuture<>();
    Thread app =
        new Thread(
            () -> fromApp.complete(db.query(note(7)).toCompletableFuture()), "callerreads-7-0");
    app.start();
    app.join();
    assertThat(fromApp.join()).isDone();
    assertThat(db.callerThreadReads()).isEqualTo(before + 1);
  }

  @Test
  void switchedOffEveryQueryGoesThroughTheActorsWithTheSameAnswersAndErrors() {
    OrmDb off = start(false);
    off.query(note(1)).toCompletableFuture().join();
    QueryResult viaActors = off.query(note(2)).toCompletableFuture().join();
    Throwable offError = failure(off, UNKNOWN);
    assertThat(off.callerThreadReads()).isZero();
    assertThat(viaActors).isEqualTo(off.store().query(note(2)));
    stop0();

    OrmDb on = start(true);
    on.query(note(1)).toCompletableFuture().join();
    assertThat(on.query(note(2)).toCompletableFuture().join()).isEqualTo(on.store().query(note(2)));
    Throwable onError = failure(on, UNKNOWN);
    assertThat(offError.getMessage()).contains("Nope");
    assertThat(onError.getMessage()).isEqualTo(offError.getMessage());
    assertThat(((OrmDbException) onError).code()).isEqualTo(((OrmDbException) offError).code());
  }

  private static Throwable failure(CompletableFuture<?> f) {
    Throwable[] seen = new Throwable[1];
    assertThatThrownBy(f::join)
        .isInstanceOf(CompletionException.class)
        .satisfies(e -> seen[0] = e.getCause());
    return seen[0];
  }

  private static Throwable failure(OrmDb db, GraphQuery q) {
    Throwable[] seen = new Throwable[1];
    assertThatThrownBy(() -> db.query(q).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .satisfies(e -> seen[0] = e.getCause());
    assertThat(seen[0]).isInstanceOf(OrmDbException.class);
    return seen[0];
  }

  private void stop0() {
    try {
      stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
