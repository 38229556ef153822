package io.ormdb.store.internal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.h2.store.fs.FileBaseDefault;
import org.h2.store.fs.FilePath;

/**
 * A file channel that survives interrupts of the threads using it (see {@link ReopeningFilePath}).
 *
 * <ul>
 *   <li>An operation begun by a thread whose interrupt flag is set runs with the flag cleared and
 *       sets it again when done: the caller still sees its interrupt, the channel stays open.
 *   <li>When the underlying channel was closed anyway (an interrupt arrived during an operation of
 *       this or another thread), the failed operation reopens the file — once per closed channel,
 *       whichever thread notices first — takes the file lock again if one was held, and repeats
 *       from the start: positional reads and writes are idempotent, and fsync on the reopened file
 *       flushes what the closed one wrote (it is the same file).
 *   <li>After {@link #close()} of this channel nothing reopens it.
 * </ul>
 *
 * If the lock cannot be taken again (another process took the file meanwhile) the operation fails
 * with an {@link IOException} naming that; the store then fails its reads and writes rather than
 * share the file.
 */
final class ReopeningFileChannel extends FileBaseDefault {
  /** Reopening more often than this within one operation gives up (interrupted in a loop). */
  private static final int MAX_REOPENS = 64;

  /** How many times a channel was reopened in this process (for tests and diagnostics). */
  static final LongAdder REOPENED = new LongAdder();

  private final FilePath file;
  private final String mode;
  private volatile FileChannel channel;

  /** The lock this channel holds on the file, taken again after a reopen; guarded by this. */
  private HeldLock lock;

  ReopeningFileChannel(FilePath file, String mode) throws IOException {
    this.file = file;
    this.mode = mode;
    this.channel = file.open(mode);
  }

  @FunctionalInterface
  private interface Op<T> {
    T run(FileChannel c) throws IOException;
  }

  /** Runs {@code op} on the current channel, reopening it when an interrupt closed it. */
  private <T> T io(Op<T> op, Runnable rewind) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      for (int reopens = 0; ; reopens++) {
        FileChannel c = channel;
        try {
          return op.run(c);
        } catch (ClosedChannelException e) {
          // closed by us: report it; closed under us by an interrupt: reopen and repeat
          if (!isOpen() || reopens >= MAX_REOPENS) {
            throw e;
          }
          interrupted |= Thread.interrupted();
          reopen(c);
          rewind.run();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private synchronized void reopen(FileChannel closed) throws IOException {
    if (channel != closed) {
      return; // another thread reopened it already
    }
    FileChannel fresh = file.open(mode);
    REOPENED.increment();
    if (lock != null) {
      FileLock l = relock(fresh);
      if (l == null) {
        fresh.close();
        throw new IOException(
            "the file lock on "
                + file
                + " was lost when an interrupt closed the file, and another"
                + " process holds it now");
      }
      lock.underlying = l;
    }
    channel = fresh;
  }

  /**
   * Takes this channel's lock on {@code fresh}. The interrupted channel's close may still be
   * releasing its lock in the JVM's lock table (its close runs on the interrupting thread), which
   * shows as an overlap for a moment: wait for it, up to {@link #RELOCK_WAIT_NANOS}.
   */
  private FileLock relock(FileChannel fresh) throws IOException {
    long deadline = System.nanoTime() + RELOCK_WAIT_NANOS;
    while (true) {
      try {
        return fresh.tryLock(lock.position(), lock.size(), lock.isShared());
      } catch (OverlappingFileLockException e) {
        if (System.nanoTime() > deadline) {
          fresh.close();
          throw new IOException(
              "the file lock on " + file + " is still held by its closed channel", e);
        }
        LockSupport.parkNanos(10_000);
      }
    }
  }

  private static final long RELOCK_WAIT_NANOS = 1_000_000_000L;

  private static final Runnable NOTHING = () -> {};

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    int start = dst.position();
    return io(c -> c.read(dst, position), () -> dst.position(start));
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    int start = src.position();
    return io(c -> c.write(src, position), () -> src.position(start));
  }

  @Override
  public long size() throws IOException {
    return io(FileChannel::size, NOTHING);
  }

  @Override
  public void force(boolean metaData) throws IOException {
    io(
        c -> {
          c.force(metaData);
          return null;
        },
        NOTHING);
  }

  @Override
  protected void implTruncate(long newLength) throws IOException {
    io(c -> c.truncate(newLength), NOTHING);
  }

  @Override
  public synchronized FileLock tryLock(long position, long size, boolean shared)
      throws IOException {
    FileLock l = io(c -> c.tryLock(position, size, shared), NOTHING);
    if (l == null) {
      return null;
    }
    lock = new HeldLock(this, position, size, shared, l);
    return lock;
  }

  @Override
  protected synchronized void implCloseChannel() throws IOException {
    lock = null;
    channel.close();
  }

  @Override
  public String toString() {
    return file.toString();
  }

  /** The lock handed to MVStore; it follows the channel across reopens. */
  private static final class HeldLock extends FileLock {
    private volatile FileLock underlying;
    private volatile boolean released;

    HeldLock(FileChannel owner, long position, long size, boolean shared, FileLock underlying) {
      super(owner, position, size, shared);
      this.underlying = underlying;
    }

    @Override
    public boolean isValid() {
      return !released && channel().isOpen();
    }

    @Override
    public void release() throws IOException {
      ReopeningFileChannel owner = (ReopeningFileChannel) channel();
      synchronized (owner) {
        released = true;
        if (owner.lock == this) {
          owner.lock = null;
        }
        if (underlying.channel().isOpen()) {
          underlying.release();
        }
      }
    }
  }
}
