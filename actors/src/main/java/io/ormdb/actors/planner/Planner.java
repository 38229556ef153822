package io.ormdb.actors.planner;

import io.ormdb.actors.commit.CommitCoordinator;
import io.ormdb.actors.executor.QueryExecutor;
import io.ormdb.actors.message.OrmDbMessage;
import io.ormdb.actors.shard.ShardContext;
import io.ormdb.actors.shard.ShardRouter;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.lang.schema.SchemaPrinter;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.OrmStore;
import io.ormdb.store.query.FieldMasker;
import io.ormdb.store.query.PreparedQuery;
import io.ormdb.store.query.QueryBudget;
import io.ormdb.store.view.ReadView;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Turns requests into work: checks the schema version a request names against the current catalog
 * (another non-zero version: SCHEMA_MISMATCH), parses query text, resolves and plans graph queries
 * through the store's plan cache at one snapshot and hands the plan and its LSN to a new {@link
 * QueryExecutor}; sends mutation batches to the {@link CommitCoordinator}; runs aggregates,
 * explains and schema operations on the store dispatcher.
 *
 * <p>Fast path: a graph query that reads its root by primary key within one partition, without
 * includes, at the newest snapshot, and whose plan is cached for the current schema goes from the
 * {@link QueryGate} straight to its owning entity shard, which answers the requester itself (no
 * planning on the store dispatcher, no executor). Sessions run the gate themselves and send the
 * planner only the queries it lets through ({@link RunChecked}), so the checks run once per query.
 *
 * <p>Security hooks (capabilities, RLS rewrite, budgets) go through {@link PlannerHooks}; the
 * default lets everything through with the default budget until the security work fills them in.
 * Session attributes travel with every request and bind {@code $attr} references of filters.
 *
 * <p>Field masking: each request carries its session's clearance. Before the hooks rewrite
 * anything, a query or explain that orders or filters by a field masked for that clearance, and an
 * aggregate naming one, is refused with PERMISSION_DENIED ({@link FieldMasker#checkQuery}, {@link
 * FieldMasker#checkAggregate}); the executor masks the result. Both use the current schema's
 * sensitivities, also for as-of reads.
 *
 * <p>Failures: a request that fails — a refusal, or an unexpected exception here, in the hooks or
 * in the store — is answered with its error (INTERNAL naming the exception for anything that is not
 * a refusal, see {@link OrmDbException#of}); the planner goes on with the next request.
 */
public final class Planner {
  private Planner() {}

  /** Messages the planner accepts. */
  public sealed interface Command extends OrmDbMessage permits Plan, RunChecked, Ready {}

  /**
   * Plans and runs {@code request} for a session with {@code session} attributes and {@code
   * clearance}; the answer (one {@link Message.Response} with the request's id) goes to {@code
   * replyTo}.
   */
  public record Plan(
      Message.Request request,
      Map<String, Value> session,
      Sensitivity clearance,
      ActorRef<Message.Response> replyTo)
      implements Command {
    public Plan {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(clearance, "clearance");
      session = Map.copyOf(session);
    }

    /** A request of a session that sees everything in clear (clearance RESTRICTED). */
    public Plan(
        Message.Request request, Map<String, Value> session, ActorRef<Message.Response> replyTo) {
      this(request, session, Sensitivity.RESTRICTED, replyTo);
    }
  }

  /**
   * A graph query a session already ran through {@link QueryGate#check} (so {@code query} is the
   * rewritten one and {@code budget} the session's) and that did not qualify for the fast path:
   * planned at one snapshot on the store dispatcher and run by a new executor; the answer goes to
   * {@code replyTo}.
   */
  public record RunChecked(
      long requestId,
      GraphQuery query,
      QueryBudget budget,
      Map<String, Value> session,
      Sensitivity clearance,
      ActorRef<Message.Response> replyTo)
      implements Command {
    public RunChecked {
      Objects.requireNonNull(query, "query");
      Objects.requireNonNull(budget, "budget");
      Objects.requireNonNull(clearance, "clearance");
      Objects.requireNonNull(replyTo, "replyTo");
      session = Map.copyOf(session);
    }
  }

  /** A graph query planned at a snapshot, or the answer itself. */
  private record Ready(
      PreparedQuery plan,
      long lsn,
      Map<String, Value> session,
      SchemaBundle maskSchema,
      Sensitivity clearance,
      Message.Response answer,
      long requestId,
      ActorRef<Message.Response> replyTo)
      implements Command, NoSerializationVerificationNeeded {}

  public static Behavior<Command> create(
      ShardContext ctx,
      ShardRouter router,
      ActorRef<CommitCoordinator.Command> coordinator,
      PlannerHooks hooks) {
    return create(ctx, router, coordinator, hooks, new QueryGate(ctx.store(), router, hooks));
  }

  /**
   * A planner whose graph queries pass through {@code gate} (built over the same store, router and
   * {@code hooks}), shared with the sessions that take the fast path themselves.
   */
  public static Behavior<Command> create(
      ShardContext ctx,
      ShardRouter router,
      ActorRef<CommitCoordinator.Command> coordinator,
      PlannerHooks hooks,
      QueryGate gate) {
    Objects.requireNonNull(gate, "gate");
    // A failing request is answered where it fails (INTERNAL); should anything still escape a
    // handler, the planner resumes (it keeps no state between requests, and its executors run on)
    // instead of stopping and leaving every later request to time out.
    return Behaviors.supervise(
            Behaviors.setup(
                (ActorContext<Command> c) ->
                    new Running(c, ctx, router, coordinator, hooks, gate).behavior()))
        .onFailure(SupervisorStrategy.resume());
  }

  private static final class Running {
    private final ActorContext<Command> context;
    private final ShardContext ctx;
    private final OrmStore store;
    private final ShardRouter router;
    private final ActorRef<CommitCoordinator.Command> coordinator;
    private final PlannerHooks hooks;
    private final QueryGate gate;

    Running(
        ActorContext<Command> context,
        ShardContext ctx,
        ShardRouter router,
        ActorRef<CommitCoordinator.Command> coordinator,
        PlannerHooks hooks,
        QueryGate gate) {
      this.context = context;
      this.ctx = ctx;
      this.store = ctx.store();
      this.router = router;
      this.coordinator = coordinator;
      this.hooks = hooks;
      this.gate = gate;
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Plan.class, this::onPlan)
          .onMessage(RunChecked.class, this::onRunChecked)
          .onMessage(Ready.class, this::onReady)
          .build();
    }

    private Behavior<Command> onPlan(Plan p) {
      Message.Request r = p.request();
      long id = r.requestId();
      try {
        if (r instanceof Message.Query q) {
          checkVersion(q.schemaVersion());
          planQuery(id, q.query(), p);
        } else if (r instanceof Message.QueryText t) {
          checkVersion(t.schemaVersion());
          Statement s = QueryParser.parse(t.text());
          if (s instanceof Statement.Find f) {
            planQuery(id, f.query(), p);
          } else if (s instanceof Statement.Aggregate a) {
            aggregate(id, a.query(), p);
          } else if (s instanceof Statement.Explain e) {
            FieldMasker.checkQuery(e.query(), store.schema(), p.clearance());
            onStore(
                p,
                () ->
                    new Message.ExplainReply(
                        id, store.explain(hooks.query(e.query(), p.session()), e.analyze())));
          } else if (s instanceof Statement.Write w) {
            coordinator.tell(
                new CommitCoordinator.Commit(
                    id, hooks.mutation(w.batch(), p.session()), p.replyTo()));
          } else {
            throw OrmDbException.internal("the query parser returned no statement", null);
          }
        } else if (r instanceof Message.Mutate m) {
          checkVersion(m.schemaVersion());
          coordinator.tell(
              new CommitCoordinator.Commit(
                  id, hooks.mutation(m.batch(), p.session()), p.replyTo()));
        } else if (r instanceof Message.Aggregate a) {
          checkVersion(a.schemaVersion());
          aggregate(id, a.query(), p);
        } else if (r instanceof Message.Explain e) {
          checkVersion(e.schemaVersion());
          FieldMasker.checkQuery(e.query(), store.schema(), p.clearance());
          GraphQuery q = hooks.query(e.query(), p.session());
          onStore(p, () -> new Message.ExplainReply(id, store.explain(q, e.analyze())));
        } else if (r instanceof Message.GetSchema g) {
          onStore(
              p,
              () -> {
                SchemaBundle b = g.version() == 0 ? store.schema() : store.schemaAt(g.version());
                return new Message.SchemaReply(id, b.version(), SchemaPrinter.print(b));
              });
        } else if (r instanceof Message.ApplySchema a) {
          SchemaBundle bundle = SchemaParser.parse(a.schemaText());
          warnOfPolicies(bundle);
          onStore(p, () -> new Message.SchemaApplied(id, store.applySchema(bundle)));
        } else {
          throw OrmDbException.invalid(
              "the planner does not handle " + r.type() + " requests (the connection does)");
        }
      } catch (RuntimeException | StackOverflowError e) {
        // a refusal, or a bug here or in the hooks: either way this request's answer, and the
        // planner goes on with the next one
        p.replyTo().tell(error(id, e));
      }
      return Behaviors.same();
    }

    /**
     * Row-level policies are parsed, checked and stored with the schema but not enforced yet (the
     * planner hooks that would apply them pass every query through): a schema that declares any
     * gets a warning in the log, naming them, so nobody mistakes them for protection.
     */
    private void warnOfPolicies(SchemaBundle bundle) {
      if (!bundle.policies().isEmpty()) {
        context
            .getLog()
            .warn(
                "the schema declares {} row-level {} ({}), which {} NOT enforced yet: every"
                    + " session can read and change every row",
                bundle.policies().size(),
                bundle.policies().size() == 1 ? "policy" : "policies",
                String.join(
                    ", ",
                    bundle.policies().stream().map(x -> x.name() + " on " + x.entity()).toList()),
                bundle.policies().size() == 1 ? "is" : "are");
      }
    }

    private void checkVersion(long requested) {
      gate.checkVersion(requested);
    }

    private void aggregate(long id, AggregateQuery a, Plan p) {
      FieldMasker.checkAggregate(a, store.schema(), p.clearance());
      AggregateQuery rewritten = hooks.aggregate(a, p.session());
      QueryBudget budget = hooks.budget(p.session());
      onStore(p, () -> new Message.AggregateReply(id, store.aggregate(rewritten, budget)));
    }

    /**
     * Checks the client's query against the session's clearance (before any rewrite) and lets the
     * hooks rewrite it ({@link QueryGate#check}); a primary-key read the gate can send straight to
     * its shard goes there, any other query is planned at one snapshot on the store dispatcher and
     * run by an executor that masks its result.
     */
    private void planQuery(long id, GraphQuery query, Plan p) {
      QueryGate.Checked c = gate.check(query, p.session(), p.clearance());
      if (!gate.tryDirect(id, c, p.session(), p.clearance(), p.replyTo())) {
        prepare(id, c.query(), c.budget(), c.schema(), p.session(), p.clearance(), p.replyTo());
      }
    }

    private Behavior<Command> onRunChecked(RunChecked r) {
      try {
        prepare(
            r.requestId(),
            r.query(),
            r.budget(),
            store.schema(),
            r.session(),
            r.clearance(),
            r.replyTo());
      } catch (RuntimeException | StackOverflowError e) {
        r.replyTo().tell(error(r.requestId(), e));
      }
      return Behaviors.same();
    }

    /**
     * Resolves and plans the checked query {@code q} at one snapshot on the store dispatcher; an
     * executor then runs it and masks its result by {@code current}'s sensitivities.
     */
    private void prepare(
        long id,
        GraphQuery q,
        QueryBudget budget,
        SchemaBundle current,
        Map<String, Value> session,
        Sensitivity clearance,
        ActorRef<Message.Response> replyTo) {
      CompletableFuture<Ready> f =
          CompletableFuture.supplyAsync(
              () -> {
                long asOf = q.readOptions().asOfLsn();
                try (ReadView view = asOf > 0 ? store.snapshotAt(asOf) : store.snapshot()) {
                  PreparedQuery pq = store.queryEngine().prepare(view, q, session, budget);
                  return new Ready(pq, view.lsn(), session, current, clearance, null, id, replyTo);
                }
              },
              ctx.storeExecutor());
      pipe(f, id, replyTo);
    }

    private void onStore(Plan p, Supplier<Message.Response> work) {
      long id = p.request().requestId();
      pipe(
          CompletableFuture.supplyAsync(
              () -> new Ready(null, 0, Map.of(), null, p.clearance(), work.get(), id, p.replyTo()),
              ctx.storeExecutor()),
          id,
          p.replyTo());
    }

    private void pipe(CompletableFuture<Ready> f, long id, ActorRef<Message.Response> replyTo) {
      context.pipeToSelf(
          f,
          (ready, error) -> {
            if (error == null) {
              return ready;
            }
            Message.Error e = error(id, error);
            return new Ready(null, 0, Map.of(), null, Sensitivity.RESTRICTED, e, id, replyTo);
          });
    }

    /**
     * The error reply of request {@code id} that failed with {@code failure}: a refusal as it is,
     * anything else (a bug here or in the hooks, a broken store) as INTERNAL, logged.
     */
    private Message.Error error(long id, Throwable failure) {
      if (!(OrmDbException.unwrap(failure) instanceof OrmDbException)) {
        context.getLog().error("request {} failed", id, OrmDbException.unwrap(failure));
      }
      OrmDbException e = OrmDbException.of(failure);
      return new Message.Error(id, e.code().code(), e.getMessage());
    }

    private Behavior<Command> onReady(Ready r) {
      if (r.answer() != null) {
        r.replyTo().tell(r.answer());
      } else {
        try {
          context.spawnAnonymous(
              QueryExecutor.create(
                  r.plan(),
                  r.lsn(),
                  r.session(),
                  r.maskSchema(),
                  r.clearance(),
                  router,
                  ctx.settings().shardTimeout(),
                  r.requestId(),
                  r.replyTo()));
        } catch (RuntimeException e) {
          r.replyTo().tell(error(r.requestId(), e));
        }
      }
      return Behaviors.same();
    }
  }
}
