package io.ormdb.store.internal.engine;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.Suggestions;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.internal.catalog.Catalog;
import io.ormdb.store.internal.catalog.Catalog.EntityInfo;
import io.ormdb.store.internal.catalog.Catalog.IndexInfo;
import io.ormdb.store.internal.codec.Buf;
import io.ormdb.store.internal.codec.ByteKeys;
import io.ormdb.store.internal.codec.FieldMap;
import io.ormdb.store.internal.codec.KeyCodec;
import io.ormdb.store.internal.codec.RowCodec.RowData;
import io.ormdb.store.internal.file.StoreFile;
import io.ormdb.store.view.KeyRange;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RootReference;

/**
 * A {@link ReadView} at one LSN. It pins the roots of the rows and index maps when opened (MVStore
 * maps are copy-on-write, so later writes and compaction never change what it sees) and filters row
 * versions by LSN, so it never sees part of a batch and never blocks the writer.
 */
final class Snapshot implements ReadView {
  /**
   * Index entries resolved per batched row lookup: the first chunk is small (a limited query often
   * needs only a few rows), then each chunk doubles up to the maximum.
   */
  private static final int FIRST_INDEX_CHUNK = 8;

  private static final int MAX_INDEX_CHUNK = 256;

  private final StoreFile file;
  private final Tables tables;
  private final long lsn;
  private final Catalog cat;
  private final MVMap<byte[], byte[]> rows;
  private final MVMap<byte[], byte[]> idx;
  private final RootReference<byte[], byte[]> rowsRoot;
  private final RootReference<byte[], byte[]> idxRoot;
  private final MVStore.TxCounter counter;
  private final KeyOwner owner;
  private volatile boolean closed;

  /**
   * Row counts read so far, by entity: fixed at this snapshot, and asked for by every join of a
   * query (its strategy and fan-out estimates), so each is read from the store once.
   */
  private volatile ConcurrentHashMap<String, Long> counts; // made by the first count (rarely none)

  Snapshot(
      StoreFile file,
      Tables tables,
      long lsn,
      Catalog cat,
      MVStore.TxCounter counter,
      KeyOwner owner) {
    this.file = file;
    this.tables = tables;
    this.owner = owner;
    this.lsn = lsn;
    this.cat = cat;
    this.rows = tables.rows.map();
    this.idx = tables.idx.map();
    this.counter = counter;
    this.rowsRoot = rows.flushAndGetRoot();
    this.idxRoot = idx.flushAndGetRoot();
  }

  @Override
  public long lsn() {
    return lsn;
  }

  @Override
  public SchemaBundle schema() {
    return cat.bundle;
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException("read view at lsn " + lsn + " is closed");
    }
  }

  private Row toRow(EntityInfo e, RowData r) {
    Map<String, Value> fields = r.fields();
    return new Row(
        fields.get(e.identity.name()),
        r.version(),
        fields instanceof FieldMap ? fields : Collections.unmodifiableMap(fields));
  }

  @Override
  public Optional<Row> get(String entity, Value id) {
    open();
    EntityInfo e = cat.entity(entity);
    byte[] idKey = idKey(e, id);
    if (idKey == null || !owner.owns(e, idKey, 0, idKey.length)) {
      return Optional.empty();
    }
    RowData r = Storage.live(rowsRoot, e, idKey, lsn);
    return r == null ? Optional.empty() : Optional.of(toRow(e, r));
  }

  private static byte[] idKey(EntityInfo e, Value id) {
    if (id == null || id.isNull()) {
      return null;
    }
    try {
      return KeyCodec.encode(Values.convert(id, e.identity.type().base()));
    } catch (OrmDbException ex) {
      return null;
    }
  }

  @Override
  public List<Row> getAll(String entity, List<Value> ids) {
    open();
    EntityInfo e = cat.entity(entity);
    byte[][] keys = new byte[ids.size()][];
    int n = 0;
    for (Value id : ids) {
      byte[] idKey = idKey(e, id);
      if (idKey != null && owner.owns(e, idKey, 0, idKey.length)) {
        keys[n++] = idKey;
      }
    }
    RowData[] found = Storage.versions(rowsRoot, e, java.util.Arrays.copyOf(keys, n), lsn);
    List<Row> out = new ArrayList<>(n);
    for (RowData r : found) {
      if (r != null && r.live()) {
        out.add(toRow(e, r));
      }
    }
    return out;
  }

  @Override
  public Iterator<Row> scan(String entity) {
    open();
    EntityInfo e = cat.entity(entity);
    Iterator<Storage.Keyed> it = Storage.scan(rows, rowsRoot, e, lsn, true, owner);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Row next() {
        return toRow(e, it.next().row());
      }
    };
  }

  @Override
  public Iterator<Row> scan(
      String entity, KeyRange.Bound lower, KeyRange.Bound upper, boolean descending) {
    open();
    EntityInfo e = cat.entity(entity);
    byte[] lo = lower == null ? null : boundKey(e, lower, entity);
    byte[] hi = upper == null ? null : boundKey(e, upper, entity);
    Iterator<Storage.Keyed> it =
        Storage.scanRange(
            rows,
            rowsRoot,
            e,
            lsn,
            lo,
            lower != null && lower.inclusive(),
            hi,
            upper != null && upper.inclusive(),
            descending,
            owner);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Row next() {
        return toRow(e, it.next().row());
      }
    };
  }

  private static byte[] boundKey(EntityInfo e, KeyRange.Bound b, String entity) {
    try {
      return KeyCodec.encode(Values.convert(b.value(), e.identity.type().base()));
    } catch (OrmDbException ex) {
      throw OrmDbException.invalid(
          "identity range on entity " + entity + ": " + ex.getMessage(), ex);
    }
  }

  @Override
  public List<IndexDef> indexes(String entity) {
    EntityInfo e = cat.entity(entity);
    List<IndexDef> out = new ArrayList<>();
    for (IndexInfo ix : e.indexes) {
      out.add(ix.def);
    }
    return out;
  }

  @Override
  public Iterator<Row> indexScan(String entity, String index, KeyRange range, boolean descending) {
    open();
    EntityInfo e = cat.entity(entity);
    IndexInfo ix = e.indexByName.get(index);
    if (ix == null) {
      throw OrmDbException.invalid(
          "unknown index '"
              + index
              + "' on entity "
              + entity
              + Suggestions.didYouMean(index, e.indexByName.keySet()));
    }
    int n = ix.fields.size();
    boolean bounded = range.lower() != null || range.upper() != null;
    if (range.equal().size() > n || (range.equal().size() == n && bounded)) {
      throw new IllegalArgumentException(
          "range " + range + " does not fit index " + index + " on " + ix.def.fields());
    }
    if (ix.def.kind() == IndexDef.Kind.HASH && (range.equal().size() != n || bounded)) {
      throw new IllegalArgumentException(
          "hash index "
              + index
              + " serves only equality on all of "
              + ix.def.fields()
              + ", not "
              + range);
    }
    Buf eq = new Buf().put(ix.prefix);
    for (int i = 0; i < range.equal().size(); i++) {
      Value v = keyValue(ix.fields.get(i), range.equal().get(i), 0);
      if (v == null) {
        return Collections.emptyIterator();
      }
      KeyCodec.encode(v, eq);
    }
    byte[] eqPrefix = eq.toBytes();
    byte[] low = eqPrefix;
    byte[] high = ByteKeys.prefixEnd(eqPrefix);
    if (range.lower() != null) {
      FieldDef f = ix.fields.get(range.equal().size());
      Value v = keyValue(f, range.lower().value(), 1);
      boolean incl = range.lower().inclusive() || Values.compare(v, range.lower().value()) != 0;
      byte[] k = ByteKeys.concat(eqPrefix, KeyCodec.encode(v));
      low = incl ? k : ByteKeys.prefixEnd(k);
    }
    if (range.upper() != null) {
      FieldDef f = ix.fields.get(range.equal().size());
      Value v = keyValue(f, range.upper().value(), -1);
      boolean incl = range.upper().inclusive() || Values.compare(v, range.upper().value()) != 0;
      byte[] k = ByteKeys.concat(eqPrefix, KeyCodec.encode(v));
      high = incl ? ByteKeys.prefixEnd(k) : k;
    }
    final byte[] lo = low;
    final byte[] hi = high;
    Cursor<byte[], byte[]> c;
    if (descending) {
      byte[] start = hi == null ? idx.lastKey() : idx.lowerKey(idxRoot, hi);
      if (start == null) {
        return Collections.emptyIterator();
      }
      c = idx.cursor(idxRoot, start, null, true);
    } else {
      c = idx.cursor(idxRoot, lo, null, false);
    }
    EntrySource entries =
        new EntrySource() {
          boolean done;

          @Override
          public byte[] next() {
            if (done || !c.hasNext()) {
              done = true;
              return null;
            }
            byte[] k = c.next();
            if ((descending
                    ? ByteKeys.compare(k, lo) < 0
                    : hi != null && ByteKeys.compare(k, hi) >= 0)
                || !ByteKeys.startsWith(k, ix.prefix)) {
              done = true;
              return null;
            }
            return k;
          }
        };
    return new IndexRows(e, ix, entries);
  }

  @Override
  public Iterator<Row> indexScanIn(String entity, String index, SortedSet<Value> keys) {
    open();
    EntityInfo e = cat.entity(entity);
    IndexInfo ix = e.indexByName.get(index);
    if (ix == null || ix.def.kind() == IndexDef.Kind.HASH) {
      throw new IllegalArgumentException(
          "indexScanIn needs an ordered index of " + entity + ", not " + index);
    }
    List<byte[]> starts = new ArrayList<>(keys.size());
    Buf b = new Buf(32);
    boolean sorted = true;
    for (Value k : keys) {
      Value v = keyValue(ix.fields.get(0), k, 0);
      if (v != null && !v.isNull()) {
        KeyCodec.encode(v, b.clear().put(ix.prefix));
        byte[] start = b.toBytes();
        sorted &= starts.isEmpty() || ByteKeys.compare(starts.get(starts.size() - 1), start) < 0;
        starts.add(start);
      }
    }
    if (starts.isEmpty()) {
      return Collections.emptyIterator();
    }
    if (!sorted) {
      starts.sort(ByteKeys::compare);
    }
    return new IndexRows(e, ix, new KeySkipSource(starts));
  }

  /** The index entries a scan considers, in order; null once there are no more. */
  private interface EntrySource {
    byte[] next();
  }

  /**
   * The entries of an ordered index under any of a sorted list of key prefixes, in one forward
   * pass: entries between two wanted keys are stepped over while few, and skipped by seeking to the
   * next wanted key otherwise — so sparse keys (ten parents spread over the table) read only their
   * own entries, and dense keys (a range of parents) read as one range scan.
   */
  private final class KeySkipSource implements EntrySource {
    /** Entries between wanted keys stepped over before seeking to the next wanted key. */
    private static final int GAP_STEPS = 16;

    /** Each wanted key's encoded prefix: its entries are the index keys that start with it. */
    private final List<byte[]> starts;

    private Cursor<byte[], byte[]> cursor;
    private int key;
    private int gap;
    private boolean done;

    KeySkipSource(List<byte[]> starts) {
      this.starts = starts;
      this.cursor = idx.cursor(idxRoot, starts.get(0), null, false);
    }

    @Override
    public byte[] next() {
      while (!done) {
        if (!cursor.hasNext()) {
          done = true;
          break;
        }
        byte[] k = cursor.next();
        byte[] start = starts.get(key);
        boolean wanted;
        // past the entries of this wanted key: on to the next one
        while (!(wanted = ByteKeys.startsWith(k, start)) && ByteKeys.compare(k, start) > 0) {
          if (++key == starts.size()) {
            done = true;
            return null;
          }
          start = starts.get(key);
        }
        if (wanted) {
          gap = 0;
          return k;
        }
        // between two wanted keys
        if (++gap > GAP_STEPS) {
          cursor = idx.cursor(idxRoot, starts.get(key), null, false);
          gap = 0;
        }
      }
      return null;
    }
  }

  /**
   * The rows behind the index entries of a source: entries are read in chunks, each chunk's rows
   * looked up in one batched pass; entries of rows other partitions own are skipped on their key
   * bytes; an entry is a superset entry, so a row is kept only when its values at this LSN are the
   * entry's.
   */
  private final class IndexRows implements Iterator<Row> {
    private final EntityInfo e;
    private final IndexInfo ix;
    private final EntrySource source;
    // sized to the chunk, which doubles from FIRST_INDEX_CHUNK: a lookup of a few rows stays small
    private byte[][] entries = new byte[FIRST_INDEX_CHUNK][];
    private int[] ends = new int[FIRST_INDEX_CHUNK];
    private final Buf scratch = new Buf(32);
    private int size;
    private RowData[] versions = new RowData[0];
    private int nextChunk = FIRST_INDEX_CHUNK;
    private int pos;
    private boolean exhausted;
    private Row next;

    IndexRows(EntityInfo e, IndexInfo ix, EntrySource source) {
      this.e = e;
      this.ix = ix;
      this.source = source;
      this.next = advance();
    }

    private void fill() {
      size = 0;
      pos = 0;
      int chunk = nextChunk;
      nextChunk = Math.min(MAX_INDEX_CHUNK, nextChunk * 2);
      if (entries.length < chunk) {
        entries = new byte[chunk][];
        ends = new int[chunk];
      }
      while (size < chunk) {
        byte[] k = source.next();
        if (k == null) {
          exhausted = true;
          break;
        }
        int end = Storage.valuesEnd(ix, k);
        if (!owner.owns(e, k, end, k.length)) {
          continue;
        }
        entries[size] = k;
        ends[size] = end;
        size++;
      }
      byte[][] idKeys = new byte[size][];
      for (int i = 0; i < size; i++) {
        byte[] k = entries[i];
        idKeys[i] = java.util.Arrays.copyOfRange(k, ends[i], k.length);
      }
      versions = Storage.versions(rowsRoot, e, idKeys, lsn);
    }

    private Row advance() {
      while (true) {
        if (pos == size) {
          if (exhausted) {
            return null;
          }
          fill();
          if (size == 0) {
            return null;
          }
        }
        int i = pos++;
        RowData r = versions[i];
        if (r == null || !r.live()) {
          continue;
        }
        if (Storage.indexValuesMatch(ix, r.fields(), entries[i], 4, ends[i], scratch)) {
          return toRow(e, r);
        }
      }
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public Row next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      Row out = next;
      next = advance();
      return out;
    }
  }

  /**
   * A range value converted to the field's type. For an integer field and a fractional number,
   * {@code direction} 1 (lower bound) rounds up, -1 (upper bound) rounds down, 0 (equality) gives
   * null: nothing can match.
   */
  static Value keyValue(FieldDef f, Value v, int direction) {
    if (v.isNull() || f.type().array()) {
      return v;
    }
    ValueType t = f.type().base();
    if ((t == ValueType.INT32 || t == ValueType.INT64) && v.type().isNumeric()) {
      BigDecimal d = v.asDecimal();
      if (d.stripTrailingZeros().scale() > 0) {
        if (direction == 0) {
          return null;
        }
        d = d.setScale(0, direction > 0 ? RoundingMode.CEILING : RoundingMode.FLOOR);
      }
      long l = d.longValue();
      return t == ValueType.INT32
          ? new Value.Int32((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, l)))
          : new Value.Int64(l);
    }
    try {
      return Values.convert(v, t);
    } catch (OrmDbException ex) {
      if (t.isNumeric() && v.type().isNumeric()) {
        return Values.convert(new Value.Float64(v.asDouble()), t);
      }
      throw ex;
    }
  }

  @Override
  public long count(String entity) {
    ConcurrentHashMap<String, Long> known = counts;
    if (known == null) {
      known = new ConcurrentHashMap<>(8);
      counts = known; // a race makes two maps: each holds counts of this snapshot, both right
    }
    Long c = known.get(entity);
    if (c == null) {
      c = tables.count(cat.entity(entity));
      known.put(entity, c);
    }
    return c;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      file.release(counter);
    }
  }
}
