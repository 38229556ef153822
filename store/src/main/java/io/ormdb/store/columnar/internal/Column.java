package io.ormdb.store.columnar.internal;

import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;

/**
 * One field's values, one entry per slot, in fixed-size segments with a null bitmap. Written by the
 * single maintainer only at slots not yet published; read by any number of aggregates at slots
 * below the published size (the segment directory never moves, so readers need no lock).
 */
abstract class Column {
  static final int SEG_BITS = 16;
  static final int SEG = 1 << SEG_BITS;
  static final int SEG_MASK = SEG - 1;
  static final int MAX_SEGS = 1 << 12;

  final FieldDef field;
  final ValueType type;
  final long[][] nulls = new long[MAX_SEGS][];

  Column(FieldDef field) {
    this.field = field;
    this.type = field.type().base();
  }

  /** The column for {@code field}: primitive when its type allows, else boxed values. */
  static Column of(FieldDef field) {
    if (field.type().array()) {
      return new ValueColumn(field);
    }
    switch (field.type().base()) {
      case INT32:
      case INT64:
      case TIMESTAMP:
      case DATE:
      case BOOL:
        return new LongColumn(field);
      case FLOAT32:
      case FLOAT64:
        return new DoubleColumn(field);
      case STRING:
      case ENUM:
      case UUID:
        return new DictColumn(field);
      default:
        return new ValueColumn(field);
    }
  }

  /** Stores {@code v} at a new slot; {@link UnsupportedValue} when the value does not fit. */
  final void set(int slot, Value v) {
    int seg = slot >>> SEG_BITS;
    if (nulls[seg] == null) {
      nulls[seg] = new long[SEG / 64];
      allocate(seg);
    }
    if (v.isNull()) {
      nulls[seg][(slot & SEG_MASK) >>> 6] |= 1L << slot;
      return;
    }
    store(seg, slot & SEG_MASK, v);
  }

  final boolean isNull(int slot) {
    return (nulls[slot >>> SEG_BITS][(slot & SEG_MASK) >>> 6] & (1L << slot)) != 0;
  }

  final Value get(int slot) {
    return isNull(slot) ? Value.NULL : value(slot >>> SEG_BITS, slot & SEG_MASK);
  }

  abstract void allocate(int seg);

  abstract void store(int seg, int off, Value v);

  /** The non-null value at a slot. */
  abstract Value value(int seg, int off);

  /** Raised when a stored value's kind does not match its column (the entity then falls back). */
  static final class UnsupportedValue extends RuntimeException {
    UnsupportedValue(String message) {
      super(message, null, false, false);
    }
  }

  static UnsupportedValue mismatch(Column c, Value v) {
    return new UnsupportedValue(
        "field " + c.field.name() + " of type " + c.type + " holds a " + v.type());
  }
}
