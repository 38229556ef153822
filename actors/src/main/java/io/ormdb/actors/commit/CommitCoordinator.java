package io.ormdb.actors.commit;

import io.ormdb.actors.message.OrmDbMessage;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.wire.Message;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The commit protocol for actor-native callers that manage request ids themselves (sessions and the
 * embedded API use the {@link WritePath} directly): a {@link Commit} goes through the write path —
 * the owning entity shards validate, the store commits once, atomically — and the answer goes from
 * the thread that has it straight to {@code replyTo}: {@link Message.MutateReply} once the batch is
 * durable, or {@link Message.Error} with the store's error code and message (which names the
 * failing mutation and constraint). No actor is spawned per batch; batches proceed in parallel up
 * to the store's group commit.
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

  public static Behavior<Command> create(WritePath writes) {
    Objects.requireNonNull(writes, "writes");
    // The write path answers its own failures; should anything still escape, the coordinator
    // resumes (it keeps no state) instead of stopping.
    return Behaviors.supervise(
            Behaviors.<Command>receive(
                (context, c) -> {
                  Commit commit = (Commit) c;
                  writes
                      .commit(commit.requestId(), commit.batch())
                      .thenAccept(commit.replyTo()::tell);
                  return Behaviors.same();
                }))
        .onFailure(SupervisorStrategy.resume());
  }
}
