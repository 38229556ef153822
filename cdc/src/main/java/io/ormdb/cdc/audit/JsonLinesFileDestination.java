package io.ormdb.cdc.audit;

import io.ormdb.cdc.feed.ChangeFeed;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.store.journal.ConsumerOffset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The built-in audit destination: JSON lines ({@link AuditJson}) appended to {@code
 * audit-NNNNNN.jsonl} files in one directory, a new file begun when the active one would exceed the
 * size limit (a single line larger than the limit gets a file of its own). A file is fsynced before
 * it is closed and the active one at every {@link #flush()}; a new file's directory entry is
 * fsynced too.
 *
 * <p><b>Exactly once.</b> {@link #recover()} drops a line torn by a crash at the end of the newest
 * file (and a damaged last line, which only a failing disk leaves) and returns the position of the
 * last complete line; {@link #write} skips changes at or before the last position written. So
 * however often the feed repeats changes after a crash, every change is in the files once, in LSN
 * order.
 *
 * <p>The directory is locked ({@code .lock}) while the destination is open: two sinks never append
 * to the same files.
 */
public final class JsonLinesFileDestination implements AuditDestination {
  private static final int SCAN_CHUNK = 8192;

  /**
   * Directories locked by this JVM: a second open must not even open the lock file, because closing
   * any descriptor of a file releases the process's POSIX lock on it.
   */
  private static final java.util.Set<Path> LOCKED_HERE =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final long maxFileBytes;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream(64 * 1024);
  private FileChannel lockChannel;
  private FileLock lock;
  private Path lockedDir;
  private FileChannel active;
  private long activeSeq;
  private long activeSize; // bytes in the active file, pending ones included
  private ConsumerOffset lastWritten;
  private boolean recovered;

  public JsonLinesFileDestination(Path dir, long maxFileBytes) {
    if (maxFileBytes < 1) {
      throw new IllegalArgumentException("maxFileBytes must be >= 1 but is " + maxFileBytes);
    }
    this.dir = dir;
    this.maxFileBytes = maxFileBytes;
  }

  public Path directory() {
    return dir;
  }

  @Override
  public Optional<ConsumerOffset> recover() throws IOException {
    if (!recovered) {
      open();
      recovered = true;
    }
    return Optional.ofNullable(lastWritten);
  }

  private void open() throws IOException {
    Files.createDirectories(dir);
    Path key = dir.toRealPath();
    if (!LOCKED_HERE.add(key)) {
      throw inUse();
    }
    lockedDir = key;
    lockChannel =
        FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      close();
      throw inUse();
    }
    List<Path> files = AuditFiles.files(dir);
    if (files.isEmpty()) {
      return;
    }
    Path newest = files.get(files.size() - 1);
    activeSeq = AuditFiles.sequenceOf(newest);
    active = FileChannel.open(newest, StandardOpenOption.READ, StandardOpenOption.WRITE);
    lastWritten = lastPosition(active, true);
    activeSize = active.size();
    active.position(activeSize);
    for (int f = files.size() - 2; lastWritten == null && f >= 0; f--) {
      // the newest file was begun but nothing reached it: the last line is in an older one
      try (FileChannel older = FileChannel.open(files.get(f), StandardOpenOption.READ)) {
        lastWritten = lastPosition(older, false);
      }
    }
  }

  private OrmDbException inUse() {
    return OrmDbException.conflict(
        "the audit directory " + dir + " is already written by another audit sink");
  }

  @Override
  public void write(List<ChangeEvent> events) throws IOException {
    recover();
    for (ChangeEvent e : events) {
      ConsumerOffset at = ChangeFeed.offsetOf(e);
      if (lastWritten != null && !lastWritten.isBefore(at)) {
        continue; // already in the files (a repeat of the at-least-once feed)
      }
      byte[] json = AuditJson.line(e);
      int length = json.length + 1;
      if (active == null || (activeSize > 0 && activeSize + length > maxFileBytes)) {
        roll();
      }
      pending.write(json);
      pending.write('\n');
      activeSize += length;
      lastWritten = at;
    }
    drain();
  }

  @Override
  public void flush() throws IOException {
    drain();
    if (active != null) {
      active.force(true);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (active != null) {
        flush();
        active.close();
        active = null;
      }
    } finally {
      if (lock != null) {
        lock.release();
        lock = null;
      }
      if (lockChannel != null) {
        lockChannel.close();
        lockChannel = null;
      }
      if (lockedDir != null) {
        LOCKED_HERE.remove(lockedDir);
        lockedDir = null;
      }
    }
  }

  /** Closes the active file durably and begins the next one. */
  private void roll() throws IOException {
    if (active != null) {
      drain();
      active.force(true);
      active.close();
    }
    activeSeq++;
    active =
        FileChannel.open(
            dir.resolve(AuditFiles.fileName(activeSeq)),
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
    activeSize = 0;
    syncDirectory();
  }

  private void drain() throws IOException {
    if (pending.size() == 0) {
      return;
    }
    ByteBuffer buf = ByteBuffer.wrap(pending.toByteArray());
    while (buf.hasRemaining()) {
      active.write(buf);
    }
    pending.reset();
  }

  private void syncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some platforms cannot open a directory; its entry is then as durable as the OS makes it
    }
  }

  /**
   * The position of the last complete audit line of a file. With {@code repair}, a torn tail (text
   * after the last line break) and damaged last lines are cut off the file first.
   */
  private static ConsumerOffset lastPosition(FileChannel ch, boolean repair) throws IOException {
    long end = ch.size();
    long nl = lastNewlineBefore(ch, end);
    if (nl + 1 < end && repair) {
      ch.truncate(nl + 1);
      ch.force(true);
    }
    end = nl + 1;
    while (end > 0) {
      long start = lastNewlineBefore(ch, end - 1) + 1;
      ByteBuffer line = ByteBuffer.allocate(Math.toIntExact(end - 1 - start));
      while (line.hasRemaining() && ch.read(line, start + line.position()) >= 0) {
        // read until full
      }
      Optional<ConsumerOffset> at =
          AuditJson.position(new String(line.array(), StandardCharsets.UTF_8));
      if (at.isPresent()) {
        return at.get();
      }
      if (repair) {
        ch.truncate(start);
        ch.force(true);
      }
      end = start;
    }
    return null;
  }

  /** The position of the last {@code '\n'} before {@code end}, or -1. */
  private static long lastNewlineBefore(FileChannel ch, long end) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(SCAN_CHUNK);
    long to = end;
    while (to > 0) {
      long from = Math.max(0, to - SCAN_CHUNK);
      buf.clear().limit((int) (to - from));
      while (buf.hasRemaining() && ch.read(buf, from + buf.position()) >= 0) {
        // read until full
      }
      for (int i = buf.position() - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return from + i;
        }
      }
      to = from;
    }
    return -1;
  }
}
