package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.all;
import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-ahead log: commits are durable in the log ({@code <data-dir>/wal}), the database file
 * is written at checkpoints only, a clean close leaves nothing to replay, and a log that does not
 * belong to the file is refused. Replay after a crash is {@link CrashRecoveryTest}'s.
 */
class WriteAheadLogTest {
  @TempDir Path dir;

  private static final StoreConfig.Checkpoints RARE =
      new StoreConfig.Checkpoints(Duration.ofHours(1), 1L << 30, 50, 16L << 20);

  private List<Path> segments() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("wal"))) {
      return s.sorted().toList();
    }
  }

  @Test
  void commitsGoToTheLogAndTheFileIsWrittenAtCheckpoints() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir).withCheckpoints(RARE))) {
      store.applySchema(TestSchemas.blog());
      store.checkpoint();
      long fileAfterSchema = Files.size(dir.resolve(StoreConfig.FILE_NAME));
      StoreStats before = store.stats();
      for (int i = 0; i < 500; i++) {
        commit(
            store,
            insert("User", "id", UUID.randomUUID(), "email", "u" + i + "@x", "name", "U" + i));
      }
      StoreStats after = store.stats();
      assertThat(after.storeCommits() - before.storeCommits()).isEqualTo(500);
      assertThat(after.logBytes() - before.logBytes()).isPositive();
      assertThat(after.checkpoints()).isEqualTo(before.checkpoints());
      // no commit wrote the file: it is as the schema's checkpoint left it
      assertThat(Files.size(dir.resolve(StoreConfig.FILE_NAME))).isEqualTo(fileAfterSchema);
      long logged = after.logBytes() - before.logBytes();
      assertThat(logged / 500).as("log bytes per single-row commit").isLessThan(2_000);

      store.checkpoint();
      assertThat(store.stats().checkpoints()).isEqualTo(after.checkpoints() + 1);
      assertThat(segments()).hasSize(1);
    }
  }

  @Test
  void aCleanCloseLeavesOneEmptySegmentAndReopenReplaysNothing() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir).withCheckpoints(RARE))) {
      store.applySchema(TestSchemas.blog());
      for (int i = 0; i < 20; i++) {
        commit(store, insert("User", "id", UUID.randomUUID(), "email", i + "@x", "name", "n"));
      }
    }
    List<Path> left = segments();
    assertThat(left).hasSize(1);
    assertThat(Files.size(left.get(0))).as("a header only").isEqualTo(64);
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      assertThat(all(store, "User")).hasSize(20);
      assertThat(store.currentLsn()).isEqualTo(20);
    }
  }

  @Test
  void aLogThatBelongsToAnotherFileIsRefused() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    for (Path p : List.of(a, b)) {
      try (OrmStore store = OrmStore.open(StoreConfig.of(p))) {
        store.applySchema(TestSchemas.blog());
      }
    }
    // b's file with a's log: the segment names match, the file ids do not
    Path bLog = b.resolve("wal");
    try (Stream<Path> s = Files.list(bLog)) {
      for (Path f : s.toList()) {
        Files.delete(f);
      }
    }
    try (Stream<Path> s = Files.list(a.resolve("wal"))) {
      for (Path f : s.toList()) {
        Files.copy(f, bLog.resolve(f.getFileName()));
      }
    }
    assertThatThrownBy(() -> OrmStore.open(StoreConfig.of(b)))
        .isInstanceOfSatisfying(
            OrmDbException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
              assertThat(e.getMessage())
                  .contains("cannot be opened without losing acknowledged commits")
                  .contains("belongs to");
            });
  }

  @Test
  void aLogWithRecordsButNoCheckpointInTheFileIsRefused() throws Exception {
    Path a = dir.resolve("a");
    try (OrmStore store = OrmStore.open(StoreConfig.of(a).withCheckpoints(RARE))) {
      store.applySchema(TestSchemas.blog());
      commit(store, insert("User", "id", UUID.randomUUID(), "email", "e@x", "name", "n"));
      // a copy of the log while it holds a record
      copyTree(a.resolve("wal"), dir.resolve("saved-wal"));
    }
    Path fresh = dir.resolve("fresh");
    Files.createDirectories(fresh);
    copyTree(dir.resolve("saved-wal"), fresh.resolve("wal"));
    assertThatThrownBy(() -> OrmStore.open(StoreConfig.of(fresh)))
        .isInstanceOfSatisfying(
            OrmDbException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
              assertThat(e.getMessage()).contains("records no checkpoint of the write-ahead log");
            });
    assertThat(fresh.resolve(StoreConfig.FILE_NAME)).exists();
  }

  @Test
  void inMemoryStoresHaveNoLog() {
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(TestSchemas.blog());
      commit(store, insert("User", "id", UUID.randomUUID(), "email", "e@x", "name", "n"));
      store.checkpoint();
      assertThat(store.stats().logBytes()).isZero();
      assertThat(store.stats().checkpoints()).isZero();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path f : s.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
