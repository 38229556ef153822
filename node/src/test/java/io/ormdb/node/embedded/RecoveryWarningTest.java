package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.RecoveryReport;
import io.ormdb.store.StoreConfig;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The embedded node logs, through the application's logging, what recovery could not use when it
 * opened its store: the LSN it opened at and the bytes of the log it ignored.
 */
class RecoveryWarningTest {
  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private ActorSystem<Void> system;

  @AfterEach
  void stop() throws Exception {
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logged);
  }

  /** A data directory as a crash leaves it, whose log's last 100 bytes are then zeroed. */
  private Path damaged() throws Exception {
    Path live = dir.resolve("live");
    Path crashed = dir.resolve("crashed");
    StoreConfig config =
        StoreConfig.of(live)
            .withCheckpoints(new StoreConfig.Checkpoints(Duration.ofHours(1), 1L << 20, 50, 0));
    try (OrmStore store = OrmStore.open(config)) {
      store.applySchema(SchemaParser.parse("entity Note {\n  id int64 @id\n  text string\n}\n"));
      store.checkpoint();
      for (long i = 1; i <= 20; i++) {
        store.commit(
            MutationBatch.of(
                new Mutation.Insert("Note", Map.of("id", Value.of(i), "text", Value.of("n" + i)))));
      }
      try (Stream<Path> files = Files.walk(live)) {
        for (Path p : files.toList()) {
          Path to = crashed.resolve(live.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to);
          }
        }
      }
    }
    // the last 100 bytes the log wrote: its segment is preallocated, zeros follow its records
    Path segment;
    try (Stream<Path> s = Files.list(crashed.resolve("wal"))) {
      segment = s.sorted().reduce((a, b) -> b).orElseThrow();
    }
    byte[] written = Files.readAllBytes(segment);
    int end = written.length;
    while (written[end - 1] == 0) {
      end--;
    }
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.seek(end - 100);
      f.write(new byte[100]);
    }
    return crashed;
  }

  @Test
  void theWarningOfTheStoresRecoveryIsLogged() throws Exception {
    Path data = damaged();
    logged.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logged);
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "recovery-warning",
            ConfigFactory.load()
                .withValue("ormdb.data-dir", ConfigValueFactory.fromAnyRef(data.toString())));
    OrmDb db = OrmDb.get(system);
    RecoveryReport r = db.store().recoveryReport();
    assertThat(r.ignoredBytes()).isPositive();
    assertThat(r.historyDiscarded()).isTrue();
    List<String> warnings =
        logged.list.stream()
            .filter(e -> e.getLevel() == Level.WARN)
            .map(ILoggingEvent::getFormattedMessage)
            .filter(m -> m.contains("the store opened at LSN"))
            .toList();
    assertThat(warnings).containsExactly("ORMDB store " + data + ": " + r.warning().orElseThrow());
    assertThat(warnings.get(0))
        .contains("the store opened at LSN " + r.openedAtLsn() + ": ")
        .contains(r.ignoredBytes() + " bytes at the end of the write-ahead log");
  }
}
