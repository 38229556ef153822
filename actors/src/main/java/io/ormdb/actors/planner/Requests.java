package io.ormdb.actors.planner;

import io.ormdb.actors.commit.WritePath;
import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.actors.shard.ShardContext;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.lang.schema.SchemaPrinter;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.OrmStore;
import io.ormdb.store.query.Deadline;
import io.ormdb.store.query.FieldMasker;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a session (or the planner) does with one wire request, in two parts: {@link #plan} runs
 * everything that is CPU work over the catalog on the calling thread — an actor's — and says what
 * remains ({@link Work}); {@link #start} then runs that where it belongs and hands the answer to a
 * callback on the thread that produced it:
 *
 * <ul>
 *   <li>graph queries, aggregates and explains: the {@link ReadService}'s checks, then one task on
 *       the store dispatcher reads the whole request at one snapshot ({@link Work.OnStore}); a
 *       session running on the store dispatcher may first read a graph query itself, within a slice
 *       of time ({@link #readInline});
 *   <li>mutations: the schema version and {@link PlannerHooks#mutation}, then the {@link WritePath}
 *       (the owning entity shards validate, the store commits; {@link Work.Pending});
 *   <li>schema reads and changes: one task on the store dispatcher;
 *   <li>query text: parsed here, then as the statement it holds;
 *   <li>a refusal of any check: the answer at once ({@link Work.Answered}).
 * </ul>
 *
 * No actor is spawned per request, and a read sends no message to the planner or a shard.
 * Thread-safe; it keeps no state.
 */
public final class Requests {
  private static final Logger LOG = LoggerFactory.getLogger(Requests.class);

  private final OrmStore store;
  private final Executor storeExecutor;
  private final ActorSettings settings;
  private final ReadService reads;
  private final WritePath writes;
  private final PlannerHooks hooks;
  private final LongSupplier nanoClock;
  private final LongAdder inlineReads = new LongAdder();

  public Requests(ShardContext ctx, ReadService reads, WritePath writes, PlannerHooks hooks) {
    this(ctx, reads, writes, hooks, System::nanoTime);
  }

  /**
   * Like {@link #Requests(ShardContext, ReadService, WritePath, PlannerHooks)} with the monotonic
   * clock (nanoseconds) its requests' deadlines and slices are measured on.
   */
  public Requests(
      ShardContext ctx,
      ReadService reads,
      WritePath writes,
      PlannerHooks hooks,
      LongSupplier nanoClock) {
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.store = ctx.store();
    this.storeExecutor = ctx.storeExecutor();
    this.settings = ctx.settings();
    this.reads = Objects.requireNonNull(reads, "reads");
    this.writes = Objects.requireNonNull(writes, "writes");
    this.hooks = Objects.requireNonNull(hooks, "hooks");
  }

  /** What remains of a request after {@link #plan}. */
  public sealed interface Work {
    /** The answer is known already (a refusal, or nothing to read). */
    record Answered(Message.Response response) implements Work {}

    /**
     * One task on the store dispatcher: it reads (or changes the schema) and returns the answer; a
     * read stops with TIMEOUT at the deadline it is given. {@code inline}: a graph query, which a
     * session on the store dispatcher may try on its own thread first ({@link #readInline}).
     */
    record OnStore(Function<Deadline, Message.Response> task, boolean inline) implements Work {
      public OnStore {
        Objects.requireNonNull(task, "task");
      }

      /** A task that always runs on its own (not {@code inline}). */
      public OnStore(Function<Deadline, Message.Response> task) {
        this(task, false);
      }
    }

    /** A write handed to the write path; completes with its answer (never exceptionally). */
    record Pending(CompletionStage<Message.Response> answer) implements Work {}
  }

  public OrmStore store() {
    return store;
  }

  public ActorSettings settings() {
    return settings;
  }

  public ReadService reads() {
    return reads;
  }

  public WritePath writes() {
    return writes;
  }

  /** The deadline of a request starting now: {@code request-timeout} on this instance's clock. */
  public Deadline deadline() {
    return Deadline.after(settings.requestTimeout(), nanoClock);
  }

  /** How many reads sessions answered on their own threads ({@link #readInline}). */
  public long inlineReads() {
    return inlineReads.sum();
  }

  /**
   * The CPU part of {@code request} of a session with {@code session} attributes and {@code
   * clearance}, on the calling thread; never throws (a refusal, or a failure of the hooks, is the
   * {@link Work.Answered} error).
   */
  public Work plan(Message.Request request, Map<String, Value> session, Sensitivity clearance) {
    long id = request.requestId();
    try {
      if (request instanceof Message.Query q) {
        return query(id, q.query(), session, clearance, q.schemaVersion());
      } else if (request instanceof Message.QueryText t) {
        reads.checkVersion(t.schemaVersion());
        // order keys checked against the schema as they are read: errors with their position
        Statement s = QueryParser.parse(t.text(), store.schema());
        if (s instanceof Statement.Find f) {
          return query(id, f.query(), session, clearance, 0);
        } else if (s instanceof Statement.Aggregate a) {
          return aggregate(id, a.query(), session, clearance, 0);
        } else if (s instanceof Statement.Explain e) {
          return explain(id, e.query(), e.analyze(), session, clearance, 0);
        } else if (s instanceof Statement.Write w) {
          return mutate(id, w.batch(), session, clearance, 0);
        }
        throw OrmDbException.internal("the query parser returned no statement", null);
      } else if (request instanceof Message.Mutate m) {
        return mutate(id, m.batch(), session, clearance, m.schemaVersion());
      } else if (request instanceof Message.Aggregate a) {
        return aggregate(id, a.query(), session, clearance, a.schemaVersion());
      } else if (request instanceof Message.Explain e) {
        return explain(id, e.query(), e.analyze(), session, clearance, e.schemaVersion());
      } else if (request instanceof Message.GetSchema g) {
        return new Work.OnStore(
            d -> {
              SchemaBundle b = g.version() == 0 ? store.schema() : store.schemaAt(g.version());
              return new Message.SchemaReply(id, b.version(), SchemaPrinter.print(b));
            });
      } else if (request instanceof Message.ApplySchema a) {
        SchemaBundle bundle = SchemaParser.parse(a.schemaText());
        warnOfPolicies(bundle);
        return new Work.OnStore(d -> new Message.SchemaApplied(id, store.applySchema(bundle)));
      }
      throw OrmDbException.invalid(
          "the planner does not handle " + request.type() + " requests (the connection does)");
    } catch (RuntimeException | StackOverflowError e) {
      return new Work.Answered(error(id, e));
    }
  }

  private Work query(
      long id, GraphQuery q, Map<String, Value> session, Sensitivity clearance, long version) {
    ReadService.Read<QueryResult> read = reads.checkQuery(q, session, clearance, version);
    return new Work.OnStore(d -> new Message.QueryReply(id, read.run(d)), true);
  }

  private Work aggregate(
      long id, AggregateQuery q, Map<String, Value> session, Sensitivity clearance, long version) {
    ReadService.Read<AggregateResult> read = reads.checkAggregate(q, session, clearance, version);
    return new Work.OnStore(d -> new Message.AggregateReply(id, read.run(d)));
  }

  private Work explain(
      long id,
      GraphQuery q,
      boolean analyze,
      Map<String, Value> session,
      Sensitivity clearance,
      long version) {
    ReadService.Read<ExplainResult> read =
        reads.checkExplain(q, analyze, session, clearance, version);
    return new Work.OnStore(d -> new Message.ExplainReply(id, read.run(d)));
  }

  /**
   * The schema version, the fields the batch's computed values and keys read ({@link
   * FieldMasker#checkMutation}) and the hooks' rewrite of a batch, then the write path: the owning
   * shards validate it and the store commits it once.
   */
  private Work mutate(
      long id,
      MutationBatch batch,
      Map<String, Value> session,
      Sensitivity clearance,
      long version) {
    reads.checkVersion(version);
    FieldMasker.checkMutation(batch, store.schema(), clearance);
    return new Work.Pending(writes.commit(id, hooks.mutation(batch, session)));
  }

  /**
   * Runs {@code work} of request {@code id} and hands its answer to {@code answer}, exactly once,
   * on the thread that has it: this one for {@link Work.Answered}, a store-dispatcher thread for
   * {@link Work.OnStore} (the task reads within {@code deadline}), the thread completing the write
   * for {@link Work.Pending}.
   */
  public void start(Work work, long id, Deadline deadline, Consumer<Message.Response> answer) {
    if (work instanceof Work.Answered a) {
      answer.accept(a.response());
    } else if (work instanceof Work.OnStore s) {
      try {
        storeExecutor.execute(() -> answer.accept(run(s, id, deadline)));
      } catch (RejectedExecutionException e) {
        answer.accept(error(id, e));
      }
    } else {
      ((Work.Pending) work)
          .answer()
          .whenComplete((r, failure) -> answer.accept(failure == null ? r : error(id, failure)));
    }
  }

  /**
   * Tries the {@code inline} read {@code work} of request {@code id} on the calling thread, which
   * must be one that may block on the store (a session's, when it runs on the store dispatcher),
   * within {@code inline-read-slice} of {@code deadline}: its answer (or the error it failed with),
   * or null when it did not fit — nothing is answered then, and the caller runs {@code work} as a
   * store task with {@code deadline} ({@link #start}). The read reads at one snapshot, which it
   * closes either way; a shape the store knows not to fit is refused before it reads anything.
   */
  public Message.Response readInline(Work.OnStore work, long id, Deadline deadline) {
    if (!work.inline()) {
      throw new IllegalArgumentException("request " + id + " is not an inline read");
    }
    Message.Response answer;
    try {
      answer = work.task().apply(deadline.slice(settings.inlineReadSlice()));
    } catch (Deadline.SliceExpired e) {
      return null;
    } catch (RuntimeException | StackOverflowError e) {
      answer = error(id, e);
    }
    inlineReads.increment();
    return answer;
  }

  /** Runs a store task on the calling thread: its answer, or the error it failed with. */
  public static Message.Response run(Work.OnStore work, long id, Deadline deadline) {
    try {
      return work.task().apply(deadline);
    } catch (RuntimeException | StackOverflowError e) {
      return error(id, e);
    }
  }

  /**
   * The error reply of request {@code id} that failed with {@code failure}: a refusal as it is,
   * anything else (a bug here or in the hooks, a broken store) as INTERNAL, logged.
   */
  public static Message.Error error(long id, Throwable failure) {
    if (!(OrmDbException.unwrap(failure) instanceof OrmDbException)) {
      LOG.error("request {} failed", id, OrmDbException.unwrap(failure));
    }
    OrmDbException e = OrmDbException.of(failure);
    return new Message.Error(id, e.code().code(), e.getMessage());
  }

  /**
   * Row-level policies are parsed, checked and stored with the schema but not enforced yet (the
   * planner hooks that would apply them pass every query through): a schema that declares any gets
   * a warning in the log, naming them, so nobody mistakes them for protection.
   */
  private static void warnOfPolicies(SchemaBundle bundle) {
    if (!bundle.policies().isEmpty()) {
      LOG.warn(
          "the schema declares {} row-level {} ({}), which {} NOT enforced yet: every"
              + " session can read and change every row",
          bundle.policies().size(),
          bundle.policies().size() == 1 ? "policy" : "policies",
          String.join(
              ", ", bundle.policies().stream().map(x -> x.name() + " on " + x.entity()).toList()),
          bundle.policies().size() == 1 ? "is" : "are");
    }
  }
}
