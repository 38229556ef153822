package io.ormdb.store.internal.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Appends group records to the current segment of the write-ahead log and makes them durable.
 * {@link #append} writes without waiting for the disk; {@link #sync} waits (fdatasync) for every
 * record appended so far, so one sync serves a whole commit group. {@link #roll} starts the next
 * segment at a checkpoint; {@link #deleteBefore} removes the segments a durable checkpoint covers.
 *
 * <p>Used by one thread (the committer); {@link #deleteBefore} may run on another.
 */
public final class WalWriter implements AutoCloseable {
  private final Path dir;
  private final UUID database;
  private final long segment;
  private final FileChannel channel;
  private final ByteBuffer recordHeader = ByteBuffer.allocate(WalFormat.RECORD_HEADER);
  private long position;
  private long appended;

  private WalWriter(Path dir, UUID database, long segment, FileChannel channel, long position) {
    this.dir = dir;
    this.database = database;
    this.segment = segment;
    this.channel = channel;
    this.position = position;
  }

  /**
   * Creates segment {@code segment} in {@code dir} (which is created when missing) with its header
   * on disk, and opens it for appending. Fails when the file exists: a segment is written once.
   */
  public static WalWriter create(
      Path dir, UUID database, long segment, long baseGroup, long baseLsn) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(WalFormat.fileName(segment));
      FileChannel ch =
          FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        ByteBuffer h =
            WalFormat.encodeHeader(new WalFormat.Header(database, segment, baseGroup, baseLsn));
        while (h.hasRemaining()) {
          ch.write(h);
        }
        ch.force(true);
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
      syncDirectory(dir);
      return new WalWriter(dir, database, segment, ch, WalFormat.HEADER);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create write-ahead log segment " + dir.resolve(WalFormat.fileName(segment)), e);
    }
  }

  /** The number of the segment being written. */
  public long segment() {
    return segment;
  }

  /** Bytes in the current segment, header included. */
  public long segmentBytes() {
    return position;
  }

  /** Record bytes appended through this writer (headers of records included). */
  public long appendedBytes() {
    return appended;
  }

  /**
   * Appends the record of group {@code group}, after which the newest LSN is {@code lsn}, holding
   * the writes in {@code redo}. Not durable until {@link #sync}.
   */
  public void append(RedoBuffer redo, long group, long lsn) {
    byte[] body = redo.seal(group, lsn);
    int length = redo.length();
    recordHeader.clear();
    recordHeader.putInt(length).putInt(WalFormat.crc(body, 0, length)).flip();
    ByteBuffer bodyBuffer = ByteBuffer.wrap(body, 0, length);
    ByteBuffer[] parts = {recordHeader, bodyBuffer};
    try {
      long n = 0;
      long total = WalFormat.RECORD_HEADER + (long) length;
      while (n < total) {
        n += channel.write(parts);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the write-ahead log", e);
    }
    position += WalFormat.RECORD_HEADER + length;
    appended += WalFormat.RECORD_HEADER + length;
  }

  /** Waits until every record appended so far is on disk. */
  public void sync() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot sync the write-ahead log", e);
    }
  }

  /**
   * Syncs and closes this segment and creates the next one, whose first group is {@code baseGroup}
   * and before which the newest LSN is {@code baseLsn}.
   */
  public WalWriter roll(long baseGroup, long baseLsn) {
    sync();
    close();
    WalWriter next = create(dir, database, segment + 1, baseGroup, baseLsn);
    next.appended = appended;
    return next;
  }

  /** Deletes the segments of {@code dir} numbered below {@code segment}. */
  public static void deleteBefore(Path dir, long segment) {
    boolean deleted = false;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + WalFormat.SUFFIX)) {
      for (Path f : files) {
        long n = WalFormat.segmentOf(f);
        if (n >= 0 && Long.compareUnsigned(n, segment) < 0) {
          Files.deleteIfExists(f);
          deleted = true;
        }
      }
      if (deleted) {
        syncDirectory(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete old write-ahead log segments in " + dir, e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the write-ahead log", e);
    }
  }

  /** Makes the directory's entries (a created or deleted file) durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // some platforms cannot open a directory for syncing; file contents are synced anyway
      if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
        throw e;
      }
    }
  }
}
