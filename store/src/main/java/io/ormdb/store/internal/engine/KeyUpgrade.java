package io.ormdb.store.internal.engine;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.store.internal.codec.KeyCodec;
import io.ormdb.store.internal.file.LoggedMap;
import io.ormdb.store.internal.file.StoreFile;
import io.ormdb.store.internal.file.StoreMaps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Brings the keys of a file written with an older string encoding ({@link
 * KeyCodec#STRING_ENCODING}) up to date when it is opened: until version 2, a supplementary
 * character in a key (an identity or an indexed value) was stored as its two UTF-16 surrogates, so
 * that index scans and identity scans ordered it below U+E000–U+FFFF while every comparison of
 * values ordered by code point. Only keys holding a supplementary character differ between the two
 * encodings; they are re-encoded (row versions and index entries alike), and the version is
 * recorded in {@code meta}, all in the writes the checkpoint after open makes durable at once — a
 * crash before it leaves the old file and its log, and the next open converts them again.
 *
 * <p>A file opened read-only cannot be converted: one whose keys need it is refused with
 * STORAGE_UNAVAILABLE, naming what to do; one whose keys hold no supplementary character opens as
 * it is (its keys are already what version 2 writes).
 */
final class KeyUpgrade {
  /** Meta key: the version of the string encoding of the file's keys (absent: 1). */
  static final String STRING_ENCODING = "keys.string-encoding";

  private static final System.Logger LOG = System.getLogger("io.ormdb.store");

  private KeyUpgrade() {}

  /** Converts the keys of the file if it needs it; returns how many keys were rewritten. */
  static long run(StoreFile file, Tables tables) {
    if (current(tables.meta)) {
      return 0;
    }
    List<byte[]> rows = outdated(tables.rows, 8);
    List<byte[]> idx = outdated(tables.idx, 0);
    long n = rows.size() + idx.size();
    if (file.isReadOnly()) {
      if (n > 0) {
        throw new OrmDbException(
            ErrorCode.STORAGE_UNAVAILABLE,
            "database file "
                + file.file()
                + " cannot be opened read-only: "
                + n
                + " of its keys hold strings with supplementary characters in the order of an"
                + " older version (UTF-16 code units); open it writable once to convert them to"
                + " code point order");
      }
      return 0;
    }
    rewrite(tables.rows, rows, 8);
    rewrite(tables.idx, idx, 0);
    tables.meta.put(STRING_ENCODING, Integer.toString(KeyCodec.STRING_ENCODING));
    if (n > 0) {
      LOG.log(
          System.Logger.Level.INFO,
          "converted {0} keys of {1} holding supplementary characters to code point order",
          n,
          file.file());
    }
    return n;
  }

  /** How many keys of the file the next writable open converts. */
  static long outdatedKeys(StoreMaps maps) {
    if (current(maps.meta)) {
      return 0;
    }
    return outdated(maps.rows, 8).size() + outdated(maps.idx, 0).size();
  }

  private static boolean current(LoggedMap<String, String> meta) {
    String recorded = meta.map().get(STRING_ENCODING);
    return recorded != null && Integer.parseInt(recorded) >= KeyCodec.STRING_ENCODING;
  }

  /**
   * The keys of {@code map} whose values (from byte 4 to {@code tail} bytes before the end) encode
   * differently now.
   */
  private static List<byte[]> outdated(LoggedMap<byte[], byte[]> map, int tail) {
    List<byte[]> out = new ArrayList<>();
    for (Iterator<byte[]> it = map.map().keyIterator(null); it.hasNext(); ) {
      byte[] k = it.next();
      if (maySurrogate(k) && !Arrays.equals(k, reencoded(k, tail))) {
        out.add(k);
      }
    }
    return out;
  }

  private static void rewrite(LoggedMap<byte[], byte[]> map, List<byte[]> keys, int tail) {
    List<byte[]> values = new ArrayList<>(keys.size());
    for (byte[] k : keys) {
      values.add(map.remove(k));
    }
    for (int i = 0; i < keys.size(); i++) {
      map.put(reencoded(keys.get(i), tail), values.get(i));
    }
  }

  /**
   * Whether {@code key} may hold a high surrogate in the three-byte form of a string (a cheap test;
   * other values can look the same).
   */
  private static boolean maySurrogate(byte[] key) {
    for (int i = 0; i + 1 < key.length; i++) {
      if ((key[i] & 0xFF) == 0xC0 && (key[i + 1] & 0xFC) == 0xD8) {
        return true;
      }
    }
    return false;
  }

  /** {@code key} with its values (from byte 4 to {@code tail} bytes before the end) re-encoded. */
  static byte[] reencoded(byte[] key, int tail) {
    return KeyCodec.reencode(key, 4, key.length - tail);
  }
}
