package io.ormdb.store.columnar.internal;

import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;

/** float32 and float64 values as {@code double}s (float32 widens exactly). */
final class DoubleColumn extends Column {
  final double[][] data = new double[MAX_SEGS][];

  DoubleColumn(FieldDef field) {
    super(field);
  }

  @Override
  void allocate(int seg) {
    data[seg] = new double[SEG];
  }

  @Override
  void store(int seg, int off, Value v) {
    if (v.type() != type) {
      throw mismatch(this, v);
    }
    data[seg][off] = v.asDouble();
  }

  static Value decode(ValueType type, double d) {
    return type == ValueType.FLOAT32 ? new Value.Float32((float) d) : new Value.Float64(d);
  }

  @Override
  Value value(int seg, int off) {
    return decode(type, data[seg][off]);
  }
}
