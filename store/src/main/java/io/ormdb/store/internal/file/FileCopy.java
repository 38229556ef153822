package io.ormdb.store.internal.file;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.store.StoreConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Rewrites a closed store file densely: every map's entries, in key order, into a new file next to
 * it, which is synced and then moved over the old one. The new file holds exactly what the old one
 * held (the same maps, the same meta: the write-ahead log's checkpoint and the database id), so a
 * crash before the move leaves the old file and a stale copy that the next run removes, and a crash
 * after it leaves the new file.
 */
public final class FileCopy {
  /** The directory, inside the data directory, where the copy is written. */
  static final String TEMP_DIR = "compact.tmp";

  private static final long COMMIT_EVERY_BYTES = 64L << 20;

  private FileCopy() {}

  /** What a dense copy did: the file's size before and after. */
  public record Sizes(long before, long after) {}

  /** Rewrites the file of {@code config}'s data directory; nobody may have it open. */
  public static Sizes compact(StoreConfig config) {
    Path dir = Path.of(config.dataDir());
    Path file = dir.resolve(StoreConfig.FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw OrmDbException.invalid("no database file " + file + ": nothing to compact");
    }
    Path temp = dir.resolve(TEMP_DIR);
    deleteTree(temp);
    long before = size(file);
    StoreConfig copyConfig = StoreConfig.of(temp);
    StoreFile.open(
        config,
        source -> {
          StoreMaps from = new StoreMaps(source);
          StoreFile.open(
              copyConfig,
              target -> {
                StoreMaps to = new StoreMaps(target);
                Runnable commitNowAndThen =
                    () -> {
                      if (target.unsavedMemory() >= COMMIT_EVERY_BYTES) {
                        target.commit();
                      }
                    };
                for (LoggedMap<?, ?> m : from.all()) {
                  to.byId(m.id()).copyFrom(m, commitNowAndThen);
                }
                target.commit();
                target.sync();
                target.close(true);
                return null;
              });
          source.close(true);
          return null;
        });
    try {
      Files.move(
          temp.resolve(StoreConfig.FILE_NAME),
          file,
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    } catch (IOException e) {
      throw new OrmDbException(
          ErrorCode.STORAGE_UNAVAILABLE,
          "could not move the compacted copy over " + file + ": " + e.getMessage(),
          e);
    }
    deleteTree(temp);
    return new Sizes(before, size(file));
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new OrmDbException(
          ErrorCode.STORAGE_UNAVAILABLE, "cannot read the size of " + p + ": " + e, e);
    }
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    } catch (IOException e) {
      throw new OrmDbException(
          ErrorCode.STORAGE_UNAVAILABLE, "cannot remove the stale copy " + p + ": " + e, e);
    }
  }
}
