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

  public static byte[] encode(Map<String, Integer> fieldIds, int state, Map<String, Value> fields) {
    if (state == DELETED) {
      return TOMBSTONE;
    }
    Buf out = Buf.scratch();
    out.put(state).putVarInt(fields.size());
    if (fields instanceof FieldMap m) {
      // by slot: no entry objects (inserted rows are FieldMaps)
      for (int i = 0; i < m.size(); i++) {
        out.putVarInt(fieldIds.get(m.nameAt(i)));
        ValueCodec.write(m.valueAt(i), out);
      }
      return out.toBytes();
    }
    for (Map.Entry<String, Value> f : fields.entrySet()) {
      out.putVarInt(fieldIds.get(f.getKey()));
      ValueCodec.write(f.getValue(), out);
    }
    return out.toBytes();
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
    Map<String, Value> fields = new FieldMap(layout, values);
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
