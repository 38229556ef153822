package io.ormdb.actors.executor;

import io.ormdb.actors.shard.EntityShard;
import io.ormdb.actors.shard.ShardRouter;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.Partitioning;
import io.ormdb.store.query.FieldMasker;
import io.ormdb.store.query.PreparedQuery;
import io.ormdb.store.view.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Runs one planned graph query (one executor per request) at one snapshot LSN: asks every shard of
 * the root entity for its root candidates in parallel, merges them into the root page, then for
 * each include level sends one batched request per shard and hop (a hop by identity sends each
 * shard only the keys it owns; a hop by a foreign key sends every shard of the child entity all
 * keys, each answering with its own partition's children), merges per parent and assembles the
 * columnar result with the store's {@link PreparedQuery} steps — the same code {@code
 * OrmStore.query} runs; then masks it for the session's clearance ({@link FieldMasker#mask}: every
 * block, root and includes, fields above the clearance per their {@code @mask}). Replies {@link
 * Message.QueryReply} or {@link Message.Error} (TIMEOUT when the shards of one step do not all
 * answer within the shard timeout) and stops.
 *
 * <p>Merging runs on this actor's thread: it is CPU work on rows already read, never store I/O.
 */
public final class QueryExecutor extends AbstractBehavior<QueryExecutor.Command> {

  /** The executor's own messages; all private. */
  public interface Command {}

  private record ShardAnswer(EntityShard.Reply reply)
      implements Command, NoSerializationVerificationNeeded {}

  private record StepTimedOut(long tag) implements Command, NoSerializationVerificationNeeded {}

  private final PreparedQuery pq;
  private final long lsn;
  private final Map<String, Value> session;
  private final SchemaBundle maskSchema;
  private final Sensitivity clearance;
  private final ShardRouter router;
  private final Duration shardTimeout;
  private final long requestId;
  private final ActorRef<Message.Response> replyTo;
  private final TimerScheduler<Command> timers;
  private final ActorRef<EntityShard.Reply> answers;

  // step state
  private long tag;
  private int awaiting;
  private String waitingFor = "";
  private final List<Row> stepRows = new ArrayList<>();

  // graph state
  private PreparedQuery.RootPage root;
  private final List<List<Row>> levelRows = new ArrayList<>();
  private final List<PreparedQuery.IncludePage> includes = new ArrayList<>();
  private int level;
  private int hop;
  private List<Row> firstHop;

  private QueryExecutor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      PreparedQuery pq,
      long lsn,
      Map<String, Value> session,
      SchemaBundle maskSchema,
      Sensitivity clearance,
      ShardRouter router,
      Duration shardTimeout,
      long requestId,
      ActorRef<Message.Response> replyTo) {
    super(context);
    this.maskSchema = maskSchema;
    this.clearance = clearance;
    this.timers = timers;
    this.pq = pq;
    this.lsn = lsn;
    this.session = session;
    this.router = router;
    this.shardTimeout = shardTimeout;
    this.requestId = requestId;
    this.replyTo = replyTo;
    this.answers = context.messageAdapter(EntityShard.Reply.class, ShardAnswer::new);
  }

  /**
   * An executor for {@code pq} at {@code lsn} whose result is not masked (clearance RESTRICTED); it
   * starts at once and replies to {@code replyTo} with {@code requestId}.
   */
  public static Behavior<Command> create(
      PreparedQuery pq,
      long lsn,
      Map<String, Value> session,
      ShardRouter router,
      Duration shardTimeout,
      long requestId,
      ActorRef<Message.Response> replyTo) {
    return create(
        pq,
        lsn,
        session,
        SchemaBundle.empty(),
        Sensitivity.RESTRICTED,
        router,
        shardTimeout,
        requestId,
        replyTo);
  }

  /**
   * An executor for {@code pq} at {@code lsn} whose result is masked for {@code clearance} by the
   * field sensitivities of {@code maskSchema}; it starts at once and replies to {@code replyTo}
   * with {@code requestId}.
   */
  public static Behavior<Command> create(
      PreparedQuery pq,
      long lsn,
      Map<String, Value> session,
      SchemaBundle maskSchema,
      Sensitivity clearance,
      ShardRouter router,
      Duration shardTimeout,
      long requestId,
      ActorRef<Message.Response> replyTo) {
    java.util.Objects.requireNonNull(maskSchema, "maskSchema");
    java.util.Objects.requireNonNull(clearance, "clearance");
    return Behaviors.setup(
        c ->
            Behaviors.withTimers(
                t ->
                    new QueryExecutor(
                            c,
                            t,
                            pq,
                            lsn,
                            session,
                            maskSchema,
                            clearance,
                            router,
                            shardTimeout,
                            requestId,
                            replyTo)
                        .start()));
  }

  private Behavior<Command> start() {
    String entity = pq.entity(0);
    beginStep("root candidates of " + entity);
    // a primary-key read asks only the partitions owning the identities; other reads ask all
    java.util.Set<Integer> owners = new java.util.TreeSet<>();
    List<Value> ids = pq.rootIdentities();
    for (int p = 0; p < router.partitions(); p++) {
      owners.add(p);
    }
    if (ids != null) {
      owners.clear();
      for (Value id : ids) {
        owners.add(Partitioning.partitionOf(id, router.partitions()));
      }
    }
    for (int p : owners) {
      router.tell(entity, p, new EntityShard.FetchRoots(tag, pq.query(), session, lsn, answers));
      awaiting++;
    }
    if (awaiting == 0) {
      try {
        return stepDone();
      } catch (RuntimeException | StackOverflowError e) {
        return fail(e);
      }
    }
    return this;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ShardAnswer.class, this::onAnswer)
        .onMessage(StepTimedOut.class, this::onTimeout)
        .build();
  }

  private void beginStep(String what) {
    tag++;
    awaiting = 0;
    waitingFor = what;
    stepRows.clear();
    timers.startSingleTimer("step", new StepTimedOut(tag), shardTimeout);
  }

  private Behavior<Command> onAnswer(ShardAnswer a) {
    EntityShard.Reply r = a.reply();
    if (r.tag() != tag) {
      return this; // a late answer of a finished step
    }
    if (r instanceof EntityShard.Refused refused) {
      return fail(ErrorCode.fromCode(refused.code()), refused.message());
    }
    for (EntityShard.WireRow w : ((EntityShard.Rows) r).rows()) {
      stepRows.add(w.toRow());
    }
    if (--awaiting > 0) {
      return this;
    }
    try {
      return stepDone();
    } catch (RuntimeException | StackOverflowError e) {
      return fail(e);
    }
  }

  private Behavior<Command> onTimeout(StepTimedOut t) {
    if (t.tag() != tag) {
      return this;
    }
    return fail(
        ErrorCode.TIMEOUT,
        "query did not complete within "
            + shardTimeout.toMillis()
            + " ms: "
            + awaiting
            + " shard(s) did not answer ("
            + waitingFor
            + ")");
  }

  /** The current step has all its answers: merge, then start the next step or finish. */
  private Behavior<Command> stepDone() {
    List<Row> rows = new ArrayList<>(stepRows);
    if (root == null) {
      root = pq.rootPage(rows);
      levelRows.add(root.rows());
      includes.add(null);
      level = 1;
      hop = 0;
      return nextHop(null);
    }
    return nextHop(rows);
  }

  /**
   * Continues at ({@code level}, {@code hop}); {@code fetched} holds the rows of the hop just
   * finished, null when none was.
   */
  private Behavior<Command> nextHop(List<Row> fetched) {
    while (true) {
      if (fetched != null) {
        if (hop == 0 && pq.hops(level) == 2) {
          firstHop = fetched;
          hop = 1;
        } else {
          List<Row> first = hop == 0 ? fetched : firstHop;
          List<Row> second = hop == 0 ? null : fetched;
          PreparedQuery.IncludePage page =
              pq.attach(level, levelRows.get(pq.parentLevel(level)), first, second);
          levelRows.add(page.rows());
          includes.add(page);
          level++;
          hop = 0;
          firstHop = null;
        }
        fetched = null;
      }
      if (level >= pq.levels()) {
        timers.cancel("step");
        replyTo.tell(
            new Message.QueryReply(
                requestId,
                FieldMasker.mask(pq.assemble(root, includes, lsn), maskSchema, clearance)));
        return Behaviors.stopped();
      }
      SortedSet<Value> keys =
          hop == 0
              ? pq.parentKeys(level, levelRows.get(pq.parentLevel(level)))
              : pq.edgeKeys(level, firstHop);
      if (keys.isEmpty()) {
        fetched = List.of();
        continue;
      }
      send(keys);
      return this;
    }
  }

  private void send(SortedSet<Value> keys) {
    String entity = pq.hopEntity(level, hop);
    beginStep("level " + level + " hop " + hop + " on " + entity);
    int n = router.partitions();
    if (pq.hopByIdentity(level, hop) && n > 1) {
      Map<Integer, List<Value>> byPartition = new TreeMap<>();
      for (Value k : keys) {
        byPartition.computeIfAbsent(Partitioning.partitionOf(k, n), p -> new ArrayList<>()).add(k);
      }
      for (Map.Entry<Integer, List<Value>> e : byPartition.entrySet()) {
        router.tell(entity, e.getKey(), fetch(e.getValue()));
        awaiting++;
      }
    } else {
      List<Value> all = new ArrayList<>(keys);
      for (int p = 0; p < n; p++) {
        router.tell(entity, p, fetch(all));
        awaiting++;
      }
    }
  }

  private EntityShard.FetchHop fetch(List<Value> keys) {
    return new EntityShard.FetchHop(tag, pq.query(), session, lsn, level, hop, keys, answers);
  }

  /** Ends the query with {@code failure}: a refusal as it is, anything else INTERNAL, logged. */
  private Behavior<Command> fail(Throwable failure) {
    if (!(OrmDbException.unwrap(failure) instanceof OrmDbException)) {
      getContext().getLog().error("query {} failed", requestId, OrmDbException.unwrap(failure));
    }
    OrmDbException e = OrmDbException.of(failure, "the query");
    return fail(e.code(), e.getMessage());
  }

  private Behavior<Command> fail(ErrorCode code, String message) {
    timers.cancel("step");
    replyTo.tell(new Message.Error(requestId, code.code(), message));
    return Behaviors.stopped();
  }
}
