package io.ormdb.store.columnar.internal;

import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;

/** int32, int64, timestamp, date and bool values as {@code long}s (bool: 0 or 1). */
final class LongColumn extends Column {
  final long[][] data = new long[MAX_SEGS][];

  LongColumn(FieldDef field) {
    super(field);
  }

  @Override
  void allocate(int seg) {
    data[seg] = new long[SEG];
  }

  @Override
  void store(int seg, int off, Value v) {
    if (v.type() != type) {
      throw mismatch(this, v);
    }
    data[seg][off] = encode(type, v);
  }

  /** The long for a value of {@code type}; the caller checks the value has that type. */
  static long encode(ValueType type, Value v) {
    switch (v.type()) {
      case INT32:
      case INT64:
        return v.asLong();
      case TIMESTAMP:
        return ((Value.Timestamp) v).micros();
      case DATE:
        return ((Value.Date) v).epochDay();
      case BOOL:
        return v.asBool() ? 1 : 0;
      default:
        return 0;
    }
  }

  static Value decode(ValueType type, long x) {
    switch (type) {
      case INT32:
        return new Value.Int32((int) x);
      case INT64:
        return new Value.Int64(x);
      case TIMESTAMP:
        return new Value.Timestamp(x);
      case DATE:
        return new Value.Date((int) x);
      case BOOL:
        return new Value.Bool(x != 0);
      default:
        throw new IllegalStateException("not a long column type: " + type);
    }
  }

  @Override
  Value value(int seg, int off) {
    return decode(type, data[seg][off]);
  }
}
