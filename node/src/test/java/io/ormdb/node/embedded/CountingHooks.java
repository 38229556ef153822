package io.ormdb.node.embedded;

import io.ormdb.actors.planner.PlannerHooks;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.query.QueryBudget;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pass-through hooks that count their calls, for {@code ormdb.embedded.planner-hooks} in tests
 * (created by class name, so the counters are static; tests read differences).
 */
public final class CountingHooks implements PlannerHooks {
  static final AtomicInteger QUERIES = new AtomicInteger();
  static final AtomicInteger AGGREGATES = new AtomicInteger();
  static final AtomicInteger MUTATIONS = new AtomicInteger();
  static final AtomicInteger BUDGETS = new AtomicInteger();

  @Override
  public GraphQuery query(GraphQuery q, Map<String, Value> session) {
    QUERIES.incrementAndGet();
    return q;
  }

  @Override
  public AggregateQuery aggregate(AggregateQuery q, Map<String, Value> session) {
    AGGREGATES.incrementAndGet();
    return q;
  }

  @Override
  public MutationBatch mutation(MutationBatch batch, Map<String, Value> session) {
    MUTATIONS.incrementAndGet();
    return batch;
  }

  @Override
  public QueryBudget budget(Map<String, Value> session) {
    BUDGETS.incrementAndGet();
    return QueryBudget.DEFAULT;
  }
}
