package io.ormdb.store.query.internal;

import java.util.List;

/**
 * The cached part of a graph query's plan: the root's access path and each include's join, by level
 * index (entry 0 of {@code joins} is null: the root has no join).
 */
public record QueryPlan(AccessPlan root, List<JoinPlan> joins) {
  public QueryPlan {
    joins = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(joins));
  }
}
