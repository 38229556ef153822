package io.ormdb.actors.planner;

import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.query.QueryBudget;
import java.util.Map;

/**
 * Where the security work plugs into planning: capability checks, row-level-security rewrites and
 * per-session budgets. A hook refuses by throwing an {@code OrmDbException} (PERMISSION_DENIED,
 * BUDGET_EXCEEDED); the planner turns it into the reply.
 *
 * <p>{@link #PASS_THROUGH}, the default, changes nothing and allows everything under {@link
 * QueryBudget#DEFAULT}: a placeholder until capabilities and policies exist, not a security
 * decision.
 */
public interface PlannerHooks {
  /** The query to run for this session (a rewrite adds policy filters). */
  GraphQuery query(GraphQuery q, Map<String, Value> session);

  /**
   * The aggregate to run for this session: the same policies as {@link #query} — an aggregate must
   * not count, sum or group rows the session may not read.
   */
  AggregateQuery aggregate(AggregateQuery q, Map<String, Value> session);

  /** The batch to commit for this session. */
  MutationBatch mutation(MutationBatch batch, Map<String, Value> session);

  /** The budget of this session's queries. */
  QueryBudget budget(Map<String, Value> session);

  PlannerHooks PASS_THROUGH =
      new PlannerHooks() {
        @Override
        public GraphQuery query(GraphQuery q, Map<String, Value> session) {
          return q;
        }

        @Override
        public AggregateQuery aggregate(AggregateQuery q, Map<String, Value> session) {
          return q;
        }

        @Override
        public MutationBatch mutation(MutationBatch batch, Map<String, Value> session) {
          return batch;
        }

        @Override
        public QueryBudget budget(Map<String, Value> session) {
          return QueryBudget.DEFAULT;
        }
      };
}
