package io.ormdb.actors.shard;

import io.ormdb.actors.message.OrmDbMessage;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.MutationValidator;
import io.ormdb.store.Partitioning;
import io.ormdb.store.query.FieldMasker;
import io.ormdb.store.query.PreparedQuery;
import io.ormdb.store.query.QueryBudget;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import io.ormdb.store.view.SlottedFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;

/**
 * One partition of one entity type (identity {@code Entity|partition}): serves reads of the rows it
 * owns at a snapshot named by its LSN, and validates its part of a mutation batch. Hosted by a
 * local shard host or by Cluster Sharding (see {@link ShardRouter}); the behaviour is the same.
 *
 * <p>Every store call runs on the store dispatcher and comes back through {@code pipeToSelf},
 * except a {@link DirectRead}, whose answer goes from the store dispatcher straight to the session
 * (the fast path of primary-key reads; it touches no shard state). Requests are independent, so a
 * shard serves many at once; the bound on work in flight is the connections' bound on requests in
 * flight.
 */
public final class EntityShard {
  private EntityShard() {}

  /** Messages an entity shard accepts. */
  public sealed interface Command extends OrmDbMessage
      permits FetchRoots, FetchHop, Validate, Commit, DirectRead, Finished {}

  /**
   * The root candidates this shard owns for {@code query} at {@code lsn}: filtered, after the
   * cursor, in order, at most {@code offset + limit + 1}.
   */
  public record FetchRoots(
      long tag, GraphQuery query, Map<String, Value> session, long lsn, ActorRef<Reply> replyTo)
      implements Command {
    public FetchRoots {
      Objects.requireNonNull(query, "query");
      session = Map.copyOf(session);
    }
  }

  /**
   * The rows this shard owns that hop {@code hop} of include level {@code level} of {@code query}
   * finds for {@code keys} at {@code lsn}.
   */
  public record FetchHop(
      long tag,
      GraphQuery query,
      Map<String, Value> session,
      long lsn,
      int level,
      int hop,
      List<Value> keys,
      ActorRef<Reply> replyTo)
      implements Command {
    public FetchHop {
      Objects.requireNonNull(query, "query");
      session = Map.copyOf(session);
      keys = List.copyOf(keys);
    }
  }

  /**
   * Validates this shard's part of a batch that spans several shards: {@code mutations.get(i)} is
   * mutation {@code indexes.get(i)} of the batch. The checks that need only the schema ({@link
   * MutationValidator}), on the shard's thread; the reply is {@link Validated} or the {@link
   * Refused} of the first failing mutation.
   */
  public record Validate(
      long tag, List<Integer> indexes, List<Mutation> mutations, ActorRef<Reply> replyTo)
      implements Command {
    public Validate {
      indexes = List.copyOf(indexes);
      mutations = List.copyOf(mutations);
      if (indexes.size() != mutations.size()) {
        throw new IllegalArgumentException("one index per mutation");
      }
    }
  }

  /**
   * A whole batch every mutation of which this shard owns: validated here ({@link
   * MutationValidator}, in mutation order, on the shard's thread), then handed to the store's
   * committer ({@code OrmStore.commitAsync}, a bounded enqueue that does not block), which applies
   * every constraint and the expected versions atomically. The answer ({@link Message.MutateReply},
   * or {@link Message.Error} naming the failing mutation) goes to {@code replyTo} from the thread
   * that completes the commit, without coming back through this shard.
   */
  public record Commit(long requestId, MutationBatch batch, ActorRef<Message.Response> replyTo)
      implements Command {
    public Commit {
      Objects.requireNonNull(batch, "batch");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * A whole query this shard answers alone: the planner found it reads the root by primary key with
   * every identity in this shard's partition and has no includes (see {@code QueryGate}). Read at
   * the newest snapshot, prepared under the session's {@code budget}, masked for {@code clearance};
   * the answer ({@link Message.QueryReply} or {@link Message.Error} with {@code requestId}) goes
   * from the store dispatcher straight to {@code replyTo}.
   */
  public record DirectRead(
      long requestId,
      GraphQuery query,
      Map<String, Value> session,
      QueryBudget budget,
      Sensitivity clearance,
      ActorRef<Message.Response> replyTo)
      implements Command {
    public DirectRead {
      Objects.requireNonNull(query, "query");
      Objects.requireNonNull(budget, "budget");
      Objects.requireNonNull(clearance, "clearance");
      Objects.requireNonNull(replyTo, "replyTo");
      session = Map.copyOf(session);
    }
  }

  private record Finished(ActorRef<Reply> replyTo, Reply reply)
      implements Command, NoSerializationVerificationNeeded {}

  /** A shard's answer; {@code tag} echoes the request's. */
  public sealed interface Reply extends OrmDbMessage permits Rows, Validated, Refused {
    long tag();
  }

  /** Rows read at the requested LSN, and how many rows were read to find them. */
  public record Rows(long tag, int partition, List<WireRow> rows, long rowsRead) implements Reply {
    public Rows {
      rows = List.copyOf(rows);
    }
  }

  /** The shard's part of the batch passed its checks. */
  public record Validated(long tag, int partition) implements Reply {}

  /**
   * A refusal with its {@link ErrorCode} value; {@code mutationIndex} is the failing mutation's
   * index in the batch, or -1 for reads.
   */
  public record Refused(long tag, int code, String message, int mutationIndex) implements Reply {
    public Refused {
      Objects.requireNonNull(message, "message");
    }
  }

  /** A row as it travels between actors. */
  public record WireRow(Value id, long version, Map<String, Value> fields) {
    public WireRow {
      Objects.requireNonNull(id, "id");
      // a row decoded by the store is an immutable slotted map: kept as is, so that a local
      // receiver reads fields by slot (a remote one gets a plain map from the wire)
      fields = fields instanceof SlottedFields ? fields : Map.copyOf(fields);
    }

    public static WireRow of(Row r) {
      return new WireRow(r.id(), r.version(), r.fields());
    }

    public Row toRow() {
      return new Row(id, version, fields);
    }
  }

  /**
   * Answers {@code message} with a refusal ({@code code}, {@code reason}) instead of serving it:
   * for a host that must not deliver it to a shard.
   */
  public static void refuse(Command message, ErrorCode code, String reason) {
    if (message instanceof FetchRoots m) {
      m.replyTo().tell(new Refused(m.tag(), code.code(), reason, -1));
    } else if (message instanceof FetchHop m) {
      m.replyTo().tell(new Refused(m.tag(), code.code(), reason, -1));
    } else if (message instanceof Validate m) {
      m.replyTo().tell(new Refused(m.tag(), code.code(), reason, -1));
    } else if (message instanceof Commit m) {
      m.replyTo().tell(new Message.Error(m.requestId(), code.code(), reason));
    } else if (message instanceof DirectRead m) {
      m.replyTo().tell(new Message.Error(m.requestId(), code.code(), reason));
    }
  }

  /** The entity id Cluster Sharding and the local host use: {@code Entity|partition}. */
  public static String entityId(String entity, int partition) {
    return entity + "|" + partition;
  }

  /** The behaviour of the shard with identity {@code entityId} ({@code Entity|partition}). */
  public static Behavior<Command> create(String entityId, ShardContext ctx) {
    int bar = entityId.lastIndexOf('|');
    if (bar <= 0) {
      throw new IllegalArgumentException("entity shard id must be Entity|partition: " + entityId);
    }
    String entity = entityId.substring(0, bar);
    int partition = Integer.parseInt(entityId.substring(bar + 1));
    // Requests fail alone (their refusal is the reply); should a handler still throw, the shard
    // restarts (it keeps no state between requests; answers of store calls in flight still
    // arrive) rather than stopping and leaving every later request to time out.
    return Behaviors.supervise(
            Behaviors.setup(
                (ActorContext<Command> c) -> new Running(c, entity, partition, ctx).behavior()))
        .onFailure(SupervisorStrategy.restart());
  }

  private static final class Running {
    private final ActorContext<Command> context;
    private final String entity;
    private final int partition;
    private final ShardContext ctx;
    private final Predicate<Value> owns;
    private final Logger log;

    Running(ActorContext<Command> context, String entity, int partition, ShardContext ctx) {
      this.context = context;
      this.entity = entity;
      this.partition = partition;
      this.ctx = ctx;
      this.log = context.getLog();
      int n = ctx.partitions();
      this.owns = n == 1 ? null : id -> Partitioning.partitionOf(id, n) == partition;
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(FetchRoots.class, m -> run(m.replyTo(), m.tag(), -1, () -> roots(m)))
          .onMessage(FetchHop.class, m -> run(m.replyTo(), m.tag(), -1, () -> hop(m)))
          .onMessage(Validate.class, this::onValidate)
          .onMessage(Commit.class, this::onCommit)
          .onMessage(DirectRead.class, this::onDirectRead)
          .onMessage(
              Finished.class,
              m -> {
                m.replyTo().tell(m.reply());
                return Behaviors.same();
              })
          .build();
    }

    /** Runs {@code work} on the store dispatcher; its reply (or failure) comes back as Finished. */
    private Behavior<Command> run(
        ActorRef<Reply> replyTo, long tag, int index, Supplier<Reply> work) {
      CompletableFuture<Reply> f = CompletableFuture.supplyAsync(work, ctx.storeExecutor());
      context.pipeToSelf(
          f,
          (reply, error) -> {
            if (error == null) {
              return new Finished(replyTo, reply);
            }
            OrmDbException e = failure(error);
            return new Finished(replyTo, new Refused(tag, e.code().code(), e.getMessage(), index));
          });
      return Behaviors.same();
    }

    /**
     * Answers on the store dispatcher and replies from there: the task touches no state of this
     * actor (it only tells {@code replyTo}, which any thread may do), so coming back through
     * pipeToSelf would add a hand-off without protecting anything.
     */
    private Behavior<Command> onDirectRead(DirectRead m) {
      ctx.storeExecutor().execute(() -> m.replyTo().tell(directRead(m)));
      return Behaviors.same();
    }

    private Message.Response directRead(DirectRead m) {
      try (ReadView view = ctx.store().snapshot()) {
        PreparedQuery pq =
            ctx.store().queryEngine().prepare(view, m.query(), m.session(), m.budget());
        return new Message.QueryReply(
            m.requestId(),
            FieldMasker.mask(pq.rootsOnly(view, owns), view.schema(), m.clearance()));
      } catch (RuntimeException | StackOverflowError e) {
        OrmDbException o = failure(e);
        return new Message.Error(m.requestId(), o.code().code(), o.getMessage());
      }
    }

    /** A failure as the refusal to reply; one that is not a refusal is logged. */
    private OrmDbException failure(Throwable error) {
      if (!(OrmDbException.unwrap(error) instanceof OrmDbException)) {
        log.error("entity shard {}|{} failed", entity, partition, OrmDbException.unwrap(error));
      }
      return OrmDbException.of(error, "entity shard " + entity + "|" + partition);
    }

    /**
     * This partition's rows as of {@code lsn}: rows of other partitions are skipped on their key
     * bytes, before they are fetched or decoded.
     */
    private ReadView partitionView(long lsn) {
      int n = ctx.partitions();
      return n == 1 ? ctx.store().snapshotAt(lsn) : ctx.store().snapshotAt(lsn, partition, n);
    }

    private Reply roots(FetchRoots m) {
      try (ReadView view = partitionView(m.lsn())) {
        PreparedQuery pq = prepare(view, m.query(), m.session());
        PreparedQuery.Rows rows = pq.rootCandidates(view, null);
        return new Rows(m.tag(), partition, wire(rows.rows()), rows.rowsRead());
      }
    }

    private Reply hop(FetchHop m) {
      try (ReadView view = partitionView(m.lsn())) {
        PreparedQuery pq = prepare(view, m.query(), m.session());
        SortedSet<Value> keys = PreparedQuery.sortedKeys(m.keys());
        PreparedQuery.Rows rows = pq.fetch(view, m.level(), m.hop(), keys, null);
        return new Rows(m.tag(), partition, wire(rows.rows()), rows.rowsRead());
      }
    }

    private PreparedQuery prepare(ReadView view, GraphQuery q, Map<String, Value> session) {
      return ctx.store().queryEngine().prepare(view, q, session, QueryBudget.DEFAULT);
    }

    /** Checks {@code m}'s part on this thread: CPU work over the schema, no store read. */
    private Behavior<Command> onValidate(Validate m) {
      Reply reply = new Validated(m.tag(), partition);
      try {
        SchemaBundle schema = ctx.store().schema();
        for (int i = 0; i < m.mutations().size(); i++) {
          int index = m.indexes().get(i);
          try {
            MutationValidator.validate(schema, index, m.mutations().get(i));
          } catch (OrmDbException e) {
            reply = new Refused(m.tag(), e.code().code(), e.getMessage(), index);
            break;
          }
        }
      } catch (RuntimeException | StackOverflowError e) {
        OrmDbException o = failure(e);
        reply = new Refused(m.tag(), o.code().code(), o.getMessage(), -1);
      }
      m.replyTo().tell(reply);
      return Behaviors.same();
    }

    /**
     * Validates the whole batch here, then enqueues its commit; the store's completion answers the
     * requester from the committer's thread (telling an {@code ActorRef} is thread-safe, and the
     * callback touches no state of this shard).
     */
    private Behavior<Command> onCommit(Commit m) {
      long id = m.requestId();
      try {
        SchemaBundle schema = ctx.store().schema();
        List<Mutation> ms = m.batch().mutations();
        for (int i = 0; i < ms.size(); i++) {
          MutationValidator.validate(schema, i, ms.get(i));
        }
        ctx.store()
            .commitAsync(m.batch())
            .whenComplete(
                (result, error) ->
                    m.replyTo()
                        .tell(
                            error == null
                                ? new Message.MutateReply(id, result)
                                : refusal(id, error, "the commit")));
      } catch (RuntimeException | StackOverflowError e) {
        m.replyTo().tell(refusal(id, e, "entity shard " + entity + "|" + partition));
      }
      return Behaviors.same();
    }

    /** The error answer of request {@code id}; a failure that is not a refusal is logged. */
    private Message.Error refusal(long id, Throwable error, String what) {
      if (!(OrmDbException.unwrap(error) instanceof OrmDbException)) {
        log.error("{} failed", what, OrmDbException.unwrap(error));
      }
      OrmDbException e = OrmDbException.of(error, what);
      return new Message.Error(id, e.code().code(), e.getMessage());
    }

    private static List<WireRow> wire(List<Row> rows) {
      List<WireRow> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(WireRow.of(r));
      }
      return out;
    }
  }
}
