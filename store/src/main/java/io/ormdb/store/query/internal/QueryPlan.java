package io.ormdb.store.query.internal;

import java.util.List;

/**
 * The cached part of a graph query's plan: the root's access path and each include's join, by level
 * index (entry 0 of {@code joins} is null: the root has no join), the join of each aggregate group
 * by its index ({@link ResolvedQuery#aggregates()}), and whether the shape's reads fit in a slice
 * ({@link SliceHistory}, compared by identity: it is what the plan's reads taught, not part of the
 * plan).
 */
public record QueryPlan(
    AccessPlan root, List<JoinPlan> joins, List<JoinPlan> aggregateJoins, SliceHistory slices) {
  public QueryPlan {
    joins = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(joins));
    aggregateJoins = List.copyOf(aggregateJoins);
    java.util.Objects.requireNonNull(slices, "slices");
  }

  /** A plan with aggregate joins and no slice history yet. */
  public QueryPlan(AccessPlan root, List<JoinPlan> joins, List<JoinPlan> aggregateJoins) {
    this(root, joins, aggregateJoins, new SliceHistory());
  }

  /** A plan without aggregates and with no slice history yet. */
  public QueryPlan(AccessPlan root, List<JoinPlan> joins) {
    this(root, joins, List.of(), new SliceHistory());
  }
}
