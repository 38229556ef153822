package io.ormdb.protocol.result;

import io.ormdb.protocol.value.Value;
import java.util.List;
import java.util.Objects;

/**
 * The rows of one result level, column by column. Each distinct row appears once per block, even
 * when several parents link to it.
 *
 * @param path "" for the root block, else the include path
 * @param entity the entity of the rows
 * @param ids identity of each row
 * @param versions each row's version (for optimistic concurrency: pass as expected version)
 * @param columns one column per returned field
 */
public record EntityBlock(
    String path, String entity, List<Value> ids, List<Long> versions, List<Column> columns) {
  public EntityBlock {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(entity, "entity");
    ids = List.copyOf(ids);
    versions = List.copyOf(versions);
    columns = List.copyOf(columns);
  }

  public int size() {
    return ids.size();
  }

  public Column column(String name) {
    for (Column c : columns) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }
}
