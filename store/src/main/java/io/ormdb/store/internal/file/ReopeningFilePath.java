package io.ormdb.store.internal.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * The file system the store opens its file through: the platform's file ({@code FileChannel}),
 * wrapped in a {@link ReopeningFileChannel} so that a thread interrupted while it reads or writes
 * the file does not close it for everyone.
 *
 * <p>Reads run on callers' threads (the plain-Java API, caller-thread reads of the embedded API)
 * and on the store dispatcher's. A {@code FileChannel} is an interruptible channel: an interrupt of
 * a thread inside one of its operations, or an operation begun by a thread whose interrupt flag is
 * set, closes the channel — after which every read and write of the store would fail until it is
 * reopened. Register once with {@link #register()}; the store opens {@code SCHEME + ":" + path}.
 */
public final class ReopeningFilePath extends FilePathWrapper {
  /** The scheme the store's file name is prefixed with. */
  public static final String SCHEME = "ormdb-reopen";

  private static final Object REGISTERED = registerOnce();

  /**
   * For {@link FilePathWrapper}'s reflective copies; use {@link #prefixed(String)} to name a file.
   */
  public ReopeningFilePath() {}

  private static Object registerOnce() {
    FilePath.register(new ReopeningFilePath());
    return Boolean.TRUE;
  }

  /** The name to hand MVStore for the file at {@code path} (registers the scheme first). */
  public static String prefixed(String path) {
    return REGISTERED == null ? path : SCHEME + ":" + path;
  }

  /**
   * Opens {@code file} (which exists) for reading and writing through a {@link
   * ReopeningFileChannel}: for files other than the store's, e.g. the write-ahead log's segments,
   * which a caller's thread may append to and sync.
   */
  public static FileChannel openReadWrite(java.nio.file.Path file) throws IOException {
    return new ReopeningFileChannel(FilePath.get(file.toAbsolutePath().toString()), "rw");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FileChannel open(String mode) throws IOException {
    return new ReopeningFileChannel(getBase(), mode);
  }
}
