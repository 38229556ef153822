package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.ormdb.cdc.audit.AuditFiles;
import io.ormdb.cdc.audit.AuditSink;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit sink from the embedded API and from configuration. */
class AuditSinkEmbeddedTest {
  @TempDir Path dir;

  private static ActorSystem<Void> system(Path dataDir, boolean audit) {
    return ActorSystem.create(
        Behaviors.empty(),
        "embedded-audit",
        ConfigFactory.parseString(
                "ormdb.data-dir = \""
                    + dataDir.toString().replace("\\", "\\\\")
                    + "\"\normdb.audit.enabled = "
                    + (audit ? "on" : "off")
                    + "\normdb.audit.flush-interval = 10ms\npekko.loglevel = WARNING")
            .withFallback(ConfigFactory.load()));
  }

  private static void terminate(ActorSystem<?> s) throws Exception {
    s.terminate();
    s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static MutationBatch notes(long... ids) {
    Mutation[] ms = new Mutation[ids.length];
    for (int i = 0; i < ids.length; i++) {
      ms[i] = new Mutation.Insert("Note", Map.of("id", Value.of(ids[i]), "text", Value.of("n")));
    }
    return MutationBatch.of(ms);
  }

  @Test
  void enabledByConfigTheNodeWritesAuditFilesInItsDataDirectoryAndStopsWithIt() throws Exception {
    ActorSystem<Void> s = system(dir, true);
    try {
      OrmDb db = OrmDb.get(s);
      db.applySchema(OrmDbEmbeddedTest.SCHEMA).toCompletableFuture().join();
      Optional<AuditSink> sink = db.startConfiguredAuditSink();
      assertThat(sink).isPresent();
      db.mutate(notes(1, 2)).toCompletableFuture().join();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(AuditFiles.readLines(dir.resolve("audit"))).hasSize(2));
    } finally {
      terminate(s);
    }
    // restarted: the sink continues after what the files hold
    ActorSystem<Void> again = system(dir, true);
    try {
      OrmDb db = OrmDb.get(again);
      db.startConfiguredAuditSink().orElseThrow();
      db.mutate(notes(3)).toCompletableFuture().join();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(AuditFiles.readLines(dir.resolve("audit")))
                      .hasSize(3)
                      .doesNotHaveDuplicates());
    } finally {
      terminate(again);
    }
  }

  @Test
  void disabledByDefaultButStartableFromTheApi() throws Exception {
    ActorSystem<Void> s = system(dir, false);
    try {
      OrmDb db = OrmDb.get(s);
      assertThat(db.startConfiguredAuditSink()).isEmpty();
      db.applySchema(OrmDbEmbeddedTest.SCHEMA).toCompletableFuture().join();
      AuditSink sink = db.startAuditSink();
      db.mutate(notes(1)).toCompletableFuture().join();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(AuditFiles.readLines(dir.resolve("audit"))).hasSize(1));
      sink.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(db.consumer("audit").offset().lsn()).isEqualTo(db.store().currentLsn());
    } finally {
      terminate(s);
    }
  }
}
