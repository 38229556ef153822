package io.ormdb.store.internal.engine;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.VerifyReport;
import io.ormdb.store.VerifyReport.Kind;
import io.ormdb.store.internal.file.FileCheck;
import io.ormdb.store.internal.file.Findings;
import io.ormdb.store.internal.file.StoreFile;
import io.ormdb.store.internal.file.StoreMaps;
import io.ormdb.store.internal.wal.WalReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Verifies a data directory without changing it: opens its file read-only (as {@link
 * StoreConfig#withReadOnly()} does, so a store open in this or another process is refused), replays
 * nothing, and runs the checks of the file ({@link FileCheck}), the tables ({@link TableCheck}) and
 * the write-ahead log after the file's checkpoint. Internal: use {@code OrmStore.verify}.
 */
public final class Verification {
  private Verification() {}

  /**
   * Verifies {@code dataDir}. INVALID_REQUEST when it is not a data directory (missing, a file, no
   * database file in it); STORAGE_UNAVAILABLE naming the file and why when the file cannot be
   * opened at all (locked, open in this process, unreadable, its store headers damaged).
   */
  public static VerifyReport run(Path dataDir) {
    if (!Files.exists(dataDir)) {
      throw OrmDbException.invalid("data directory " + dataDir + " does not exist");
    }
    if (!Files.isDirectory(dataDir)) {
      throw OrmDbException.invalid("data directory " + dataDir + " is a file, not a directory");
    }
    if (!Files.exists(dataDir.resolve(StoreConfig.FILE_NAME))) {
      throw OrmDbException.invalid(
          dataDir + " is not a data directory: it holds no database file " + StoreConfig.FILE_NAME);
    }
    StoreFile file = StoreFile.open(StoreConfig.of(dataDir).withReadOnly(), f -> f);
    try {
      Findings found = new Findings();
      if (FileCheck.run(file, found)) {
        StoreMaps maps = new StoreMaps(file);
        long outdated = KeyUpgrade.outdatedKeys(maps);
        if (outdated == 0) {
          TableCheck.run(file, maps, found);
        } else {
          found.warning(
              "the changelog, rows and indexes were not checked: "
                  + outdated
                  + " keys hold strings with supplementary characters in the order of an older"
                  + " version (UTF-16 code units), which the next writable open converts to code"
                  + " point order; open the store once, then verify it");
        }
        log(dataDir, maps, found);
      } else {
        found.warning(
            "the changelog, rows, indexes, columnar checkpoints and the write-ahead log were not"
                + " checked: a map of the file cannot be read");
      }
      return found.report(dataDir);
    } finally {
      file.close(true);
    }
  }

  /** The write-ahead log after the file's checkpoint: readable, contiguous, this file's. */
  private static void log(Path dataDir, StoreMaps maps, Findings found) {
    LogScan.Result r;
    try {
      r = LogScan.scan(dataDir, maps.meta);
    } catch (RuntimeException e) {
      found.problem(Kind.LOG, "", "the write-ahead log cannot be read: " + Findings.plain(e));
      return;
    }
    found.checked("write-ahead log segments in " + r.dir(), r.segmentFiles().size(), "files");
    if (!r.checkpointed()) {
      long holding = 0;
      for (Path p : r.segmentFiles()) {
        holding += holdsNothing(p) ? 0 : 1;
      }
      if (holding > 0) {
        found.problem(
            Kind.LOG,
            r.dir().toString(),
            "the database file records no checkpoint of the write-ahead log, which holds "
                + holding
                + " segments with records: the file may have been replaced by another or by an"
                + " older copy");
      }
      return;
    }
    WalReader.Replay p = r.replay();
    long before = 0;
    for (Path f : r.segmentFiles()) {
      String n = f.getFileName().toString();
      try {
        if (Long.compareUnsigned(
                Long.parseUnsignedLong(n.substring(0, n.indexOf('.')), 16), r.checkpointSegment())
            < 0) {
          before++;
        }
      } catch (RuntimeException e) {
        // not a segment's name: the log ignores it
      }
    }
    found.checked(
        "write-ahead log after the checkpoint at lsn "
            + r.checkpointLsn()
            + ": "
            + p.segments()
            + " segments read, up to lsn "
            + p.lastLsn()
            + (before > 0 ? " (" + before + " older segments no longer needed)" : ""),
        p.records(),
        "records");
    WalReader.Damage d = p.damage();
    if (d != null) {
      found.problem(
          Kind.LOG,
          d.problem().name().toLowerCase(Locale.ROOT).replace('_', ' ')
              + (d.problem() == WalReader.Problem.FOREIGN ? " segment" : ""),
          d.detail()
              + ": the log can be replayed to lsn "
              + d.lastLsn()
              + " only"
              + (d.maxLsnSeen() > d.lastLsn()
                  ? ", but commits up to lsn " + d.maxLsnSeen() + " were written"
                  : ""));
    }
    if (p.tornFile() != null) {
      found.warning(
          "the last "
              + p.ignoredBytes()
              + " bytes of write-ahead log segment "
              + p.tornFile()
              + " are a record cut short: a crash during an append leaves this, and the next open"
              + " ignores it (that commit was never acknowledged)");
    }
  }

  /** Whether a segment holds no record (a header, then zeros, or nothing it can read). */
  private static boolean holdsNothing(Path p) {
    try {
      return WalReader.holdsNothing(p);
    } catch (UncheckedIOException e) {
      return true;
    }
  }
}
