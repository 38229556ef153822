package io.ormdb.store.columnar.internal;

import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The columns of one entity: one slot per row version, append-only, each with the LSN that created
 * it and the LSN that deleted (or replaced) it. A view at LSN {@code L} sees slot {@code s} iff
 * {@code created[s] <= L < deleted[s]}, so one state consistent at LSN {@code C} serves every view
 * with {@code base <= L <= C}.
 *
 * <p>Virtual computed fields have no column ({@code AggregateExecutor} scans rows for aggregates
 * that read them).
 *
 * <p>Threading: one maintainer at a time (the caller serializes {@link #apply}, {@link #publish}
 * and {@link #compacted}); readers take {@link #published()} once and read only slots below its
 * size, without locks. A maintainer only appends past the published size or overwrites a slot's
 * deleted LSN with one greater than the published LSN, which no reader of that state can tell apart
 * from "still live".
 */
public final class EntityColumns {
  /** What readers may use: slots {@code [0, size)}, views {@code base <= L <= lsn}. */
  public record Published(int size, long lsn, long base) {}

  final EntityDef def;
  final long schemaVersion;
  final Column[] columns;
  final Map<String, Column> byName = new HashMap<>();
  final int identity;
  final long[][] created = new long[Column.MAX_SEGS][];
  final long[][] deleted = new long[Column.MAX_SEGS][];

  /** Per segment, the largest LSN a slot of it was deleted at (what a checkpoint must rewrite). */
  final long[] killedMax = new long[Column.MAX_SEGS];

  final Map<Value, Integer> live = new HashMap<>();
  int size;
  long dead;
  long lsn;
  long base;
  private volatile Published published;

  /**
   * Identifies this slot numbering: new for a build or a compaction, kept by a checkpoint load. A
   * checkpoint of the same lineage can be updated segment by segment.
   */
  final long lineage;

  /** The applied LSN of the newest checkpoint of these columns; -1 when none was written. */
  volatile long checkpointedLsn = -1;

  /** {@link System#nanoTime()} when that checkpoint was written or loaded. */
  volatile long checkpointedNanos;

  /** True once the changelog moved to a schema this entity's columns no longer describe. */
  boolean stale;

  EntityColumns(EntityDef def, long schemaVersion, long lineage) {
    this.def = def;
    this.schemaVersion = schemaVersion;
    this.lineage = lineage;
    // virtual computed fields are not stored, and change events do not carry them: no column
    List<FieldDef> stored = def.fields().stream().filter(f -> !f.isVirtual()).toList();
    this.columns = new Column[stored.size()];
    int id = -1;
    for (int i = 0; i < columns.length; i++) {
      FieldDef f = stored.get(i);
      columns[i] = Column.of(f);
      byName.put(f.name(), columns[i]);
      if (f.name().equals(def.identityField())) {
        id = i;
      }
    }
    this.identity = id;
  }

  /**
   * Builds the columns of {@code entity} from a scan of {@code view}: consistent at, and serving
   * views from, the view's LSN. Throws {@link Column.UnsupportedValue} when a value does not fit
   * its column.
   */
  public static EntityColumns build(ReadView view, EntityDef entity) {
    EntityColumns ec = new EntityColumns(entity, view.schema().version(), newLineage());
    for (Iterator<Row> it = view.scan(entity.name()); it.hasNext(); ) {
      Row r = it.next();
      ec.append(r.fields(), r.version());
    }
    ec.lsn = view.lsn();
    ec.base = view.lsn();
    ec.publish();
    return ec;
  }

  static long newLineage() {
    return java.util.concurrent.ThreadLocalRandom.current().nextLong();
  }

  /** The applied LSN of the newest checkpoint written or loaded for these columns, or -1. */
  public long checkpointedLsn() {
    return checkpointedLsn;
  }

  /** When that checkpoint was written or loaded ({@link System#nanoTime()}). */
  public long checkpointedNanos() {
    return checkpointedNanos;
  }

  public EntityDef def() {
    return def;
  }

  public long schemaVersion() {
    return schemaVersion;
  }

  public Published published() {
    return published;
  }

  /** The LSN the maintainer has applied up to (may be ahead of the published one). */
  public long appliedLsn() {
    return lsn;
  }

  public boolean stale() {
    return stale;
  }

  public void markStale() {
    stale = true;
  }

  /** Makes everything applied so far visible to readers. */
  public void publish() {
    published = new Published(size, lsn, base);
  }

  /** Records that the changelog is applied through {@code lsn} (no event of this entity in it). */
  public void advance(long lsn) {
    this.lsn = lsn;
  }

  /**
   * Applies one event of this entity at its batch's LSN. Returns false when the event does not fit
   * the columns' state (an update of a row they do not hold): the columns must then be rebuilt.
   */
  public boolean apply(ChangeEvent e) {
    Value id = key(e.id());
    switch (e.op()) {
      case CREATE:
        if (live.containsKey(id)) {
          return false;
        }
        append(e.after(), e.lsn());
        return true;
      case UPDATE:
        {
          Integer s = live.get(id);
          if (s == null) {
            return false;
          }
          kill(s, e.lsn());
          append(e.after(), e.lsn());
          return true;
        }
      case DELETE:
        {
          Integer s = live.remove(id);
          if (s == null) {
            return false;
          }
          kill(s, e.lsn());
          return true;
        }
      default:
        return true;
    }
  }

  Value key(Value id) {
    return Values.convert(id, def.identity().type().base());
  }

  private void kill(int s, long at) {
    int seg = s >>> Column.SEG_BITS;
    killedMax[seg] = Math.max(killedMax[seg], at);
    deleted[seg][s & Column.SEG_MASK] = at;
    dead++;
  }

  private void append(Map<String, Value> fields, long createdLsn) {
    int s = size;
    int seg = s >>> Column.SEG_BITS;
    if (seg >= Column.MAX_SEGS) {
      throw new Column.UnsupportedValue("entity " + def.name() + " has too many row versions");
    }
    if (created[seg] == null) {
      created[seg] = new long[Column.SEG];
      deleted[seg] = new long[Column.SEG];
    }
    Value id = null;
    for (int i = 0; i < columns.length; i++) {
      FieldDef f = columns[i].field;
      Value v = fields.get(f.name());
      if (v == null) {
        v = absent(f);
      }
      columns[i].set(s, v);
      if (i == identity) {
        id = key(v);
      }
    }
    created[seg][s & Column.SEG_MASK] = createdLsn;
    deleted[seg][s & Column.SEG_MASK] = Long.MAX_VALUE;
    live.put(id, s);
    size = s + 1;
  }

  /** What a field missing from a row image reads as: its literal default, else null. */
  static Value absent(FieldDef f) {
    if (f.defaultValue() instanceof DefaultValue.Literal l) {
      return f.type().array() ? l.value() : Values.convert(l.value(), f.type().base());
    }
    return Value.NULL;
  }

  /**
   * The rows of the published state's newest LSN, by identity (converted to the identity's type),
   * each as field name → value: what a view at that LSN sees. For checks; copies every value.
   */
  public Map<Value, Map<String, Value>> liveRows() {
    Map<Value, Map<String, Value>> out = new java.util.LinkedHashMap<>();
    Published p = published;
    for (int s = 0; s < p.size(); s++) {
      int seg = s >>> Column.SEG_BITS;
      int off = s & Column.SEG_MASK;
      if (created[seg][off] > p.lsn() || deleted[seg][off] <= p.lsn()) {
        continue;
      }
      Map<String, Value> row = new java.util.LinkedHashMap<>();
      for (Column c : columns) {
        row.put(c.field.name(), c.get(s));
      }
      out.put(key(columns[identity].get(s)), row);
    }
    return out;
  }

  /** How many slots no view at or after {@code horizon} can see. */
  public long deadSlots() {
    return dead;
  }

  public int size() {
    return size;
  }

  /**
   * A copy without the slots deleted at or before {@code horizon} (no view at or after it sees
   * them), serving views from {@code horizon} on. The copy continues where this one stops; this one
   * must not be maintained any more (readers still using it are unaffected).
   */
  public EntityColumns compacted(long horizon) {
    EntityColumns c = new EntityColumns(def, schemaVersion, newLineage());
    List<Integer> keep = new ArrayList<>();
    for (int s = 0; s < size; s++) {
      if (deleted[s >>> Column.SEG_BITS][s & Column.SEG_MASK] > horizon) {
        keep.add(s);
      }
    }
    Map<String, Value> row = new HashMap<>();
    for (int s : keep) {
      row.clear();
      for (Column col : columns) {
        row.put(col.field.name(), col.get(s));
      }
      long del = deleted[s >>> Column.SEG_BITS][s & Column.SEG_MASK];
      c.append(row, created[s >>> Column.SEG_BITS][s & Column.SEG_MASK]);
      if (del != Long.MAX_VALUE) {
        int t = c.size - 1;
        c.live.remove(c.key(c.columns[identity].get(t)), t);
        c.kill(t, del);
      }
    }
    c.lsn = lsn;
    c.base = Math.max(base, horizon);
    c.stale = stale;
    c.publish();
    return c;
  }

  @Override
  public String toString() {
    return def.name() + Arrays.asList(size, lsn, base);
  }
}
