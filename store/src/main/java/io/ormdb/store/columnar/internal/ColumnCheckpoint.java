package io.ormdb.store.columnar.internal;

import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.columnar.ColumnStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;

/**
 * Checkpoints of {@link EntityColumns} in two maps of the store file: {@code meta} (entity → {@link
 * Meta}) and {@code chunks} (one entry per segment of the created and deleted LSNs, of each column,
 * and per 64k codes of each dictionary).
 *
 * <p>A chunk key is {@code entity UTF-8 | 0x00 | generation (8) | kind (4) | segment (4)}, kind 0 =
 * created LSNs, 1 = deleted LSNs, {@code 2 + 2i} = column {@code i}, {@code 3 + 2i} = the
 * dictionary of column {@code i}. A chunk value is a CRC32 of the rest, then the slot (or code)
 * count, then for columns the null bitmap and the values: {@code long}s, {@code double}s and codes
 * as raw big-endian primitives, boxed values and dictionary entries with the store's value codec.
 *
 * <p>A checkpoint writes only the chunks that changed since the previous one of the same slot
 * numbering (its lineage), under a new generation, then in one later slice writes the meta entry
 * (which names the generation of every chunk it uses) and removes the chunks it superseded. Old
 * chunks are never overwritten, so whatever the last committed meta entry names is intact; chunks
 * of a generation whose meta entry never got committed are removed by the next checkpoint.
 */
public final class ColumnCheckpoint {
  static final int FORMAT = 1;
  static final int CREATED = 0;
  static final int DELETED = 1;

  private ColumnCheckpoint() {}

  /** A checkpoint's metadata entry. */
  public static final class Meta {
    long lineage;
    long schemaVersion;
    long fingerprint;
    long lsn;
    long base;
    int size;
    long gen;
    byte[] columnKinds;
    int[] dictSizes;

    /** Per chunk kind, per segment: the generation its chunk was written under. */
    long[][] gens;

    public long schemaVersion() {
      return schemaVersion;
    }

    public long fingerprint() {
      return fingerprint;
    }

    /** The LSN the checkpoint is consistent at (the columns' applied LSN when written). */
    public long lsn() {
      return lsn;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // keys and fingerprints

  static byte[] entityKey(String entity) {
    return entity.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] prefix(String entity) {
    byte[] e = entityKey(entity);
    return Arrays.copyOf(e, e.length + 1);
  }

  static byte[] chunkKey(String entity, long gen, int kind, int seg) {
    byte[] p = prefix(entity);
    return ByteBuffer.allocate(p.length + 16).put(p).putLong(gen).putInt(kind).putInt(seg).array();
  }

  private static boolean startsWith(byte[] k, byte[] prefix) {
    return k.length >= prefix.length
        && Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length);
  }

  /**
   * Identifies what determines an entity's stored columns: identity, field names, types, defaults.
   */
  public static long fingerprint(EntityDef def) {
    StringBuilder sb = new StringBuilder(def.identityField());
    for (FieldDef f : def.fields()) {
      sb.append('\u0000')
          .append(f.name())
          .append('\u0001')
          .append(f.type())
          .append('\u0001')
          .append(f.defaultValue())
          .append(f.computed() == null ? "" : "\u0001" + f.computed());
    }
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(h).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte kindOf(Column c) {
    if (c instanceof LongColumn) {
      return 'L';
    } else if (c instanceof DoubleColumn) {
      return 'D';
    } else if (c instanceof DictColumn) {
      return 'C';
    }
    return 'V';
  }

  private static int segments(int n) {
    return (n + Column.SEG - 1) >>> Column.SEG_BITS;
  }

  private static int inSegment(int seg, int n) {
    return Math.min(Column.SEG, n - seg * Column.SEG);
  }

  private static boolean isDict(int kind) {
    return kind >= 2 && (kind & 1) == 1;
  }

  // ---------------------------------------------------------------------------------------------
  // meta

  static byte[] encodeMeta(Meta m) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(0); // CRC
      out.writeByte(FORMAT);
      out.writeLong(m.lineage);
      out.writeLong(m.schemaVersion);
      out.writeLong(m.fingerprint);
      out.writeLong(m.lsn);
      out.writeLong(m.base);
      out.writeInt(m.size);
      out.writeLong(m.gen);
      out.writeInt(m.columnKinds.length);
      for (int i = 0; i < m.columnKinds.length; i++) {
        out.writeByte(m.columnKinds[i]);
        out.writeInt(m.dictSizes[i]);
      }
      for (long[] g : m.gens) {
        out.writeInt(g.length);
        for (long x : g) {
          out.writeLong(x);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sealed(bytes.toByteArray());
  }

  /** The checkpoint metadata of {@code entity}, or null; throws when it is unreadable. */
  public static Meta readMeta(ColumnStore.Checkpoints io, String entity) {
    byte[] b = io.meta().get(entityKey(entity));
    return b == null ? null : decodeMeta(b);
  }

  static Meta decodeMeta(byte[] b) {
    checkCrc(b);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b, 4, b.length - 4))) {
      int format = in.readUnsignedByte();
      if (format != FORMAT) {
        throw new IllegalArgumentException("checkpoint format " + format + ", expected " + FORMAT);
      }
      Meta m = new Meta();
      m.lineage = in.readLong();
      m.schemaVersion = in.readLong();
      m.fingerprint = in.readLong();
      m.lsn = in.readLong();
      m.base = in.readLong();
      m.size = in.readInt();
      m.gen = in.readLong();
      int cols = in.readInt();
      if (m.size < 0 || segments(m.size) > Column.MAX_SEGS || cols < 0 || cols > 100_000) {
        throw new IllegalArgumentException("bad checkpoint header");
      }
      m.columnKinds = new byte[cols];
      m.dictSizes = new int[cols];
      for (int i = 0; i < cols; i++) {
        m.columnKinds[i] = in.readByte();
        m.dictSizes[i] = in.readInt();
      }
      m.gens = new long[2 + 2 * cols][];
      for (int k = 0; k < m.gens.length; k++) {
        int n = in.readInt();
        int expected =
            isDict(k) ? segments(Math.max(0, m.dictSizes[(k - 2) / 2])) : segments(m.size);
        if (n != expected) {
          throw new IllegalArgumentException("checkpoint lists " + n + " chunks of kind " + k);
        }
        m.gens[k] = new long[n];
        for (int s = 0; s < n; s++) {
          m.gens[k][s] = in.readLong();
        }
      }
      if (in.available() != 0) {
        throw new IllegalArgumentException("trailing bytes in checkpoint metadata");
      }
      return m;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated checkpoint metadata", e);
    }
  }

  private static byte[] sealed(byte[] b) {
    CRC32 crc = new CRC32();
    crc.update(b, 4, b.length - 4);
    ByteBuffer.wrap(b).putInt((int) crc.getValue());
    return b;
  }

  private static void checkCrc(byte[] b) {
    if (b.length < 4) {
      throw new IllegalArgumentException("checkpoint entry too short");
    }
    CRC32 crc = new CRC32();
    crc.update(b, 4, b.length - 4);
    if (ByteBuffer.wrap(b).getInt() != (int) crc.getValue()) {
      throw new IllegalArgumentException("checkpoint checksum mismatch");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // chunks

  /**
   * Encodes one chunk of {@code ec} as the checkpoint {@code m} describes it: slots below its size,
   * deletions up to its LSN, dictionary codes below its dictionary sizes (all fixed when it was
   * planned, while the maintainer may have gone on since).
   */
  static byte[] encodeChunk(
      ColumnStore.Checkpoints io, EntityColumns ec, int kind, int seg, Meta m) {
    int size = m.size;
    long lsn = m.lsn;
    if (kind == CREATED || kind == DELETED) {
      int n = inSegment(seg, size);
      ByteBuffer bb = ByteBuffer.allocate(8 + n * 8).putInt(0).putInt(n);
      long[] a = (kind == CREATED ? ec.created : ec.deleted)[seg];
      for (int i = 0; i < n; i++) {
        long x = a[i];
        // a deletion after the checkpoint's LSN is not part of it
        bb.putLong(kind == DELETED && x > lsn ? Long.MAX_VALUE : x);
      }
      return sealed(bb.array());
    }
    Column col = ec.columns[(kind - 2) / 2];
    if (isDict(kind)) {
      DictColumn dc = (DictColumn) col;
      int total = m.dictSizes[(kind - 2) / 2];
      Value[] dict = dc.dictionary(); // read after the size: holds every code below it
      int n = inSegment(seg, total);
      int from = seg * Column.SEG;
      byte[] values = io.encodeValues(dict, from, from + n);
      return sealed(ByteBuffer.allocate(8 + values.length).putInt(0).putInt(n).put(values).array());
    }
    int n = inSegment(seg, size);
    int words = (n + 63) >>> 6;
    byte[] values = null;
    int body;
    if (col instanceof DictColumn) {
      body = n * 4;
    } else if (col instanceof ValueColumn vc) {
      values = io.encodeValues(vc.data[seg], 0, n);
      body = values.length;
    } else {
      body = n * 8;
    }
    ByteBuffer bb = ByteBuffer.allocate(8 + words * 8 + body).putInt(0).putInt(n);
    long[] nulls = col.nulls[seg];
    for (int w = 0; w < words; w++) {
      long x = nulls[w];
      if (w == words - 1 && (n & 63) != 0) {
        x &= (1L << n) - 1; // slots past the checkpoint's size may be written meanwhile
      }
      bb.putLong(x);
    }
    if (col instanceof LongColumn lc) {
      bb.asLongBuffer().put(lc.data[seg], 0, n);
    } else if (col instanceof DoubleColumn dc) {
      bb.asDoubleBuffer().put(dc.data[seg], 0, n);
    } else if (col instanceof DictColumn cc) {
      bb.asIntBuffer().put(cc.codes[seg], 0, n);
    } else {
      bb.put(values);
    }
    return sealed(bb.array());
  }

  private static ByteBuffer openChunk(byte[] b, int expected) {
    checkCrc(b);
    ByteBuffer bb = ByteBuffer.wrap(b);
    bb.position(4);
    int n = bb.getInt();
    if (n != expected) {
      throw new IllegalArgumentException("chunk holds " + n + " entries, expected " + expected);
    }
    return bb;
  }

  private static void decodeChunk(
      ColumnStore.Checkpoints io,
      EntityColumns ec,
      int kind,
      int seg,
      byte[] b,
      Meta m,
      List<List<Value>> dicts) {
    if (kind == CREATED || kind == DELETED) {
      int n = inSegment(seg, m.size);
      ByteBuffer bb = openChunk(b, n);
      expectRemaining(bb, n * 8);
      long[] a = new long[Column.SEG];
      bb.asLongBuffer().get(a, 0, n);
      (kind == CREATED ? ec.created : ec.deleted)[seg] = a;
      return;
    }
    int c = (kind - 2) / 2;
    Column col = ec.columns[c];
    if (isDict(kind)) {
      int n = inSegment(seg, m.dictSizes[c]);
      openChunk(b, n);
      List<Value> vs = io.decodeValues(b, 8);
      if (vs.size() != n) {
        throw new IllegalArgumentException("dictionary chunk holds " + vs.size() + " values");
      }
      dicts.get(c).addAll(vs);
      return;
    }
    int n = inSegment(seg, m.size);
    ByteBuffer bb = openChunk(b, n);
    int words = (n + 63) >>> 6;
    long[] nulls = new long[Column.SEG / 64];
    for (int w = 0; w < words; w++) {
      nulls[w] = bb.getLong();
    }
    col.nulls[seg] = nulls;
    col.allocate(seg);
    if (col instanceof LongColumn lc) {
      expectRemaining(bb, n * 8);
      bb.asLongBuffer().get(lc.data[seg], 0, n);
    } else if (col instanceof DoubleColumn dc) {
      expectRemaining(bb, n * 8);
      bb.asDoubleBuffer().get(dc.data[seg], 0, n);
    } else if (col instanceof DictColumn cc) {
      expectRemaining(bb, n * 4);
      bb.asIntBuffer().get(cc.codes[seg], 0, n);
    } else {
      ValueColumn vc = (ValueColumn) col;
      List<Value> vs = io.decodeValues(b, bb.position());
      if (vs.size() != n) {
        throw new IllegalArgumentException("value chunk holds " + vs.size() + " values");
      }
      for (int i = 0; i < n; i++) {
        Value v = vs.get(i);
        boolean isNull = (nulls[i >>> 6] & (1L << i)) != 0;
        if (v.isNull() != isNull) {
          throw new IllegalArgumentException("null bitmap disagrees with the values");
        }
        vc.data[seg][i] = isNull ? null : v;
      }
    }
  }

  private static void expectRemaining(ByteBuffer bb, int n) {
    if (bb.remaining() != n) {
      throw new IllegalArgumentException("chunk body of " + bb.remaining() + " bytes, not " + n);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // load

  /**
   * The columns a checkpoint holds, for {@code def} (the entity as declared at the checkpoint's
   * schema version, whose fingerprint the caller checked), serving views from the checkpoint's base
   * to its LSN. Throws on any inconsistency (missing chunk, checksum, decoding, invariants).
   */
  public static EntityColumns load(ColumnStore.Checkpoints io, Meta m, EntityDef def) {
    EntityColumns ec = new EntityColumns(def, m.schemaVersion, m.lineage);
    if (ec.columns.length != m.columnKinds.length) {
      throw new IllegalArgumentException("checkpoint has " + m.columnKinds.length + " columns");
    }
    List<List<Value>> dicts = new ArrayList<>();
    for (int c = 0; c < ec.columns.length; c++) {
      if (kindOf(ec.columns[c]) != m.columnKinds[c]
          || (ec.columns[c] instanceof DictColumn) != (m.dictSizes[c] >= 0)) {
        throw new IllegalArgumentException("column " + c + " has another kind");
      }
      dicts.add(new ArrayList<>());
    }
    String name = def.name();
    for (int kind = 0; kind < m.gens.length; kind++) {
      for (int seg = 0; seg < m.gens[kind].length; seg++) {
        byte[] b = io.chunks().get(chunkKey(name, m.gens[kind][seg], kind, seg));
        if (b == null) {
          throw new IllegalArgumentException("checkpoint chunk " + kind + "/" + seg + " missing");
        }
        decodeChunk(io, ec, kind, seg, b, m, dicts);
      }
    }
    int[] dictSizes = new int[ec.columns.length];
    for (int c = 0; c < ec.columns.length; c++) {
      if (ec.columns[c] instanceof DictColumn dc) {
        if (!dc.restore(dicts.get(c))) {
          throw new IllegalArgumentException("dictionary of column " + c + " is inconsistent");
        }
        dictSizes[c] = dicts.get(c).size();
      }
    }
    for (int s = 0; s < m.size; s++) {
      int seg = s >>> Column.SEG_BITS;
      int off = s & Column.SEG_MASK;
      long created = ec.created[seg][off];
      long deleted = ec.deleted[seg][off];
      if (created > m.lsn || deleted <= created || (deleted > m.lsn && deleted != Long.MAX_VALUE)) {
        throw new IllegalArgumentException("slot " + s + " has an impossible visibility range");
      }
      for (int c = 0; c < ec.columns.length; c++) {
        if (ec.columns[c] instanceof DictColumn dc && !dc.isNull(s)) {
          int code = dc.codes[seg][off];
          if (code < 0 || code >= dictSizes[c]) {
            throw new IllegalArgumentException("slot " + s + " has an unknown dictionary code");
          }
        }
      }
      if (deleted == Long.MAX_VALUE) {
        Value id = ec.columns[ec.identity].get(s);
        if (id.isNull() || ec.live.put(ec.key(id), s) != null) {
          throw new IllegalArgumentException("slot " + s + " has a missing or duplicate identity");
        }
      } else {
        ec.dead++;
      }
    }
    ec.size = m.size;
    ec.lsn = m.lsn;
    ec.base = m.base;
    ec.checkpointedLsn = m.lsn;
    ec.checkpointedNanos = System.nanoTime();
    ec.publish();
    return ec;
  }

  // ---------------------------------------------------------------------------------------------
  // write

  /**
   * A slice task (for the store's writer thread) checkpointing {@code todo} in order, at most about
   * {@code sliceBytes} of chunks per slice, and first dropping the checkpoints of entities the
   * schema no longer has. {@code written} counts the entity checkpoints completed.
   */
  public static BooleanSupplier writer(
      ColumnStore.Checkpoints io, List<EntityColumns> todo, int sliceBytes, AtomicLong written) {
    return new Writer(io, new ArrayList<>(todo), sliceBytes, written);
  }

  private static final class Plan {
    EntityColumns ec;
    Meta next;
    final List<int[]> jobs = new ArrayList<>();
    final List<byte[]> obsolete = new ArrayList<>();
    int done;
  }

  private static final class Writer implements BooleanSupplier {
    private final ColumnStore.Checkpoints io;
    private final List<EntityColumns> todo;
    private final int sliceBytes;
    private final AtomicLong written;
    private boolean droppedUnknown;
    private Plan plan;

    Writer(
        ColumnStore.Checkpoints io, List<EntityColumns> todo, int sliceBytes, AtomicLong written) {
      this.io = io;
      this.todo = todo;
      this.sliceBytes = sliceBytes;
      this.written = written;
    }

    @Override
    public boolean getAsBoolean() {
      if (!droppedUnknown) {
        droppedUnknown = true;
        dropUnknownEntities();
      }
      long budget = sliceBytes;
      while (true) {
        if (plan == null) {
          if (todo.isEmpty()) {
            return true;
          }
          plan = plan(todo.remove(0));
        } else if (plan.done < plan.jobs.size()) {
          if (budget <= 0) {
            return false;
          }
          int[] job = plan.jobs.get(plan.done++);
          Meta m = plan.next;
          byte[] v = encodeChunk(io, plan.ec, job[0], job[1], m);
          io.chunks().put(chunkKey(plan.ec.def.name(), m.gen, job[0], job[1]), v);
          budget -= v.length;
        } else {
          finish(plan);
          plan = null;
        }
      }
    }

    private void dropUnknownEntities() {
      Set<String> keep = io.entities();
      List<String> drop = new ArrayList<>();
      for (byte[] k = io.meta().higherKey(new byte[0]); k != null; k = io.meta().higherKey(k)) {
        String name = new String(k, StandardCharsets.UTF_8);
        if (!keep.contains(name)) {
          drop.add(name);
        }
      }
      for (String name : drop) {
        io.meta().remove(entityKey(name));
        removeChunksFrom(name, 0);
      }
    }

    /** Removes the chunks of {@code entity} with a generation of at least {@code gen}. */
    private void removeChunksFrom(String entity, long gen) {
      byte[] p = prefix(entity);
      byte[] k = ByteBuffer.allocate(p.length + 8).put(p).putLong(gen).array();
      List<byte[]> remove = new ArrayList<>();
      for (k = io.chunks().higherKey(k); k != null && startsWith(k, p); ) {
        remove.add(k);
        k = io.chunks().higherKey(k);
      }
      remove.forEach(io.chunks()::remove);
    }

    /** What to write for {@code ec}, or null when nothing is to be done. */
    private Plan plan(EntityColumns ec) {
      EntityColumns.Published p = ec.published();
      if (ec.stale() || ec.checkpointedLsn >= p.lsn()) {
        return null;
      }
      String name = ec.def.name();
      Meta old;
      try {
        old = readMeta(io, name);
      } catch (RuntimeException e) {
        old = null; // unreadable: replaced wholesale
      }
      // chunks of a checkpoint whose meta entry never got committed (or of an unreadable one)
      removeChunksFrom(name, old == null ? 0 : old.gen + 1);

      Meta m = new Meta();
      m.lineage = ec.lineage;
      m.schemaVersion = ec.schemaVersion;
      m.fingerprint = fingerprint(ec.def);
      m.lsn = p.lsn();
      m.base = p.base();
      m.size = p.size();
      m.gen = old == null ? 1 : old.gen + 1;
      int cols = ec.columns.length;
      m.columnKinds = new byte[cols];
      m.dictSizes = new int[cols];
      for (int c = 0; c < cols; c++) {
        m.columnKinds[c] = kindOf(ec.columns[c]);
        m.dictSizes[c] = ec.columns[c] instanceof DictColumn dc ? dc.dictSize() : -1;
      }
      boolean incremental =
          old != null
              && old.lineage == m.lineage
              && old.schemaVersion == m.schemaVersion
              && old.lsn <= m.lsn
              && old.size <= m.size
              && Arrays.equals(old.columnKinds, m.columnKinds);
      for (int c = 0; incremental && c < cols; c++) {
        incremental = old.dictSizes[c] <= m.dictSizes[c];
      }
      Plan plan = new Plan();
      plan.ec = ec;
      plan.next = m;
      m.gens = new long[2 + 2 * cols][];
      for (int kind = 0; kind < m.gens.length; kind++) {
        boolean dict = isDict(kind);
        int n = dict ? m.dictSizes[(kind - 2) / 2] : m.size;
        int oldN = !incremental ? 0 : dict ? old.dictSizes[(kind - 2) / 2] : old.size;
        m.gens[kind] = new long[dict && n < 0 ? 0 : segments(n)];
        for (int seg = 0; seg < m.gens[kind].length; seg++) {
          boolean dirty =
              !incremental
                  || seg >= old.gens[kind].length
                  || Math.min((seg + 1) * Column.SEG, n) > oldN
                  || (kind == DELETED && ec.killedMax[seg] > old.lsn);
          if (dirty) {
            m.gens[kind][seg] = m.gen;
            plan.jobs.add(new int[] {kind, seg});
          } else {
            m.gens[kind][seg] = old.gens[kind][seg];
          }
        }
      }
      if (old != null) {
        for (int kind = 0; kind < old.gens.length; kind++) {
          for (int seg = 0; seg < old.gens[kind].length; seg++) {
            if (kind >= m.gens.length
                || seg >= m.gens[kind].length
                || m.gens[kind][seg] != old.gens[kind][seg]) {
              plan.obsolete.add(chunkKey(name, old.gens[kind][seg], kind, seg));
            }
          }
        }
      }
      return plan;
    }

    /** The meta entry last, with the removal of what it superseded: one atomic store commit. */
    private void finish(Plan plan) {
      EntityColumns ec = plan.ec;
      io.meta().put(entityKey(ec.def.name()), encodeMeta(plan.next));
      plan.obsolete.forEach(io.chunks()::remove);
      ec.checkpointedNanos = System.nanoTime();
      ec.checkpointedLsn = plan.next.lsn;
      written.incrementAndGet();
    }
  }

  /** For tests: the chunk keys a checkpoint's metadata names, in load order. */
  public static List<byte[]> chunkKeys(ColumnStore.Checkpoints io, String entity) {
    Meta m = readMeta(io, entity);
    List<byte[]> out = new ArrayList<>();
    if (m != null) {
      for (int kind = 0; kind < m.gens.length; kind++) {
        for (int seg = 0; seg < m.gens[kind].length; seg++) {
          out.add(chunkKey(entity, m.gens[kind][seg], kind, seg));
        }
      }
    }
    return out;
  }
}
