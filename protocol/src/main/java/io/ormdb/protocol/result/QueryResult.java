package io.ormdb.protocol.result;

import java.util.List;

/**
 * A graph query's answer: the root block first, then one block per include path, plus the edges.
 *
 * @param hasMore the root page was cut by its limit
 * @param nextCursor a cursor to the next root page when {@code hasMore}, else null
 * @param snapshotLsn the changelog position the whole graph was read at
 */
public record QueryResult(
    List<EntityBlock> entities,
    List<EdgeBlock> edges,
    boolean hasMore,
    String nextCursor,
    long snapshotLsn) {
  public QueryResult {
    entities = List.copyOf(entities);
    edges = List.copyOf(edges);
  }

  public EntityBlock root() {
    return entities.get(0);
  }

  public EntityBlock block(String path) {
    for (EntityBlock b : entities) {
      if (b.path().equals(path)) {
        return b;
      }
    }
    return null;
  }

  public EdgeBlock edges(String path) {
    for (EdgeBlock b : edges) {
      if (b.path().equals(path)) {
        return b;
      }
    }
    return null;
  }

  public int totalRows() {
    int n = 0;
    for (EntityBlock b : entities) {
      n += b.size();
    }
    return n;
  }
}
