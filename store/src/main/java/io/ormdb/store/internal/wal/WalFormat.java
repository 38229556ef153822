package io.ormdb.store.internal.wal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The on-disk format of the write-ahead log: a directory of segment files named by their number
 * ({@code 0000000000000001.wal}), each a 64-byte header, then records, then zeros up to the
 * segment's capacity.
 *
 * <pre>
 * segment := header | record* | zero bytes to the end of the file
 * header  := magic "ORMDBWAL" | format u32 (2) | headerLength u32 (64) | database id (2 × u64)
 *          | segment u64 | capacity u64 | baseLsn u64 | reserved u32 (0) | crc32c u32 (of bytes 0..60)
 * record  := bodyLength u32 | crc32c u32 (of the body) | body (see RedoBuffer)
 * </pre>
 *
 * {@code baseLsn} is the newest LSN the log held before the segment's first record (every record in
 * it has a newer one): written when the writer moves into the segment, and, until then, the newest
 * LSN when the segment was preallocated. A recovery that cannot replay the log stays past it even
 * when the segment's records are lost. All integers are big-endian.
 *
 * <p><b>Preallocated segments.</b> A segment is written in full before its first record: the
 * header, then zeros up to {@code capacity} bytes, fsynced, under a temporary name ({@code
 * <name>.tmp}) that is renamed to the segment's name, and the directory is fsynced. A record is
 * then written over zeros inside the file and its fdatasync flushes data only: the file's size and
 * blocks do not change, so no file-system metadata has to be committed with it (appending to a file
 * makes every fdatasync commit the new size too). A record that does not fit in what is left of a
 * segment starts the next one; a record larger than a whole segment is written alone into an empty
 * one, extending that file. After a segment whose records average 32 KiB or more, the next one is
 * created with its header only and grows as records are appended up to its capacity (for large
 * records the metadata commit costs less than the zeros): its records end at the file's end.
 *
 * <p><b>Where the log ends.</b> A body is at least {@link RedoBuffer#HEADER} bytes, so a record
 * header is never all zeros: the records of a segment end at the first record header that is (the
 * unused part) or where fewer than {@value #RECORD_HEADER} bytes are left. Nothing valid may follow
 * that point in the segment, and the segments after the one that holds the newest record hold none.
 * A record that is bad — its length does not fit or its checksum does not match — where no valid
 * record follows it anywhere is a torn tail: a crash during its write, before its sync, so never
 * acknowledged; it is ignored and reported. A bad record, or a zero record header, with a valid
 * record after it (in the same segment or a later one) means acknowledged records cannot be
 * replayed: damage. A valid record of the wrong group is damage too (a gap).
 *
 * <p>Format 1 (headers with the segment's first group instead of its capacity, segments appended to
 * rather than preallocated) is still read: a format-1 segment simply ends at its file's end.
 */
final class WalFormat {
  static final byte[] MAGIC = "ORMDBWAL".getBytes(StandardCharsets.US_ASCII);
  static final int FORMAT = 2;

  /** The first format: read, never written. */
  static final int FORMAT_APPENDED = 1;

  static final int HEADER = 64;
  static final int RECORD_HEADER = 8;

  /** The largest record body a reader accepts; a larger length is damage, not a record. */
  static final int MAX_BODY = 1 << 30;

  static final String SUFFIX = ".wal";

  /** The suffix of a segment being preallocated (never read; removed when found). */
  static final String TEMP_SUFFIX = ".tmp";

  private WalFormat() {}

  /**
   * A segment's header fields.
   *
   * @param capacity the preallocated size of the segment in bytes; 0 for a format-1 segment
   * @param baseLsn the newest LSN the log held before the segment's first record (at most)
   */
  record Header(UUID database, long segment, long capacity, long baseLsn) {}

  static ByteBuffer encodeHeader(Header h) {
    ByteBuffer b = ByteBuffer.allocate(HEADER);
    b.put(MAGIC)
        .putInt(FORMAT)
        .putInt(HEADER)
        .putLong(h.database().getMostSignificantBits())
        .putLong(h.database().getLeastSignificantBits())
        .putLong(h.segment())
        .putLong(h.capacity())
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
    int format = in.getInt();
    if (!java.util.Arrays.equals(magic, MAGIC)
        || (format != FORMAT && format != FORMAT_APPENDED)
        || in.getInt() != HEADER
        || RedoBuffer.readInt(b, HEADER - 4) != crc(b, 0, HEADER - 4)) {
      return null;
    }
    UUID db = new UUID(in.getLong(), in.getLong());
    long segment = in.getLong();
    long capacityOrBaseGroup = in.getLong();
    return new Header(db, segment, format == FORMAT ? capacityOrBaseGroup : 0, in.getLong());
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
