package io.ormdb.store.view;

import io.ormdb.protocol.value.Value;
import java.util.Map;
import java.util.Objects;

/**
 * One live row as a read sees it at a snapshot.
 *
 * @param id the identity value
 * @param version the row's version: the LSN of the batch that last wrote it
 * @param fields every declared field (absent optional fields are {@link Value#NULL}), identity
 *     included
 */
public record Row(Value id, long version, Map<String, Value> fields) {
  public Row {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(fields, "fields");
  }

  public Value get(String field) {
    Value v = fields.get(field);
    return v == null ? Value.NULL : v;
  }
}
