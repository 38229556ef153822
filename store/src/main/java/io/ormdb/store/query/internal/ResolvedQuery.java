package io.ormdb.store.query.internal;

import io.ormdb.protocol.schema.SchemaBundle;
import java.util.List;

/**
 * A graph query checked against the schema: every name resolved, filters bound, cursors decoded.
 *
 * @param levels root first, then includes with every parent before its children
 * @param shapeKey the plan cache key: the query's shape (no literals) plus the schema version
 */
public record ResolvedQuery(SchemaBundle schema, List<Level> levels, String shapeKey) {
  public ResolvedQuery {
    levels = List.copyOf(levels);
  }

  public Level root() {
    return levels.get(0);
  }
}
