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
import java.util.List;
import java.util.UUID;

/**
 * Reads the write-ahead log back at recovery: the records after the last checkpoint, in order, each
 * checked (CRC, group numbering, segment continuity, database id).
 *
 * <p>A record cut short at the very end of the last segment is what a crash during an append
 * leaves: it was never acknowledged, so it is ignored and reported ({@link Replay#ignoredBytes}).
 * Anything else that is wrong — a missing or foreign segment, a gap in the numbering, a damaged
 * record that is followed by more log — means acknowledged commits cannot be replayed: {@link
 * Damage}.
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
   * @param ignoredBytes bytes ignored at the end of {@code tornFile}
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
   * Deletes the segments of {@code dir} when none holds a record (what a checkpoint that created a
   * segment but did not get to record it in the file leaves); false, deleting nothing, when any
   * segment holds more than its header.
   */
  public static boolean deleteIfEmpty(Path dir) {
    List<SegmentFile> all = segments(dir);
    try {
      for (SegmentFile s : all) {
        if (Files.size(s.file()) > WalFormat.HEADER) {
          return false;
        }
      }
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
   * Replays, into {@code target}, the records of {@code dir} that follow the checkpoint: those
   * after group {@code afterGroup}, starting with segment {@code firstSegment} (whose first group
   * must be {@code afterGroup + 1}). Segments numbered below {@code firstSegment} are left alone.
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
      boolean last = i == used.size() - 1;
      if (!r.segment(s, last)) {
        return r.fail(r.problem, r.detail, used, i);
      }
    }
    return r.result(null);
  }

  private static final class Reader {
    final UUID database;
    final boolean stopAtDamage;
    final RedoBuffer.Target target;
    long group;
    long lsn;
    long records;
    int segments;
    Path tornFile;
    long ignored;
    Problem problem;
    String detail;
    byte[] body = new byte[1 << 16];

    Reader(UUID database, long group, long lsn, boolean stopAtDamage, RedoBuffer.Target target) {
      this.database = database;
      this.group = group;
      this.lsn = lsn;
      this.stopAtDamage = stopAtDamage;
      this.target = target;
    }

    Replay result(Damage damage) {
      return new Replay(group, lsn, records, segments, tornFile, ignored, damage);
    }

    /**
     * Damage: the newest LSN anything after the damage point mentions (headers, readable records)
     * is reported too, so that a recovery that gives up what follows can skip past every LSN that
     * may have been handed out.
     */
    Replay fail(Problem p, String why, List<SegmentFile> used, int nextUnread) {
      long maxLsn = lsn;
      for (int i = nextUnread; i < used.size(); i++) {
        maxLsn = Math.max(maxLsn, maxLsnIn(used.get(i).file()));
      }
      Damage d = new Damage(p, why, group, lsn, maxLsn);
      if (!stopAtDamage) {
        throw new DamageException(d);
      }
      return result(d);
    }

    private void damaged(Problem p, String why) {
      problem = p;
      detail = why;
    }

    /** Reads one segment; false when it is damaged (problem and detail say how). */
    boolean segment(SegmentFile s, boolean last) {
      segments++;
      try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.READ)) {
        long size = ch.size();
        byte[] head = new byte[WalFormat.HEADER];
        int got = readFully(ch, 0, head, WalFormat.HEADER);
        WalFormat.Header h = got == WalFormat.HEADER ? WalFormat.decodeHeader(head) : null;
        if (h == null) {
          if (last && size < WalFormat.HEADER) {
            // created by a checkpoint that did not finish: it holds nothing
            tornFile = s.file();
            ignored = size;
            return true;
          }
          damaged(Problem.CORRUPT, "write-ahead log segment " + s.file() + " has a damaged header");
          return false;
        }
        if (!h.database().equals(database)) {
          damaged(
              Problem.FOREIGN,
              "write-ahead log segment "
                  + s.file()
                  + " belongs to database "
                  + h.database()
                  + ", not to "
                  + database);
          return false;
        }
        if (h.segment() != s.number() || h.baseGroup() != group + 1) {
          damaged(
              Problem.GAP,
              "write-ahead log segment "
                  + s.file()
                  + " starts at group "
                  + h.baseGroup()
                  + " but the log so far ends at group "
                  + group);
          return false;
        }
        long pos = WalFormat.HEADER;
        byte[] rh = new byte[WalFormat.RECORD_HEADER];
        while (pos < size) {
          long bad = pos;
          String why = record(ch, pos, size, rh);
          if (why == null) {
            pos += WalFormat.RECORD_HEADER + RedoBuffer.readInt(rh, 0);
            continue;
          }
          if (last && !validRecordFollows(ch, bad, size, rh)) {
            tornFile = s.file();
            ignored = size - bad;
            return true;
          }
          damaged(
              Problem.CORRUPT,
              "write-ahead log segment "
                  + s.file()
                  + " is damaged at byte "
                  + bad
                  + " ("
                  + why
                  + ") and more log follows");
          return false;
        }
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read write-ahead log segment " + s.file(), e);
      }
    }

    /** Applies the record at {@code pos}; null when it was good, else why it is not. */
    private String record(FileChannel ch, long pos, long size, byte[] rh) throws IOException {
      if (size - pos < WalFormat.RECORD_HEADER) {
        return "a record header cut short";
      }
      readFully(ch, pos, rh, WalFormat.RECORD_HEADER);
      int length = RedoBuffer.readInt(rh, 0);
      if (length < RedoBuffer.HEADER
          || length > WalFormat.MAX_BODY
          || length > size - pos - WalFormat.RECORD_HEADER) {
        return "a record length of " + length + " bytes that does not fit";
      }
      if (body.length < length) {
        body = new byte[Math.max(length, body.length * 2)];
      }
      readFully(ch, pos + WalFormat.RECORD_HEADER, body, length);
      if (WalFormat.crc(body, 0, length) != RedoBuffer.readInt(rh, 4)) {
        return "a record whose checksum does not match";
      }
      long g = RedoBuffer.group(body, 0);
      if (g != group + 1) {
        return "group " + g + " where group " + (group + 1) + " was due";
      }
      try {
        RedoBuffer.replay(body, 0, length, target);
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
      group = g;
      lsn = RedoBuffer.lsn(body, 0);
      records++;
      return null;
    }

    /** Whether a well-formed record of the next group starts right after the bad one. */
    private boolean validRecordFollows(FileChannel ch, long bad, long size, byte[] rh)
        throws IOException {
      if (size - bad < WalFormat.RECORD_HEADER) {
        return false;
      }
      readFully(ch, bad, rh, WalFormat.RECORD_HEADER);
      long length = RedoBuffer.readInt(rh, 0) & 0xFFFFFFFFL;
      long next = bad + WalFormat.RECORD_HEADER + length;
      if (length < RedoBuffer.HEADER || next + WalFormat.RECORD_HEADER > size) {
        return false;
      }
      byte[] h2 = new byte[WalFormat.RECORD_HEADER];
      readFully(ch, next, h2, WalFormat.RECORD_HEADER);
      int length2 = RedoBuffer.readInt(h2, 0);
      if (length2 < RedoBuffer.HEADER || length2 > size - next - WalFormat.RECORD_HEADER) {
        return false;
      }
      byte[] b2 = new byte[length2];
      readFully(ch, next + WalFormat.RECORD_HEADER, b2, length2);
      return WalFormat.crc(b2, 0, length2) == RedoBuffer.readInt(h2, 4);
    }
  }

  /**
   * The newest LSN any segment of {@code dir} mentions in its header or in a readable record (0
   * when none does): what a recovery that cannot replay the log must stay past.
   */
  public static long newestLsnSeen(Path dir) {
    long max = 0;
    for (SegmentFile s : segments(dir)) {
      max = Math.max(max, maxLsnIn(s.file()));
    }
    return max;
  }

  /** The newest LSN a segment mentions in its header or in any readable record. */
  private static long maxLsnIn(Path file) {
    long max = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      byte[] head = new byte[WalFormat.HEADER];
      if (readFully(ch, 0, head, WalFormat.HEADER) == WalFormat.HEADER) {
        WalFormat.Header h = WalFormat.decodeHeader(head);
        if (h != null) {
          max = h.baseLsn();
        }
      }
      long pos = WalFormat.HEADER;
      byte[] rh = new byte[WalFormat.RECORD_HEADER];
      while (pos + WalFormat.RECORD_HEADER <= size) {
        readFully(ch, pos, rh, WalFormat.RECORD_HEADER);
        int length = RedoBuffer.readInt(rh, 0);
        if (length < RedoBuffer.HEADER || length > size - pos - WalFormat.RECORD_HEADER) {
          break;
        }
        byte[] b = new byte[length];
        readFully(ch, pos + WalFormat.RECORD_HEADER, b, length);
        if (WalFormat.crc(b, 0, length) == RedoBuffer.readInt(rh, 4)) {
          max = Math.max(max, RedoBuffer.lsn(b, 0));
        }
        pos += WalFormat.RECORD_HEADER + length;
      }
    } catch (IOException e) {
      return max;
    }
    return max;
  }

  private static int readFully(FileChannel ch, long pos, byte[] into, int n) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(into, 0, n);
    while (b.hasRemaining()) {
      int r = ch.read(b, pos + b.position());
      if (r < 0) {
        break;
      }
    }
    return b.position();
  }
}
