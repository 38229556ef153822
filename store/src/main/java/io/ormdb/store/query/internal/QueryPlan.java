package io.ormdb.store.query.internal;

import java.util.List;

/**
 * The cached part of a graph query's plan: the root's access path and each include's join, by level
 * index (entry 0 of {@code joins} is null: the root has no join), and the join of each aggregate
 * group by its index ({@link ResolvedQuery#aggregates()}).
 */
public record QueryPlan(AccessPlan root, List<JoinPlan> joins, List<JoinPlan> aggregateJoins) {
  public QueryPlan {
    joins = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(joins));
    aggregateJoins = List.copyOf(aggregateJoins);
  }

  /** A plan without aggregates. */
  public QueryPlan(AccessPlan root, List<JoinPlan> joins) {
    this(root, joins, List.of());
  }
}
