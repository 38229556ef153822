package io.ormdb.store.columnar.internal;

import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.value.Value;

/** Decimal, bytes, json and array values, boxed. */
final class ValueColumn extends Column {
  final Value[][] data = new Value[MAX_SEGS][];

  ValueColumn(FieldDef field) {
    super(field);
  }

  @Override
  void allocate(int seg) {
    data[seg] = new Value[SEG];
  }

  @Override
  void store(int seg, int off, Value v) {
    data[seg][off] = v;
  }

  @Override
  Value value(int seg, int off) {
    return data[seg][off];
  }
}
