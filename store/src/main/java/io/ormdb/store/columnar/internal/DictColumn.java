package io.ormdb.store.columnar.internal;

import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.value.Value;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * String, enum and uuid values dictionary-coded as {@code int}s: code {@code c} stands for {@code
 * dictionary()[c]}. Codes are handed out in order of first appearance and never change; for these
 * types equal values are exactly the values that compare equal, so codes also serve as group keys.
 */
final class DictColumn extends Column {
  final int[][] codes = new int[MAX_SEGS][];
  private final Map<Value, Integer> codeOf = new HashMap<>();

  /** Replaced by a larger copy when full; entries below the published size never change. */
  private volatile Value[] dict = new Value[16];

  /** Written after the entry and the array it is in (readers other than aggregates use it). */
  private volatile int dictSize;

  DictColumn(FieldDef field) {
    super(field);
  }

  @Override
  void allocate(int seg) {
    codes[seg] = new int[SEG];
  }

  @Override
  void store(int seg, int off, Value v) {
    if (v.type() != type) {
      throw mismatch(this, v);
    }
    Integer c = codeOf.get(v);
    if (c == null) {
      c = dictSize;
      Value[] d = dict;
      if (c == d.length) {
        d = Arrays.copyOf(d, d.length * 2);
      }
      d[c] = v;
      dict = d;
      dictSize++;
      codeOf.put(v, c);
    }
    codes[seg][off] = c;
  }

  /**
   * The dictionary as of now: every code stored at a published slot has its value here; entries
   * past the last used code are null.
   */
  Value[] dictionary() {
    return dict;
  }

  /** How many codes are handed out; {@link #dictionary()} read afterwards holds all of them. */
  int dictSize() {
    return dictSize;
  }

  /** Sets the dictionary of a column being restored (nothing stored yet); false on duplicates. */
  boolean restore(List<Value> values) {
    Value[] d = new Value[Math.max(16, values.size())];
    for (int c = 0; c < values.size(); c++) {
      Value v = values.get(c);
      if (v.type() != type || codeOf.putIfAbsent(v, c) != null) {
        return false;
      }
      d[c] = v;
    }
    dict = d;
    dictSize = values.size();
    return true;
  }

  @Override
  Value value(int seg, int off) {
    return dict[codes[seg][off]];
  }
}
