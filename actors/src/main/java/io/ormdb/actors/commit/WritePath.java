package io.ormdb.actors.commit;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.wire.Message;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Where a checked mutation batch goes to be committed: to the {@link CommitCoordinator}. Thread-
 * safe; the answer completes on the thread that has it.
 */
public final class WritePath {
  private final ActorRef<CommitCoordinator.Command> coordinator;
  private final Scheduler scheduler;
  private final Duration timeout;

  public WritePath(
      ActorRef<CommitCoordinator.Command> coordinator, Scheduler scheduler, Duration timeout) {
    this.coordinator = coordinator;
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  /**
   * Commits {@code batch}; completes with {@link Message.MutateReply} or {@link Message.Error}
   * carrying {@code requestId}, never exceptionally.
   */
  public CompletionStage<Message.Response> commit(long requestId, MutationBatch batch) {
    CompletableFuture<Message.Response> answer = new CompletableFuture<>();
    AskPattern.<CommitCoordinator.Command, Message.Response>ask(
            coordinator, r -> new CommitCoordinator.Commit(requestId, batch, r), timeout, scheduler)
        .whenCompleteAsync(
            (r, failure) -> {
              if (failure == null) {
                answer.complete(r);
              } else {
                OrmDbException e =
                    OrmDbException.unwrap(failure) instanceof TimeoutException
                        ? new OrmDbException(
                            ErrorCode.TIMEOUT,
                            "no answer within "
                                + timeout.toMillis()
                                + " ms; a write may still have been applied")
                        : OrmDbException.of(failure, "the commit");
                answer.complete(new Message.Error(requestId, e.code().code(), e.getMessage()));
              }
            },
            Runnable::run);
    return answer;
  }
}
