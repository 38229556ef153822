package io.ormdb.store.query;

/**
 * Limits on the size of one graph query or aggregate. Exceeding one fails the query with {@code
 * BUDGET_EXCEEDED} naming the limit; results are never silently truncated.
 *
 * @param maxDepth the deepest include path allowed ({@code posts.comments} has depth 2)
 * @param maxEntities rows in all blocks of the result together (root included), plus the related
 *     rows the query's aggregates over relations read; for an aggregate, its groups
 * @param maxEdges edges in all edge blocks together
 */
public record QueryBudget(int maxDepth, int maxEntities, int maxEdges) {
  public QueryBudget {
    if (maxDepth < 0 || maxEntities < 0 || maxEdges < 0) {
      throw new IllegalArgumentException("budget limits must be >= 0");
    }
  }

  /** The original's defaults: depth 5, 10,000 entities, 50,000 edges. */
  public static final QueryBudget DEFAULT = new QueryBudget(5, 10_000, 50_000);

  /** No limits (for trusted, internal callers). */
  public static final QueryBudget UNLIMITED =
      new QueryBudget(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
}
