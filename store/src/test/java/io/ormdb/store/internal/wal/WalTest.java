package io.ormdb.store.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

  /** Writes groups first..last (one put each, lsn = group * 10) to segment {@code segment}. */
  private WalWriter writeGroups(long segment, long first, long last) {
    WalWriter w = WalWriter.create(dir, DB, segment, first, (first - 1) * 10);
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
    return w;
  }

  @Test
  void recordsComeBackInOrderAcrossSegments() {
    WalWriter w = writeGroups(1, 1, 3);
    RedoBuffer redo = new RedoBuffer();
    w = w.roll(4, 30);
    redo.put(3, b("big"), new byte[100_000]);
    w.append(redo, 4, 40);
    w.sync();
    w.close();

    Log log = new Log();
    WalReader.Replay r = WalReader.replay(dir, DB, 1, 0, 0, false, log);
    assertThat(r.records()).isEqualTo(4);
    assertThat(r.segments()).isEqualTo(2);
    assertThat(r.lastGroup()).isEqualTo(4);
    assertThat(r.lastLsn()).isEqualTo(40);
    assertThat(r.ignoredBytes()).isZero();
    assertThat(log.writes.subList(0, 4))
        .containsExactly("1:k1=v1", "1:k2=v2", "2:gone2 removed", "1:k3=v3");
    assertThat(log.writes).hasSize(5);
  }

  @Test
  void replayStartsAfterTheCheckpointsGroupInItsSegment() {
    writeGroups(1, 1, 2).roll(3, 20).close();
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
  void aRecordCutShortAtTheEndIsIgnoredAndReported() throws Exception {
    writeGroups(1, 1, 5).close();
    Path f = dir.resolve(WalFormat.fileName(1));
    long size = Files.size(f);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(size - 3);
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
  void zerosOrGarbageAtTheEndAreATornTail() throws Exception {
    writeGroups(1, 1, 3).close();
    Path f = dir.resolve(WalFormat.fileName(1));
    Files.write(f, new byte[4096], StandardOpenOption.APPEND);
    WalReader.Replay zeros = WalReader.replay(dir, DB, 1, 0, 0, false, new Log());
    assertThat(zeros.lastGroup()).isEqualTo(3);
    assertThat(zeros.ignoredBytes()).isEqualTo(4096);

    byte[] garbage = new byte[777];
    new java.util.Random(1).nextBytes(garbage);
    Files.write(f, garbage, StandardOpenOption.APPEND);
    WalReader.Replay r = WalReader.replay(dir, DB, 1, 0, 0, false, new Log());
    assertThat(r.lastGroup()).isEqualTo(3);
    assertThat(r.ignoredBytes()).isEqualTo(4096 + 777);
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
    w = w.roll(4, 30);
    RedoBuffer redo = new RedoBuffer();
    redo.put(1, b("k4"), b("v4"));
    w.append(redo, 4, 40);
    w.close();
    Path f = dir.resolve(WalFormat.fileName(1));
    flip(f, Files.size(f) - 1);
    WalReader.Replay r = WalReader.replay(dir, DB, 1, 0, 0, true, new Log());
    assertThat(r.lastGroup()).isEqualTo(2);
    assertThat(r.damage().problem()).isEqualTo(WalReader.Problem.CORRUPT);
    assertThat(r.damage().maxLsnSeen()).isEqualTo(40);
  }

  @Test
  void aMissingFirstSegmentAGapAndAForeignSegmentAreDamage() throws Exception {
    writeGroups(1, 1, 2).roll(3, 20).roll(3, 20).close();
    assertThat(WalReader.replay(dir, DB, 0, 0, 0, true, new Log()).damage().problem())
        .isEqualTo(WalReader.Problem.MISSING);

    Files.delete(dir.resolve(WalFormat.fileName(2)));
    WalReader.Replay gap = WalReader.replay(dir, DB, 1, 0, 0, true, new Log());
    assertThat(gap.damage().problem()).isEqualTo(WalReader.Problem.GAP);
    assertThat(gap.lastGroup()).isEqualTo(2);

    Path other = Files.createDirectory(dir.resolve("other"));
    WalWriter.create(other, UUID.randomUUID(), 1, 1, 0).close();
    assertThat(WalReader.replay(other, DB, 1, 0, 0, true, new Log()).damage().problem())
        .isEqualTo(WalReader.Problem.FOREIGN);
  }

  @Test
  void aSegmentThatStartsAtTheWrongGroupIsAGap() {
    writeGroups(1, 1, 2).close();
    WalWriter.create(dir, DB, 2, 7, 60).close();
    WalReader.Replay r = WalReader.replay(dir, DB, 1, 0, 0, true, new Log());
    assertThat(r.damage().problem()).isEqualTo(WalReader.Problem.GAP);
    assertThat(r.damage().detail()).contains("starts at group 7", "ends at group 2");
    assertThat(r.damage().maxLsnSeen()).isEqualTo(60);
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
