package io.ormdb.store.internal.wal;

import java.util.Arrays;

/**
 * The map writes of one commit group, encoded as the body of a write-ahead-log record: the group's
 * sequence number, the newest LSN after it, then each put or remove in the order it was made.
 * Replaying them in that order onto the maps as they were before the group (or as they were at any
 * point between the group's start and its end) gives the maps as they were after it: every write
 * sets a key to an absolute value.
 *
 * <pre>
 * body := group u64 | lsn u64 | count u32 | op*
 * op   := map u8 | kind u8 (0 put, 1 remove) | keyLength varint | key | [valueLength varint | value]
 * </pre>
 *
 * Not thread-safe: the committer thread owns it.
 */
public final class RedoBuffer {
  static final int HEADER = 8 + 8 + 4;
  static final int PUT = 0;
  static final int REMOVE = 1;

  /**
   * Where the body starts in the array {@link #seal} returns: the bytes before it are left for the
   * record's header, so that the log writes header and body in one write.
   */
  static final int BODY = WalFormat.RECORD_HEADER;

  private byte[] data = new byte[4096];
  private int len = BODY + HEADER;
  private int count;

  /** Forgets every write, for the next group. */
  public void clear() {
    len = BODY + HEADER;
    count = 0;
  }

  /** Writes recorded since the last {@link #clear}. */
  public int count() {
    return count;
  }

  /** Bytes the record body takes so far. */
  public int length() {
    return len - BODY;
  }

  /** Records {@code key → value} in map {@code map}. */
  public void put(int map, byte[] key, byte[] value) {
    ensure(2 + 10 + key.length + 5 + value.length);
    data[len++] = (byte) map;
    data[len++] = PUT;
    varInt(key.length);
    System.arraycopy(key, 0, data, len, key.length);
    len += key.length;
    varInt(value.length);
    System.arraycopy(value, 0, data, len, value.length);
    len += value.length;
    count++;
  }

  /** Records the removal of {@code key} from map {@code map}. */
  public void remove(int map, byte[] key) {
    ensure(2 + 5 + key.length);
    data[len++] = (byte) map;
    data[len++] = REMOVE;
    varInt(key.length);
    System.arraycopy(key, 0, data, len, key.length);
    len += key.length;
    count++;
  }

  /**
   * The record body for group {@code group} after which the newest LSN is {@code lsn}; valid until
   * the next write or {@link #clear}. Bytes {@code [BODY, BODY + length())} of the returned array;
   * the caller may fill the {@link #BODY} bytes before them.
   */
  byte[] seal(long group, long lsn) {
    putLong(BODY, group);
    putLong(BODY + 8, lsn);
    data[BODY + 16] = (byte) (count >>> 24);
    data[BODY + 17] = (byte) (count >>> 16);
    data[BODY + 18] = (byte) (count >>> 8);
    data[BODY + 19] = (byte) count;
    return data;
  }

  private void putLong(int at, long v) {
    for (int i = 0; i < 8; i++) {
      data[at + i] = (byte) (v >>> (56 - 8 * i));
    }
  }

  private void varInt(int v) {
    while ((v & ~0x7F) != 0) {
      data[len++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    data[len++] = (byte) v;
  }

  private void ensure(int extra) {
    if (len + extra > data.length) {
      data = Arrays.copyOf(data, Math.max(data.length * 2, len + extra));
    }
  }

  /** Receives the writes of a record body, in order. */
  public interface Target {
    void put(int map, byte[] key, byte[] value);

    void remove(int map, byte[] key);
  }

  /**
   * Calls {@code target} with every write of the record body {@code body[from, to)}; throws
   * IllegalArgumentException when the body is malformed (its CRC matched, so this is a bug or a
   * file of another format).
   */
  static void replay(byte[] body, int from, int to, Target target) {
    int[] pos = {from + HEADER};
    int n = readInt(body, from + 16);
    for (int i = 0; i < n; i++) {
      need(pos[0] + 2, to);
      int map = body[pos[0]++] & 0xFF;
      int kind = body[pos[0]++];
      byte[] key = bytes(body, pos, to);
      if (kind == PUT) {
        target.put(map, key, bytes(body, pos, to));
      } else if (kind == REMOVE) {
        target.remove(map, key);
      } else {
        throw new IllegalArgumentException("unknown write kind " + kind + " in a log record");
      }
    }
    if (pos[0] != to) {
      throw new IllegalArgumentException(
          (to - pos[0]) + " bytes after the last write of a log record");
    }
  }

  static long group(byte[] body, int from) {
    return readLong(body, from);
  }

  static long lsn(byte[] body, int from) {
    return readLong(body, from + 8);
  }

  private static byte[] bytes(byte[] b, int[] pos, int to) {
    int n = 0;
    int shift = 0;
    while (true) {
      need(pos[0] + 1, to);
      int x = b[pos[0]++] & 0xFF;
      n |= (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        break;
      }
      shift += 7;
      if (shift > 28) {
        throw new IllegalArgumentException("a length in a log record is too long");
      }
    }
    if (n < 0) {
      throw new IllegalArgumentException("a negative length in a log record");
    }
    need(pos[0] + n, to);
    byte[] out = Arrays.copyOfRange(b, pos[0], pos[0] + n);
    pos[0] += n;
    return out;
  }

  private static void need(int end, int to) {
    if (end > to) {
      throw new IllegalArgumentException("a log record ends inside a write");
    }
  }

  static int readInt(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24)
        | ((b[at + 1] & 0xFF) << 16)
        | ((b[at + 2] & 0xFF) << 8)
        | (b[at + 3] & 0xFF);
  }

  static long readLong(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }
}
