package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.typesafe.config.ConfigFactory;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.StoreConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inputs of the issue (3,000 nested parentheses, 50,000 negations, a 5,000-deep schema check)
 * and filters built in code 100,000 deep fail their stage with a clear INVALID_REQUEST; no call
 * throws, and no Error ever reaches the caller.
 */
class OrmDbDeepInputTest {
  static final String SCHEMA =
      """
      entity Note {
        id   int64  @id
        text string
      }
      """;

  ActorSystem<Void> system;
  OrmDb db;

  /**
   * Messages are not serialized here (unlike the other node tests): the test-only check would drop
   * a message nested deeper than the wire format allows (100 records) before any of the node runs
   * it, and this test is about what the node does with such a request.
   */
  @BeforeEach
  void start() {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "deep",
            ConfigFactory.parseString(
                    "ormdb.data-dir = \""
                        + StoreConfig.IN_MEMORY
                        + "\"\npekko.actor.serialize-messages = off\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    db = OrmDb.get(system);
    db.applySchema(SCHEMA).toCompletableFuture().join();
    db.mutate(
            MutationBatch.of(
                new Mutation.Insert("Note", Map.of("id", Value.of(1L), "text", Value.of("a")))))
        .toCompletableFuture()
        .join();
  }

  @AfterEach
  void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The stage's failure; the call itself must not throw. */
  private static OrmDbException failure(Supplier<CompletionStage<?>> call) {
    CompletionStage<?> stage;
    try {
      stage = call.get();
    } catch (Throwable t) {
      throw new AssertionError("the call threw instead of failing its stage", t);
    }
    Throwable t = catchThrowable(stage.toCompletableFuture()::join);
    assertThat(t).isInstanceOf(CompletionException.class);
    assertThat(t.getCause()).isInstanceOf(OrmDbException.class);
    return (OrmDbException) t.getCause();
  }

  private static OrmDbException invalid(Supplier<CompletionStage<?>> call) {
    OrmDbException e = failure(call);
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    return e;
  }

  private static Filter nots(int levels) {
    Filter f = Filter.eq("id", 1L);
    for (int i = 0; i < levels; i++) {
      f = new Filter.Not(f);
    }
    return f;
  }

  @Test
  void theIssuesInputsFailTheirStageWithLineAndColumn() {
    String where = "Note.findMany().where(";
    assertThat(
            invalid(() -> db.query(where + "(".repeat(3_000) + "id == 1" + ")".repeat(3_000) + ")"))
                .getMessage())
        .isEqualTo("line 1:279: expression nested too deeply (more than 256 levels)");
    assertThat(invalid(() -> db.query(where + "!".repeat(50_000) + "id == 1)")).getMessage())
        .isEqualTo("line 1:279: expression nested too deeply (more than 256 levels)");
    String check =
        "entity Note {\n  id int64 @id\n  text string\n  check ("
            + "(".repeat(5_000)
            + "id > 0"
            + ")".repeat(5_000)
            + ")\n}\n";
    assertThat(invalid(() -> db.applySchema(check)).getMessage())
        .isEqualTo("line 4:266: expression nested too deeply (more than 256 levels)");
    assertThat(db.store().schemaVersions()).containsExactly(1L);
  }

  @Test
  void filtersBuiltInCodeFailTheirStage() {
    Filter deep = nots(100_000);
    assertThat(invalid(() -> db.query(GraphQuery.from("Note").where(deep).build())).getMessage())
        .contains("nested");
    assertThat(
            invalid(
                    () ->
                        db.aggregate(
                            new AggregateQuery(
                                "Note",
                                List.of(
                                    new AggregateQuery.Aggregation(
                                        AggregateQuery.Function.COUNT, null)),
                                deep,
                                List.of(),
                                null)))
                .getMessage())
        .contains("nested");
    long lsn = db.store().currentLsn();
    assertThat(
            invalid(() -> db.mutate(MutationBatch.of(new Mutation.DeleteMany("Note", deep))))
                .getMessage())
        .contains("nested");
    assertThat(db.store().currentLsn()).isEqualTo(lsn);
  }

  /**
   * Calls {@code call} with about {@code frames} stack frames already in use, so that the call runs
   * out of stack somewhere inside; returns what it returned or threw.
   */
  private static Object callDeep(int frames, Supplier<CompletionStage<?>> call) {
    if (frames > 0) {
      return callDeep(frames - 1, call);
    }
    try {
      return call.get();
    } catch (Throwable t) {
      return t;
    }
  }

  /**
   * A StackOverflowError inside the call fails the stage (INTERNAL, the error as its cause) instead
   * of being thrown at the caller. The call is made with less and less stack left until a call
   * fails: somewhere the parser runs out while the call itself still has room to fail its stage.
   * Without the guard that first failure is the StackOverflowError itself, thrown.
   */
  @Test
  void aStackOverflowInsideTheCallFailsTheStageInsteadOfReachingTheCaller() throws Exception {
    String text = "Note.findMany().where(" + "(".repeat(256) + "id == 1" + ")".repeat(256) + ")";
    Object[] firstFailure = new Object[1];
    Thread t =
        new Thread(
            null,
            () -> {
              for (int frames = 0; firstFailure[0] == null; frames += 10) {
                Object outcome;
                try {
                  outcome = callDeep(frames, () -> db.query(text));
                } catch (StackOverflowError e) {
                  return; // callDeep itself ran out before reaching the call
                }
                if (outcome instanceof Throwable
                    || ((CompletableFuture<?>) outcome).isCompletedExceptionally()) {
                  firstFailure[0] = outcome; // a failed stage is failed when it is returned
                }
              }
            },
            "small-stack",
            256 * 1024);
    t.start();
    t.join();
    assertThat(firstFailure[0])
        .as("a call ran out of stack")
        .isNotNull()
        .isInstanceOf(CompletableFuture.class);
    Throwable cause = catchThrowable(((CompletableFuture<?>) firstFailure[0])::join).getCause();
    assertThat(cause)
        .isInstanceOf(OrmDbException.class)
        .hasCauseInstanceOf(StackOverflowError.class);
    assertThat(((OrmDbException) cause).code()).isEqualTo(ErrorCode.INTERNAL);
  }
}
