package io.ormdb.store.internal.wal;

import io.ormdb.store.internal.file.ReopeningFilePath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Appends group records to the write-ahead log and makes them durable. {@link #append} writes
 * without waiting for the disk; {@link #sync} waits (fdatasync) for every record appended so far,
 * so one sync serves a whole commit group. Records go into preallocated segments ({@link
 * WalFormat}): when a record does not fit in what is left of the current segment, the writer moves
 * to the next one, which a background thread has written (zeros) and synced ahead of time — from
 * when the current segment is half full — so a commit waits for it only when the log grows faster
 * than the thread writes zeros. Segments start at {@link #MIN_CAPACITY} and double with every move
 * up to {@link #MAX_CAPACITY}. When the current segment's records average {@link #LARGE_RECORD} or
 * more (large batches), the next one is created with its header only and grows as records are
 * appended: writing zeros for such records costs more than it saves. {@link #deleteBefore} removes
 * the segments a durable checkpoint covers.
 *
 * <p>Used by one thread (the committer); {@link #deleteBefore} may run on another.
 */
public final class WalWriter implements AutoCloseable {
  /** The capacity of the first segment a writer creates. */
  public static final long MIN_CAPACITY = 1L << 20;

  /** The largest capacity a segment grows to. */
  public static final long MAX_CAPACITY = 16L << 20;

  /**
   * The average record size, in the current segment, from which the next segment is not
   * preallocated but appended to.
   */
  static final long LARGE_RECORD = 32 << 10;

  /** The unit in which zeros are written. */
  private static final int PAGE = 4096;

  private final Path dir;
  private final UUID database;
  private final long maxCapacity;
  private ExecutorService preallocator;
  private long segment;
  private long capacity;
  private FileChannel channel;
  private long position;
  private long appended;

  /** The newest LSN of the log: of the last record appended, or the base of the first segment. */
  private long lsn;

  /** Records in the current segment. */
  private long records;

  /** The next segment, being preallocated or ready; null when not asked for yet. */
  private Future<FileChannel> next;

  private WalWriter(Path dir, UUID database, long maxCapacity) {
    this.dir = dir;
    this.database = database;
    this.maxCapacity = maxCapacity;
  }

  /**
   * Creates segment {@code segment} in {@code dir} (which is created when missing), preallocated to
   * {@link #MIN_CAPACITY} and on disk with its directory entry, and opens it for appending; {@code
   * baseLsn} is the newest LSN before its first record. Fails when the file exists: a segment is
   * written once. Removes segments left half-preallocated by an earlier process.
   */
  public static WalWriter create(Path dir, UUID database, long segment, long baseLsn) {
    return create(dir, database, segment, baseLsn, MIN_CAPACITY, MAX_CAPACITY);
  }

  /** {@link #create(Path, UUID, long, long)} with other segment capacities (tests). */
  static WalWriter create(
      Path dir, UUID database, long segment, long firstCapacity, long maxCapacity) {
    return create(dir, database, segment, 0, firstCapacity, maxCapacity);
  }

  private static WalWriter create(
      Path dir, UUID database, long segment, long baseLsn, long firstCapacity, long maxCapacity) {
    if (firstCapacity < WalFormat.HEADER + WalFormat.RECORD_HEADER || maxCapacity < firstCapacity) {
      throw new IllegalArgumentException(
          "segment capacities " + firstCapacity + " to " + maxCapacity + " bytes");
    }
    try {
      Files.createDirectories(dir);
      deleteTemporary(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the write-ahead log directory " + dir, e);
    }
    WalWriter w = new WalWriter(dir, database, maxCapacity);
    w.lsn = baseLsn;
    w.activate(segment, firstCapacity, preallocate(dir, database, segment, firstCapacity, baseLsn));
    return w;
  }

  /**
   * Writes segment {@code segment} in full — header (with {@code baseLsn}) and zeros up to {@code
   * capacity} — under a temporary name, syncs it, renames it to its name and syncs the directory;
   * returns it open for reading and writing.
   */
  static FileChannel preallocate(
      Path dir, UUID database, long segment, long capacity, long baseLsn) {
    return createSegment(dir, database, segment, capacity, baseLsn, true);
  }

  /**
   * Creates segment {@code segment} like {@link #preallocate}, with zeros up to {@code capacity}
   * when {@code zeros}, else with its header only (its file grows as records are appended).
   */
  static FileChannel createSegment(
      Path dir, UUID database, long segment, long capacity, long baseLsn, boolean zeros) {
    Path file = dir.resolve(WalFormat.fileName(segment));
    Path temp = dir.resolve(WalFormat.fileName(segment) + WalFormat.TEMP_SUFFIX);
    try {
      if (Files.exists(file)) {
        throw new IOException("the segment exists already");
      }
      try (FileChannel ch =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        writeFully(
            ch,
            WalFormat.encodeHeader(new WalFormat.Header(database, segment, capacity, baseLsn)),
            0);
        // One page per write: the page cache groups a larger write into one large folio, which
        // stays dirty as a whole once a record touches it, so that every commit's fdatasync would
        // write the whole folio (Linux 6.x: 1 MiB per sync after 1 MiB writes, measured).
        ByteBuffer page = ByteBuffer.allocate(PAGE);
        for (long at = WalFormat.HEADER; zeros && at < capacity; ) {
          page.clear().limit((int) Math.min(PAGE - at % PAGE, capacity - at));
          at += writeFully(ch, page, at);
        }
        ch.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(dir);
      // A commit on a caller's thread appends to it and syncs it: an interrupt of that thread
      // must not close the log for everyone (ReopeningFilePath).
      return ReopeningFilePath.openReadWrite(file);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the next writer removes it
      }
      throw new UncheckedIOException("cannot create write-ahead log segment " + file, e);
    }
  }

  private static int writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    int n = 0;
    while (b.hasRemaining()) {
      n += ch.write(b, at + n);
    }
    return n;
  }

  private void activate(long number, long cap, FileChannel ch) {
    segment = number;
    capacity = cap;
    channel = ch;
    position = WalFormat.HEADER;
    records = 0;
  }

  /** The number of the segment being written. */
  public long segment() {
    return segment;
  }

  /** Bytes used in the current segment, header included. */
  public long segmentBytes() {
    return position;
  }

  /** The preallocated size of the current segment. */
  public long capacity() {
    return capacity;
  }

  /** Record bytes appended through this writer (headers of records included). */
  public long appendedBytes() {
    return appended;
  }

  /**
   * Appends the record of group {@code group}, after which the newest LSN is {@code lsn}, holding
   * the writes in {@code redo} — in the next segment when it does not fit in this one. Not durable
   * until {@link #sync}.
   */
  public void append(RedoBuffer redo, long group, long lsn) {
    byte[] record = redo.seal(group, lsn);
    int length = redo.length();
    long total = WalFormat.RECORD_HEADER + (long) length;
    if (position > WalFormat.HEADER && position + total > capacity) {
      roll();
    }
    // the header goes into the bytes the buffer leaves before the body: one write per record
    ByteBuffer.wrap(record, 0, WalFormat.RECORD_HEADER)
        .putInt(length)
        .putInt(WalFormat.crc(record, RedoBuffer.BODY, length));
    try {
      // a positional write: repeated as it is after a reopen (an interrupt closed the channel)
      writeFully(channel, ByteBuffer.wrap(record, 0, (int) total), position);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot append to write-ahead log segment " + dir.resolve(WalFormat.fileName(segment)),
          e);
    }
    position += total;
    appended += total;
    this.lsn = lsn;
    records++;
    if (next == null && position > capacity / 2) {
      prepareNext();
    }
  }

  /** Waits until every record appended so far is on disk. */
  public void sync() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot sync write-ahead log segment " + dir.resolve(WalFormat.fileName(segment)), e);
    }
  }

  /**
   * Syncs and closes this segment and continues in the next one (preallocated in the background, or
   * now when it is not ready yet), whose header then names the newest LSN before it (written with
   * its first record). {@link #append} calls it when a record does not fit; a checkpoint that
   * raises the LSN reservation calls it so that the log shows the LSN it raised it at.
   */
  public void roll() {
    roll(lsn);
  }

  /** {@link #roll()}, where the newest LSN handed out is {@code newestLsn} (when it is newer). */
  public void roll(long newestLsn) {
    lsn = Math.max(lsn, newestLsn);
    sync();
    if (next == null) {
      prepareNext();
    }
    FileChannel ch;
    try {
      ch = uninterruptibly(next);
    } catch (ExecutionException e) {
      next = null;
      Throwable c = e.getCause();
      throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
    }
    next = null;
    long number = segment + 1;
    long cap = nextCapacity();
    try {
      writeFully(ch, WalFormat.encodeHeader(new WalFormat.Header(database, number, cap, lsn)), 0);
    } catch (IOException e) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // the write failed already
      }
      throw new UncheckedIOException(
          "cannot write the header of write-ahead log segment " + WalFormat.fileName(number), e);
    }
    closeChannel();
    activate(number, cap, ch);
  }

  /**
   * The segment being created, waited for without giving up on an interrupt (the caller's interrupt
   * flag is set again after): a commit that has begun finishes.
   */
  private static FileChannel uninterruptibly(Future<FileChannel> f) throws ExecutionException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private long nextCapacity() {
    return Math.min(maxCapacity, capacity * 2);
  }

  private void prepareNext() {
    long number = segment + 1;
    long cap = nextCapacity();
    long base = lsn;
    // Large records: their fdatasync's metadata commit costs little next to their data, less than
    // writing zeros for them ahead of time (measured: 120 KiB records synced about 10 % slower
    // appended, zeros for them took over ten times that), so the next segment is appended to.
    boolean zeros = records == 0 || (position - WalFormat.HEADER) / records < LARGE_RECORD;
    if (preallocator == null) {
      preallocator =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "ormdb-wal-preallocator");
                t.setDaemon(true);
                return t;
              });
    }
    CompletableFuture<FileChannel> f = new CompletableFuture<>();
    preallocator.execute(
        () -> {
          try {
            f.complete(createSegment(dir, database, number, cap, base, zeros));
          } catch (Throwable e) {
            f.completeExceptionally(e);
          }
        });
    next = f;
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

  /** Closes the segment; waits for a segment being preallocated and keeps it for the next open. */
  @Override
  public void close() {
    try {
      closeChannel();
    } finally {
      if (preallocator != null) {
        preallocator.shutdown();
        try {
          preallocator.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (next != null) {
        try {
          next.get(0, TimeUnit.SECONDS).close();
        } catch (Exception e) {
          // not created, or already failed: nothing is open
        }
        next = null;
      }
    }
  }

  private void closeChannel() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the write-ahead log", e);
    }
  }

  private static void deleteTemporary(Path dir) throws IOException {
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(dir, "*" + WalFormat.SUFFIX + WalFormat.TEMP_SUFFIX)) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
    }
  }

  /** Makes the directory's entries (a created or deleted file) durable. */
  static void syncDirectory(Path dir) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      for (int attempt = 0; ; attempt++) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
          d.force(true);
          return;
        } catch (java.nio.channels.ClosedByInterruptException e) {
          // an interrupt closed this channel of our own: sync again with a new one
          interrupted = true;
          Thread.interrupted();
          if (attempt >= 64) {
            throw e;
          }
        }
      }
    } catch (IOException e) {
      // some platforms cannot open a directory for syncing; file contents are synced anyway
      if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
        throw e;
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
