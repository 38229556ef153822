package io.ormdb.store.query;

import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.query.internal.AggregateExecutor;
import io.ormdb.store.query.internal.ExecStats;
import io.ormdb.store.query.internal.Explainer;
import io.ormdb.store.query.internal.GraphExecutor;
import io.ormdb.store.query.internal.GraphSteps;
import io.ormdb.store.query.internal.PlanCache;
import io.ormdb.store.query.internal.Planner;
import io.ormdb.store.query.internal.QueryPlan;
import io.ormdb.store.query.internal.ResolveCache;
import io.ormdb.store.query.internal.ResolvedQuery;
import io.ormdb.store.query.internal.RowScanAggregateSource;
import io.ormdb.store.query.internal.SliceHistory;
import io.ormdb.store.view.ReadView;
import java.util.Map;
import java.util.Objects;

/**
 * Runs graph queries, aggregates and explains. One per store; thread-safe. Everything a call reads
 * comes from the one {@link ReadView} it is given, so the caller decides the snapshot (or as-of
 * position) and the whole graph is consistent with it; {@code readOptions} in the query are the
 * caller's business, not the engine's.
 *
 * <p>Plans are cached by the query's shape (entity, fields, filter structure without literal
 * values, order, paging features, include paths with their own shapes, and the schema version), so
 * queries differing only in literals share a plan; a view with a new schema version empties the
 * cache.
 *
 * <p>Errors: INVALID_REQUEST for anything wrong in the request (unknown names with a did-you-mean,
 * wrong literal types, a cursor from another query), BUDGET_EXCEEDED when the result would break
 * the {@link QueryBudget}.
 */
public final class QueryEngine {
  /** The default plan cache size, as in the original. */
  public static final int DEFAULT_PLAN_CACHE_SIZE = 1_000;

  private final PlanCache cache;
  private final ResolveCache resolver;
  private final AggregateSource aggregateSource;

  public QueryEngine() {
    this(DEFAULT_PLAN_CACHE_SIZE, new RowScanAggregateSource());
  }

  /**
   * @param planCacheSize the most plans kept (least recently used go first), and the most query
   *     shapes kept resolved; 0 disables both caches
   * @param aggregateSource where aggregates read their input (e.g. a columnar segment store)
   */
  public QueryEngine(int planCacheSize, AggregateSource aggregateSource) {
    this.cache = new PlanCache(planCacheSize);
    this.resolver = new ResolveCache(planCacheSize);
    this.aggregateSource = Objects.requireNonNull(aggregateSource, "aggregateSource");
  }

  /** Runs a graph query under the default budget. */
  public QueryResult query(ReadView view, GraphQuery q, Map<String, Value> sessionAttributes) {
    return query(view, q, sessionAttributes, QueryBudget.DEFAULT);
  }

  public QueryResult query(
      ReadView view, GraphQuery q, Map<String, Value> sessionAttributes, QueryBudget budget) {
    return query(view, q, sessionAttributes, budget, Deadline.NONE);
  }

  /**
   * Runs a graph query with the session's attributes and budget; TIMEOUT, and nothing more read,
   * once {@code deadline} has passed.
   *
   * <p>With a {@linkplain Deadline#slice sliced} deadline, {@link Deadline.SliceExpired} when the
   * read passes the slice's end, and the plan cache remembers that the query's shape did not fit:
   * the next sliced reads of that shape throw it at once, before reading anything, until one is
   * tried again ({@link SliceHistory}: one in {@value SliceHistory#SKIP} + 1); a read that fits
   * clears the history.
   */
  public QueryResult query(
      ReadView view,
      GraphQuery q,
      Map<String, Value> sessionAttributes,
      QueryBudget budget,
      Deadline deadline) {
    deadline.check();
    ResolvedQuery rq = resolver.resolve(view.schema(), q, sessionAttributes, budget);
    QueryPlan plan = plan(view, rq, null);
    if (!deadline.sliced()) {
      return GraphExecutor.execute(view, rq, plan, budget, stats(rq), deadline);
    }
    if (!plan.slices().mayTry()) {
      throw Deadline.SliceExpired.INSTANCE;
    }
    try {
      QueryResult r = GraphExecutor.execute(view, rq, plan, budget, stats(rq), deadline);
      plan.slices().fitted();
      return r;
    } catch (Deadline.SliceExpired e) {
      plan.slices().overran();
      throw e;
    }
  }

  private static ExecStats stats(ResolvedQuery rq) {
    return new ExecStats(rq.levels().size(), rq.aggregates().size());
  }

  /**
   * Resolves and plans a graph query against {@code view}'s schema (through the plan cache) without
   * running it: the caller runs its steps, possibly spread over several sources reading the same
   * snapshot. Throws what {@link #query} throws for an invalid query.
   */
  public PreparedQuery prepare(
      ReadView view, GraphQuery q, Map<String, Value> sessionAttributes, QueryBudget budget) {
    ResolvedQuery rq = resolver.resolve(view.schema(), q, sessionAttributes, budget);
    return new PreparedQuery(q, new GraphSteps(rq, plan(view, rq, null), budget));
  }

  /**
   * Like {@link #prepare} when the plan of this query's shape is already cached for {@code schema},
   * without a view: resolving is CPU work over the schema, so this reads nothing from the store and
   * may run on any thread. Null when no plan of this shape is cached for {@code schema} (then
   * {@link #prepare} at a snapshot plans it). Throws what {@link #prepare} throws for an invalid
   * query.
   */
  public PreparedQuery prepareIfCached(
      SchemaBundle schema, GraphQuery q, Map<String, Value> sessionAttributes, QueryBudget budget) {
    ResolvedQuery rq = resolver.resolve(schema, q, sessionAttributes, budget);
    QueryPlan plan = cache.peek(schema, rq.shapeKey());
    return plan == null ? null : new PreparedQuery(q, new GraphSteps(rq, plan, budget));
  }

  public AggregateResult aggregate(
      ReadView view, AggregateQuery q, Map<String, Value> sessionAttributes) {
    return aggregate(view, q, sessionAttributes, QueryBudget.DEFAULT);
  }

  /** Runs an aggregate; more groups than {@code budget.maxEntities()} is BUDGET_EXCEEDED. */
  public AggregateResult aggregate(
      ReadView view, AggregateQuery q, Map<String, Value> sessionAttributes, QueryBudget budget) {
    return aggregate(view, q, sessionAttributes, budget, Deadline.NONE);
  }

  /**
   * Like {@link #aggregate(ReadView, AggregateQuery, Map, QueryBudget)}, within {@code deadline}.
   */
  public AggregateResult aggregate(
      ReadView view,
      AggregateQuery q,
      Map<String, Value> sessionAttributes,
      QueryBudget budget,
      Deadline deadline) {
    return AggregateExecutor.run(view, q, sessionAttributes, aggregateSource, budget, deadline);
  }

  /** Explains a query; with {@code analyze} also runs it and reports actual rows. */
  /**
   * How {@link #aggregate} reads the input of {@code q}: through the column store, or through the
   * identity or an index when the filter looks rows up by keys ({@code ==} or {@code in} on an
   * indexed field), with the estimated rows read.
   */
  public ExplainResult explainAggregate(
      ReadView view, AggregateQuery q, Map<String, Value> sessionAttributes) {
    return AggregateExecutor.explain(view, q, sessionAttributes, aggregateSource);
  }

  public ExplainResult explain(ReadView view, GraphQuery q, boolean analyze) {
    return explain(view, q, analyze, Map.of(), QueryBudget.DEFAULT);
  }

  public ExplainResult explain(
      ReadView view,
      GraphQuery q,
      boolean analyze,
      Map<String, Value> sessionAttributes,
      QueryBudget budget) {
    return explain(view, q, analyze, sessionAttributes, budget, Deadline.NONE);
  }

  /**
   * Explains a query with the session's attributes and budget; {@code analyze} runs it within
   * {@code deadline}.
   */
  public ExplainResult explain(
      ReadView view,
      GraphQuery q,
      boolean analyze,
      Map<String, Value> sessionAttributes,
      QueryBudget budget,
      Deadline deadline) {
    deadline.check();
    ResolvedQuery rq = resolver.resolve(view.schema(), q, sessionAttributes, budget);
    boolean[] cached = new boolean[1];
    QueryPlan plan = plan(view, rq, cached);
    ExecStats stats = null;
    if (analyze) {
      stats = new ExecStats(rq.levels().size(), rq.aggregates().size());
      GraphExecutor.execute(view, rq, plan, budget, stats, deadline);
    }
    return Explainer.explain(view, rq, plan, cached[0], stats);
  }

  /** How many plans are cached now. */
  public int cachedPlans() {
    return cache.size();
  }

  private QueryPlan plan(ReadView view, ResolvedQuery rq, boolean[] cached) {
    SchemaBundle schema = rq.schema();
    QueryPlan plan = cache.get(schema, rq.shapeKey());
    if (cached != null) {
      cached[0] = plan != null;
    }
    if (plan == null) {
      plan = Planner.plan(rq, view);
      cache.put(schema, rq.shapeKey(), plan);
    }
    return plan;
  }
}
