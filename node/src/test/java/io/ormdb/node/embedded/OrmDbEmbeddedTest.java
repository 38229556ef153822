package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.typesafe.config.ConfigFactory;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrmDbEmbeddedTest {
  static final String SCHEMA =
      """
      entity Note {
        id   int64  @id
        text string
      }
      """;

  private static ActorSystem<Void> system(String dataDir) {
    return ActorSystem.create(
        Behaviors.empty(),
        "embedded",
        ConfigFactory.parseString(
                "ormdb.data-dir = \""
                    + dataDir.replace("\\", "\\\\")
                    + "\"\n"
                    + "pekko.actor.serialize-messages = on\npekko.loglevel = WARNING")
            .withFallback(ConfigFactory.load()));
  }

  private static void terminate(ActorSystem<?> s) throws Exception {
    s.terminate();
    s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Mutation note(long id) {
    return new Mutation.Insert("Note", Map.of("id", Value.of(id), "text", Value.of("n" + id)));
  }

  @Test
  void inMemoryApiRoundTrip() throws Exception {
    ActorSystem<Void> s = system(StoreConfig.IN_MEMORY);
    try {
      OrmDb db = OrmDb.get(s);
      assertThat(OrmDb.get(s)).isSameAs(db);
      assertThat(db.applySchema(SCHEMA).toCompletableFuture().join()).isPositive();
      db.mutate(MutationBatch.of(note(1), note(2))).toCompletableFuture().join();
      QueryResult r = db.query("Note.findMany().where(id > 1)").toCompletableFuture().join();
      assertThat(r.root().ids()).containsExactly(Value.of(2L));
      assertThat(
              db.query(GraphQuery.from("Note").build()).toCompletableFuture().join().root().size())
          .isEqualTo(2);
      assertThat(db.explain(GraphQuery.from("Note").build(), false).toCompletableFuture().join())
          .isNotNull();
      assertThatThrownBy(() -> db.mutate(MutationBatch.of(note(1))).toCompletableFuture().join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(OrmDbException.class)
          .satisfies(
              e ->
                  assertThat(((OrmDbException) e).code())
                      .isEqualTo(ErrorCode.CONSTRAINT_VIOLATION));
    } finally {
      terminate(s);
    }
  }

  /**
   * {@code query(String)} runs find statements only: a write handed to it is refused before it runs
   * (nothing is written), and a parse error fails the stage instead of being thrown.
   */
  @Test
  void queryTextRefusesOtherStatementsBeforeRunningThem() throws Exception {
    ActorSystem<Void> s = system(StoreConfig.IN_MEMORY);
    try {
      OrmDb db = OrmDb.get(s);
      db.applySchema(SCHEMA).toCompletableFuture().join();
      CompletableFuture<QueryResult> write =
          db.query("Note.create({ id: 50, text: \"x\" })").toCompletableFuture();
      assertThatThrownBy(write::join)
          .cause()
          .isInstanceOf(OrmDbException.class)
          .hasMessageContaining("query(String) runs find statements");
      assertThat(db.store().query(GraphQuery.from("Note").build()).root().size())
          .as("the write did not run")
          .isZero();
      CompletableFuture<QueryResult> broken =
          db.query("Note.findMany().where(").toCompletableFuture();
      assertThat(broken).isCompletedExceptionally();
      assertThatThrownBy(broken::join)
          .cause()
          .isInstanceOf(OrmDbException.class)
          .satisfies(
              e -> assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    } finally {
      terminate(s);
    }
  }

  /**
   * Writes, aggregates and explains have text forms too: {@code mutate(String)} returns the
   * MutationResult, {@code aggregate(String)} the AggregateResult and {@code explain(String)} the
   * plan, with no parse-and-cast by the caller.
   */
  @Test
  void writesAggregatesAndExplainsRunAsText() throws Exception {
    ActorSystem<Void> s = system(StoreConfig.IN_MEMORY);
    try {
      OrmDb db = OrmDb.get(s);
      db.applySchema(SCHEMA).toCompletableFuture().join();
      MutationResult created =
          db.mutate(
                  "batch { Note.create({ id: 1, text: \"a\" }); Note.create({ id: 2, text: \"b\" }) }")
              .toCompletableFuture()
              .join();
      assertThat(created.affected()).isEqualTo(2);
      assertThat(created.insertedIds()).containsExactly(Value.of(1L), Value.of(2L));
      MutationResult updated =
          db.mutate("Note.updateMany().where(id > 1).set({ text: \"B\" })")
              .toCompletableFuture()
              .join();
      assertThat(updated.lsn()).isGreaterThan(created.lsn());
      assertThat(updated.affected()).isEqualTo(1);
      AggregateResult count =
          db.aggregate("Note.count().where(text == \"B\")").toCompletableFuture().join();
      assertThat(count.rows()).containsExactly(List.of(Value.of(1L)));
      ExplainResult plan =
          db.explain("explain Note.findMany().where(id == 1)").toCompletableFuture().join();
      assertThat(plan.text()).contains("Note");
      // order keys are checked against the schema as the text is read: the mistake's position
      CompletableFuture<ExplainResult> misspelled =
          db.explain("explain Note.findMany().orderBy(text.dsc)").toCompletableFuture();
      assertThat(catchThrowable(misspelled::join).getCause())
          .hasMessage(
              "line 1:38: expected 'asc', 'desc', 'nullsFirst' or 'nullsLast' after field 'text'"
                  + " but found 'dsc' (did you mean 'desc'?)");
    } finally {
      terminate(s);
    }
  }

  /**
   * Each text method refuses the other kinds of statement before anything runs (a find handed to
   * {@code mutate}, a write handed to {@code aggregate} or {@code explain} is not committed), and a
   * parse error fails the stage instead of being thrown.
   */
  @Test
  void textMethodsRefuseTheWrongKindOfStatementBeforeRunningIt() throws Exception {
    ActorSystem<Void> s = system(StoreConfig.IN_MEMORY);
    try {
      OrmDb db = OrmDb.get(s);
      db.applySchema(SCHEMA).toCompletableFuture().join();
      String write = "Note.create({ id: 50, text: \"x\" })";
      List<CompletableFuture<?>> refused =
          List.of(
              db.mutate("Note.findMany()").toCompletableFuture(),
              db.aggregate(write).toCompletableFuture(),
              db.explain(write).toCompletableFuture(),
              db.mutate("Note.count()").toCompletableFuture());
      List<String> messages = new ArrayList<>();
      for (CompletableFuture<?> f : refused) {
        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::join)
            .cause()
            .isInstanceOf(OrmDbException.class)
            .satisfies(
                e -> {
                  assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                  messages.add(e.getMessage());
                });
      }
      assertThat(messages.get(0))
          .contains("mutate(String) runs create, update, delete, upsert and batch statements")
          .contains("a find statement (use query)");
      assertThat(messages.get(1))
          .contains("aggregate(String) runs count and aggregate statements")
          .contains("a write statement (use mutate)");
      assertThat(messages.get(2)).contains("explain(String) runs explain statements");
      assertThat(messages.get(3)).contains("an aggregate statement (use aggregate)");
      assertThat(db.store().query(GraphQuery.from("Note").build()).root().size())
          .as("the write handed to aggregate and explain did not run")
          .isZero();
      CompletableFuture<MutationResult> broken =
          db.mutate("Note.create({ id: ").toCompletableFuture();
      assertThat(broken).isCompletedExceptionally();
      assertThatThrownBy(broken::join)
          .cause()
          .isInstanceOf(OrmDbException.class)
          .hasMessageContaining("line 1:");
    } finally {
      terminate(s);
    }
  }

  /**
   * The stages are plain CompletableFutures completed on the thread that delivers the answer: the
   * ask's Scala stage runs even non-async callbacks on the default executor, which on a machine
   * with one or two cores is a new thread per callback ("Thread-N"), and the common pool elsewhere.
   */
  @Test
  void stagesCompleteOnTheAnsweringThreadNotOnANewThreadPerCallback() throws Exception {
    ActorSystem<Void> s = system(StoreConfig.IN_MEMORY);
    try {
      OrmDb db = OrmDb.get(s);
      db.applySchema(SCHEMA).toCompletableFuture().join();
      db.mutate(MutationBatch.of(note(1))).toCompletableFuture().join();
      for (int i = 0; i < 20; i++) {
        CompletableFuture<QueryResult> q =
            db.query(GraphQuery.from("Note").build()).toCompletableFuture();
        assertThat(q.getClass()).isEqualTo(CompletableFuture.class);
        String thread = q.thenApply(r -> Thread.currentThread().getName()).join();
        assertThat(thread).doesNotStartWith("Thread-").doesNotContain("commonPool");
      }
    } finally {
      terminate(s);
    }
  }

  @Test
  void changesFeedAndNamedConsumerOfTheEmbeddedNode() throws Exception {
    ActorSystem<Void> s = system(StoreConfig.IN_MEMORY);
    try {
      OrmDb db = OrmDb.get(s);
      assertThat(io.ormdb.cdc.OrmStoreRegistry.get(s).store())
          .as("registered for the journal plugins")
          .isSameAs(db.store());
      db.applySchema(SCHEMA).toCompletableFuture().join();
      var live =
          db.changes(0)
              .take(3)
              .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), s)
              .toCompletableFuture();
      db.mutate(MutationBatch.of(note(1), note(2))).toCompletableFuture().join();
      db.mutate(MutationBatch.of(new Mutation.Delete("Note", Value.of(1L), 0)))
          .toCompletableFuture()
          .join();
      assertThat(live.get(10, TimeUnit.SECONDS))
          .extracting(e -> e.lsn() + " " + e.op().code() + " " + e.id().render())
          .containsExactly("1 c 1", "1 c 2", "2 d 1");
      var consumer = db.consumer("audit");
      consumer
          .commit(new io.ormdb.store.journal.ConsumerOffset(1, 1))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      assertThat(
              consumer
                  .resume(io.ormdb.cdc.feed.ChangeFilter.all())
                  .take(1)
                  .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), s)
                  .toCompletableFuture()
                  .get(10, TimeUnit.SECONDS))
          .extracting(e -> e.lsn())
          .containsExactly(2L);
    } finally {
      terminate(s);
    }
  }

  /**
   * An application that applies its schema at every start keeps one schema version: the same text
   * again, in the same run or after a restart, returns the current version and adds none.
   */
  @Test
  void applyingTheSameSchemaTextAgainKeepsItsVersion(@TempDir Path dir) throws Exception {
    String dataDir = dir.resolve("db").toString();
    ActorSystem<Void> first = system(dataDir);
    try {
      OrmDb db = OrmDb.get(first);
      assertThat(db.applySchema(SCHEMA).toCompletableFuture().join()).isEqualTo(1);
      assertThat(db.applySchema(SCHEMA).toCompletableFuture().join()).isEqualTo(1);
    } finally {
      terminate(first);
    }
    ActorSystem<Void> second = system(dataDir);
    try {
      OrmDb db = OrmDb.get(second);
      assertThat(db.applySchema(SCHEMA).toCompletableFuture().join()).isEqualTo(1);
      assertThat(db.store().schemaVersions()).containsExactly(1L);
      String changed = SCHEMA.replace("text string\n", "text string\n  tag  string?\n");
      assertThat(db.applySchema(changed).toCompletableFuture().join()).isEqualTo(2);
      assertThat(db.applySchema(changed).toCompletableFuture().join()).isEqualTo(2);
      assertThat(db.store().schemaVersions()).containsExactly(1L, 2L);
    } finally {
      terminate(second);
    }
  }

  /** Acknowledged writes survive a restart of the ActorSystem; the file is released on shutdown. */
  @Test
  void acknowledgedWritesSurviveARestart(@TempDir Path dir) throws Exception {
    String dataDir = dir.resolve("db").toString();
    ActorSystem<Void> first = system(dataDir);
    OrmDb db = OrmDb.get(first);
    db.applySchema(SCHEMA).toCompletableFuture().join();
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (long i = 1; i <= 200; i++) {
      writes.add(db.mutate(MutationBatch.of(note(i))).toCompletableFuture());
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    terminate(first);

    ActorSystem<Void> second = system(dataDir);
    try {
      QueryResult all =
          OrmDb.get(second).query(GraphQuery.from("Note").build()).toCompletableFuture().join();
      assertThat(all.root().size()).isEqualTo(200);
    } finally {
      terminate(second);
    }
    assertThat(Files.exists(Path.of(dataDir, StoreConfig.FILE_NAME))).isTrue();
    try (OrmStore again = OrmStore.open(StoreConfig.of(Path.of(dataDir)))) {
      assertThat(again.currentLsn()).isGreaterThanOrEqualTo(200);
    }
  }
}
