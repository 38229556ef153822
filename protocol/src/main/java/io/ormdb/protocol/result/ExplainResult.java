package io.ormdb.protocol.result;

import java.util.List;

/**
 * How a query is (or was) run: one step per level, the access path chosen, and row counts.
 *
 * @param planCached whether the plan came from the plan cache
 * @param text a human-readable rendering of the plan
 */
public record ExplainResult(List<PlanStep> steps, boolean planCached, String text) {
  public ExplainResult {
    steps = List.copyOf(steps);
  }

  /**
   * One level of the plan, or the read of one level's aggregates over a relation (right after the
   * level's step, with the level's path and the related entity).
   *
   * @param path "" for the root, else the include path
   * @param entity the entity read
   * @param access the access path: {@code scan}, {@code primary-key}, {@code index-eq}, {@code
   *     index-range}, {@code index-order}, {@code fk-batch}, ...
   * @param index the index used, or null
   * @param estimatedRows the planner's estimate
   * @param actualRows rows produced when the query was run (−1 when only planned)
   * @param detail extra notes (filters pushed into the index, residual filters, sorting)
   */
  public record PlanStep(
      String path,
      String entity,
      String access,
      String index,
      long estimatedRows,
      long actualRows,
      String detail) {}
}
