package io.ormdb.store.internal.wal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The on-disk format of the write-ahead log: a directory of segment files named by their number
 * ({@code 0000000000000001.wal}), each a 64-byte header and then records.
 *
 * <pre>
 * header := magic "ORMDBWAL" | format u32 (1) | headerLength u32 (64) | database id (2 × u64)
 *         | segment u64 | baseGroup u64 | baseLsn u64 | reserved u32 | crc32c u32 (of bytes 0..60)
 * record := bodyLength u32 | crc32c u32 (of the body) | body (see RedoBuffer)
 * </pre>
 *
 * {@code baseGroup} is the first group the segment may hold and {@code baseLsn} the newest LSN
 * committed before it. All integers are big-endian.
 */
final class WalFormat {
  static final byte[] MAGIC = "ORMDBWAL".getBytes(StandardCharsets.US_ASCII);
  static final int FORMAT = 1;
  static final int HEADER = 64;
  static final int RECORD_HEADER = 8;

  /** The largest record body a reader accepts; a larger length is damage, not a record. */
  static final int MAX_BODY = 1 << 30;

  static final String SUFFIX = ".wal";

  private WalFormat() {}

  /** A segment's header fields. */
  record Header(UUID database, long segment, long baseGroup, long baseLsn) {}

  static ByteBuffer encodeHeader(Header h) {
    ByteBuffer b = ByteBuffer.allocate(HEADER);
    b.put(MAGIC)
        .putInt(FORMAT)
        .putInt(HEADER)
        .putLong(h.database().getMostSignificantBits())
        .putLong(h.database().getLeastSignificantBits())
        .putLong(h.segment())
        .putLong(h.baseGroup())
        .putLong(h.baseLsn())
        .putInt(0);
    b.putInt(crc(b.array(), 0, HEADER - 4));
    return b.flip();
  }

  /** The header in {@code b[0, 64)}, or null when it is not a valid one. */
  static Header decodeHeader(byte[] b) {
    if (b.length < HEADER) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(b, 0, HEADER);
    byte[] magic = new byte[MAGIC.length];
    in.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)
        || in.getInt() != FORMAT
        || in.getInt() != HEADER
        || RedoBuffer.readInt(b, HEADER - 4) != crc(b, 0, HEADER - 4)) {
      return null;
    }
    UUID db = new UUID(in.getLong(), in.getLong());
    return new Header(db, in.getLong(), in.getLong(), in.getLong());
  }

  static int crc(byte[] b, int from, int length) {
    CRC32C c = new CRC32C();
    c.update(b, from, length);
    return (int) c.getValue();
  }

  static String fileName(long segment) {
    return String.format(Locale.ROOT, "%016x%s", segment, SUFFIX);
  }

  /** The segment number a file name stands for, or -1 when it is not a segment's name. */
  static long segmentOf(Path file) {
    String n = file.getFileName().toString();
    if (n.length() != 16 + SUFFIX.length() || !n.endsWith(SUFFIX)) {
      return -1;
    }
    try {
      return Long.parseUnsignedLong(n.substring(0, 16), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
