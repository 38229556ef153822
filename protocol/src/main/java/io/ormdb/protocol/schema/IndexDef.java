package io.ormdb.protocol.schema;

import java.util.List;
import java.util.Objects;

/**
 * A secondary index over one or more fields, in order.
 *
 * @param kind HASH serves equality only; BTREE also serves ranges, prefix {@code like} and order by
 * @param unique refuse two live rows with equal keys (nulls excepted)
 */
public record IndexDef(String name, String entity, List<String> fields, Kind kind, boolean unique) {
  public IndexDef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(entity, "entity");
    fields = List.copyOf(fields);
    kind = kind == null ? Kind.BTREE : kind;
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("index " + name + " has no fields");
    }
  }

  public enum Kind {
    HASH,
    BTREE
  }
}
