package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeSet;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files, on real files: the last records of the write-ahead log (not the zeros after them
 * in its preallocated segment) and the end of the database file zeroed, truncated or overwritten, a
 * chunk in the middle of the file damaged, the file's header zeroed. Each is refused with
 * STORAGE_UNAVAILABLE naming the last good LSN, or opened with a warning, or opened with {@code
 * NEWEST_INTACT} in a new history epoch — never INVALID_REQUEST, never with an internal class name
 * — and after every recovery no LSN a consumer read before the damage names another change set.
 */
class DamagedFilesTest {
  @TempDir Path dir;

  /** Checkpoints only when asked for (several chunks), no background rewriting. */
  private static final StoreConfig.Checkpoints ON_REQUEST =
      new StoreConfig.Checkpoints(Duration.ofHours(1), 1L << 30, 50, 0);

  private static final int COMMITS = 160;

  /** What a consumer read before the damage: every change set, by LSN. */
  private final Map<Long, ChangeSet> read = new HashMap<>();

  private StoreConfig config(Path d) {
    return StoreConfig.of(d).withCheckpoints(ON_REQUEST);
  }

  /**
   * A store with {@value #COMMITS} single-row commits and a checkpoint every 40 (several file
   * chunks); the last 40 commits write about 30 KB each, so that the log moves to its second
   * segment after the last checkpoint, and the close's checkpoint deletes the first one. A consumer
   * reads them all. Returns a copy of the data directory taken while the store was open after the
   * last commit (what a crash leaves: the last 40 commits in the log only), and closes the store
   * cleanly (its directory: the file holds everything).
   */
  private Path fill(Path d) throws IOException {
    return fill(d, true);
  }

  /** {@link #fill(Path)}; without {@code bigTail}, every commit is small: one log segment. */
  private Path fill(Path d, boolean bigTail) throws IOException {
    Path crashed = dir.resolve(d.getFileName() + "-crashed");
    try (OrmStore store = OrmStore.open(config(d))) {
      store.applySchema(TestSchemas.blog());
      for (int i = 1; i <= COMMITS; i++) {
        commit(
            store,
            insert(
                "User",
                "id",
                new UUID(7, i),
                "email",
                "user" + i + "@example.com",
                "name",
                "User number " + i + " " + "x".repeat(bigTail && i > 120 ? 15_000 : 120)));
        if (i % 40 == 0 && i < COMMITS) {
          store.checkpoint();
        }
      }
      for (ChangeSet cs : store.changes(1, 10_000)) {
        read.put(cs.lsn(), cs);
      }
      assertThat(read).hasSize(COMMITS);
      assertThat(segments(d)).as("the log's segments").hasSize(bigTail ? 2 : 1);
      copyTree(d, crashed);
    }
    return crashed;
  }

  // ---------------------------------------------------------------------------------------------
  // the write-ahead log's tail: opened with a warning, in a new epoch

  @Test
  void aWalSegmentWhoseLastFourKibAreZeroedOpensWithAWarningInANewEpoch() throws Exception {
    Path d = fill(dir.resolve("zeroed"));
    Path seg = WalFiles.newestWritten(d);
    // the last 4 KiB the log wrote (a preallocated segment holds zeros after its records)
    overwrite(seg, WalFiles.recordsEnd(seg) - 4096, new byte[4096]);
    openedWithWarning(d, seg);
  }

  @Test
  void aTruncatedWalSegmentOpensWithAWarningInANewEpoch() throws Exception {
    Path d = fill(dir.resolve("truncated"));
    Path seg = WalFiles.newestWritten(d);
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.setLength(WalFiles.recordsEnd(seg) - 4096);
    }
    openedWithWarning(d, seg);
  }

  @Test
  void aWalSegmentWithRandomBytesInItsLastFourKibOpensWithAWarningInANewEpoch() throws Exception {
    Path d = fill(dir.resolve("random"));
    Path seg = WalFiles.newestWritten(d);
    byte[] noise = new byte[4096];
    new Random(42).nextBytes(noise);
    overwrite(seg, WalFiles.recordsEnd(seg) - 4096, noise);
    openedWithWarning(d, seg);
  }

  private void openedWithWarning(Path d, Path segment) {
    long openedAt;
    long firstLsn;
    try (OrmStore store = OrmStore.open(config(d))) {
      RecoveryReport r = store.recoveryReport();
      assertThat(r.replayedRecords()).isPositive();
      assertThat(r.ignoredBytes()).isPositive();
      assertThat(r.ignoredFile()).isEqualTo(segment);
      assertThat(r.historyDiscarded()).isTrue();
      assertThat(r.epoch()).isEqualTo(2);
      assertThat(r.damage()).isEmpty();
      openedAt = r.openedAtLsn();
      firstLsn = r.epochFirstLsn();
      assertThat(openedAt).isEqualTo(store.currentLsn()).isBetween(120L, COMMITS - 1L);
      assertThat(firstLsn).isGreaterThan(COMMITS);
      assertThat(r.warning())
          .hasValueSatisfying(
              w ->
                  assertThat(w)
                      .contains("the store opened at LSN " + openedAt)
                      .contains(r.ignoredBytes() + " bytes at the end of the write-ahead log")
                      .contains("history epoch 2 at LSN " + firstLsn));
      assertThat(store.historyEpochs())
          .containsExactly(
              new OrmStore.HistoryEpoch(1, 1, 0), new OrmStore.HistoryEpoch(2, firstLsn, openedAt));
      afterRecovery(store, openedAt, firstLsn);
    }
    reopenedKeepsTheEpoch(d, openedAt, firstLsn);
  }

  // ---------------------------------------------------------------------------------------------
  // the database file's tail: the file goes back to an older chunk; refused, or newest-intact

  @Test
  void aDatabaseFileWhoseLastFourKibAreZeroedIsRefusedOrOpenedNewestIntact() throws Exception {
    Path d = dir.resolve("db-zeroed");
    fill(d);
    overwriteTail(d.resolve(StoreConfig.FILE_NAME), new byte[4096]);
    refusedThenNewestIntact(d);
  }

  @Test
  void aTruncatedDatabaseFileIsRefusedOrOpenedNewestIntact() throws Exception {
    Path d = dir.resolve("db-truncated");
    fill(d);
    try (RandomAccessFile f =
        new RandomAccessFile(d.resolve(StoreConfig.FILE_NAME).toFile(), "rw")) {
      f.setLength(f.length() - 4096);
    }
    refusedThenNewestIntact(d);
  }

  @Test
  void aDatabaseFileWithRandomBytesInItsLastFourKibIsRefusedOrOpenedNewestIntact()
      throws Exception {
    Path d = dir.resolve("db-random");
    fill(d);
    byte[] noise = new byte[4096];
    new Random(7).nextBytes(noise);
    overwriteTail(d.resolve(StoreConfig.FILE_NAME), noise);
    refusedThenNewestIntact(d);
  }

  @Test
  void aDatabaseFileThatWentBackToACheckpointWhoseLogSegmentIsThereLosesNothing() throws Exception {
    Path d = dir.resolve("db-zeroed-one-segment");
    fill(d, false);
    // every checkpoint recorded the one segment, which holds every record since the open: the
    // log replays onto the older state the file went back to up to the last commit
    overwriteTail(d.resolve(StoreConfig.FILE_NAME), new byte[4096]);
    try (OrmStore store = OrmStore.open(config(d))) {
      RecoveryReport r = store.recoveryReport();
      assertThat(r.replayedRecords()).isPositive();
      assertThat(r.historyDiscarded()).isFalse();
      assertThat(r.warning()).isEmpty();
      assertThat(store.currentLsn()).isEqualTo(COMMITS);
      List<ChangeSet> now = store.changes(1, 10_000);
      assertThat(now).hasSize(COMMITS);
      for (ChangeSet cs : now) {
        assertThat(cs).isEqualTo(read.get(cs.lsn()));
      }
    }
  }

  @Test
  void aDamagedChunkInTheMiddleOfTheDatabaseFileIsRefusedOrOpenedNewestIntact() throws Exception {
    Path d = dir.resolve("db-chunk");
    fill(d);
    Path file = d.resolve(StoreConfig.FILE_NAME);
    List<long[]> chunks = chunks(file);
    assertThat(chunks).hasSizeGreaterThan(3);
    // the header of the chunk in the middle of the file: MVStore no longer trusts the versions
    // that need it
    long[] middle = chunks.get(chunks.size() / 2);
    byte[] noise = new byte[64];
    new Random(3).nextBytes(noise);
    overwrite(file, middle[0], noise);
    OrmDbException strict = refused(d, config(d));
    assertThat(strict.getMessage()).contains(file.toFile().getCanonicalPath());
    StoreConfig newestIntact = config(d).withRecovery(StoreConfig.Recovery.NEWEST_INTACT);
    try (OrmStore store = OrmStore.open(newestIntact)) {
      RecoveryReport r = store.recoveryReport();
      assertThat(r.historyDiscarded()).isTrue();
      assertThat(r.damage()).isNotEmpty();
      afterRecovery(store, r.openedAtLsn(), r.epochFirstLsn());
    } catch (OrmDbException e) {
      // no intact state could be found: refused in this mode too, as damage
      assertUnavailable(e);
    }
  }

  @Test
  void aDatabaseFileWhoseHeaderIsZeroedIsRefusedInBothModes() throws Exception {
    Path d = dir.resolve("db-header");
    fill(d);
    Path file = d.resolve(StoreConfig.FILE_NAME);
    overwrite(file, 0, new byte[8192]);
    String expected =
        "database file "
            + file.toFile().getCanonicalPath()
            + " cannot be opened: it is not an ORMDB database file, or it is damaged";
    assertThat(refused(d, config(d))).hasMessage(expected);
    assertThat(refused(d, config(d).withRecovery(StoreConfig.Recovery.NEWEST_INTACT)))
        .hasMessage(expected);
  }

  @Test
  void aFileThatWentBackBeforeItsFirstCheckpointIsRefusedNotOpenedEmpty() throws Exception {
    Path d = dir.resolve("db-replaced");
    fill(d);
    // a file that records no checkpoint (what MVStore falls back to when every later chunk is
    // damaged), beside a log whose segment says LSN 160 was committed
    Path file = d.resolve(StoreConfig.FILE_NAME);
    Files.delete(file);
    new MVStore.Builder().fileName(file.toString()).open().close();
    OrmDbException strict = refused(d, config(d));
    assertThat(strict.getMessage())
        .contains("records no checkpoint of the write-ahead log")
        .contains("with commits up to lsn " + COMMITS)
        .contains("The file holds lsn 0");
    StoreConfig newestIntact = config(d).withRecovery(StoreConfig.Recovery.NEWEST_INTACT);
    try (OrmStore store = OrmStore.open(newestIntact)) {
      RecoveryReport r = store.recoveryReport();
      assertThat(r.openedAtLsn()).isZero();
      assertThat(r.historyDiscarded()).isTrue();
      assertThat(r.epochFirstLsn()).isGreaterThan(COMMITS);
      store.applySchema(TestSchemas.blog());
      long lsn =
          commit(store, insert("User", "id", new UUID(9, 1), "email", "a@b", "name", "A")).lsn();
      assertThat(lsn).isEqualTo(r.epochFirstLsn());
    }
  }

  @Test
  void aReadErrorWhileOpeningIsStorageUnavailable() throws Exception {
    Path d = dir.resolve("db-pages");
    fill(d);
    Path file = d.resolve(StoreConfig.FILE_NAME);
    // the pages of the newest chunk (the roots of every map), between its header and its footer
    long[] newest = chunks(file).stream().max((a, b) -> Long.compare(a[2], b[2])).orElseThrow();
    byte[] noise = new byte[(int) newest[1] - 512];
    new Random(5).nextBytes(noise);
    overwrite(file, newest[0] + 256, noise);
    OrmDbException e = refused(d, config(d));
    assertThat(e.getMessage()).contains(file.toFile().getCanonicalPath()).contains("damaged");
  }

  /**
   * The file went back to an older checkpoint whose log segment is gone: STRICT refuses naming the
   * last good LSN; NEWEST_INTACT opens that state in a new epoch past every LSN the log mentions.
   */
  private void refusedThenNewestIntact(Path d) throws Exception {
    OrmDbException strict = refused(d, config(d));
    assertThat(strict.getMessage())
        .contains("cannot be opened without losing acknowledged commits")
        .containsPattern("The last good LSN is [0-9]+")
        .contains("commits up to lsn " + COMMITS + " were written")
        .contains("recovery = newest-intact");
    Matcher m = Pattern.compile("The last good LSN is ([0-9]+)").matcher(strict.getMessage());
    assertThat(m.find()).isTrue();
    long lastGood = Long.parseLong(m.group(1));
    assertThat(lastGood).isLessThan(COMMITS);
    // refusing changed nothing: refused again, the same way
    assertThat(refused(d, config(d))).hasMessage(strict.getMessage());

    long firstLsn;
    StoreConfig newestIntact = config(d).withRecovery(StoreConfig.Recovery.NEWEST_INTACT);
    try (OrmStore store = OrmStore.open(newestIntact)) {
      RecoveryReport r = store.recoveryReport();
      assertThat(r.openedAtLsn()).isEqualTo(lastGood).isEqualTo(store.currentLsn());
      assertThat(r.historyDiscarded()).isTrue();
      assertThat(r.epoch()).isEqualTo(2);
      assertThat(r.damage()).contains("is missing");
      firstLsn = r.epochFirstLsn();
      assertThat(firstLsn).isGreaterThan(COMMITS);
      assertThat(r.warning())
          .hasValueSatisfying(
              w ->
                  assertThat(w)
                      .contains("opened at LSN " + lastGood + " with recovery = newest-intact")
                      .contains("history epoch 2 at LSN " + firstLsn));
      afterRecovery(store, lastGood, firstLsn);
    }
    // the next open, strict again, finds an intact store in epoch 2
    reopenedKeepsTheEpoch(d, lastGood, firstLsn);
  }

  // ---------------------------------------------------------------------------------------------
  // after recovery

  /**
   * Commits after the recovery and checks that no LSN the consumer read before the damage names
   * another change set now, that reading on from the last LSN kept skips the hole, and that a
   * reader that had read past it is told the history diverged.
   */
  private void afterRecovery(OrmStore store, long lastKept, long firstLsn) {
    for (int i = 0; i < 5; i++) {
      long lsn =
          commit(
                  store,
                  insert(
                      "User",
                      "id",
                      new UUID(8, i),
                      "email",
                      "after" + i + "@example.com",
                      "name",
                      "After " + i))
              .lsn();
      assertThat(lsn).isEqualTo(firstLsn + i);
    }
    for (ChangeSet now : store.changes(1, 100_000)) {
      ChangeSet before = read.get(now.lsn());
      if (before != null) {
        assertThat(now).as("change set %d", now.lsn()).isEqualTo(before);
      }
      assertThat(now.lsn() <= lastKept || now.lsn() >= firstLsn)
          .as("change set %d is not in the hole", now.lsn())
          .isTrue();
    }
    // a reader at the last LSN kept goes on into the new epoch
    List<ChangeSet> next = store.changes(lastKept + 1, 10);
    assertThat(next).extracting(ChangeSet::lsn).startsWith(firstLsn, firstLsn + 1);
    // one that had read a discarded LSN is told where the history diverged
    OrmDbException e =
        catchThrowableOfType(
            OrmDbException.class, () -> store.checkReadPosition(COMMITS, "consumer 'c'"));
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_LSN);
    assertThat(e.getMessage())
        .contains("consumer 'c' has read LSN " + COMMITS + ", which no longer exists")
        .contains("the history diverged at LSN " + (lastKept + 1) + " (epoch 2 begins at LSN ")
        .contains("restart it from LSN " + (lastKept + 1));
    OrmDbException changes =
        catchThrowableOfType(OrmDbException.class, () -> store.changes(COMMITS + 1, 10));
    assertThat(changes.code()).isEqualTo(ErrorCode.INVALID_LSN);
    assertThat(changes.getMessage()).contains("the history diverged at LSN " + (lastKept + 1));
    OrmDbException asOf =
        catchThrowableOfType(OrmDbException.class, () -> store.snapshotAt(lastKept + 1));
    assertThat(asOf.code()).isEqualTo(ErrorCode.INVALID_LSN);
    assertThat(asOf.getMessage()).contains("the history diverged at LSN " + (lastKept + 1));
    // ahead of the new history
    OrmDbException ahead =
        catchThrowableOfType(
            OrmDbException.class, () -> store.checkReadPosition(firstLsn + 100, "a replica"));
    assertThat(ahead.code()).isEqualTo(ErrorCode.INVALID_LSN);
    assertThat(ahead.getMessage())
        .contains("past the newest LSN " + (firstLsn + 4))
        .contains("the history diverged at LSN " + (lastKept + 1));
    store.checkReadPosition(lastKept, "a reader at the last LSN kept");
    store.checkReadPosition(firstLsn + 4, "a reader at the newest LSN");
  }

  private void reopenedKeepsTheEpoch(Path d, long lastKept, long firstLsn) {
    try (OrmStore store = OrmStore.open(config(d))) {
      RecoveryReport r = store.recoveryReport();
      assertThat(r.historyDiscarded()).isFalse();
      assertThat(r.warning()).isEmpty();
      assertThat(r.epoch()).isEqualTo(2);
      assertThat(store.currentLsn()).isEqualTo(firstLsn + 4);
      assertThat(store.historyEpochs())
          .containsExactly(
              new OrmStore.HistoryEpoch(1, 1, 0), new OrmStore.HistoryEpoch(2, firstLsn, lastKept));
      assertThat(store.changes(lastKept, 10))
          .extracting(ChangeSet::lsn)
          .containsExactly(
              lastKept, firstLsn, firstLsn + 1, firstLsn + 2, firstLsn + 3, firstLsn + 4);
    }
    // the format other tools read
    MVStore mv =
        new MVStore.Builder()
            .fileName(d.resolve(StoreConfig.FILE_NAME).toString())
            .readOnly()
            .open();
    try {
      Map<String, String> meta = mv.openMap("meta");
      assertThat(meta.get("history.epochs")).isEqualTo("1@1,2@" + firstLsn);
    } finally {
      mv.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  private static OrmDbException refused(Path d, StoreConfig config) {
    OrmDbException e = catchThrowableOfType(OrmDbException.class, () -> OrmStore.open(config));
    assertThat(e).as("the open of %s is refused", d).isNotNull();
    assertUnavailable(e);
    return e;
  }

  private static void assertUnavailable(OrmDbException e) {
    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
    assertThat(e.getMessage())
        .doesNotContain("Exception")
        .doesNotContain("org.h2")
        .doesNotContain("ormdb-reopen")
        .doesNotContainPattern("\\[[0-9.]+/[0-9]+\\]");
  }

  private static List<Path> segments(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d.resolve("wal"))) {
      return s.sorted().toList();
    }
  }

  private static void overwriteTail(Path file, byte[] bytes) throws IOException {
    overwrite(file, Files.size(file) - bytes.length, bytes);
  }

  private static void overwrite(Path file, long at, byte[] bytes) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      f.write(bytes);
    }
  }

  /** The chunks of an MVStore file: {@code [position, length, version]} from their headers. */
  private static List<long[]> chunks(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    Pattern len = Pattern.compile("len:([0-9a-f]+)");
    Pattern version = Pattern.compile("version:([0-9a-f]+)");
    List<long[]> out = new ArrayList<>();
    for (int b = 8192; b + 6 < all.length; b += 4096) {
      String head = new String(all, b, Math.min(256, all.length - b), StandardCharsets.ISO_8859_1);
      if (head.startsWith("chunk:")) {
        Matcher l = len.matcher(head);
        Matcher v = version.matcher(head);
        if (l.find() && v.find()) {
          out.add(
              new long[] {
                b, Long.parseLong(l.group(1), 16) * 4096, Long.parseLong(v.group(1), 16)
              });
        }
      }
    }
    return out;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
