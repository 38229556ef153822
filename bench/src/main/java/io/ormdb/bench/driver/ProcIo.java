package io.ormdb.bench.driver;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What this process caused to be written to storage, from the kernel's per-process I/O counters in
 * {@code /proc/self/io}. Each child JVM reads its own counters, so only the system it runs is
 * counted, whatever the other children do at the same time.
 *
 * <p>{@code write_bytes} counts page-cache pages this process dirtied (4 KiB each; a page dirtied
 * again after it was written back counts again), which is what reaches the disk. Where the kernel
 * or the filesystem does not keep it (a field missing from the file, or a fsynced probe file that
 * it does not count), {@code wchar} — the bytes handed to write calls, without page rounding and
 * without writes through memory maps — is used instead, and the report says so.
 */
public final class ProcIo {
  /** The file read by {@link #read()}. */
  public static final Path SELF = Path.of("/proc/self/io");

  /** The size of the probe file {@link #probe} writes and fsyncs. */
  public static final int PROBE_BYTES = 256 * 1024;

  private ProcIo() {}

  /** One reading of the counters, in bytes; a field missing from the file (or unreadable) is -1. */
  public record Counters(long writeBytes, long wchar, long cancelledWriteBytes) {
    public static final Counters NONE = new Counters(-1, -1, -1);
  }

  /** The counter a child reports. */
  public enum Counter {
    WRITE_BYTES("write_bytes"),
    WCHAR("wchar"),
    NONE("none");

    private final String field;

    Counter(String field) {
      this.field = field;
    }

    /** Its name in {@code /proc/self/io}. */
    public String field() {
      return field;
    }

    long of(Counters c) {
      switch (this) {
        case WRITE_BYTES:
          return c.writeBytes();
        case WCHAR:
          return c.wchar();
        default:
          return -1;
      }
    }
  }

  /** The counter chosen for this child, with the reason in words for the report. */
  public record Choice(Counter counter, String note) {

    /** Bytes counted from {@code before} to {@code after}; -1 when nothing is counted. */
    public long between(Counters before, Counters after) {
      long a = counter.of(before);
      long b = counter.of(after);
      return a < 0 || b < 0 ? -1 : Math.max(0, b - a);
    }

    /** The current value of the counter, -1 when nothing is counted. */
    public long now() {
      return counter == Counter.NONE ? -1 : counter.of(read());
    }
  }

  /** Parses the content of {@code /proc/<pid>/io} ({@code name: value} per line). */
  public static Counters parse(String content) {
    long writeBytes = -1;
    long wchar = -1;
    long cancelled = -1;
    for (String line : content.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      long value;
      try {
        value = Long.parseLong(line.substring(colon + 1).trim());
      } catch (NumberFormatException e) {
        continue;
      }
      switch (name) {
        case "write_bytes":
          writeBytes = value;
          break;
        case "wchar":
          wchar = value;
          break;
        case "cancelled_write_bytes":
          cancelled = value;
          break;
        default:
          break;
      }
    }
    return new Counters(writeBytes, wchar, cancelled);
  }

  /** This process's counters now; {@link Counters#NONE} where the file cannot be read. */
  public static Counters read() {
    try {
      return parse(Files.readString(SELF));
    } catch (IOException | RuntimeException e) {
      return Counters.NONE;
    }
  }

  /**
   * Chooses the counter from readings taken before and after writing and fsyncing a probe file of
   * {@code probeBytes}: {@code write_bytes} when it counted at least the probe, else {@code wchar}
   * when present, else none.
   */
  public static Choice choose(Counters before, Counters after, long probeBytes) {
    boolean wchar = before.wchar() >= 0 && after.wchar() >= 0;
    String instead =
        wchar
            ? "; wchar (bytes handed to write calls: no 4 KiB page rounding, no writes through"
                + " memory maps) is counted instead"
            : "; wchar is missing too, so no bytes are counted";
    Counter fallback = wchar ? Counter.WCHAR : Counter.NONE;
    if (before.writeBytes() < 0 || after.writeBytes() < 0) {
      return new Choice(fallback, "write_bytes is missing from " + SELF + instead);
    }
    long counted = after.writeBytes() - before.writeBytes();
    if (counted < probeBytes) {
      return new Choice(
          fallback,
          String.format(
                  Locale.ROOT,
                  "write_bytes counted %,d bytes for a fsynced %,d-byte probe file (this"
                      + " filesystem does not account dirtied pages)",
                  counted,
                  probeBytes)
              + instead);
    }
    return new Choice(
        Counter.WRITE_BYTES,
        String.format(
            Locale.ROOT,
            "write_bytes of %s (page-cache pages dirtied, 4 KiB each; it counted a fsynced"
                + " %,d-byte probe file)",
            SELF,
            probeBytes));
  }

  /**
   * Writes a {@link #PROBE_BYTES} file into {@code dir}, fsyncs it, deletes it and chooses the
   * counter by what the kernel counted for it.
   */
  public static Choice probe(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("bench-io-probe.tmp");
    Counters before = read();
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(PROBE_BYTES);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    Counters after = read();
    Files.delete(file);
    return choose(before, after, PROBE_BYTES);
  }

  /**
   * Waits until the counter has not grown for {@code quietMs} (background writes of the work just
   * done: checkpoints, write-behind), at most {@code capMs}; returns the milliseconds waited.
   */
  public static long settle(Choice choice, long quietMs, long capMs) {
    long start = System.nanoTime();
    if (choice.counter() == Counter.NONE || quietMs <= 0) {
      return 0;
    }
    long cap = start + TimeUnit.MILLISECONDS.toNanos(capMs);
    long last = choice.now();
    long quietSince = start;
    while (true) {
      long now = System.nanoTime();
      if (now - quietSince >= TimeUnit.MILLISECONDS.toNanos(quietMs) || now >= cap) {
        return TimeUnit.NANOSECONDS.toMillis(now - start);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      long v = choice.now();
      if (v != last) {
        last = v;
        quietSince = System.nanoTime();
      }
    }
  }
}
