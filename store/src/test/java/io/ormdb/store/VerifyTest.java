package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.VerifyReport.Kind;
import io.ormdb.store.internal.btree.ByteArrayType;
import io.ormdb.store.journal.ConsumerOffset;
import io.ormdb.store.journal.JournalEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OrmStore#verify}: a clean data directory verifies clean, and each kind of damage — made
 * behind the engine's back, by writing the file through MVStore directly or by changing its bytes
 * or the log's — is reported with where it is. Verifying changes nothing.
 */
class VerifyTest {
  @TempDir Path dir;

  static final String V1 =
      """
      entity Author {
        id    int64  @id
        name  string
        email string @unique
        age   int32?
        relation books: one to many Book by authorId on delete cascade
      }
      entity Book {
        id       int64  @id
        authorId int64
        title    string
        pages    int32  @default(100)
        relation author: many to one Author by authorId
      }
      """;

  /** V1 with an index on Book.title, built over the rows there are when it is applied. */
  static final String V2 = V1.replace("title    string", "title    string @index");

  private static final StoreConfig.Checkpoints RARE =
      new StoreConfig.Checkpoints(Duration.ofHours(1), 1L << 30, 50, 16L << 20);

  private static Mutation author(long id) {
    return new Mutation.Insert(
        "Author",
        Map.of("id", Value.of(id), "name", Value.of("A" + id), "email", Value.of(id + "@x")));
  }

  private static Mutation book(long id, long author, String title) {
    return new Mutation.Insert(
        "Book", Map.of("id", Value.of(id), "authorId", Value.of(author), "title", Value.of(title)));
  }

  private static void commit(OrmStore s, Mutation... ms) {
    s.commit(MutationBatch.of(ms));
  }

  private static AggregateQuery countBooks() {
    return new AggregateQuery(
        "Book",
        List.of(new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, null)),
        null,
        List.of(),
        null);
  }

  /**
   * Every kind of write the store makes: inserts, updates, a cascading delete, a schema change that
   * builds an index over existing rows, compaction of old versions, columnar checkpoints, journal
   * events, consumer offsets, several file checkpoints.
   */
  private static void workload(Path at) {
    StoreConfig config =
        StoreConfig.of(at).withRetention(Duration.ZERO, Duration.ZERO).withCheckpoints(RARE);
    try (OrmStore s = OrmStore.open(config)) {
      s.applySchema(SchemaParser.parse(V1));
      for (long a = 1; a <= 20; a++) {
        commit(s, author(a), book(a * 10, a, "t" + a), book(a * 10 + 1, a, "u" + a));
      }
      s.checkpoint();
      for (long a = 1; a <= 20; a += 3) {
        commit(
            s,
            new Mutation.Update(
                "Book", Value.of(a * 10), Map.of("title", Value.of("renamed" + a)), 0));
      }
      s.applySchema(SchemaParser.parse(V2));
      for (long a = 2; a <= 20; a += 4) {
        commit(
            s,
            new Mutation.Update(
                "Book", Value.of(a * 10 + 1), Map.of("title", Value.of("again" + a)), 0));
      }
      commit(s, new Mutation.Delete("Author", Value.of(5L), 0));
      assertThat(s.aggregate(countBooks()).rows().get(0).get(0)).isEqualTo(Value.of(38L));
      s.checkpoint();
      s.compact();
      s.journal().write(List.of(JournalEntry.toWrite("p", 1, Set.of("t"), new byte[] {1}))).join();
      s.commitOffset("feed", new ConsumerOffset(3, ConsumerOffset.TX_END)).join();
      for (long a = 21; a <= 25; a++) {
        commit(s, author(a), book(a * 10, a, "late" + a));
      }
    }
  }

  /** Every file of {@code root} and a digest of its bytes. */
  private static Map<String, String> contents(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
        out.put(root.relativize(p).toString(), HexFormat.of().formatHex(digest));
      }
    }
    return out;
  }

  private static String checked(VerifyReport r) {
    StringBuilder b = new StringBuilder();
    r.checked().forEach(c -> b.append(c).append('\n'));
    return b.toString();
  }

  @Test
  void aCleanDirectoryVerifiesCleanAndIsLeftAsItWas() throws Exception {
    workload(dir);
    Map<String, String> before = contents(dir);
    VerifyReport r = OrmStore.verify(dir);
    assertThat(r.problems()).as(r.render()).isEmpty();
    assertThat(r.clean()).isTrue();
    assertThat(r.warnings()).isEmpty();
    assertThat(r.render()).endsWith("clean: no damage found\n");
    assertThat(checked(r))
        .contains("store headers with a matching checksum: 2 of 2")
        .contains("map rows: ")
        .contains("map idx: ")
        .contains("map changelog: ")
        .contains("map journal: 1 entries")
        .contains("map offsets: 1 entries")
        .containsPattern("changelog, lsn 1 to (\\d+): \\1 change sets")
        .containsPattern("columnar checkpoints compared with the rows at their lsn: [12] entities")
        .containsPattern("index entries, each matched to a live row version: [1-9]\\d* entries");
    assertThat(contents(dir)).as("verifying changed nothing").isEqualTo(before);
    // and the store opens as before
    try (OrmStore s = OrmStore.open(StoreConfig.of(dir))) {
      assertThat(s.aggregate(countBooks()).rows().get(0).get(0)).isEqualTo(Value.of(43L));
    }
  }

  @Test
  void whatACrashLeavesVerifiesCleanWithTheLogAfterTheCheckpointRead() throws Exception {
    Path image = dir.resolve("image");
    try (OrmStore s = OrmStore.open(StoreConfig.of(dir.resolve("live")).withCheckpoints(RARE))) {
      s.applySchema(SchemaParser.parse(V1));
      s.checkpoint();
      for (long a = 1; a <= 4; a++) {
        commit(s, author(a));
      }
      copyTree(dir.resolve("live"), image);
    }
    VerifyReport r = OrmStore.verify(image);
    assertThat(r.problems()).as(r.render()).isEmpty();
    assertThat(checked(r))
        .contains(
            "write-ahead log after the checkpoint at lsn 0: 1 segments read, up to lsn 4: 4"
                + " records");
  }

  @Test
  void aLogOfTheFirstFormatVerifiesCleanAndIsReplayedAtOpen() throws Exception {
    Path image = dir.resolve("image");
    try (OrmStore s = OrmStore.open(StoreConfig.of(dir.resolve("live")).withCheckpoints(RARE))) {
      s.applySchema(SchemaParser.parse(V1));
      s.checkpoint();
      for (long a = 1; a <= 4; a++) {
        commit(s, author(a));
      }
      copyTree(dir.resolve("live"), image);
    }
    // what an earlier version left: a segment appended to, whose header holds its first group and
    // LSN (format 1) instead of its capacity
    List<Path> segs = segments(image);
    assertThat(segs).hasSize(1);
    Path seg = segs.get(0);
    long end = WalFiles.recordsEnd(seg);
    byte[] head = Arrays.copyOf(Files.readAllBytes(seg), 64);
    ByteBuffer h = ByteBuffer.wrap(head);
    h.putInt(8, 1).putLong(40, 1).putLong(48, 0).putInt(56, 0);
    CRC32C crc = new CRC32C();
    crc.update(head, 0, 60);
    h.putInt(60, (int) crc.getValue());
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(head), 0);
      ch.truncate(end);
    }
    VerifyReport r = OrmStore.verify(image);
    assertThat(r.problems()).as(r.render()).isEmpty();
    assertThat(r.warnings()).isEmpty();
    assertThat(checked(r))
        .contains(
            "write-ahead log after the checkpoint at lsn 0: 1 segments read, up to lsn 4: 4"
                + " records");
    try (OrmStore s = OrmStore.open(StoreConfig.of(image))) {
      assertThat(s.recoveryReport().replayedRecords()).isEqualTo(4);
      assertThat(s.recoveryReport().historyDiscarded()).isFalse();
      assertThat(s.currentLsn()).isEqualTo(4);
    }
    assertThat(segments(image)).as("the old segment replaced by a new one").doesNotContain(seg);
  }

  // ---------------------------------------------------------------------------------------------
  // damage made through MVStore itself, behind the engine's back

  private void rawMaps(Consumer<MVStore> change) {
    MVStore mv =
        new MVStore.Builder().fileName(dir.resolve(StoreConfig.FILE_NAME).toString()).open();
    try {
      change.accept(mv);
      mv.commit();
    } finally {
      mv.close();
    }
  }

  private static MVMap<byte[], byte[]> bytesMap(MVStore mv, String name) {
    return mv.openMap(
        name,
        new MVMap.Builder<byte[], byte[]>()
            .keyType(ByteArrayType.INSTANCE)
            .valueType(ByteArrayType.INSTANCE));
  }

  @Test
  void anIndexEntryRemovedIsReportedMissing() {
    workload(dir);
    byte[][] removed = new byte[1][];
    rawMaps(
        mv -> {
          MVMap<byte[], byte[]> idx = bytesMap(mv, "idx");
          removed[0] = idx.firstKey();
          idx.remove(removed[0]);
        });
    VerifyReport r = OrmStore.verify(dir);
    assertThat(r.clean()).isFalse();
    assertThat(r.problems()).as(r.render()).hasSize(1);
    VerifyReport.Problem p = r.problems().get(0);
    assertThat(p.kind()).isEqualTo(Kind.INDEX);
    assertThat(p.where()).startsWith("map idx, index ").endsWith(hex(removed[0]));
    assertThat(p.what()).startsWith("the entry is missing: ").contains(" is live at lsn ");
  }

  @Test
  void anIndexEntryAddedIsReportedExtra() {
    workload(dir);
    byte[][] added = new byte[1][];
    rawMaps(
        mv -> {
          MVMap<byte[], byte[]> idx = bytesMap(mv, "idx");
          // an entry of a string-valued index, for a value no row holds: one character changed
          for (byte[] k : idx.keySet()) {
            if (k[4] == 0x30 && k[5] > 1 && k[5] < 0x70) {
              byte[] other = k.clone();
              other[5]++;
              if (!idx.containsKey(other)) {
                added[0] = other;
                break;
              }
            }
          }
          idx.put(added[0], new byte[0]);
        });
    VerifyReport r = OrmStore.verify(dir);
    assertThat(r.problems()).as(r.render()).hasSize(1);
    VerifyReport.Problem p = r.problems().get(0);
    assertThat(p.kind()).isEqualTo(Kind.INDEX);
    assertThat(p.where()).endsWith(hex(added[0]));
    assertThat(p.what()).startsWith("the entry is extra: no live version of ");
  }

  @Test
  void aChangelogEntryRemovedIsReportedWithItsLsn() {
    workload(dir);
    rawMaps(mv -> mv.<Long, byte[]>openMap("changelog").remove(7L));
    VerifyReport r = OrmStore.verify(dir);
    assertThat(r.problems(Kind.CHANGELOG))
        .as(r.render())
        .extracting(VerifyReport.Problem::toString)
        .containsExactly(
            "changelog: lsn 7: this change set is missing (the changelog goes on at lsn 8)");
    // the rows written at lsn 7 are no longer in the changelog either: reported, nothing else
    assertThat(r.problems()).allMatch(p -> p.kind() == Kind.CHANGELOG || p.kind() == Kind.ROWS);
  }

  @Test
  void theNewestChangelogEntryRemovedIsReportedByTheCheckpointAndTheRows() {
    workload(dir);
    rawMaps(mv -> mv.<Long, byte[]>openMap("changelog").remove(38L));
    VerifyReport r = OrmStore.verify(dir);
    assertThat(r.problems(Kind.CHANGELOG))
        .as(r.render())
        .extracting(VerifyReport.Problem::toString)
        .containsExactly(
            "changelog: lsn 38: the file's checkpoint holds lsn 38, but the changelog ends at lsn"
                + " 37");
    assertThat(r.problems(Kind.ROWS))
        .extracting(VerifyReport.Problem::toString)
        .containsExactlyInAnyOrder(
            "rows: map rows, Author id=25 at lsn 38: this row version is not in the changelog,"
                + " which ends at lsn 37",
            "rows: map rows, Book id=250 at lsn 38: this row version is not in the changelog,"
                + " which ends at lsn 37");
  }

  @Test
  void aGapBetweenHistoryEpochsIsNotDamageButAGapWithinOneIs() {
    workload(dir);
    rawMaps(
        mv -> {
          MVMap<Long, byte[]> log = mv.openMap("changelog");
          log.remove(9L);
          log.remove(10L);
          mv.<String, String>openMap("meta").put("history.epochs", "1@1,2@11");
        });
    VerifyReport r = OrmStore.verify(dir);
    assertThat(r.problems(Kind.CHANGELOG)).as(r.render()).isEmpty();
    assertThat(checked(r)).contains(" in 2 history epochs");

    rawMaps(mv -> mv.<Long, byte[]>openMap("changelog").remove(13L));
    assertThat(OrmStore.verify(dir).problems(Kind.CHANGELOG))
        .extracting(VerifyReport.Problem::toString)
        .containsExactly(
            "changelog: lsn 13: this change set is missing (the changelog goes on at lsn 14, in"
                + " history epoch 2)");
  }

  @Test
  void aRowRemovedBehindTheColumnarCheckpointIsReportedThereAndInTheCountsAndIndexes() {
    workload(dir);
    byte[] id = io.ormdb.store.internal.codec.KeyCodec.encode(Value.of(131L));
    rawMaps(
        mv -> {
          MVMap<byte[], byte[]> rows = bytesMap(mv, "rows");
          List<byte[]> versions = new ArrayList<>();
          for (byte[] k : rows.keySet()) {
            if (k.length == 4 + id.length + 8
                && java.util.Arrays.equals(k, 4, 4 + id.length, id, 0, id.length)) {
              versions.add(k);
            }
          }
          assertThat(versions).as("the versions of Book 131").isNotEmpty();
          versions.forEach(rows::remove);
        });
    VerifyReport r = OrmStore.verify(dir);
    assertThat(r.problems(Kind.COLUMNAR))
        .as(r.render())
        .extracting(VerifyReport.Problem::toString)
        .singleElement()
        .asString()
        .startsWith("columnar: map col.meta, entity Book at lsn ")
        .endsWith(", id=131: the columns hold a row that no row version at this lsn holds");
    assertThat(r.problems(Kind.ROWS))
        .extracting(VerifyReport.Problem::toString)
        .containsExactly("rows: entity Book: its live row count says 43, but 42 rows are live");
    assertThat(r.problems(Kind.INDEX))
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.what()).contains("the entry is extra"));
  }

  @Test
  void aDamagedColumnarChunkIsReported() {
    workload(dir);
    rawMaps(
        mv -> {
          MVMap<byte[], byte[]> seg = bytesMap(mv, "col.seg");
          byte[] k = seg.lastKey();
          byte[] v = seg.get(k).clone();
          v[v.length - 1] ^= 0x55;
          seg.put(k, v);
        });
    VerifyReport r = OrmStore.verify(dir);
    assertThat(r.problems())
        .as(r.render())
        .extracting(VerifyReport.Problem::toString)
        .singleElement()
        .asString()
        .matches(
            "columnar: map col\\.meta, entity Book at lsn \\d+: the checkpoint cannot be read:"
                + " checkpoint checksum mismatch");
  }

  // ---------------------------------------------------------------------------------------------
  // damage to the file's bytes

  /** The live chunks the layout lists (all but the newest), as {block, len}, by block. */
  private List<long[]> liveChunks() {
    List<long[]> chunks = new ArrayList<>();
    MVStore mv =
        new MVStore.Builder()
            .fileName(dir.resolve(StoreConfig.FILE_NAME).toString())
            .readOnly()
            .open();
    try {
      for (Map.Entry<String, String> e : mv.getLayoutMap().entrySet()) {
        if (e.getKey().startsWith(DataUtils.LAYOUT_CHUNK)) {
          Map<String, String> c = DataUtils.parseMap(e.getValue());
          long block = Long.parseLong(c.get("block"), 16);
          if (!"0".equals(c.get("livePages")) && block > 0) {
            chunks.add(new long[] {block, Long.parseLong(c.get("len"), 16)});
          }
        }
      }
    } finally {
      mv.close();
    }
    chunks.sort((a, b) -> Long.compare(a[0], b[0]));
    assertThat(chunks).as("live chunks listed in the layout").hasSizeGreaterThanOrEqualTo(2);
    return chunks;
  }

  private void overwrite(long from, long to) throws IOException {
    byte[] junk = new byte[(int) (to - from)];
    for (int i = 0; i < junk.length; i++) {
      junk[i] = (byte) (i * 31 + 7);
    }
    try (FileChannel ch =
        FileChannel.open(dir.resolve(StoreConfig.FILE_NAME), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(junk), from);
    }
  }

  @Test
  void aChunkDamagedInTheMiddleOfTheFileIsReportedWithItsPages() throws Exception {
    workload(dir);
    // the largest live chunk that is neither the first nor the last: its pages, not its header or
    // footer, are overwritten
    List<long[]> chunks = liveChunks();
    long[] middle = chunks.get(chunks.size() / 2);
    for (long[] c : chunks.subList(1, Math.max(1, chunks.size() - 1))) {
      if (c[1] > middle[1]) {
        middle = c;
      }
    }
    overwrite(middle[0] * 4096 + 512, (middle[0] + middle[1]) * 4096 - 256);
    String block = " at block " + middle[0];
    VerifyReport r = OrmStore.verify(dir);
    assertThat(r.clean()).isFalse();
    assertThat(r.problems(Kind.FILE))
        .as(r.render())
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.where()).contains(block));
    assertThat(r.render()).doesNotContain("Exception").doesNotContain("ormdb-reopen");
  }

  @Test
  void aWholeChunkOverwrittenMakesTheFileReadAsAnOlderStateWhichIsReported() throws Exception {
    workload(dir);
    List<long[]> chunks = liveChunks();
    long[] middle = chunks.get(chunks.size() / 2);
    overwrite(middle[0] * 4096, (middle[0] + middle[1]) * 4096);
    VerifyReport r = OrmStore.verify(dir);
    // MVStore opens the newest state whose chunks are all intact: an older one, silently
    assertThat(r.problems(Kind.FILE))
        .as(r.render())
        .anySatisfy(
            p ->
                assertThat(p.what())
                    .contains("could be opened: chunks of a newer state are damaged or missing"));
  }

  @Test
  void aZeroedStoreHeaderIsReportedAndTwoMakeTheFileUnreadable() throws Exception {
    workload(dir);
    Path file = dir.resolve(StoreConfig.FILE_NAME);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(4096), 0);
    }
    VerifyReport r = OrmStore.verify(dir);
    assertThat(r.problems())
        .as(r.render())
        .extracting(VerifyReport.Problem::toString)
        .containsExactly("file: store header 0 (bytes 0-4095): is all zeros");
    assertThat(checked(r)).contains("store headers with a matching checksum: 1 of 2");

    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(4096), 4096);
    }
    OrmDbException e = catchThrowableOfType(OrmDbException.class, () -> OrmStore.verify(dir));
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
    assertThat(e)
        .hasMessage(
            "database file "
                + file.toFile().getCanonicalPath()
                + " cannot be opened: it is not an ORMDB database file, or it is damaged");
  }

  // ---------------------------------------------------------------------------------------------
  // damage to the write-ahead log

  /**
   * What a crash leaves with two segments after the file's checkpoint: the file at checkpoint C,
   * segment S with commits 1 to 3 after C, segment S+1 with commits 4 to 6. Commits 3 and 4 write
   * about 700 KB each, so that the log moves to its next segment (1 MiB, then 2 MiB) at commit 4.
   */
  private Path twoSegmentImage() throws Exception {
    Path live = dir.resolve("live");
    Path image = dir.resolve("image");
    Path log = live.resolve(StoreConfig.LOG_DIRECTORY);
    try (OrmStore s = OrmStore.open(StoreConfig.of(live).withCheckpoints(RARE))) {
      s.applySchema(SchemaParser.parse(V1));
      s.checkpoint();
      Files.createDirectories(image.resolve(StoreConfig.LOG_DIRECTORY));
      Files.copy(live.resolve(StoreConfig.FILE_NAME), image.resolve(StoreConfig.FILE_NAME));
      for (long a = 1; a <= 6; a++) {
        commit(
            s,
            a == 3 || a == 4
                ? new Mutation.Insert(
                    "Author",
                    Map.of(
                        "id",
                        Value.of(a),
                        "name",
                        Value.of("A".repeat(350_000)),
                        "email",
                        Value.of(a + "@x")))
                : author(a));
      }
      copyTree(log, image.resolve(StoreConfig.LOG_DIRECTORY));
    }
    return image;
  }

  private static List<Path> segments(Path image) throws IOException {
    try (Stream<Path> s = Files.list(image.resolve(StoreConfig.LOG_DIRECTORY))) {
      return s.sorted().toList();
    }
  }

  @Test
  void aTwoSegmentLogVerifiesClean() throws Exception {
    Path image = twoSegmentImage();
    assertThat(segments(image)).hasSize(2);
    VerifyReport r = OrmStore.verify(image);
    assertThat(r.problems()).as(r.render()).isEmpty();
    assertThat(checked(r)).contains("2 segments read, up to lsn 6: 6 records");
  }

  @Test
  void aTruncatedSegmentFollowedByMoreLogIsDamage() throws Exception {
    Path image = twoSegmentImage();
    Path first = segments(image).get(0);
    try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
      ch.truncate(WalFiles.recordsEnd(first) - 10);
    }
    VerifyReport r = OrmStore.verify(image);
    assertThat(r.problems()).as(r.render()).hasSize(1);
    VerifyReport.Problem p = r.problems().get(0);
    assertThat(p.kind()).isEqualTo(Kind.LOG);
    assertThat(p.where()).isEqualTo("corrupt");
    assertThat(p.what())
        .contains("write-ahead log segment " + first)
        .contains("and more log follows")
        .contains("the log can be replayed to lsn 2 only, but commits up to lsn 6 were written");
  }

  @Test
  void aTruncatedLastSegmentIsATornTailWarning() throws Exception {
    Path image = twoSegmentImage();
    Path last = segments(image).get(1);
    try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
      ch.truncate(WalFiles.recordsEnd(last) - 10);
    }
    VerifyReport r = OrmStore.verify(image);
    assertThat(r.problems()).as(r.render()).isEmpty();
    assertThat(r.warnings()).hasSize(1);
    assertThat(r.warnings().get(0))
        .startsWith("the last ")
        .contains("bytes of write-ahead log segment " + last + " are a record cut short");
    assertThat(checked(r)).contains("up to lsn 5: 5 records");
  }

  @Test
  void aMissingSegmentAndAForeignSegmentAreDamage() throws Exception {
    Path image = twoSegmentImage();
    List<Path> segs = segments(image);
    // a foreign segment: the same number, from another database
    Path other = dir.resolve("other");
    Path foreign = dir.resolve("foreign.wal");
    for (int i = 0; i < 20 && !Files.exists(foreign); i++) {
      // one segment per open: reach the image's numbers
      try (OrmStore s = OrmStore.open(StoreConfig.of(other).withCheckpoints(RARE))) {
        if (i == 0) {
          s.applySchema(SchemaParser.parse(V1));
        }
        Path seg = segments(other).get(0);
        if (seg.getFileName().equals(segs.get(1).getFileName())) {
          Files.copy(seg, foreign);
        }
      }
    }
    assertThat(foreign).exists();
    Files.copy(foreign, segs.get(1), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    VerifyReport r = OrmStore.verify(image);
    assertThat(r.problems()).as(r.render()).hasSize(1);
    assertThat(r.problems().get(0).where()).isEqualTo("foreign segment");
    assertThat(r.problems().get(0).what()).contains("belongs to database");

    Files.delete(segs.get(0));
    VerifyReport missing = OrmStore.verify(image);
    assertThat(missing.problems()).as(missing.render()).hasSize(1);
    assertThat(missing.problems().get(0).where()).isEqualTo("missing");
    assertThat(missing.problems().get(0).what())
        .contains("write-ahead log segment " + segs.get(0) + " is missing");
  }

  // ---------------------------------------------------------------------------------------------
  // what cannot be verified

  @Test
  void aDirectoryThatIsNotADataDirectoryIsBadInput() throws Exception {
    OrmDbException missing =
        catchThrowableOfType(OrmDbException.class, () -> OrmStore.verify(dir.resolve("none")));
    assertThat(missing.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(missing).hasMessage("data directory " + dir.resolve("none") + " does not exist");
    OrmDbException empty = catchThrowableOfType(OrmDbException.class, () -> OrmStore.verify(dir));
    assertThat(empty.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(empty)
        .hasMessage(dir + " is not a data directory: it holds no database file ormdb.mv.db");
    assertThat(dir.resolve(StoreConfig.FILE_NAME)).doesNotExist();
  }

  @Test
  void aStoreOpenInThisProcessIsNotVerified() throws Exception {
    try (OrmStore s = OrmStore.open(StoreConfig.of(dir))) {
      OrmDbException e = catchThrowableOfType(OrmDbException.class, () -> OrmStore.verify(dir));
      assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
      assertThat(e).hasMessageContaining("is already open in this process");
    }
    assertThat(OrmStore.verify(dir).clean()).isTrue();
  }

  @Test
  void aStoreLockedByAnotherProcessIsNotVerified() throws Exception {
    OrmStore.open(StoreConfig.of(dir)).close();
    // the lock a running store of another process holds (here through a channel of our own)
    try (FileChannel ch =
            FileChannel.open(
                dir.resolve(StoreConfig.FILE_NAME),
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock = ch.lock()) {
      OrmDbException e = catchThrowableOfType(OrmDbException.class, () -> OrmStore.verify(dir));
      assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
      assertThat(e)
          .hasMessage(
              "database file "
                  + dir.resolve(StoreConfig.FILE_NAME).toFile().getCanonicalPath()
                  + " is locked by another process");
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!Files.exists(target)) {
          Files.copy(p, target);
        }
      }
    }
  }
}
