package io.ormdb.store.query;

import io.ormdb.protocol.value.Value;
import java.util.List;

/**
 * A batch of rows given column by column: {@code values.get(c)[r]} is the value of column {@code c}
 * in row {@code r}. Every column array has {@code size} meaningful entries.
 */
public record ColumnBatch(int size, List<Value[]> values) {
  public ColumnBatch {
    values = List.copyOf(values);
    for (Value[] column : values) {
      if (column.length < size) {
        throw new IllegalArgumentException("column shorter than the batch size " + size);
      }
    }
  }

  public Value value(int column, int row) {
    return values.get(column)[row];
  }
}
