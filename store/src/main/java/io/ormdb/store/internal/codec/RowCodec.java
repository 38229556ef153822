package io.ormdb.store.internal.codec;

import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import java.util.Map;

/**
 * The stored form of one row version: a state byte (live, deleted, soft-deleted), then the field
 * count and {@code (fieldId, value)} pairs. Field ids come from the catalog and are never reused,
 * so rows written under older schema versions decode under newer ones (a field added later reads as
 * its literal default, or null).
 */
public final class RowCodec {
  private RowCodec() {}

  public static final int LIVE = 0;
  public static final int DELETED = 1;
  public static final int SOFT_DELETED = 2;

  private static final byte[] TOMBSTONE = {DELETED};

  /** A decoded row version. {@code fields} holds every declared field. */
  public record RowData(int state, long version, Map<String, Value> fields) {
    public boolean live() {
      return state == LIVE;
    }
  }

  /**
   * The stored form of a row: its fields that have an id in {@code fieldIds}; the others (virtual
   * computed fields, computed when the row is read) are left out.
   */
  public static byte[] encode(Map<String, Integer> fieldIds, int state, Map<String, Value> fields) {
    if (state == DELETED) {
      return TOMBSTONE;
    }
    Buf out = Buf.scratch();
    out.put(state).putVarInt(stored(fieldIds, fields));
    if (fields instanceof FieldMap m) {
      // by slot: no entry objects (inserted rows are FieldMaps)
      for (int i = 0; i < m.size(); i++) {
        Integer id = fieldIds.get(m.nameAt(i));
        if (id != null) {
          out.putVarInt(id);
          ValueCodec.write(m.valueAt(i), out);
        }
      }
      return out.toBytes();
    }
    for (Map.Entry<String, Value> f : fields.entrySet()) {
      Integer id = fieldIds.get(f.getKey());
      if (id != null) {
        out.putVarInt(id);
        ValueCodec.write(f.getValue(), out);
      }
    }
    return out.toBytes();
  }

  /** How many of {@code fields} have an id (all of them unless the entity has virtual fields). */
  private static int stored(Map<String, Integer> fieldIds, Map<String, Value> fields) {
    if (fieldIds.size() == fields.size() && fields instanceof FieldMap) {
      return fields.size(); // a row of the entity's layout, which has no virtual fields
    }
    int n = 0;
    for (String name : fields.keySet()) {
      if (fieldIds.containsKey(name)) {
        n++;
      }
    }
    return n;
  }

  public static int state(byte[] stored) {
    return stored[0];
  }

  public static RowData decode(FieldMap.Layout layout, byte[] stored, long version) {
    int state = stored[0];
    if (state == DELETED) {
      return new RowData(DELETED, version, Map.of());
    }
    Buf.In in = new Buf.In(stored, 1);
    int n = in.getVarInt();
    Value[] values = layout.absent.clone();
    for (int i = 0; i < n; i++) {
      int slot = layout.slot(in.getVarInt());
      Value v = ValueCodec.read(in);
      if (slot >= 0) {
        values[slot] = v;
      }
    }
    FieldMap fields = new FieldMap(layout, values);
    layout.compute(values, fields);
    return new RowData(state, version, fields);
  }

  /** What a field absent from a stored row reads as: its literal default, else null. */
  public static Value absent(FieldDef f) {
    if (f.defaultValue() instanceof DefaultValue.Literal l && !f.type().array()) {
      return Values.convert(l.value(), f.type().base());
    }
    if (f.defaultValue() instanceof DefaultValue.Literal l) {
      return l.value();
    }
    return Value.NULL;
  }
}
