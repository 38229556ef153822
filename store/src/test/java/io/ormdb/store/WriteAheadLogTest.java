package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.all;
import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.store.internal.wal.RedoBuffer;
import io.ormdb.store.internal.wal.WalReader;
import io.ormdb.store.internal.wal.WalWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.h2.mvstore.MVStore;
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
  void aCheckpointThatRaisesTheLsnReservationMovesTheLogToANewSegment() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir).withCheckpoints(RARE))) {
      store.applySchema(TestSchemas.blog());
      commit(store, insert("User", "id", UUID.randomUUID(), "email", "a@x", "name", "A"));
    }
    // the file's reservation as LSNs committed up to half a reservation before it leave it: the
    // next LSN leaves less than half of it
    long lsn;
    MVStore mv =
        new MVStore.Builder().fileName(dir.resolve(StoreConfig.FILE_NAME).toString()).open();
    try {
      Map<String, String> meta = mv.openMap("meta");
      lsn = Long.parseLong(meta.get("wal.lsn"));
      meta.put("lsn.reserved", Long.toString(lsn + (1L << 19)));
      mv.commit();
    } finally {
      mv.close();
    }
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir).withCheckpoints(RARE))) {
      List<Path> atOpen = segments();
      assertThat(atOpen).hasSize(1);
      commit(store, insert("User", "id", UUID.randomUUID(), "email", "b@x", "name", "B"));
      store.checkpoint();
      // not raised yet at open: this checkpoint raised it and moved to the next segment, whose
      // header names the LSN the reservation starts from; the older segment is deleted
      List<Path> after = segments();
      assertThat(after).hasSize(1).doesNotContainAnyElementsOf(atOpen);
      assertThat(WalReader.newestLsnSeen(dir.resolve("wal"))).isEqualTo(lsn + 1);
      commit(store, insert("User", "id", UUID.randomUUID(), "email", "c@x", "name", "C"));
      store.checkpoint();
      assertThat(segments()).as("a checkpoint that does not raise it").isEqualTo(after);
    }
    mv = new MVStore.Builder().fileName(dir.resolve(StoreConfig.FILE_NAME).toString()).open();
    try {
      Map<String, String> meta = mv.openMap("meta");
      assertThat(meta.get("lsn.reserved")).isEqualTo(Long.toString(lsn + 1 + (1L << 20)));
    } finally {
      mv.close();
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

  /**
   * MVStore commits a chunk on its own, at the next map write, once its unsaved pages pass its
   * write buffer (about 19 MB with a heap of 300 MB or more) unless the buffer is 0: here about 30
   * MB of rows and changelog are committed, and the file must still be byte for byte what the last
   * checkpoint wrote.
   */
  @Test
  void theFileIsNotWrittenBetweenCheckpointsHoweverMuchIsCommitted() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir).withCheckpoints(RARE))) {
      store.applySchema(TestSchemas.blog());
      store.checkpoint();
      Path file = dir.resolve(StoreConfig.FILE_NAME);
      Path atCheckpoint = Files.copy(file, dir.resolve("at-checkpoint.db"));
      long checkpoints = store.stats().checkpoints();
      String bio = "b".repeat(1_000);
      for (int b = 0; b < 30; b++) {
        List<Mutation> batch = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          batch.add(
              insert(
                  "User",
                  "id",
                  UUID.randomUUID(),
                  "email",
                  b + "." + i + "@x",
                  "name",
                  "n",
                  "bio",
                  bio));
        }
        store.commit(new MutationBatch(batch));
      }
      assertThat(store.stats().checkpoints()).isEqualTo(checkpoints);
      assertThat(Files.mismatch(file, atCheckpoint))
          .as("the first byte where the file differs from the checkpoint's (-1: none)")
          .isEqualTo(-1L);
    }
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      assertThat(all(store, "User")).hasSize(15_000);
    }
  }

  /**
   * Unsaved pages are bounded by a sixteenth of the heap as well as by four times the log size: a
   * child with a 256 MB heap commits about 30 MB of rows (more than 16 MB of unsaved pages) under a
   * log size of 1 GiB, and checkpoints come all the same.
   */
  @Test
  void aSmallHeapBoundsTheUnsavedPagesBelowTheLogSize() throws Exception {
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (ChildJvm child = ChildJvm.start(SmallHeapChild.class, lines::add, dir.toString())) {
      assertThat(child.awaitExit(300)).as("the child finished").isTrue();
      assertThat(lines)
          .as("the child's result; its standard error ends with:%n%s", child.stderrTail(30))
          .hasSize(1);
    }
    String[] words = lines.get(0).split(" ");
    assertThat(Long.parseLong(words[3])).as("the child's heap").isLessThan(300L << 20);
    assertThat(Long.parseLong(words[1])).as("checkpoints before the close").isPositive();
  }

  @Test
  void aCleanCloseLeavesOneSegmentWhoseRecordsTheFileHoldsAndReopenReplaysNothing()
      throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir).withCheckpoints(RARE))) {
      store.applySchema(TestSchemas.blog());
      for (int i = 0; i < 20; i++) {
        commit(store, insert("User", "id", UUID.randomUUID(), "email", i + "@x", "name", "n"));
      }
    }
    List<Path> left = segments();
    assertThat(left).hasSize(1);
    assertThat(Files.size(left.get(0))).as("preallocated").isEqualTo(WalWriter.MIN_CAPACITY);
    assertThat(WalReader.holdsNothing(left.get(0))).as("the commits' records").isFalse();
    // the file's checkpoint names that segment and its last group: a replay skips every record
    MVStore file =
        new MVStore.Builder()
            .fileName(dir.resolve(StoreConfig.FILE_NAME).toString())
            .readOnly()
            .open();
    Map<String, String> meta = file.openMap("meta");
    WalReader.Replay replay =
        WalReader.replay(
            dir.resolve("wal"),
            UUID.fromString(meta.get("file.id")),
            Long.parseLong(meta.get("wal.segment")),
            Long.parseLong(meta.get("wal.group")),
            Long.parseLong(meta.get("wal.lsn")),
            false,
            new RedoBuffer.Target() {
              @Override
              public void put(int map, byte[] key, byte[] value) {
                throw new AssertionError("replayed a put to map " + map);
              }

              @Override
              public void remove(int map, byte[] key) {
                throw new AssertionError("replayed a remove from map " + map);
              }
            });
    file.close();
    assertThat(replay.records()).isZero();
    assertThat(replay.lastGroup()).as("the segment's groups").isGreaterThanOrEqualTo(20);
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
