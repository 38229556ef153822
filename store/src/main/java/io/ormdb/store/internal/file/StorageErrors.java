package io.ormdb.store.internal.file;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStoreException;

/**
 * Turns a failure to open the store's file into a {@link ErrorCode#STORAGE_UNAVAILABLE} error that
 * names the file and says in plain words what is wrong with it, without MVStore's internals (its
 * error codes such as {@code [2.4.240/1]}, the {@link ReopeningFilePath#SCHEME} of the file name,
 * Java exception class names). The cause is kept for logs.
 */
public final class StorageErrors {
  /** MVStore's suffix {@code [version/code]} on every message. */
  private static final Pattern MVSTORE_SUFFIX = Pattern.compile("\\s*\\[[0-9.]+/-?[0-9]+\\]\\s*$");

  private static final String NOT_A_DATABASE = "it is not an ORMDB database file, or it is damaged";

  private StorageErrors() {}

  static OrmDbException locked(String file) {
    return unavailable("database file " + file + " is locked by another process", null);
  }

  static OrmDbException alreadyOpen(String file) {
    return unavailable(
        "database file " + file + " is already open in this process (one owner per file)", null);
  }

  /**
   * {@code what} at {@code path} may not be written (its permissions, an immutable attribute or a
   * read-only file system): the store would fail at its first write.
   */
  static OrmDbException readOnly(String what, Path path) {
    return unavailable(
        what
            + " "
            + path
            + " is read-only: the store cannot write it (make it writable, or open the store"
            + " read-only)",
        null);
  }

  static OrmDbException notADirectory(String what, Path path) {
    return unavailable(what + " " + path + " cannot be used: it is a file, not a directory", null);
  }

  /** A read-only open of a file that is not there. */
  static OrmDbException missing(Path file) {
    return unavailable(
        "database file "
            + file
            + " does not exist: a read-only store opens an existing database only",
        null);
  }

  static OrmDbException isDirectory(String file) {
    return cannotOpen(file, "it is a directory", null);
  }

  /** The data directory could not be created (or is not a directory). */
  static OrmDbException dataDirectory(Path dir, IOException e) {
    String why;
    if (e instanceof FileAlreadyExistsException || Files.exists(dir) && !Files.isDirectory(dir)) {
      why = "it is a file, not a directory";
    } else {
      why = "it cannot be created: " + plain(e);
    }
    return unavailable("data directory " + dir + " cannot be used: " + why, e);
  }

  /** MVStore refused to open (or read) the file. */
  static OrmDbException openFailed(String file, MVStoreException e) {
    int code = e.getErrorCode();
    Throwable cause = e.getCause();
    if (code == DataUtils.ERROR_FILE_LOCKED) {
      return unavailable("database file " + file + " is locked by another process", e);
    }
    if (code == DataUtils.ERROR_FILE_CORRUPT || cause instanceof EOFException) {
      return cannotOpen(file, NOT_A_DATABASE, e);
    }
    if (code == DataUtils.ERROR_UNSUPPORTED_FORMAT) {
      return cannotOpen(file, "it is in a storage format this version cannot read", e);
    }
    if (cause instanceof IOException io) {
      String what =
          code == DataUtils.ERROR_WRITING_FAILED ? "writing it failed: " : "reading it failed: ";
      return cannotOpen(file, what + plain(io), e);
    }
    return cannotOpen(file, clean(e.getMessage()), e);
  }

  /**
   * An I/O failure of the store's files after they were opened ({@code e}'s message says what the
   * store did, its cause why it failed): STORAGE_UNAVAILABLE, in plain words.
   */
  public static OrmDbException ioFailed(java.io.UncheckedIOException e) {
    return unavailable(e.getMessage() + ": " + plain(e.getCause()), e);
  }

  /**
   * Writing the file failed after it was opened (MVStore gave up on it): the store takes no more
   * writes; what was acknowledged is in the write-ahead log, and reopening the store replays it.
   */
  static OrmDbException writingFailed(String file, MVStoreException e) {
    Throwable cause = e.getCause();
    String why = cause instanceof IOException io ? plain(io) : clean(e.getMessage());
    return unavailable(
        "writing database file "
            + file
            + " failed: "
            + why
            + "; the store takes no more writes (reopen it once the cause is fixed: the"
            + " write-ahead log holds every acknowledged commit)",
        e);
  }

  /**
   * Opening failed while the store read the file's contents: an MVStore error (anywhere in the
   * causes) as {@link #openFailed}; any other exception that is not already an {@link
   * OrmDbException} means the data read back is not what was written — damage, reported as such
   * (the cause is kept for the logs).
   */
  static RuntimeException readingFailed(String file, RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MVStoreException m) {
        return openFailed(file, m);
      }
      if (t instanceof OrmDbException o && o.code() != ErrorCode.INTERNAL) {
        return o;
      }
      if (t instanceof java.io.UncheckedIOException u) {
        return unavailable(
            "database file "
                + file
                + " cannot be opened: "
                + u.getMessage()
                + ": "
                + plain(u.getCause()),
            e);
      }
    }
    return cannotOpen(file, "reading its contents failed: " + NOT_A_DATABASE, e);
  }

  private static OrmDbException cannotOpen(String file, String why, Throwable cause) {
    return unavailable("database file " + file + " cannot be opened: " + why, cause);
  }

  private static OrmDbException unavailable(String message, Throwable cause) {
    return new OrmDbException(ErrorCode.STORAGE_UNAVAILABLE, message, cause);
  }

  /** An I/O failure in words: the file system's reason, without exception class names. */
  static String plain(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? "an I/O error" : clean(m);
  }

  /** An MVStore message without its internal error code and without the file-system prefix. */
  static String clean(String message) {
    if (message == null) {
      return "an unknown error";
    }
    return MVSTORE_SUFFIX
        .matcher(message.replace(ReopeningFilePath.SCHEME + ":", ""))
        .replaceAll("");
  }
}
