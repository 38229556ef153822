package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ormdb.read-only = on}: the embedded extension opens an existing database for reads only —
 * queries and aggregates answer, mutations and schema changes fail with READ_ONLY — and the same
 * directory opens writable again afterwards.
 */
class OrmDbReadOnlyTest {
  @TempDir Path dir;

  private ActorSystem<Void> system(boolean readOnly) {
    return ActorSystem.create(
        Behaviors.empty(),
        "readonly",
        ConfigFactory.parseString(
                "ormdb.data-dir = \""
                    + dir.toString().replace("\\", "\\\\")
                    + "\"\normdb.read-only = "
                    + (readOnly ? "on" : "off")
                    + "\npekko.actor.serialize-messages = on\npekko.loglevel = WARNING")
            .withFallback(ConfigFactory.load()));
  }

  private static void terminate(ActorSystem<?> s) throws Exception {
    s.terminate();
    s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Mutation note(long id) {
    return new Mutation.Insert("Note", Map.of("id", Value.of(id), "text", Value.of("n" + id)));
  }

  private static void readOnlyRefusal(Throwable t) {
    assertThat(t).isInstanceOf(CompletionException.class);
    assertThat(t.getCause()).isInstanceOf(OrmDbException.class);
    assertThat(((OrmDbException) t.getCause()).code()).isEqualTo(ErrorCode.READ_ONLY);
    assertThat(t.getCause()).hasMessageContaining("is open read-only");
  }

  @Test
  void readsAnswerAndWritesAreRefused() throws Exception {
    ActorSystem<Void> w = system(false);
    try {
      OrmDb db = OrmDb.get(w);
      db.applySchema(OrmDbEmbeddedTest.SCHEMA).toCompletableFuture().join();
      db.mutate(MutationBatch.of(note(1), note(2))).toCompletableFuture().join();
    } finally {
      terminate(w);
    }

    ActorSystem<Void> r = system(true);
    try {
      OrmDb db = OrmDb.get(r);
      assertThat(db.store().isReadOnly()).isTrue();
      assertThat(db.query("Note.findMany()").toCompletableFuture().join().root().size())
          .isEqualTo(2);
      assertThat(db.aggregate("Note.count()").toCompletableFuture().join().rows().get(0))
          .containsExactly(Value.of(2L));
      assertThatThrownBy(() -> db.mutate(MutationBatch.of(note(3))).toCompletableFuture().join())
          .satisfies(OrmDbReadOnlyTest::readOnlyRefusal);
      assertThatThrownBy(
              () ->
                  db.applySchema(OrmDbEmbeddedTest.SCHEMA + "entity Tag {\n id int64 @id\n}\n")
                      .toCompletableFuture()
                      .join())
          .satisfies(OrmDbReadOnlyTest::readOnlyRefusal);
      assertThat(db.query("Note.findMany()").toCompletableFuture().join().root().size())
          .isEqualTo(2);
    } finally {
      terminate(r);
    }

    ActorSystem<Void> again = system(false);
    try {
      OrmDb db = OrmDb.get(again);
      db.mutate(MutationBatch.of(note(3))).toCompletableFuture().join();
      assertThat(db.query("Note.findMany()").toCompletableFuture().join().root().size())
          .isEqualTo(3);
    } finally {
      terminate(again);
    }
  }
}
