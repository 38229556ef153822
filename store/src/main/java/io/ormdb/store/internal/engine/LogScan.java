package io.ormdb.store.internal.engine;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.internal.file.LoggedMap;
import io.ormdb.store.internal.wal.RedoBuffer;
import io.ormdb.store.internal.wal.WalReader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads the write-ahead log of a file without replaying anything into it: what follows the file's
 * checkpoint (records, the LSN they reach, a torn last record, damage). A read-only open uses it to
 * refuse a log that holds commits the file lacks; the verifier to check the log.
 */
final class LogScan {
  private LogScan() {}

  /**
   * What the log holds after the file's checkpoint.
   *
   * @param dir the log's directory
   * @param checkpointed whether the file records a checkpoint of the log at all
   * @param checkpointSegment the segment being written at the checkpoint (-1 when none is recorded)
   * @param checkpointLsn the newest LSN the file's checkpoint holds
   * @param replay what reading the log found (null when the file records no checkpoint)
   * @param segmentFiles every segment file of the directory, oldest first
   */
  record Result(
      Path dir,
      boolean checkpointed,
      long checkpointSegment,
      long checkpointLsn,
      WalReader.Replay replay,
      List<Path> segmentFiles) {

    /** Records after the checkpoint: commits the file does not hold yet. */
    long pendingRecords() {
      return replay == null ? 0 : replay.records();
    }
  }

  private static final RedoBuffer.Target NOTHING =
      new RedoBuffer.Target() {
        @Override
        public void put(int map, byte[] key, byte[] value) {}

        @Override
        public void remove(int map, byte[] key) {}
      };

  /** Reads the log of the file in {@code dataDir} whose meta map is {@code meta}. */
  static Result scan(Path dataDir, LoggedMap<String, String> meta) {
    Path dir = dataDir.resolve(StoreConfig.LOG_DIRECTORY);
    List<Path> files = segmentFiles(dir);
    String segment = meta.map().get(WriteAheadLog.SEGMENT);
    if (segment == null) {
      return new Result(dir, false, -1, 0, null, files);
    }
    long first = Long.parseLong(segment);
    long lsn = Long.parseLong(meta.map().get(WriteAheadLog.LSN));
    WalReader.Replay r =
        WalReader.replay(
            dir,
            UUID.fromString(meta.map().get(WriteAheadLog.FILE_ID)),
            first,
            Long.parseLong(meta.map().get(WriteAheadLog.GROUP)),
            lsn,
            true,
            NOTHING);
    return new Result(dir, true, first, lsn, r, files);
  }

  /**
   * A read-only open: refuses a log the file cannot be read without (it holds commits after the
   * file's checkpoint, or it is damaged), since replaying would write the file.
   */
  static void requireNothingToReplay(Path dataDir, File file, LoggedMap<String, String> meta) {
    Result r = scan(dataDir, meta);
    String advice =
        ": open it writable once (that replays the log into the file), or stop the store that"
            + " wrote it cleanly first";
    if (!r.checkpointed()) {
      if (!r.segmentFiles().isEmpty()) {
        throw new OrmDbException(
            ErrorCode.STORAGE_UNAVAILABLE,
            "database file "
                + file
                + " cannot be opened read-only: it records no checkpoint of the write-ahead log in "
                + r.dir()
                + ", which holds segments"
                + advice);
      }
      return;
    }
    WalReader.Damage d = r.replay().damage();
    if (d != null) {
      throw new OrmDbException(
          ErrorCode.STORAGE_UNAVAILABLE,
          "database file "
              + file
              + " cannot be opened read-only: its write-ahead log cannot be read to its end ("
              + d.detail()
              + ")");
    }
    if (r.pendingRecords() > 0) {
      throw new OrmDbException(
          ErrorCode.STORAGE_UNAVAILABLE,
          "database file "
              + file
              + " cannot be opened read-only: its write-ahead log in "
              + r.dir()
              + " holds "
              + r.pendingRecords()
              + (r.pendingRecords() == 1 ? " commit group" : " commit groups")
              + " (up to lsn "
              + r.replay().lastLsn()
              + ") that the file does not hold yet, because the store stopped without a clean"
              + " close"
              + advice);
    }
  }

  /** The segment files of {@code dir} ({@code *.wal}), by name (none when it does not exist). */
  static List<Path> segmentFiles(Path dir) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.wal")) {
      s.forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the write-ahead log in " + dir, e);
    }
    out.sort(null);
    return out;
  }
}
