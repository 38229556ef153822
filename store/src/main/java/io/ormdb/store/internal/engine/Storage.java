package io.ormdb.store.internal.engine;

import io.ormdb.protocol.value.Value;
import io.ormdb.store.internal.btree.LeafCursor;
import io.ormdb.store.internal.catalog.Catalog;
import io.ormdb.store.internal.codec.Buf;
import io.ormdb.store.internal.codec.ByteKeys;
import io.ormdb.store.internal.codec.KeyCodec;
import io.ormdb.store.internal.codec.RowCodec;
import io.ormdb.store.internal.codec.RowCodec.RowData;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.RootReference;

/**
 * Key layout and versioned reads over the {@code rows} and {@code idx} maps.
 *
 * <p>{@code rows}: {@code entityId(4) | key(identity) | (Long.MAX_VALUE - lsn)(8)} → stored row
 * (see {@link RowCodec}); the newest version of a row comes first. {@code idx}: {@code indexId(4) |
 * key(field values...) | key(identity)} → empty. Index entries are a superset: one is written for
 * every committed row version's key values and removed only by compaction, and every read verifies
 * a candidate against the row version it sees.
 */
final class Storage {
  private Storage() {}

  static final byte[] EMPTY = new byte[0];

  static byte[] rowPrefix(Catalog.EntityInfo e, byte[] idKey) {
    return ByteKeys.concat(e.prefix, idKey);
  }

  static byte[] rowKey(Catalog.EntityInfo e, byte[] idKey, long lsn) {
    int pre = e.prefix.length;
    byte[] k = new byte[pre + idKey.length + 8];
    System.arraycopy(e.prefix, 0, k, 0, pre);
    System.arraycopy(idKey, 0, k, pre, idKey.length);
    putLong(k, pre + idKey.length, Long.MAX_VALUE - lsn);
    return k;
  }

  static long lsnOf(byte[] rowKey) {
    long v = 0;
    for (int i = rowKey.length - 8; i < rowKey.length; i++) {
      v = (v << 8) | (rowKey[i] & 0xFF);
    }
    return Long.MAX_VALUE - v;
  }

  static byte[] idKeyOf(byte[] rowKey) {
    return java.util.Arrays.copyOfRange(rowKey, 4, rowKey.length - 8);
  }

  static byte[] groupOf(byte[] rowKey) {
    return java.util.Arrays.copyOf(rowKey, rowKey.length - 8);
  }

  static byte[] indexValues(Catalog.IndexInfo ix, java.util.Map<String, Value> fields) {
    List<Value> vals = new ArrayList<>(ix.fields.size());
    for (var f : ix.fields) {
      Value v = fields.get(f.name());
      vals.add(v == null ? Value.NULL : v);
    }
    return KeyCodec.encodeAll(vals);
  }

  /**
   * Whether the row's current values of the index's fields encode to {@code key[from, to)} — an
   * index entry's value part — using {@code scratch} instead of allocating (read path).
   */
  static boolean indexValuesMatch(
      Catalog.IndexInfo ix,
      java.util.Map<String, Value> fields,
      byte[] key,
      int from,
      int to,
      Buf scratch) {
    scratch.clear();
    for (var f : ix.fields) {
      Value v = fields.get(f.name());
      KeyCodec.encode(v == null ? Value.NULL : v, scratch);
    }
    return scratch.contentEquals(key, from, to);
  }

  static byte[] indexKey(Catalog.IndexInfo ix, byte[] values, byte[] idKey) {
    return new Buf(4 + values.length + idKey.length)
        .put(ix.prefix)
        .put(values)
        .put(idKey)
        .toBytes();
  }

  /** The position in an index entry key just after its field values. */
  static int valuesEnd(Catalog.IndexInfo ix, byte[] key) {
    int pos = 4;
    for (int i = 0; i < ix.fields.size(); i++) {
      pos = KeyCodec.skip(key, pos);
    }
    return pos;
  }

  /** The version of a row visible at {@code maxLsn} (possibly a deletion), or null. */
  static RowData version(
      RootReference<byte[], byte[]> root, Catalog.EntityInfo e, byte[] idKey, long maxLsn) {
    byte[] from = seekKey(e, idKey, maxLsn);
    LeafCursor c = new LeafCursor(root);
    if (c.seek(from)) {
      byte[] k = c.key();
      if (k.length == from.length && ByteKeys.regionEquals(k, from, from.length - 8)) {
        return RowCodec.decode(e.layout(), c.value(), lsnOf(k));
      }
    }
    return null;
  }

  /** How many keys a batched lookup walks forward before it seeks afresh. */
  private static final int MAX_SKIP = 32;

  /**
   * The versions visible at {@code maxLsn} of several rows at once: {@code out[i]} for {@code
   * idKeys[i]} (null when there is none). The keys are visited in key order with one forward cursor
   * that walks short gaps and seeks afresh over long ones, so clustered keys (children inserted
   * together, ranges of ids) cost a step each instead of a descent from the root.
   */
  static RowData[] versions(
      RootReference<byte[], byte[]> root, Catalog.EntityInfo e, byte[][] idKeys, long maxLsn) {
    int n = idKeys.length;
    int[] order = keyOrder(idKeys);
    RowData[] out = new RowData[n];
    LeafCursor c = null;
    byte[] at = null;
    byte[] from = null;
    // How far to walk before seeking: keys close together (children inserted together) are a
    // step or two apart; scattered keys (people of a cast) are not, and a walk only wastes time.
    // The budget doubles after a walk that arrived and halves after one that had to seek.
    int budget = MAX_SKIP / 4;
    for (int o = 0; o < n; o++) {
      int i = order == null ? o : order[o];
      from = seekKey(e, idKeys[i], maxLsn, from);
      int steps = 0;
      while (c != null && at != null && ByteKeys.compare(at, from) < 0 && steps < budget) {
        at = c.next() ? c.key() : null;
        steps++;
      }
      if (c == null || (at != null && ByteKeys.compare(at, from) < 0)) {
        if (c != null) {
          budget = Math.max(1, budget / 2);
        } else {
          c = new LeafCursor(root);
        }
        at = c.seek(from) ? c.key() : null;
      } else if (steps > 0) {
        budget = Math.min(MAX_SKIP, budget * 2);
      }
      if (at != null
          && at.length == from.length
          && ByteKeys.regionEquals(at, from, from.length - 8)) {
        out[i] = RowCodec.decode(e.layout(), c.value(), lsnOf(at));
      }
    }
    return out;
  }

  /**
   * The positions of {@code keys} in ascending key order, or null when they are in that order
   * already (children read through an index usually are).
   */
  private static int[] keyOrder(byte[][] keys) {
    int n = keys.length;
    boolean sorted = true;
    for (int i = 1; i < n && sorted; i++) {
      sorted = ByteKeys.compare(keys[i - 1], keys[i]) <= 0;
    }
    if (sorted) {
      return null;
    }
    Integer[] boxed = new Integer[n];
    for (int i = 0; i < n; i++) {
      boxed[i] = i;
    }
    java.util.Arrays.sort(boxed, (a, b) -> ByteKeys.compare(keys[a], keys[b]));
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = boxed[i];
    }
    return order;
  }

  /** The first key of a row's version group visible at {@code maxLsn}: prefix, identity, ~lsn. */
  private static byte[] seekKey(Catalog.EntityInfo e, byte[] idKey, long maxLsn) {
    return seekKey(e, idKey, maxLsn, null);
  }

  /**
   * Like {@link #seekKey(Catalog.EntityInfo, byte[], long)}, written into {@code reuse} when it is
   * the key of the same entity and LSN with an identity of the same length (a batch of lookups then
   * builds one array).
   */
  private static byte[] seekKey(Catalog.EntityInfo e, byte[] idKey, long maxLsn, byte[] reuse) {
    int pre = e.prefix.length;
    if (reuse != null && reuse.length == pre + idKey.length + 8) {
      System.arraycopy(idKey, 0, reuse, pre, idKey.length);
      return reuse;
    }
    byte[] from = new byte[pre + idKey.length + 8];
    System.arraycopy(e.prefix, 0, from, 0, pre);
    System.arraycopy(idKey, 0, from, pre, idKey.length);
    putLong(from, pre + idKey.length, Long.MAX_VALUE - maxLsn);
    return from;
  }

  private static void putLong(byte[] out, int at, long v) {
    for (int i = 7; i >= 0; i--) {
      out[at + i] = (byte) v;
      v >>>= 8;
    }
  }

  /** The live row visible at {@code maxLsn}, or null. */
  static RowData live(
      RootReference<byte[], byte[]> root, Catalog.EntityInfo e, byte[] idKey, long maxLsn) {
    RowData r = version(root, e, idKey, maxLsn);
    return r != null && r.live() ? r : null;
  }

  /** A row with its identity key, as scans return it. */
  record Keyed(byte[] idKey, RowData row) {}

  /** The rows of an entity visible at {@code maxLsn}, in identity order (deleted ones too). */
  static Iterator<Keyed> scan(
      MVMap<byte[], byte[]> rows,
      RootReference<byte[], byte[]> root,
      Catalog.EntityInfo e,
      long maxLsn,
      boolean liveOnly) {
    return scan(rows, root, e, maxLsn, liveOnly, KeyOwner.ALL);
  }

  /** Like {@link #scan}, skipping rows {@code owner} does not own before decoding them. */
  static Iterator<Keyed> scan(
      MVMap<byte[], byte[]> rows,
      RootReference<byte[], byte[]> root,
      Catalog.EntityInfo e,
      long maxLsn,
      boolean liveOnly,
      KeyOwner owner) {
    Cursor<byte[], byte[]> c = rows.cursor(root, e.prefix, null, false);
    return new Iterator<>() {
      byte[] lastGroup;
      Keyed next = advance();

      private Keyed advance() {
        while (c.hasNext()) {
          byte[] k = c.next();
          if (!ByteKeys.startsWith(k, e.prefix)) {
            return null;
          }
          byte[] group = groupOf(k);
          if (lastGroup != null && java.util.Arrays.equals(group, lastGroup)) {
            continue;
          }
          long lsn = lsnOf(k);
          if (lsn > maxLsn) {
            continue;
          }
          lastGroup = group;
          if (!owner.owns(e, k, e.prefix.length, k.length - 8)) {
            continue;
          }
          byte[] stored = c.getValue();
          if (liveOnly && RowCodec.state(stored) != RowCodec.LIVE) {
            continue;
          }
          return new Keyed(idKeyOf(k), RowCodec.decode(e.layout(), stored, lsn));
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Keyed next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        Keyed out = next;
        next = advance();
        return out;
      }
    };
  }

  /**
   * The live rows of an entity visible at {@code maxLsn} whose identity key lies between {@code
   * lowerId} and {@code upperId} (null = unbounded), in identity order or its reverse. Seeks to the
   * start bound; in reverse, each identity group is read by one versioned lookup.
   */
  static Iterator<Keyed> scanRange(
      MVMap<byte[], byte[]> rows,
      RootReference<byte[], byte[]> root,
      Catalog.EntityInfo e,
      long maxLsn,
      byte[] lowerId,
      boolean lowerInclusive,
      byte[] upperId,
      boolean upperInclusive,
      boolean descending,
      KeyOwner owner) {
    byte[] from;
    if (!descending) {
      from = lowerId == null ? e.prefix : ByteKeys.concat(e.prefix, lowerId);
    } else {
      // the last possible key of the upper identity's group (or of the entity)
      from =
          upperId == null
              ? ByteKeys.prefixEnd(e.prefix)
              : new Buf(e.prefix.length + upperId.length + 8)
                  .put(e.prefix)
                  .put(upperId)
                  .putLong(-1L)
                  .toBytes();
    }
    Cursor<byte[], byte[]> c = rows.cursor(root, from, null, descending);
    return new Iterator<>() {
      byte[] lastGroup;
      Keyed next = advance();

      private boolean beyond(byte[] idKey) {
        if (!descending) {
          if (upperId == null) {
            return false;
          }
          int cmp = ByteKeys.compare(idKey, upperId);
          return cmp > 0 || (cmp == 0 && !upperInclusive);
        }
        if (lowerId == null) {
          return false;
        }
        int cmp = ByteKeys.compare(idKey, lowerId);
        return cmp < 0 || (cmp == 0 && !lowerInclusive);
      }

      private boolean excludedStart(byte[] idKey) {
        byte[] start = descending ? upperId : lowerId;
        boolean inclusive = descending ? upperInclusive : lowerInclusive;
        return start != null && !inclusive && java.util.Arrays.equals(idKey, start);
      }

      private Keyed advance() {
        while (c.hasNext()) {
          byte[] k = c.next();
          if (!ByteKeys.startsWith(k, e.prefix)) {
            return null;
          }
          byte[] group = groupOf(k);
          if (lastGroup != null && java.util.Arrays.equals(group, lastGroup)) {
            continue;
          }
          byte[] idKey = idKeyOf(k);
          if (beyond(idKey)) {
            return null;
          }
          if (excludedStart(idKey) || !owner.owns(e, idKey, 0, idKey.length)) {
            lastGroup = group;
            continue;
          }
          RowData r;
          if (descending) {
            lastGroup = group;
            r = version(root, e, idKey, maxLsn);
          } else {
            long lsn = lsnOf(k);
            if (lsn > maxLsn) {
              continue;
            }
            lastGroup = group;
            r = RowCodec.decode(e.layout(), c.getValue(), lsn);
          }
          if (r != null && r.live()) {
            return new Keyed(idKey, r);
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Keyed next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        Keyed out = next;
        next = advance();
        return out;
      }
    };
  }

  /** Identity keys of index entries starting with {@code ix.prefix + valuesPrefix}. */
  static List<byte[]> indexCandidates(
      MVMap<byte[], byte[]> idx,
      RootReference<byte[], byte[]> root,
      Catalog.IndexInfo ix,
      byte[] valuesPrefix) {
    byte[] from = ByteKeys.concat(ix.prefix, valuesPrefix);
    List<byte[]> out = new ArrayList<>();
    Cursor<byte[], byte[]> c = idx.cursor(root, from, null, false);
    while (c.hasNext()) {
      byte[] k = c.next();
      if (!ByteKeys.startsWith(k, from)) {
        break;
      }
      out.add(java.util.Arrays.copyOfRange(k, valuesEnd(ix, k), k.length));
    }
    return out;
  }
}
