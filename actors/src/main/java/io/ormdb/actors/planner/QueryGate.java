package io.ormdb.actors.planner;

import io.ormdb.actors.shard.EntityShard;
import io.ormdb.actors.shard.ShardRouter;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.OrmStore;
import io.ormdb.store.Partitioning;
import io.ormdb.store.query.FieldMasker;
import io.ormdb.store.query.PreparedQuery;
import io.ormdb.store.query.QueryBudget;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The planner's checks of a graph query and its fast path, shared by the {@link Planner} and the
 * sessions (a session runs them itself so that a primary-key read needs no planner round trip).
 * Thread-safe and CPU-only (it reads the catalog and the store's plan cache, never the store's
 * files), so it runs on actor threads.
 *
 * <p>{@link #check} does what the planner does before any read, in the same order: the schema
 * version the request names, the session's clearance against the fields the query orders or filters
 * by ({@link FieldMasker#checkQuery}, PERMISSION_DENIED), the {@link PlannerHooks} rewrite
 * (row-level security) and the session's budget. A query passes it once; whoever ran it hands the
 * rewritten query on.
 *
 * <p>{@link #tryDirect}, the fast path: a checked query that reads the newest snapshot, has no
 * includes, reads its root by primary key with every identity owned by one partition, and whose
 * plan the store has cached for the current schema (the same shape ran before and the schema
 * version is unchanged) goes straight to the owning {@link EntityShard} as a {@link
 * EntityShard.DirectRead}: no planning on the store dispatcher, no per-request executor; the shard
 * reads, assembles, masks and answers the session from the store dispatcher. Every other query goes
 * through the executor as before.
 */
public final class QueryGate {
  private final OrmStore store;
  private final ShardRouter router;
  private final PlannerHooks hooks;
  private final LongAdder direct = new LongAdder();

  public QueryGate(OrmStore store, ShardRouter router, PlannerHooks hooks) {
    this.store = Objects.requireNonNull(store, "store");
    this.router = Objects.requireNonNull(router, "router");
    this.hooks = Objects.requireNonNull(hooks, "hooks");
  }

  /**
   * A query that passed the checks: the query to run (after the hooks' rewrite), the session's
   * budget and the catalog it was checked against.
   */
  public record Checked(GraphQuery query, QueryBudget budget, SchemaBundle schema) {
    public Checked {
      Objects.requireNonNull(query, "query");
      Objects.requireNonNull(budget, "budget");
      Objects.requireNonNull(schema, "schema");
    }
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
   * Checks the client's {@code query} against the session's clearance (before any rewrite), then
   * lets the hooks rewrite it and pick its budget. Throws the refusal as an {@link OrmDbException}.
   */
  public Checked check(GraphQuery query, Map<String, Value> session, Sensitivity clearance) {
    SchemaBundle current = store.schema();
    FieldMasker.checkQuery(query, current, clearance);
    GraphQuery q = hooks.query(query, session);
    QueryBudget budget = hooks.budget(session);
    return new Checked(q, budget, current);
  }

  /**
   * The prepared plan of {@code c} when it qualifies for the fast path (see the class comment),
   * else null. An invalid query never qualifies: the executor path's planning reports its error.
   */
  private PreparedQuery fastPlan(Checked c, Map<String, Value> session) {
    GraphQuery q = c.query();
    if (q.readOptions().asOfLsn() > 0 || !q.includes().isEmpty()) {
      return null;
    }
    PreparedQuery pq;
    try {
      pq = store.queryEngine().prepareIfCached(c.schema(), q, session, c.budget());
    } catch (OrmDbException e) {
      return null;
    }
    if (pq == null || pq.levels() != 1) {
      return null;
    }
    List<Value> ids = pq.rootIdentities();
    return ids == null || ids.isEmpty() ? null : pq;
  }

  /**
   * Sends {@code c} to the one shard that can answer it alone and returns true when it qualifies
   * (see the class comment); the answer then goes to {@code replyTo}. False leaves the query to the
   * executor.
   */
  public boolean tryDirect(
      long requestId,
      Checked c,
      Map<String, Value> session,
      Sensitivity clearance,
      ActorRef<Message.Response> replyTo) {
    PreparedQuery pq = fastPlan(c, session);
    if (pq == null) {
      return false;
    }
    List<Value> ids = pq.rootIdentities();
    int n = router.partitions();
    int partition = Partitioning.partitionOf(ids.get(0), n);
    for (Value id : ids) {
      if (Partitioning.partitionOf(id, n) != partition) {
        return false;
      }
    }
    // counted before the read is sent: its answer may reach the caller before this thread goes on
    direct.increment();
    router.tell(
        pq.entity(0),
        partition,
        new EntityShard.DirectRead(requestId, c.query(), session, c.budget(), clearance, replyTo));
    return true;
  }

  /** How many queries took the fast path so far. */
  public long directReads() {
    return direct.sum();
  }
}
