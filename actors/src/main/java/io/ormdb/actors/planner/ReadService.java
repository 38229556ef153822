package io.ormdb.actors.planner;

import io.ormdb.actors.shard.ShardRouter;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.ReadOptions;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.query.Deadline;
import io.ormdb.store.query.FieldMasker;
import io.ormdb.store.query.QueryBudget;
import io.ormdb.store.view.ReadView;
import java.util.Map;
import java.util.Objects;

/**
 * Graph queries, aggregates and explains of a session: every read of the actor layer and of the
 * embedded API passes here, in two parts.
 *
 * <ol>
 *   <li>The checks ({@link #checkQuery}, {@link #checkAggregate}, {@link #checkExplain}), CPU work
 *       over the catalog that never reads the store's files, so they run on any thread, actors'
 *       included: the schema version the request names (SCHEMA_MISMATCH), the session's clearance
 *       against the fields the client's request orders, filters or aggregates by ({@link
 *       FieldMasker}, PERMISSION_DENIED, before any rewrite), the {@link PlannerHooks} rewrite
 *       (row-level security; a hook's refusal is the answer) and the session's budget, each once,
 *       and last the shard router's refusal (explicit Cluster Sharding on a cluster of several
 *       members serves nothing, see {@link ShardRouter#refusal}).
 *   <li>The read ({@link Read#run}): one view of the store — the newest, or as of the request's LSN
 *       — and the store's query engine with the session's attributes (they bind {@code $attr} in
 *       filters), its budget and a {@link Deadline}; a query's result masked for the session's
 *       clearance by the current catalog's sensitivities (also for as-of reads). It may wait for
 *       the store's file, so it runs on a thread that may block: the caller's own (the embedded
 *       API) or the store dispatcher, never an actor's.
 * </ol>
 *
 * <p>Entity shards take no part in reads: one store holds every partition, and a snapshot of it
 * holds every row at one LSN (see the design notes, Actors A10). Thread-safe; it keeps no state.
 */
public final class ReadService {
  private final OrmStore store;
  private final ShardRouter router;
  private final PlannerHooks hooks;

  public ReadService(OrmStore store, ShardRouter router, PlannerHooks hooks) {
    this.store = Objects.requireNonNull(store, "store");
    this.router = Objects.requireNonNull(router, "router");
    this.hooks = Objects.requireNonNull(hooks, "hooks");
  }

  /** A read that passed its checks; {@link #run} reads the store on the calling thread. */
  @FunctionalInterface
  public interface Read<T> {
    /** Runs the read; TIMEOUT, and nothing more read, once {@code deadline} has passed. */
    T run(Deadline deadline);
  }

  /** SCHEMA_MISMATCH unless {@code requested} is 0 or the current schema version. */
  public void checkVersion(long requested) {
    long current = store.schema().version();
    if (requested != 0 && requested != current) {
      throw new OrmDbException(
          ErrorCode.SCHEMA_MISMATCH,
          "the request was built against schema version "
              + requested
              + " but the current version is "
              + current);
    }
  }

  /**
   * Checks the graph query {@code query} of a session with {@code session} attributes and {@code
   * clearance}, built against schema version {@code schemaVersion} (0 = any); throws the refusal.
   */
  public Read<QueryResult> checkQuery(
      GraphQuery query, Map<String, Value> session, Sensitivity clearance, long schemaVersion) {
    checkVersion(schemaVersion);
    SchemaBundle current = store.schema();
    FieldMasker.checkQuery(query, current, clearance);
    GraphQuery q = hooks.query(query, session);
    QueryBudget budget = hooks.budget(session);
    refuseIfHostingCannotServe();
    return deadline -> {
      try (ReadView view = view(q.readOptions())) {
        QueryResult r = store.queryEngine().query(view, q, session, budget, deadline);
        return FieldMasker.mask(r, current, clearance);
      }
    };
  }

  /** Like {@link #checkQuery} for an aggregate (its groups count against the budget's entities). */
  public Read<AggregateResult> checkAggregate(
      AggregateQuery query, Map<String, Value> session, Sensitivity clearance, long schemaVersion) {
    checkVersion(schemaVersion);
    FieldMasker.checkAggregate(query, store.schema(), clearance);
    AggregateQuery q = hooks.aggregate(query, session);
    QueryBudget budget = hooks.budget(session);
    refuseIfHostingCannotServe();
    return deadline -> {
      try (ReadView view = view(q.readOptions())) {
        return store.queryEngine().aggregate(view, q, session, budget, deadline);
      }
    };
  }

  /**
   * Like {@link #checkQuery} for the plan of {@code query}; with {@code analyze} the read also runs
   * it. Explain results carry no field values and are not masked.
   */
  public Read<ExplainResult> checkExplain(
      GraphQuery query,
      boolean analyze,
      Map<String, Value> session,
      Sensitivity clearance,
      long schemaVersion) {
    checkVersion(schemaVersion);
    FieldMasker.checkQuery(query, store.schema(), clearance);
    GraphQuery q = hooks.query(query, session);
    QueryBudget budget = hooks.budget(session);
    refuseIfHostingCannotServe();
    return deadline -> {
      try (ReadView view = view(q.readOptions())) {
        return store.queryEngine().explain(view, q, analyze, session, budget, deadline);
      }
    };
  }

  /** {@link #checkQuery} and its read, on the calling thread. */
  public QueryResult query(
      GraphQuery query, Map<String, Value> session, Sensitivity clearance, Deadline deadline) {
    return checkQuery(query, session, clearance, 0).run(deadline);
  }

  /** {@link #checkAggregate} and its read, on the calling thread. */
  public AggregateResult aggregate(
      AggregateQuery query, Map<String, Value> session, Sensitivity clearance, Deadline deadline) {
    return checkAggregate(query, session, clearance, 0).run(deadline);
  }

  /** {@link #checkExplain} and its read, on the calling thread. */
  public ExplainResult explain(
      GraphQuery query,
      boolean analyze,
      Map<String, Value> session,
      Sensitivity clearance,
      Deadline deadline) {
    return checkExplain(query, analyze, session, clearance, 0).run(deadline);
  }

  private void refuseIfHostingCannotServe() {
    router
        .refusal()
        .ifPresent(
            reason -> {
              throw new OrmDbException(ErrorCode.INTERNAL, reason);
            });
  }

  private ReadView view(ReadOptions options) {
    return options.asOfLsn() > 0 ? store.snapshotAt(options.asOfLsn()) : store.snapshot();
  }
}
