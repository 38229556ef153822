package io.ormdb.store.query.internal;

import io.ormdb.protocol.schema.SchemaBundle;
import java.util.List;

/**
 * A graph query checked against the schema: every name resolved, filters bound, cursors decoded.
 *
 * @param levels root first, then includes with every parent before its children
 * @param shapeKey the plan cache key: the query's shape (no literals) plus the schema version
 * @param aggregates the levels' aggregates over relations, one group per level and relation
 */
public record ResolvedQuery(
    SchemaBundle schema, List<Level> levels, String shapeKey, List<AggregateGroup> aggregates) {
  public ResolvedQuery {
    levels = List.copyOf(levels);
    aggregates = List.copyOf(aggregates);
  }

  /** A query without aggregates. */
  public ResolvedQuery(SchemaBundle schema, List<Level> levels, String shapeKey) {
    this(schema, levels, shapeKey, List.of());
  }

  /** How many aggregate columns level {@code level} returns after its fields. */
  public int aggregateColumns(int level) {
    int n = 0;
    for (AggregateGroup g : aggregates) {
      if (g.level() == level) {
        n += g.aggregates().size();
      }
    }
    return n;
  }

  public Level root() {
    return levels.get(0);
  }
}
