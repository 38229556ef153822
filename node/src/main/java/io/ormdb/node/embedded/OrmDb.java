package io.ormdb.node.embedded;

import io.ormdb.actors.OrmDbActors;
import io.ormdb.actors.commit.CommitCoordinator;
import io.ormdb.actors.connection.ConnectionActor;
import io.ormdb.actors.planner.Planner;
import io.ormdb.actors.planner.Requests;
import io.ormdb.cdc.FeedControl;
import io.ormdb.cdc.OrmStoreRegistry;
import io.ormdb.cdc.audit.AuditDestination;
import io.ormdb.cdc.audit.AuditSettings;
import io.ormdb.cdc.audit.AuditSink;
import io.ormdb.cdc.feed.ChangeFeed;
import io.ormdb.cdc.feed.ChangeFilter;
import io.ormdb.cdc.feed.NamedConsumer;
import io.ormdb.cdc.live.LiveEvent;
import io.ormdb.cdc.live.LiveQueries;
import io.ormdb.cdc.replica.Replica;
import io.ormdb.cdc.replica.ReplicaStatus;
import io.ormdb.cdc.replica.ReplicationSettings;
import io.ormdb.cdc.replica.ReplicationSource;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeFeedItem;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.OrmStore;
import io.ormdb.store.query.Deadline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.javadsl.Source;

/**
 * ORMDB embedded in a Pekko application: {@code OrmDb.get(system)} opens the store configured under
 * {@code ormdb} (one per ActorSystem), starts the actor layer (shards hosted locally unless the
 * system is a cluster member: embedding opens no port) and offers a Java API of {@link
 * CompletionStage}s plus the actor protocols for actor-native callers.
 *
 * <p>Failed requests complete exceptionally with an {@link OrmDbException} carrying the error code.
 * Committed changes are available as change feeds ({@link #changes(long)}, {@link
 * #consumer(String)}); the extension registers its store with {@link OrmStoreRegistry} so that the
 * cdc module's Pekko Persistence plugins ({@code ormdb.journal}, {@code ormdb.snapshot-store}) and
 * read journal ({@code ormdb.query}) use the same file — select them in your configuration, they
 * are not made the defaults.
 *
 * <p>The store is closed by a CoordinatedShutdown task (phase {@code
 * before-actor-system-terminate}) once the commits already handed to it are durable; the file is
 * then released.
 */
public final class OrmDb implements Extension {
  private final ActorSystem<?> system;
  private final OrmDbSettings settings;
  private final OrmStore store;
  private final OrmDbActors actors;
  private final ActorRef<ConnectionActor.Command> session;
  private final ChangeFeed feed;
  private final AtomicLong requestIds = new AtomicLong();
  private final Duration askTimeout;
  private final Replica replica;
  private final String systemThreads;
  private final LongAdder callerReads = new LongAdder();

  private OrmDb(ActorSystem<?> system) {
    this.system = system;
    this.settings = OrmDbSettings.create(system.settings().config());
    this.systemThreads = system.name() + "-";
    ReplicationSettings rs = settings.replication();
    this.store =
        rs.isReplica() ? OrmStore.openReplica(settings.store()) : OrmStore.open(settings.store());
    // what recovery could not use, in the application's log too (the store logs it to
    // System.Logger)
    store
        .recoveryReport()
        .warning()
        .ifPresent(w -> system.log().warn("ORMDB store {}: {}", settings.store().dataDir(), w));
    OrmStoreRegistry.get(system).register(store);
    this.feed = ChangeFeed.create(system, store);
    this.actors =
        OrmDbActors.start(system, "default", store, settings.actors(), settings.newHooks());
    this.session = actors.connectEmbedded();
    Executor reads = feed.readExecutor();
    if (rs.serve()) {
      system.systemActorOf(
          ReplicationSource.create(store, reads, rs), ReplicationSource.NAME, Props.empty());
    }
    this.replica = rs.isReplica() ? Replica.start(system, store, reads, rs) : null;
    // the connection answers TIMEOUT by then; the ask only guards against a stopped session
    this.askTimeout = settings.actors().requestTimeout().plusSeconds(5);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "ormdb-close-store",
            () ->
                CompletableFuture.supplyAsync(
                    () -> {
                      OrmStoreRegistry.get(system).unregister(store);
                      store.close();
                      return Done.getInstance();
                    }));
  }

  /** The extension id; {@link #get} is the usual entry. */
  public static final ExtensionId<OrmDb> ID =
      new ExtensionId<>() {
        @Override
        public OrmDb createExtension(ActorSystem<?> system) {
          return new OrmDb(system);
        }
      };

  /** The ORMDB of {@code system}, opened on first use. */
  public static OrmDb get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** Parses schema-language text and applies it; completes with the new schema version. */
  public CompletionStage<Long> applySchema(String schemaText) {
    return request(id -> new Message.ApplySchema(id, schemaText), Message.SchemaApplied.class)
        .thenApply(Message.SchemaApplied::version);
  }

  /**
   * Runs a graph query at one snapshot (the newest, or as of its read options' LSN).
   *
   * <p>Reads — graph queries, {@link #aggregate(AggregateQuery) aggregates} and {@link
   * #explain(GraphQuery, boolean) explains} — run on the calling thread when {@code
   * ormdb.embedded.caller-thread-reads} is on (the default) and that thread is not a dispatcher's:
   * the checks a session runs (schema, hooks, budget), then the read from an MVCC snapshot, without
   * handing the request to another thread and waiting for its answer; the returned stage is then
   * already complete. A read still running at {@code ormdb.actors.request-timeout} stops with
   * TIMEOUT. On an actor's thread (or any fork-join worker) a read goes through the embedded
   * session, which runs on the store dispatcher and reads it there (on its own thread, or as a
   * store task), so actors never block on the store.
   */
  public CompletionStage<QueryResult> query(GraphQuery query) {
    if (mayReadHere()) {
      return here(() -> actors.reads().query(query, Map.of(), Sensitivity.RESTRICTED, deadline()));
    }
    return request(id -> new Message.Query(id, 0, query), Message.QueryReply.class)
        .thenApply(Message.QueryReply::result);
  }

  /** Runs a read on this thread: a completed stage, or one failed with the read's error. */
  private <T> CompletionStage<T> here(Supplier<T> read) {
    try {
      return CompletableFuture.completedFuture(read.get());
    } catch (RuntimeException | StackOverflowError e) {
      return CompletableFuture.failedFuture(failure(e));
    } finally {
      callerReads.increment();
    }
  }

  /** When a read started now on the caller's thread must stop: the request timeout. */
  private Deadline deadline() {
    return Deadline.after(settings.actors().requestTimeout());
  }

  /**
   * Runs a {@code find} statement of the query language: parsed here — a parse error, or a
   * statement that is not a {@code find}, fails the stage at once and nothing runs — then as {@link
   * #query(GraphQuery)}.
   */
  public CompletionStage<QueryResult> query(String findStatement) {
    Statement.Find f;
    try {
      f = parse(findStatement, Statement.Find.class, "query(String) runs find statements");
    } catch (RuntimeException | StackOverflowError e) {
      return CompletableFuture.failedFuture(failure(e));
    }
    return query(f.query());
  }

  /**
   * Commits a batch atomically; completes once it is durable.
   *
   * <p>From any thread, without the embedded session: the hooks run on the calling thread (CPU
   * work), then the batch goes to the entity shard that owns its rows, which validates it and hands
   * it to the store's committer, whose completion completes the stage (a batch over several
   * partitions is validated by each owner first, then committed once). Nothing here blocks, and
   * callers on many threads never queue behind one actor; their commits coalesce in the store's
   * group commit. No answer within {@code ormdb.actors.request-timeout} fails the stage with
   * TIMEOUT (the batch may still commit).
   *
   * <p>The stage completes on the store's committer thread, which wakes a caller waiting in {@code
   * join} at once. Callbacks attached with the non-async methods ({@code thenApply}, {@code
   * whenComplete}, ...) run there too, and every commit waits while they run: keep them short, or
   * attach them with the {@code ...Async} variants and an executor of your own.
   */
  public CompletionStage<MutationResult> mutate(MutationBatch batch) {
    return direct(id -> new Message.Mutate(id, 0, batch), Message.MutateReply.class)
        .thenApply(Message.MutateReply::result);
  }

  /**
   * Runs a write statement of the query language ({@code create}, {@code update}, {@code
   * updateMany}, {@code delete}, {@code deleteMany}, {@code upsert} or a {@code batch { ... }}):
   * parsed here — a parse error, or a statement that is not a write, fails the stage at once and
   * nothing runs — then committed as {@link #mutate(MutationBatch)}.
   */
  public CompletionStage<MutationResult> mutate(String writeStatement) {
    Statement.Write w;
    try {
      w =
          parse(
              writeStatement,
              Statement.Write.class,
              "mutate(String) runs create, update, delete, upsert and batch statements");
    } catch (RuntimeException | StackOverflowError e) {
      return CompletableFuture.failedFuture(failure(e));
    }
    return mutate(w.batch());
  }

  /** Runs an aggregate at one snapshot; on the calling thread as {@link #query(GraphQuery)}. */
  public CompletionStage<AggregateResult> aggregate(AggregateQuery query) {
    if (mayReadHere()) {
      return here(
          () -> actors.reads().aggregate(query, Map.of(), Sensitivity.RESTRICTED, deadline()));
    }
    return request(id -> new Message.Aggregate(id, 0, query), Message.AggregateReply.class)
        .thenApply(Message.AggregateReply::result);
  }

  /**
   * Runs a {@code count()} or {@code aggregate(...)} statement of the query language: parsed here —
   * a parse error, or another kind of statement, fails the stage at once and nothing runs — then as
   * {@link #aggregate(AggregateQuery)}.
   */
  public CompletionStage<AggregateResult> aggregate(String aggregateStatement) {
    Statement.Aggregate a;
    try {
      a =
          parse(
              aggregateStatement,
              Statement.Aggregate.class,
              "aggregate(String) runs count and aggregate statements");
    } catch (RuntimeException | StackOverflowError e) {
      return CompletableFuture.failedFuture(failure(e));
    }
    return aggregate(a.query());
  }

  /**
   * The plan of a query; with {@code analyze} it also runs and reports actual row counts. On the
   * calling thread as {@link #query(GraphQuery)}.
   */
  public CompletionStage<ExplainResult> explain(GraphQuery query, boolean analyze) {
    if (mayReadHere()) {
      return here(
          () ->
              actors.reads().explain(query, analyze, Map.of(), Sensitivity.RESTRICTED, deadline()));
    }
    return request(id -> new Message.Explain(id, 0, query, analyze), Message.ExplainReply.class)
        .thenApply(Message.ExplainReply::result);
  }

  /**
   * Runs an {@code explain} or {@code explain analyze} statement of the query language: parsed here
   * with the store's schema (order keys checked as they are read) — a parse error, or another kind
   * of statement, fails the stage at once and nothing runs — then as {@link #explain(GraphQuery,
   * boolean)}.
   */
  public CompletionStage<ExplainResult> explain(String explainStatement) {
    Statement.Explain e;
    try {
      e =
          parse(
              explainStatement, Statement.Explain.class, "explain(String) runs explain statements");
    } catch (RuntimeException | StackOverflowError failed) {
      return CompletableFuture.failedFuture(failure(failed));
    }
    return explain(e.query(), e.analyze());
  }

  /**
   * Parses one statement on the calling thread and checks its kind, so that a statement handed to
   * the wrong method is refused before anything runs.
   */
  private <S extends Statement> S parse(String text, Class<S> kind, String refusal) {
    Statement s = QueryParser.parse(text, store.schema());
    if (kind.isInstance(s)) {
      return kind.cast(s);
    }
    throw OrmDbException.invalid(refusal + "; this is " + describe(s) + ": " + text);
  }

  private static String describe(Statement s) {
    if (s instanceof Statement.Find) {
      return "a find statement (use query)";
    } else if (s instanceof Statement.Aggregate) {
      return "an aggregate statement (use aggregate)";
    } else if (s instanceof Statement.Write) {
      return "a write statement (use mutate)";
    }
    return "an explain statement (use explain)";
  }

  /**
   * Every committed change from {@code fromLsn} on (inclusive; 0 = from the oldest), in LSN order,
   * continuing live; backpressured end to end. See {@link ChangeFeed}.
   */
  public Source<ChangeEvent, FeedControl> changes(long fromLsn) {
    return feed.changes(fromLsn);
  }

  /** The committed changes from {@code fromLsn} that pass {@code filter} (no markers). */
  public Source<ChangeEvent, FeedControl> changes(long fromLsn, ChangeFilter filter) {
    return feed.changes(fromLsn, filter);
  }

  /** Like {@link #changes(long, ChangeFilter)}, with transaction markers when the filter asks. */
  public Source<ChangeFeedItem, FeedControl> changeItems(long fromLsn, ChangeFilter filter) {
    return feed.items(fromLsn, filter);
  }

  /**
   * A named consumer whose offset is stored durably in the database file; see {@link NamedConsumer}
   * for the delivery contract.
   */
  public NamedConsumer consumer(String name) {
    return feed.consumer(name);
  }

  /**
   * Starts the audit sink configured under {@code ormdb.audit} (whatever {@code enabled} says):
   * every committed change as a JSON line in rotated files, exactly once across restarts and
   * crashes. See {@link AuditSink}.
   */
  public AuditSink startAuditSink() {
    return startAuditSink(AuditSettings.create(system.settings().config()));
  }

  /**
   * Starts a JSON-lines audit sink; without a directory it writes to {@code audit} inside the data
   * directory.
   */
  public AuditSink startAuditSink(AuditSettings settings) {
    return AuditSink.start(system, feed, auditDirectory(settings));
  }

  /** Starts an audit sink into a destination of your own (at least once; see {@link AuditSink}). */
  public AuditSink startAuditSink(AuditSettings settings, AuditDestination destination) {
    return AuditSink.start(system, feed, settings, destination);
  }

  /** Starts the configured audit sink when {@code ormdb.audit.enabled = on} (a node does this). */
  public Optional<AuditSink> startConfiguredAuditSink() {
    AuditSettings s = AuditSettings.create(system.settings().config());
    return s.enabled() ? Optional.of(startAuditSink(s)) : Optional.empty();
  }

  private AuditSettings auditDirectory(AuditSettings s) {
    if (s.directory().isPresent() || settings.store().isInMemory()) {
      return s;
    }
    return s.withDirectory(Path.of(settings.store().dataDir()).resolve("audit"));
  }

  /** The change feed over this extension's store. */
  public ChangeFeed changeFeed() {
    return feed;
  }

  /**
   * Subscribes to a graph query: its result as of {@code fromLsn} (0 = now), then what entered,
   * changed or left it for the committed changes that affect it (several as one delta at the newest
   * LSN when the subscriber is behind); resume with the LSN of the last event applied. See {@link
   * LiveQueries}; {@link io.ormdb.cdc.live.LiveView} applies the events.
   */
  public Source<LiveEvent, FeedControl> liveQuery(GraphQuery query, long fromLsn) {
    return liveQueries().subscribe(query, fromLsn);
  }

  // one per node: its subscriptions share one changelog reader and advance at one LSN
  private LiveQueries liveQueries;

  /**
   * The live queries of this node, which {@link #liveQuery} subscribes to: subscriptions of equal
   * queries share one evaluation and all advance at one LSN; {@link LiveQueries#stats()} counts
   * their work.
   */
  public synchronized LiveQueries liveQueries() {
    if (liveQueries == null) {
      liveQueries = LiveQueries.create(system, store);
    }
    return liveQueries;
  }

  /**
   * Whether this node is a read replica ({@code ormdb.replica.primary} set): it follows its
   * primary's changelog, serves reads and refuses writes and schema changes with READ_ONLY_REPLICA.
   */
  public boolean isReplica() {
    return replica != null;
  }

  /** Where this replica stands (applied LSN, the primary's, lag); empty on a primary. */
  public Optional<ReplicaStatus> replicaStatus() {
    return replica == null ? Optional.empty() : Optional.of(replica.status());
  }

  /** A new embedded session speaking the wire protocol's messages (already handshaken). */
  public ActorRef<ConnectionActor.Command> connect() {
    return actors.connectEmbedded();
  }

  /**
   * A new embedded session that sees fields up to {@code clearance} in clear: more sensitive fields
   * are masked in its results (per their {@code @mask}), and it may not order, filter or aggregate
   * by them (PERMISSION_DENIED).
   */
  public ActorRef<ConnectionActor.Command> connect(Sensitivity clearance) {
    return actors.connectEmbedded(clearance);
  }

  /** The planner, for actor-native callers that manage request ids themselves. */
  public ActorRef<Planner.Command> planner() {
    return actors.planner();
  }

  public ActorRef<CommitCoordinator.Command> commitCoordinator() {
    return actors.coordinator();
  }

  /** The store itself (for direct reads, tests and tools); owned by this extension. */
  public OrmStore store() {
    return store;
  }

  public OrmDbSettings settings() {
    return settings;
  }

  /**
   * Asks the session and completes a plain {@link CompletableFuture} on the thread that delivers
   * the answer. The ask's own stage is Scala's {@code CompletableFuture} subclass, whose non-async
   * methods run their callbacks asynchronously on the default executor — on a machine with one or
   * two cores that is a new thread per callback (the common pool has parallelism 1, so {@code
   * CompletableFuture} falls back to thread-per-task), which cost a point read about a millisecond.
   * Completing our own future from a callback run in place keeps the caller's {@code thenApply}
   * chains on the answering thread.
   */
  private <T extends Message.Response> CompletionStage<T> request(
      LongFunction<Message.Request> request, Class<T> type) {
    long id = requestIds.incrementAndGet();
    CompletableFuture<T> answer = new CompletableFuture<>();
    CompletionStage<Message.Response> asked;
    try {
      // sending can fail here, e.g. a message that cannot be serialized (nested too deep)
      asked =
          AskPattern.ask(
              session,
              r -> new ConnectionActor.Request(request.apply(id), r),
              askTimeout,
              system.scheduler());
    } catch (RuntimeException | StackOverflowError e) {
      return CompletableFuture.failedFuture(failure(e));
    }
    asked.whenCompleteAsync((r, failure) -> complete(answer, r, failure, type), IN_PLACE);
    return answer;
  }

  /**
   * Runs a request the way a session would — its checks on this thread, then its store task or
   * write — without the session, completing the stage on the thread that has the answer; TIMEOUT
   * after {@code request-timeout} at the latest. For requests whose work never blocks this thread
   * (writes: the shards and the committer do the work).
   */
  private <T extends Message.Response> CompletionStage<T> direct(
      LongFunction<Message.Request> request, Class<T> type) {
    long id = requestIds.incrementAndGet();
    CompletableFuture<Message.Response> answered = new CompletableFuture<>();
    Duration timeout = settings.actors().requestTimeout();
    try {
      Requests requests = actors.requests();
      requests.start(
          requests.plan(request.apply(id), Map.of(), Sensitivity.RESTRICTED),
          id,
          Deadline.after(timeout),
          answered::complete);
    } catch (RuntimeException | StackOverflowError e) {
      return CompletableFuture.failedFuture(failure(e));
    }
    if (!answered.isDone()) {
      answered.completeOnTimeout(
          new Message.Error(
              id,
              ErrorCode.TIMEOUT.code(),
              "no answer within "
                  + timeout.toMillis()
                  + " ms; a write may still have been applied"),
          timeout.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    CompletableFuture<T> answer = new CompletableFuture<>();
    answered.whenComplete((r, failure) -> complete(answer, r, failure, type));
    return answer;
  }

  /**
   * Completes {@code answer} with the reply {@code r} as a {@code type}, or with the OrmDbException
   * its Error reply describes, or with {@code failure}.
   */
  private static <T extends Message.Response> void complete(
      CompletableFuture<T> answer, Message.Response r, Throwable failure, Class<T> type) {
    if (failure != null) {
      answer.completeExceptionally(failure);
    } else if (r instanceof Message.Error e) {
      answer.completeExceptionally(new OrmDbException(ErrorCode.fromCode(e.code()), e.message()));
    } else if (type.isInstance(r)) {
      answer.complete(type.cast(r));
    } else {
      answer.completeExceptionally(
          new OrmDbException(
              ErrorCode.INTERNAL,
              "expected " + type.getSimpleName() + " but the answer was " + r.type()));
    }
  }

  /**
   * A refusal as it is; anything else (the store closed under a read) as INTERNAL. The API never
   * throws an Error at its caller: a StackOverflowError (input deeper than the nesting checks
   * foresaw) unwound only the request's frames and becomes its INTERNAL error. The other
   * VirtualMachineErrors (OutOfMemoryError, InternalError) are deliberately not caught anywhere
   * here: the JVM itself may be unwell, and a request's error would hide that.
   */
  private static OrmDbException failure(Throwable e) {
    if (e instanceof StackOverflowError so) {
      return OrmDbException.stackOverflow(so);
    }
    return OrmDbException.of(e);
  }

  /**
   * Whether this thread may run a store read itself: caller-thread reads are on and it is not a
   * dispatcher's thread ({@link #isDispatcherThread}); the answer is kept per thread.
   */
  private boolean mayReadHere() {
    return settings.callerThreadReads() && !dispatcherThread.get();
  }

  private final ThreadLocal<Boolean> dispatcherThread =
      ThreadLocal.withInitial(() -> isDispatcherThread(Thread.currentThread()));

  /**
   * A fork-join worker (Pekko's default dispatchers, the common pool), or a thread Pekko made for a
   * dispatcher of this ActorSystem — named {@code <system>-<dispatcher id>-<n>} for a configured
   * dispatcher id — or its scheduler's.
   */
  private boolean isDispatcherThread(Thread t) {
    if (t instanceof ForkJoinWorkerThread) {
      return true;
    }
    String name = t.getName();
    int end = name.lastIndexOf('-');
    if (!name.startsWith(systemThreads) || end <= systemThreads.length()) {
      return false;
    }
    String id = name.substring(systemThreads.length(), end);
    return id.equals("scheduler") || system.classicSystem().dispatchers().hasDispatcher(id);
  }

  /**
   * How many reads (graph queries, aggregates, explains) this node answered on their callers'
   * threads (see {@link #query(GraphQuery)}); the rest went through the actors.
   */
  public long callerThreadReads() {
    return callerReads.sum();
  }

  /**
   * How many graph queries this node's sessions ({@link #connect()}, and the embedded session that
   * reads for callers on dispatcher threads) answered on their own threads, within {@code
   * ormdb.actors.inline-read-slice}; their other reads were store tasks.
   */
  public long sessionThreadReads() {
    return actors.requests().inlineReads();
  }

  /** Runs a callback on the thread that completes the stage (the callbacks here are tiny). */
  private static final Executor IN_PLACE = Runnable::run;
}
