package io.ormdb.actors.shard;

import io.ormdb.actors.message.OrmDbMessage;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.MutationValidator;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;

/**
 * One partition of one entity type (identity {@code Entity|partition}): the owner of the writes to
 * its rows. It validates the mutations of a batch that touch them and, for a batch that touches
 * only them, hands the batch to the store's committer itself. Hosted by a local shard host or by
 * Cluster Sharding (see {@link ShardRouter}); the behaviour is the same.
 *
 * <p>Shards take no part in reads: one store holds every partition, and a read opens one snapshot
 * of it (see {@code ReadService}). Everything a shard does is CPU work over the schema plus a
 * non-blocking enqueue into the committer, so it runs on the shard's own thread, never the store
 * dispatcher; the committer's completion answers the requester directly. Requests are independent,
 * so a shard serves many at once; the bound on work in flight is the sessions' bound on requests in
 * flight and the store's bounded commit queue.
 */
public final class EntityShard {
  private EntityShard() {}

  /** Messages an entity shard accepts. */
  public sealed interface Command extends OrmDbMessage permits Validate, Commit {}

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

  /** A shard's answer to {@link Validate}; {@code tag} echoes the request's. */
  public sealed interface Reply extends OrmDbMessage permits Validated, Refused {
    long tag();
  }

  /** The shard's part of the batch passed its checks. */
  public record Validated(long tag, int partition) implements Reply {}

  /**
   * A refusal with its {@link ErrorCode} value; {@code mutationIndex} is the failing mutation's
   * index in the batch, or -1 when no mutation is to blame.
   */
  public record Refused(long tag, int code, String message, int mutationIndex) implements Reply {
    public Refused {
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Answers {@code message} with a refusal ({@code code}, {@code reason}) instead of serving it:
   * for a host that must not deliver it to a shard.
   */
  public static void refuse(Command message, ErrorCode code, String reason) {
    if (message instanceof Validate m) {
      m.replyTo().tell(new Refused(m.tag(), code.code(), reason, -1));
    } else if (message instanceof Commit m) {
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
    // restarts (it keeps no state between requests; commits in flight still answer their
    // requesters) rather than stopping and leaving every later request to time out.
    return Behaviors.supervise(
            Behaviors.setup(
                (ActorContext<Command> c) -> new Running(c, entity, partition, ctx).behavior()))
        .onFailure(SupervisorStrategy.restart());
  }

  private static final class Running {
    private final String entity;
    private final int partition;
    private final ShardContext ctx;
    private final Logger log;

    Running(ActorContext<Command> context, String entity, int partition, ShardContext ctx) {
      this.entity = entity;
      this.partition = partition;
      this.ctx = ctx;
      this.log = context.getLog();
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Validate.class, this::onValidate)
          .onMessage(Commit.class, this::onCommit)
          .build();
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
        OrmDbException o = failure(e, "entity shard " + entity + "|" + partition);
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
                                : error(id, error, "the commit")));
      } catch (RuntimeException | StackOverflowError e) {
        m.replyTo().tell(error(id, e, "entity shard " + entity + "|" + partition));
      }
      return Behaviors.same();
    }

    /** The error answer of request {@code id}. */
    private Message.Error error(long id, Throwable error, String what) {
      OrmDbException e = failure(error, what);
      return new Message.Error(id, e.code().code(), e.getMessage());
    }

    /** A failure as the refusal to reply; one that is not a refusal is logged. */
    private OrmDbException failure(Throwable error, String what) {
      if (!(OrmDbException.unwrap(error) instanceof OrmDbException)) {
        log.error("{} failed", what, OrmDbException.unwrap(error));
      }
      return OrmDbException.of(error, what);
    }
  }
}
