package io.ormdb.store.internal.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Reads the write-ahead log back at recovery: the records after the last checkpoint, in order, each
 * checked (CRC, group numbering, segment continuity, database id).
 *
 * <p>The log ends where a segment's records end (at zeros, the unused part of a preallocated
 * segment, or at the file's end) and no later segment holds one. A bad record there — cut short, or
 * with a checksum that does not match — is what a crash during an append leaves: it was never
 * acknowledged, so it is ignored and reported ({@link Replay#ignoredBytes}). Anything else that is
 * wrong — a missing or foreign segment, a gap in the numbering, a valid record of an unexpected
 * group, a bad record or an early end with a valid record after it — means acknowledged commits
 * cannot be replayed: {@link Damage}. See {@link WalFormat} for the rules.
 */
public final class WalReader {
  private WalReader() {}

  /** What is wrong with the log. */
  public enum Problem {
    /** The segment the checkpoint starts from is not there. */
    MISSING,
    /** A segment belongs to another database. */
    FOREIGN,
    /** A segment or a group is missing between two that are there. */
    GAP,
    /** A header or record is damaged and more log follows it. */
    CORRUPT
  }

  /** Where the log stops being usable, and why. */
  public record Damage(
      Problem problem, String detail, long lastGroup, long lastLsn, long maxLsnSeen) {}

  /**
   * The outcome of a replay.
   *
   * @param lastGroup the last group replayed (the checkpoint's when none)
   * @param lastLsn the newest LSN after it
   * @param records records replayed
   * @param segments segments read
   * @param tornFile the segment whose tail was ignored, or null
   * @param ignoredBytes bytes ignored in {@code tornFile}: from the bad record to the last byte
   *     that is not zero
   * @param damage null, or what made the replay stop early (only when asked to stop at damage)
   */
  public record Replay(
      long lastGroup,
      long lastLsn,
      long records,
      int segments,
      Path tornFile,
      long ignoredBytes,
      Damage damage) {}

  /** Thrown by {@link #replay} when the log is damaged and the caller did not accept stopping. */
  public static final class DamageException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Damage damage;

    DamageException(Damage damage) {
      super(damage.detail(), null, false, false);
      this.damage = damage;
    }

    public Damage damage() {
      return damage;
    }
  }

  /** A segment file and its number. */
  record SegmentFile(long number, Path file) {}

  /** The segment files of {@code dir}, by number (none when it does not exist). */
  static List<SegmentFile> segments(Path dir) {
    List<SegmentFile> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + WalFormat.SUFFIX)) {
      for (Path f : files) {
        long n = WalFormat.segmentOf(f);
        if (n >= 0) {
          out.add(new SegmentFile(n, f));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the write-ahead log in " + dir, e);
    }
    out.sort((a, b) -> Long.compareUnsigned(a.number(), b.number()));
    return out;
  }

  /**
   * Whether a segment file holds nothing after its header: no record, only zeros (a preallocated
   * segment not written to yet, or a format-1 segment of a header only).
   */
  public static boolean holdsNothing(Path segmentFile) {
    byte[] b = read(segmentFile);
    return b.length <= WalFormat.HEADER || nextNonZero(b, WalFormat.HEADER, b.length) < 0;
  }

  /**
   * Deletes the segments of {@code dir} when none holds a record (what a checkpoint that created a
   * segment but did not get to record it in the file leaves); false, deleting nothing, when any
   * segment holds more than its header and zeros.
   */
  public static boolean deleteIfEmpty(Path dir) {
    List<SegmentFile> all = segments(dir);
    for (SegmentFile s : all) {
      if (!holdsNothing(s.file())) {
        return false;
      }
    }
    try {
      for (SegmentFile s : all) {
        Files.deleteIfExists(s.file());
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean the write-ahead log in " + dir, e);
    }
  }

  /** The number of the newest segment in {@code dir}, or -1 when there is none. */
  public static long newestSegment(Path dir) {
    List<SegmentFile> s = segments(dir);
    return s.isEmpty() ? -1 : s.get(s.size() - 1).number();
  }

  /**
   * Replays, into {@code target}, the records of {@code dir} that follow the checkpoint: those of
   * the groups after {@code afterGroup}, starting with segment {@code firstSegment}, whose records
   * of groups up to {@code afterGroup} (the checkpoint holds them) are checked and skipped.
   * Segments numbered below {@code firstSegment} are left alone.
   *
   * @param stopAtDamage false: damage throws {@link DamageException} (what was replayed before it
   *     stays applied to the target; the caller discards it); true: the replay stops at the last
   *     good record and reports the damage in {@link Replay#damage}
   */
  public static Replay replay(
      Path dir,
      UUID database,
      long firstSegment,
      long afterGroup,
      long afterLsn,
      boolean stopAtDamage,
      RedoBuffer.Target target) {
    Reader r = new Reader(database, afterGroup, afterLsn, stopAtDamage, target);
    List<SegmentFile> all = segments(dir);
    List<SegmentFile> used = new ArrayList<>();
    for (SegmentFile s : all) {
      if (Long.compareUnsigned(s.number(), firstSegment) >= 0) {
        used.add(s);
      }
    }
    if (used.isEmpty() || used.get(0).number() != firstSegment) {
      long oldest = used.isEmpty() ? -1 : used.get(0).number();
      return r.fail(
          Problem.MISSING,
          "write-ahead log segment "
              + dir.resolve(WalFormat.fileName(firstSegment))
              + " is missing"
              + (oldest < 0
                  ? " (the log holds no segment from it on)"
                  : " (the oldest segment from it on is " + WalFormat.fileName(oldest) + ")"),
          used,
          0);
    }
    for (int i = 0; i < used.size(); i++) {
      SegmentFile s = used.get(i);
      if (s.number() != firstSegment + i) {
        return r.fail(
            Problem.GAP,
            "write-ahead log segment "
                + WalFormat.fileName(firstSegment + i)
                + " is missing between "
                + WalFormat.fileName(firstSegment + i - 1)
                + " and "
                + WalFormat.fileName(s.number()),
            used,
            i);
      }
      switch (r.segment(s, used.subList(i + 1, used.size()))) {
        case NEXT:
          break;
        case END:
          return r.result(null);
        default:
          return r.fail(r.problem, r.detail, used, i + 1);
      }
    }
    return r.result(null);
  }

  /** How reading a segment ended. */
  private enum Outcome {
    /** Its records ended cleanly: go on with the next segment. */
    NEXT,
    /** The log ends in it (a torn tail, ignored); the later segments hold nothing. */
    END,
    /** Damage (problem and detail say which). */
    DAMAGE
  }

  private static final class Reader {
    final UUID database;
    final boolean stopAtDamage;
    final RedoBuffer.Target target;
    final long afterGroup;

    /** The last group replayed (or the checkpoint's). */
    long group;

    /** The group of the last valid record read, replayed or skipped; -1 before the first. */
    long seen = -1;

    long lsn;
    long records;
    int segments;
    Path tornFile;
    long ignored;
    Problem problem;
    String detail;

    /** Where the damage starts in the segment being read (scanned for LSNs on failure). */
    byte[] damagedBytes;

    int damagedFrom;

    Reader(UUID database, long group, long lsn, boolean stopAtDamage, RedoBuffer.Target target) {
      this.database = database;
      this.afterGroup = group;
      this.group = group;
      this.lsn = lsn;
      this.stopAtDamage = stopAtDamage;
      this.target = target;
    }

    Replay result(Damage damage) {
      return new Replay(group, lsn, records, segments, tornFile, ignored, damage);
    }

    /**
     * Damage: the newest LSN any valid record after the damage point or any later segment's header
     * mentions is reported too, so that a recovery that gives up what follows can skip past every
     * LSN that may have been handed out.
     */
    Replay fail(Problem p, String why, List<SegmentFile> used, int nextUnread) {
      long maxLsn = lsn;
      if (damagedBytes != null) {
        maxLsn = Math.max(maxLsn, maxLsnIn(damagedBytes, damagedFrom, group));
      }
      for (int i = nextUnread; i < used.size(); i++) {
        maxLsn = Math.max(maxLsn, newestLsnIn(read(used.get(i).file()), group));
      }
      Damage d = new Damage(p, why, group, lsn, maxLsn);
      if (!stopAtDamage) {
        throw new DamageException(d);
      }
      return result(d);
    }

    private Outcome damaged(Problem p, String why, byte[] b, int from) {
      problem = p;
      detail = why;
      damagedBytes = b;
      damagedFrom = from;
      return Outcome.DAMAGE;
    }

    /** Reads one segment, given the segments after it. */
    Outcome segment(SegmentFile s, List<SegmentFile> later) {
      segments++;
      byte[] b = read(s.file());
      WalFormat.Header h =
          b.length >= WalFormat.HEADER
              ? WalFormat.decodeHeader(Arrays.copyOf(b, WalFormat.HEADER))
              : null;
      if (h == null) {
        if (later.isEmpty() && b.length < WalFormat.HEADER) {
          // a format-1 segment created by a checkpoint that did not finish: it holds nothing
          tornFile = s.file();
          ignored = b.length;
          return Outcome.END;
        }
        return damaged(
            Problem.CORRUPT,
            "write-ahead log segment " + s.file() + " has a damaged header",
            b,
            Math.min(b.length, WalFormat.HEADER));
      }
      if (!h.database().equals(database)) {
        return damaged(
            Problem.FOREIGN,
            "write-ahead log segment "
                + s.file()
                + " belongs to database "
                + h.database()
                + ", not to "
                + database,
            null,
            0);
      }
      if (h.segment() != s.number()) {
        return damaged(
            Problem.GAP,
            "write-ahead log segment " + s.file() + " says it is segment " + h.segment(),
            b,
            WalFormat.HEADER);
      }
      int pos = WalFormat.HEADER;
      String why = null;
      while (pos < b.length) {
        if (b.length - pos < WalFormat.RECORD_HEADER) {
          if (nextNonZero(b, pos, b.length) >= 0) {
            why = "a record header cut short";
          }
          break;
        }
        int length = RedoBuffer.readInt(b, pos);
        if (length == 0 && RedoBuffer.readInt(b, pos + 4) == 0) {
          break; // the unused part of the segment
        }
        if (length < RedoBuffer.HEADER
            || length > WalFormat.MAX_BODY
            || length > b.length - pos - WalFormat.RECORD_HEADER) {
          why = "a record length of " + length + " bytes that does not fit";
          break;
        }
        int body = pos + WalFormat.RECORD_HEADER;
        if (WalFormat.crc(b, body, length) != RedoBuffer.readInt(b, pos + 4)) {
          why = "a record whose checksum does not match";
          break;
        }
        long g = RedoBuffer.group(b, body);
        long due = seen < 0 ? group + 1 : seen + 1;
        // only the checkpoint's own segment may begin with groups the checkpoint holds
        boolean older = seen < 0 && segments == 1 && g < due;
        if (g != due && !older) {
          return damaged(
              Problem.GAP,
              "write-ahead log segment "
                  + s.file()
                  + " holds group "
                  + g
                  + " at byte "
                  + pos
                  + " where group "
                  + due
                  + " was due",
              b,
              pos);
        }
        seen = g;
        if (g > group) {
          try {
            RedoBuffer.replay(b, body, body + length, target);
          } catch (IllegalArgumentException e) {
            return damaged(
                Problem.CORRUPT,
                "write-ahead log segment "
                    + s.file()
                    + " holds a malformed record at byte "
                    + pos
                    + ": "
                    + e.getMessage(),
                b,
                pos);
          }
          group = g;
          lsn = RedoBuffer.lsn(b, body);
          records++;
        }
        pos = body + length;
      }
      int end = pos;
      int lastNonZero = nextNonZero(b, end, b.length) < 0 ? -1 : lastNonZero(b, end);
      int after = findRecord(b, end + 1, b.length, group);
      if (after >= 0) {
        return damaged(
            Problem.CORRUPT,
            "write-ahead log segment "
                + s.file()
                + " is damaged at byte "
                + end
                + " ("
                + (why == null ? "a record header of zeros" : why)
                + ") and more log follows at byte "
                + after,
            b,
            end);
      }
      if (why == null && lastNonZero < 0) {
        return Outcome.NEXT;
      }
      for (SegmentFile l : later) {
        if (!holdsNothing(l.file())) {
          return damaged(
              Problem.CORRUPT,
              "write-ahead log segment "
                  + s.file()
                  + " is damaged at byte "
                  + end
                  + " ("
                  + (why == null ? "bytes that are not a record after its last one" : why)
                  + ") and more log follows in "
                  + l.file().getFileName(),
              b,
              end);
        }
      }
      tornFile = s.file();
      ignored = lastNonZero + 1 - end;
      return Outcome.END;
    }
  }

  /** The last byte of {@code b} at or after {@code from} that is not zero, or -1. */
  private static int lastNonZero(byte[] b, int from) {
    for (int i = b.length - 1; i >= from; i--) {
      if (b[i] != 0) {
        return i;
      }
    }
    return -1;
  }

  private static final byte[] ZERO = new byte[1 << 16];

  /** The first byte of {@code b[from, to)} that is not zero, or -1. */
  static int nextNonZero(byte[] b, int from, int to) {
    for (int p = from; p < to; ) {
      int n = Math.min(ZERO.length, to - p);
      int m = Arrays.mismatch(b, p, p + n, ZERO, 0, n);
      if (m >= 0) {
        return p + m;
      }
      p += n;
    }
    return -1;
  }

  /**
   * The position of the first valid record — length in bounds, a group after {@code afterGroup},
   * matching checksum — that starts in {@code b[from, to)}, or -1. Zero runs are skipped fast: a
   * record's length field is never four zero bytes.
   */
  static int findRecord(byte[] b, int from, int to, long afterGroup) {
    int last = to - WalFormat.RECORD_HEADER - RedoBuffer.HEADER;
    for (int q = Math.max(from, 0); q <= last; q++) {
      int z = nextNonZero(b, q, to);
      if (z < 0) {
        return -1;
      }
      q = Math.max(q, z - 3);
      if (q <= last && recordAt(b, q, to, afterGroup)) {
        return q;
      }
    }
    return -1;
  }

  private static boolean recordAt(byte[] b, int q, int to, long afterGroup) {
    int length = RedoBuffer.readInt(b, q);
    if (length < RedoBuffer.HEADER || length > to - q - WalFormat.RECORD_HEADER) {
      return false;
    }
    long g = RedoBuffer.group(b, q + WalFormat.RECORD_HEADER);
    // a group far beyond the log's is noise, not a record: spares the checksum of most candidates
    if (g <= afterGroup || g - afterGroup > 1L << 40) {
      return false;
    }
    return WalFormat.crc(b, q + WalFormat.RECORD_HEADER, length) == RedoBuffer.readInt(b, q + 4);
  }

  /**
   * The newest LSN of the valid records of groups after {@code afterGroup} in {@code b[from..]}.
   */
  private static long maxLsnIn(byte[] b, int from, long afterGroup) {
    long max = 0;
    int q = findRecord(b, from, b.length, afterGroup);
    while (q >= 0) {
      int length = RedoBuffer.readInt(b, q);
      max = Math.max(max, RedoBuffer.lsn(b, q + WalFormat.RECORD_HEADER));
      q = findRecord(b, q + WalFormat.RECORD_HEADER + length, b.length, afterGroup);
    }
    return max;
  }

  /**
   * The newest LSN any segment of {@code dir} mentions in its header or in a valid record, wherever
   * it is in the segment — after damage too (0 when none does): what a recovery that cannot replay
   * the log must stay past.
   */
  public static long newestLsnSeen(Path dir) {
    long max = 0;
    for (SegmentFile s : segments(dir)) {
      max = Math.max(max, newestLsnIn(read(s.file()), 0));
    }
    return max;
  }

  /**
   * The newest LSN a segment's bytes mention: its header's base LSN and the valid records of groups
   * after {@code afterGroup} anywhere after the header.
   */
  private static long newestLsnIn(byte[] b, long afterGroup) {
    long max = 0;
    if (b.length >= WalFormat.HEADER) {
      WalFormat.Header h = WalFormat.decodeHeader(Arrays.copyOf(b, WalFormat.HEADER));
      if (h != null) {
        max = h.baseLsn();
      }
    }
    return Math.max(max, maxLsnIn(b, WalFormat.HEADER, afterGroup));
  }

  /** The whole file; segments are small (a record larger than one is alone in its segment). */
  private static byte[] read(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE - 64) {
        throw new IOException("the segment is " + size + " bytes, larger than a segment can be");
      }
      byte[] into = new byte[(int) size];
      ByteBuffer buf = ByteBuffer.wrap(into);
      while (buf.hasRemaining()) {
        if (ch.read(buf, buf.position()) < 0) {
          return Arrays.copyOf(into, buf.position());
        }
      }
      return into;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read write-ahead log segment " + file, e);
    }
  }
}
