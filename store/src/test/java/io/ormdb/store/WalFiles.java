package io.ormdb.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The write-ahead log's segments as the damage tests see them: a segment is preallocated (written
 * in full with zeros before its first record), so damage to what the log wrote has to aim at the
 * end of its records, not at the end of the file.
 */
final class WalFiles {
  private WalFiles() {}

  /** The newest segment of the data directory's log that holds a record. */
  static Path newestWritten(Path dataDir) throws IOException {
    List<Path> segments;
    try (Stream<Path> s = Files.list(dataDir.resolve(StoreConfig.LOG_DIRECTORY))) {
      segments =
          s.filter(p -> p.getFileName().toString().endsWith(".wal"))
              .sorted(Comparator.reverseOrder())
              .toList();
    }
    for (Path p : segments) {
      if (recordsEnd(p) > 64) {
        return p;
      }
    }
    throw new AssertionError("no segment of the log holds a record: " + segments);
  }

  /**
   * Where the records of {@code segment} end: the byte after its last record (each record is a
   * 4-byte body length, a 4-byte checksum and the body, after the 64-byte header; the first length
   * of zero ends them).
   */
  static long recordsEnd(Path segment) throws IOException {
    byte[] b = Files.readAllBytes(segment);
    int pos = 64;
    while (pos + 8 <= b.length) {
      int length = ByteBuffer.wrap(b, pos, 4).getInt();
      if (length <= 0 || length > b.length - pos - 8) {
        break;
      }
      pos += 8 + length;
    }
    return pos;
  }
}
