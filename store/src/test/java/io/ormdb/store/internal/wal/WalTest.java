package io.ormdb.store.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTest {
  private static final UUID DB = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
  @TempDir Path dir;

  /** Records what a replay delivers, one string per write. */
  private static final class Log implements RedoBuffer.Target {
    final List<String> writes = new ArrayList<>();

    @Override
    public void put(int map, byte[] key, byte[] value) {
      writes.add(map + ":" + s(key) + "=" + s(value));
    }

    @Override
    public void remove(int map, byte[] key) {
      writes.add(map + ":" + s(key) + " removed");
    }

    private static String s(byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Small segments, so that tests write little and fill them quickly. */
  private static final long CAPACITY = 16 << 10;

  /**
   * Writes groups first..last (one put each, lsn = group * 10) to a new segment {@code segment} of
   * {@link #CAPACITY} bytes.
   */
  private WalWriter writeGroups(long segment, long first, long last) {
    WalWriter w = WalWriter.create(dir, DB, segment, CAPACITY, CAPACITY);
    append(w, first, last);
    return w;
  }

  private static void append(WalWriter w, long first, long last) {
    RedoBuffer redo = new RedoBuffer();
    for (long g = first; g <= last; g++) {
      redo.clear();
      redo.put(1, b("k" + g), b("v" + g));
      if (g % 2 == 0) {
        redo.remove(2, b("gone" + g));
      }
      w.append(redo, g, g * 10);
    }
    w.sync();
  }

  @Test
  void recordsComeBackInOrderAcrossSegments() {
    WalWriter w = writeGroups(1, 1, 3);
    RedoBuffer redo = new RedoBuffer();
    w.roll();
    // larger than a segment: alone in one, which grows
    redo.put(3, b("big"), new byte[100_000]);
    w.append(redo, 4, 40);
    w.sync();
    w.close();

    Log log = new Log();
    WalReader.Replay r = WalReader.replay(dir, DB, 1, 0, 0, false, log);
    assertThat(r.records()).isEqualTo(4);
    // the third is the next segment, preallocated once the big record filled the second: empty
    assertThat(r.segments()).isEqualTo(3);
    assertThat(r.lastGroup()).isEqualTo(4);
    assertThat(r.lastLsn()).isEqualTo(40);
    assertThat(r.ignoredBytes()).isZero();
    assertThat(log.writes.subList(0, 4))
        .containsExactly("1:k1=v1", "1:k2=v2", "2:gone2 removed", "1:k3=v3");
    assertThat(log.writes).hasSize(5);
  }

  @Test
  void replayStartsAfterTheCheckpointsGroupInItsSegment() {
    WalWriter w = writeGroups(1, 1, 2);
    w.roll();
    w.close();
    Path second = dir.resolve(WalFormat.fileName(2));
    assertThat(second).exists();
    Log log = new Log();
    WalReader.Replay r = WalReader.replay(dir, DB, 2, 2, 20, false, log);
    assertThat(r.records()).isZero();
    assertThat(r.lastGroup()).isEqualTo(2);
    assertThat(r.lastLsn()).isEqualTo(20);
    WalWriter.deleteBefore(dir, 2);
    assertThat(dir.resolve(WalFormat.fileName(1))).doesNotExist();
    assertThat(second).exists();
  }

  @Test
  void aCheckpointInsideASegmentSkipsTheGroupsItHolds() {
    writeGroups(1, 1, 4).close();
    Log log = new Log();
    WalReader.Replay r = WalReader.replay(dir, DB, 1, 2, 20, false, log);
    assertThat(r.records()).isEqualTo(2);
    assertThat(r.lastGroup()).isEqualTo(4);
    assertThat(log.writes).containsExactly("1:k3=v3", "1:k4=v4", "2:gone4 removed");

    // the checkpoint says group 0, but the segment starts at group 2: group 1 is missing
    Path other = dir.resolve("other");
    WalWriter w = WalWriter.create(other, DB, 1, CAPACITY, CAPACITY);
    append(w, 2, 3);
    w.close();
    WalReader.Replay gap = WalReader.replay(other, DB, 1, 0, 0, true, new Log());
    assertThat(gap.damage().problem()).isEqualTo(WalReader.Problem.GAP);
    assertThat(gap.damage().detail()).contains("holds group 2", "where group 1 was due");
  }

  @Test
  void aRecordCutShortAtTheEndIsIgnoredAndReported() throws Exception {
    WalWriter w = writeGroups(1, 1, 5);
    long used = w.segmentBytes();
    w.close();
    Path f = dir.resolve(WalFormat.fileName(1));
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(used - 3);
    }
    Log log = new Log();
    WalReader.Replay r = WalReader.replay(dir, DB, 1, 0, 0, false, log);
    assertThat(r.lastGroup()).isEqualTo(4);
    assertThat(r.lastLsn()).isEqualTo(40);
    assertThat(r.tornFile()).isEqualTo(f);
    assertThat(r.ignoredBytes()).isPositive();
    assertThat(r.damage()).isNull();
  }

  @Test
  void theZerosOfAPreallocatedSegmentAreTheEndOfTheLogNotATornTail() throws Exception {
    WalWriter w = writeGroups(1, 1, 3);
    long used = w.segmentBytes();
    w.close();
    Path f = dir.resolve(WalFormat.fileName(1));
    assertThat(Files.size(f)).as("preallocated, never grown").isEqualTo(CAPACITY);
    assertThat(used).isLessThan(CAPACITY / 2);
    // a preallocated segment that was never written to follows: it holds nothing
    WalWriter.preallocate(dir, DB, 2, CAPACITY, 30).close();
    WalReader.Replay zeros = WalReader.replay(dir, DB, 1, 0, 0, false, new Log());
    assertThat(zeros.lastGroup()).isEqualTo(3);
    assertThat(zeros.lastLsn()).isEqualTo(30);
    assertThat(zeros.segments()).isEqualTo(2);
    assertThat(zeros.tornFile()).isNull();
    assertThat(zeros.ignoredBytes()).isZero();
    assertThat(WalReader.holdsNothing(dir.resolve(WalFormat.fileName(2)))).isTrue();
    assertThat(WalReader.holdsNothing(f)).isFalse();

    // garbage where the zeros were: a torn write of a record that is not there
    byte[] garbage = new byte[777];
    new java.util.Random(1).nextBytes(garbage);
    garbage[776] = 1;
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(garbage), used + 100);
    }
    WalReader.Replay r = WalReader.replay(dir, DB, 1, 0, 0, false, new Log());
    assertThat(r.lastGroup()).isEqualTo(3);
    assertThat(r.tornFile()).isEqualTo(f);
    assertThat(r.ignoredBytes()).isEqualTo(100 + 777);
  }

  @Test
  void aTornRecordFollowedByZerosIsATornTail() throws Exception {
    WalWriter w = writeGroups(1, 1, 3);
    long fourth = w.segmentBytes();
    RedoBuffer redo = new RedoBuffer();
    byte[] value = new byte[3000];
    java.util.Arrays.fill(value, (byte) 7);
    redo.put(1, b("k4"), value);
    w.append(redo, 4, 40);
    long end = w.segmentBytes();
    w.close();
    Path f = dir.resolve(WalFormat.fileName(1));
    // the end of the record never reached the disk: zeros, as preallocated
    zero(f, end - 1000, 1000);
    WalReader.Replay r = WalReader.replay(dir, DB, 1, 0, 0, false, new Log());
    assertThat(r.lastGroup()).isEqualTo(3);
    assertThat(r.lastLsn()).isEqualTo(30);
    assertThat(r.tornFile()).isEqualTo(f);
    assertThat(r.ignoredBytes()).isEqualTo(end - 1000 - fourth);
    assertThat(r.damage()).isNull();

    // its beginning never reached the disk either, only a part in the middle did
    zero(f, fourth, 1000);
    WalReader.Replay middle = WalReader.replay(dir, DB, 1, 0, 0, false, new Log());
    assertThat(middle.lastGroup()).isEqualTo(3);
    assertThat(middle.tornFile()).isEqualTo(f);
    assertThat(middle.ignoredBytes()).isEqualTo(end - 1000 - fourth);
  }

  @Test
  void aZeroedRecordHeaderWithRecordsAfterItIsDamageNotTheEnd() throws Exception {
    WalWriter w = writeGroups(1, 1, 2);
    long third = w.segmentBytes();
    append(w, 3, 5);
    w.close();
    Path f = dir.resolve(WalFormat.fileName(1));
    zero(f, third, WalFormat.RECORD_HEADER);
    assertThatThrownBy(() -> WalReader.replay(dir, DB, 1, 0, 0, false, new Log()))
        .isInstanceOfSatisfying(
            WalReader.DamageException.class,
            e -> {
              assertThat(e.damage().problem()).isEqualTo(WalReader.Problem.CORRUPT);
              assertThat(e.damage().lastGroup()).isEqualTo(2);
              assertThat(e.damage().maxLsnSeen()).isEqualTo(50);
              assertThat(e.damage().detail())
                  .contains("damaged at byte " + third, "a record header of zeros", "more log");
            });
  }

  @Test
  void headersNameTheNewestLsnBeforeTheirSegmentSoThatItIsSeenWhenItsRecordsAreLost()
      throws Exception {
    WalWriter w = writeGroups(1, 1, 3);
    long fourth = w.segmentBytes();
    append(w, 4, 5);
    w.roll();
    w.close();
    Path first = dir.resolve(WalFormat.fileName(1));
    Path second = dir.resolve(WalFormat.fileName(2));
    assertThat(header(second).baseLsn()).as("written when the log moved into it").isEqualTo(50);
    assertThat(WalReader.newestLsnSeen(dir)).isEqualTo(50);

    // a zeroed record header: the records after it and the next segment's header are still seen
    zero(first, fourth, WalFormat.RECORD_HEADER);
    WalReader.Replay r = WalReader.replay(dir, DB, 1, 0, 0, true, new Log());
    assertThat(r.lastLsn()).isEqualTo(30);
    assertThat(r.damage().maxLsnSeen()).isEqualTo(50);
    assertThat(WalReader.newestLsnSeen(dir)).isEqualTo(50);

    // the records after it lost too: the next segment's header still names LSN 50
    zero(first, fourth, (int) (CAPACITY - fourth));
    assertThat(WalReader.newestLsnSeen(dir)).isEqualTo(50);

    // a segment preallocated ahead names the newest LSN when it was written
    WalWriter.preallocate(dir, DB, 3, CAPACITY, 70).close();
    assertThat(header(dir.resolve(WalFormat.fileName(3))).baseLsn()).isEqualTo(70);
    assertThat(WalReader.newestLsnSeen(dir)).isEqualTo(70);
  }

  private static WalFormat.Header header(Path segment) throws Exception {
    return WalFormat.decodeHeader(
        java.util.Arrays.copyOf(Files.readAllBytes(segment), WalFormat.HEADER));
  }

  @Test
  void aFullSegmentRollsToTheNextWhichWasPreallocatedAheadAndGrows() throws Exception {
    Files.createDirectories(dir);
    Path stale = dir.resolve(WalFormat.fileName(9) + WalFormat.TEMP_SUFFIX);
    Files.write(stale, new byte[] {1, 2, 3});
    WalWriter w = WalWriter.create(dir, DB, 1, 4096, 16384);
    assertThat(stale).as("left by a preallocation cut short").doesNotExist();
    RedoBuffer redo = new RedoBuffer();
    long g = 0;
    // half full: the next segment is written in the background before it is needed
    while (w.segmentBytes() <= 2048) {
      redo.clear();
      redo.put(1, b("k" + ++g), new byte[100]);
      w.append(redo, g, g * 10);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.exists(dir.resolve(WalFormat.fileName(2))));
    assertThat(Files.size(dir.resolve(WalFormat.fileName(2)))).isEqualTo(8192);
    assertThat(w.segment()).isEqualTo(1);
    while (w.segment() < 4) {
      redo.clear();
      redo.put(1, b("k" + ++g), new byte[100]);
      w.append(redo, g, g * 10);
    }
    // a record larger than a whole segment: alone in one, which grows
    redo.clear();
    redo.put(1, b("k" + ++g), new byte[40_000]);
    w.append(redo, g, g * 10);
    long big = g;
    redo.clear();
    redo.put(1, b("k" + ++g), new byte[100]);
    w.append(redo, g, g * 10);
    w.sync();
    w.close();
    assertThat(Files.size(dir.resolve(WalFormat.fileName(1)))).isEqualTo(4096);
    assertThat(Files.size(dir.resolve(WalFormat.fileName(2)))).isEqualTo(8192);
    assertThat(Files.size(dir.resolve(WalFormat.fileName(3)))).isEqualTo(16384);
    assertThat(Files.size(dir.resolve(WalFormat.fileName(4)))).isEqualTo(16384);
    assertThat(Files.size(dir.resolve(WalFormat.fileName(5))))
        .isEqualTo(WalFormat.HEADER + WalFormat.RECORD_HEADER + bodyLength(big, 40_000));
    // after a segment of one large record the next is appended to: header and the last record
    assertThat(Files.size(dir.resolve(WalFormat.fileName(6))))
        .isEqualTo(WalFormat.HEADER + WalFormat.RECORD_HEADER + bodyLength(g, 100));

    Log log = new Log();
    WalReader.Replay r = WalReader.replay(dir, DB, 1, 0, 0, false, log);
    assertThat(r.records()).isEqualTo(g);
    assertThat(r.lastGroup()).isEqualTo(g);
    assertThat(r.segments()).isGreaterThanOrEqualTo(6);
    assertThat(r.damage()).isNull();
    assertThat(r.tornFile()).isNull();
    assertThat(log.writes.get(0)).startsWith("1:k1=");
    assertThat(log.writes.get((int) g - 1)).startsWith("1:k" + g + "=");
  }

  @Test
  void afterASegmentOfLargeRecordsTheNextIsAppendedToAndAfterSmallOnesPreallocatedAgain()
      throws Exception {
    WalWriter w = WalWriter.create(dir, DB, 1, 64 << 10, 64 << 10);
    RedoBuffer redo = new RedoBuffer();
    long g = 0;
    while (w.segment() < 2 || w.segmentBytes() == WalFormat.HEADER) {
      redo.clear();
      redo.put(1, b("k" + ++g), new byte[40_000]);
      w.append(redo, g, g * 10);
    }
    long large = g;
    w.sync();
    Path second = dir.resolve(WalFormat.fileName(2));
    assertThat(Files.size(second))
        .as("header and the records appended so far, no zeros")
        .isEqualTo(w.segmentBytes());
    // small records now: the segment after this one is preallocated again
    while (w.segment() < 4) {
      redo.clear();
      redo.put(1, b("k" + ++g), new byte[100]);
      w.append(redo, g, g * 10);
    }
    w.sync();
    long usedInSecond = Files.size(second);
    w.close();
    assertThat(Files.size(dir.resolve(WalFormat.fileName(4)))).isEqualTo(64 << 10);

    Log log = new Log();
    WalReader.Replay r = WalReader.replay(dir, DB, 1, 0, 0, false, log);
    assertThat(r.records()).isEqualTo(g);
    assertThat(r.tornFile()).isNull();
    assertThat(large).isGreaterThanOrEqualTo(2);

    // a record cut short at the end of an appended segment is a torn tail
    for (long n = 4; n >= 3; n--) {
      Files.deleteIfExists(dir.resolve(WalFormat.fileName(n)));
    }
    try (FileChannel ch = FileChannel.open(second, StandardOpenOption.WRITE)) {
      ch.truncate(usedInSecond - 10);
    }
    WalReader.Replay torn = WalReader.replay(dir, DB, 1, 0, 0, false, new Log());
    assertThat(torn.tornFile()).isEqualTo(second);
    assertThat(torn.lastGroup()).isLessThan(g);
    assertThat(torn.damage()).isNull();
  }

  /** The body length of a record of one put of key "k" + group and a value of n bytes. */
  private static int bodyLength(long group, int n) {
    RedoBuffer r = new RedoBuffer();
    r.put(1, b("k" + group), new byte[n]);
    return r.length();
  }

  @Test
  void aSegmentOfTheFirstFormatIsStillRead() throws Exception {
    WalWriter w = writeGroups(1, 1, 3);
    long used = w.segmentBytes();
    w.close();
    Path f = dir.resolve(WalFormat.fileName(1));
    // format 1: appended, not preallocated; the header held the first group and LSN
    byte[] head = new byte[WalFormat.HEADER];
    ByteBuffer h = ByteBuffer.wrap(head);
    h.put(WalFormat.MAGIC).putInt(1).putInt(WalFormat.HEADER);
    h.putLong(DB.getMostSignificantBits()).putLong(DB.getLeastSignificantBits());
    h.putLong(1).putLong(1).putLong(0).putInt(0);
    h.putInt(WalFormat.crc(head, 0, WalFormat.HEADER - 4));
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(head), 0);
      ch.truncate(used);
    }
    WalReader.Replay r = WalReader.replay(dir, DB, 1, 0, 0, false, new Log());
    assertThat(r.records()).isEqualTo(3);
    assertThat(r.lastLsn()).isEqualTo(30);
    assertThat(r.tornFile()).isNull();
  }

  @Test
  void aDamagedRecordFollowedByMoreLogIsDamageNotATornTail() throws Exception {
    writeGroups(1, 1, 5).close();
    Path f = dir.resolve(WalFormat.fileName(1));
    // flip a byte in the body of the second record
    long second = WalFormat.HEADER + recordSize(f, WalFormat.HEADER);
    flip(f, second + WalFormat.RECORD_HEADER + 10);
    assertThatThrownBy(() -> WalReader.replay(dir, DB, 1, 0, 0, false, new Log()))
        .isInstanceOfSatisfying(
            WalReader.DamageException.class,
            e -> {
              assertThat(e.damage().problem()).isEqualTo(WalReader.Problem.CORRUPT);
              assertThat(e.damage().lastGroup()).isEqualTo(1);
              assertThat(e.damage().detail()).contains("damaged at byte " + second);
            });
    WalReader.Replay stopped = WalReader.replay(dir, DB, 1, 0, 0, true, new Log());
    assertThat(stopped.lastGroup()).isEqualTo(1);
    assertThat(stopped.damage().problem()).isEqualTo(WalReader.Problem.CORRUPT);
    assertThat(stopped.damage().maxLsnSeen()).isEqualTo(50);
  }

  @Test
  void aDamagedLastRecordOfAnEarlierSegmentIsDamage() throws Exception {
    WalWriter w = writeGroups(1, 1, 3);
    long used = w.segmentBytes();
    w.roll();
    RedoBuffer redo = new RedoBuffer();
    redo.put(1, b("k4"), b("v4"));
    w.append(redo, 4, 40);
    w.close();
    Path f = dir.resolve(WalFormat.fileName(1));
    flip(f, used - 1);
    WalReader.Replay r = WalReader.replay(dir, DB, 1, 0, 0, true, new Log());
    assertThat(r.lastGroup()).isEqualTo(2);
    assertThat(r.damage().problem()).isEqualTo(WalReader.Problem.CORRUPT);
    assertThat(r.damage().maxLsnSeen()).isEqualTo(40);

    // a stray byte in the unused part of an earlier segment is damage too
    flip(f, used - 1);
    flip(f, CAPACITY - 1);
    WalReader.Replay stray = WalReader.replay(dir, DB, 1, 0, 0, true, new Log());
    assertThat(stray.lastGroup()).isEqualTo(3);
    assertThat(stray.damage().problem()).isEqualTo(WalReader.Problem.CORRUPT);
    assertThat(stray.damage().detail()).contains("more log follows in " + WalFormat.fileName(2));
  }

  @Test
  void aMissingFirstSegmentAGapAndAForeignSegmentAreDamage() throws Exception {
    WalWriter w = writeGroups(1, 1, 2);
    w.roll();
    w.roll();
    w.close();
    assertThat(WalReader.replay(dir, DB, 0, 0, 0, true, new Log()).damage().problem())
        .isEqualTo(WalReader.Problem.MISSING);

    Files.delete(dir.resolve(WalFormat.fileName(2)));
    WalReader.Replay gap = WalReader.replay(dir, DB, 1, 0, 0, true, new Log());
    assertThat(gap.damage().problem()).isEqualTo(WalReader.Problem.GAP);
    assertThat(gap.lastGroup()).isEqualTo(2);

    Path other = Files.createDirectory(dir.resolve("other"));
    WalWriter.create(other, UUID.randomUUID(), 1, CAPACITY, CAPACITY).close();
    assertThat(WalReader.replay(other, DB, 1, 0, 0, true, new Log()).damage().problem())
        .isEqualTo(WalReader.Problem.FOREIGN);
  }

  @Test
  void aSegmentThatStartsAtTheWrongGroupIsAGap() {
    writeGroups(1, 1, 2).close();
    writeGroups(2, 7, 7).close();
    WalReader.Replay r = WalReader.replay(dir, DB, 1, 0, 0, true, new Log());
    assertThat(r.damage().problem()).isEqualTo(WalReader.Problem.GAP);
    assertThat(r.damage().detail()).contains("holds group 7", "where group 3 was due");
    assertThat(r.damage().lastGroup()).isEqualTo(2);
    assertThat(r.damage().maxLsnSeen()).isEqualTo(70);
  }

  @Test
  void segmentNamesRoundTrip() {
    assertThat(WalFormat.segmentOf(Path.of(WalFormat.fileName(0x1234)))).isEqualTo(0x1234);
    assertThat(WalFormat.segmentOf(Path.of("notes.wal"))).isEqualTo(-1);
    assertThat(WalReader.newestSegment(dir.resolve("none"))).isEqualTo(-1);
  }

  private static long recordSize(Path f, long at) throws Exception {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(4);
      ch.read(b, at);
      return WalFormat.RECORD_HEADER + b.flip().getInt();
    }
  }

  private static void zero(Path f, long at, int n) throws Exception {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[n]), at);
    }
  }

  private static void flip(Path f, long at) throws Exception {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.flip();
      byte x = (byte) (b.get() ^ 0x5A);
      ch.write(ByteBuffer.wrap(new byte[] {x}), at);
    }
  }
}
