package io.ormdb.protocol.result;

import io.ormdb.protocol.value.Value;
import java.util.List;
import java.util.Objects;

/** The values of one field for every row of a block, in row order. */
public record Column(String name, List<Value> values) {
  public Column {
    Objects.requireNonNull(name, "name");
    values = List.copyOf(values);
  }
}
