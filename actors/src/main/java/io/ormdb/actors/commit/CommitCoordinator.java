package io.ormdb.actors.commit;

import io.ormdb.actors.message.OrmDbMessage;
import io.ormdb.actors.shard.EntityShard;
import io.ormdb.actors.shard.ShardContext;
import io.ormdb.actors.shard.ShardRouter;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.MutationValidator;
import io.ormdb.store.Partitioning;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Commits mutation batches atomically across entity shards. Each batch gets its own child (so
 * batches proceed in parallel up to the store's group commit):
 *
 * <ol>
 *   <li>split: every mutation goes to the shard owning its row ({@code Entity|partition} of its
 *       identity); a mutation without an identity (an insert with a generated id, an upsert by a
 *       unique key, a filtered update or delete) goes to partition {@code index mod partitions};
 *   <li>validate: each shard checks and stages its part in parallel (schema checks, expected
 *       versions against its snapshot); any refusal ends the batch with that refusal (the lowest
 *       mutation index when several refuse);
 *   <li>commit: the whole batch goes to the store as one {@code commitAsync}; its single committer
 *       applies unique, foreign-key and check constraints and cascades and appends the changelog
 *       entry in the same durable store commit. All or nothing, across partitions and across a
 *       crash, by construction.
 * </ol>
 *
 * Replies {@link Message.MutateReply} once the batch is durable, or {@link Message.Error} with the
 * store's error code and message (which names the failing mutation and constraint).
 */
public final class CommitCoordinator {
  private CommitCoordinator() {}

  /** Messages the coordinator accepts. */
  public sealed interface Command extends OrmDbMessage permits Commit {}

  /** Commits {@code batch}; the reply carries {@code requestId}. */
  public record Commit(long requestId, MutationBatch batch, ActorRef<Message.Response> replyTo)
      implements Command {
    public Commit {
      Objects.requireNonNull(batch, "batch");
    }
  }

  public static Behavior<Command> create(ShardContext ctx, ShardRouter router) {
    // Each batch fails alone, in its own child (which answers its request); should the coordinator
    // itself fail, it resumes — it keeps no state and its batches run on.
    return Behaviors.supervise(
            Behaviors.receive(
                (ActorContext<Command> context, Command c) -> {
                  context.spawnAnonymous(BatchCommit.create(ctx, router, (Commit) c));
                  return Behaviors.<Command>same();
                }))
        .onFailure(SupervisorStrategy.resume());
  }

  /** One batch: validate in the shards, then commit in the store. */
  private static final class BatchCommit {
    private interface Msg {}

    private record Answer(EntityShard.Reply reply)
        implements Msg, NoSerializationVerificationNeeded {}

    private record TimedOut() implements Msg, NoSerializationVerificationNeeded {}

    private record Committed(MutationResult result, Throwable error)
        implements Msg, NoSerializationVerificationNeeded {}

    static Behavior<Msg> create(ShardContext ctx, ShardRouter router, Commit c) {
      return Behaviors.setup(
          context ->
              Behaviors.withTimers(t -> new BatchCommit(context, t, ctx, router, c).start()));
    }

    private final ActorContext<Msg> context;
    private final TimerScheduler<Msg> timers;
    private final ShardContext ctx;
    private final ShardRouter router;
    private final Commit commit;
    private int awaiting;
    private EntityShard.Refused firstRefusal;

    private BatchCommit(
        ActorContext<Msg> context,
        TimerScheduler<Msg> timers,
        ShardContext ctx,
        ShardRouter router,
        Commit commit) {
      this.context = context;
      this.timers = timers;
      this.ctx = ctx;
      this.router = router;
      this.commit = commit;
    }

    private Behavior<Msg> start() {
      try {
        return validate();
      } catch (RuntimeException | StackOverflowError e) {
        return fail(e);
      }
    }

    /** Sends every part of the batch to the shard that owns it and waits for their answers. */
    private Behavior<Msg> validate() {
      List<Mutation> ms = commit.batch().mutations();
      if (ms.isEmpty()) {
        return submit();
      }
      var schema = ctx.store().schema();
      Map<String, List<Integer>> parts = new TreeMap<>();
      for (int i = 0; i < ms.size(); i++) {
        Mutation m = ms.get(i);
        if (schema.entity(m.entity()).isEmpty()) {
          try {
            MutationValidator.validate(schema, i, m); // the unknown-entity error, did-you-mean
          } catch (OrmDbException e) {
            return reply(new Message.Error(commit.requestId(), e.code().code(), e.getMessage()));
          }
        }
        String identity = schema.entity(m.entity()).orElseThrow().identityField();
        int p = owner(m, identity, i, router.partitions());
        parts.computeIfAbsent(m.entity() + "|" + p, k -> new ArrayList<>()).add(i);
      }
      ActorRef<EntityShard.Reply> answers =
          context.messageAdapter(EntityShard.Reply.class, Answer::new);
      for (Map.Entry<String, List<Integer>> e : parts.entrySet()) {
        String key = e.getKey();
        int bar = key.lastIndexOf('|');
        List<Mutation> part = new ArrayList<>();
        for (int i : e.getValue()) {
          part.add(ms.get(i));
        }
        router.tell(
            key.substring(0, bar),
            Integer.parseInt(key.substring(bar + 1)),
            new EntityShard.Validate(0, e.getValue(), part, answers));
        awaiting++;
      }
      timers.startSingleTimer(new TimedOut(), ctx.settings().shardTimeout());
      return Behaviors.receive(Msg.class)
          .onMessage(Answer.class, this::onAnswer)
          .onMessage(
              TimedOut.class,
              t ->
                  reply(
                      new Message.Error(
                          commit.requestId(),
                          ErrorCode.TIMEOUT.code(),
                          "batch validation did not complete within "
                              + ctx.settings().shardTimeout().toMillis()
                              + " ms: "
                              + awaiting
                              + " shard(s) did not answer; nothing was written")))
          .build();
    }

    private static int owner(Mutation m, String identity, int index, int partitions) {
      Value id = null;
      if (m instanceof Mutation.Update u) {
        id = u.id();
      } else if (m instanceof Mutation.Delete d) {
        id = d.id();
      } else if (m instanceof Mutation.Insert ins) {
        id = ins.data().get(identity);
      } else if (m instanceof Mutation.Upsert up) {
        id = up.key().get(identity);
      }
      return id == null || id.isNull()
          ? Math.floorMod(index, partitions)
          : Partitioning.partitionOf(id, partitions);
    }

    private Behavior<Msg> onAnswer(Answer a) {
      if (a.reply() instanceof EntityShard.Refused r) {
        if (firstRefusal == null || r.mutationIndex() < firstRefusal.mutationIndex()) {
          firstRefusal = r;
        }
      }
      if (--awaiting > 0) {
        return Behaviors.same();
      }
      timers.cancelAll();
      if (firstRefusal != null) {
        return reply(
            new Message.Error(commit.requestId(), firstRefusal.code(), firstRefusal.message()));
      }
      return submit();
    }

    private Behavior<Msg> submit() {
      // Even enqueueing a commit touches the store: it runs on the store dispatcher too.
      context.pipeToSelf(
          CompletableFuture.supplyAsync(
                  () -> ctx.store().commitAsync(commit.batch()), ctx.storeExecutor())
              .thenCompose(f -> f),
          Committed::new);
      return Behaviors.receive(Msg.class)
          .onMessage(Committed.class, this::onCommitted)
          .onAnyMessage(m -> Behaviors.same())
          .build();
    }

    private Behavior<Msg> onCommitted(Committed c) {
      if (c.error() == null) {
        return reply(new Message.MutateReply(commit.requestId(), c.result()));
      }
      return fail(c.error());
    }

    /** Ends the batch with {@code failure}: a refusal as it is, anything else INTERNAL, logged. */
    private Behavior<Msg> fail(Throwable failure) {
      if (!(OrmDbException.unwrap(failure) instanceof OrmDbException)) {
        context.getLog().error("commit failed", OrmDbException.unwrap(failure));
      }
      OrmDbException e = OrmDbException.of(failure, "the commit");
      return reply(new Message.Error(commit.requestId(), e.code().code(), e.getMessage()));
    }

    private Behavior<Msg> reply(Message.Response r) {
      commit.replyTo().tell(r);
      return Behaviors.stopped();
    }
  }
}
