package io.ormdb.bench.systems;

import io.ormdb.actors.connection.ConnectionActor;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.wire.Message;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * One bench session's requests, every one of them — queries, aggregates and commits — sent as the
 * wire protocol's {@link Message}s to a connection actor of its own ({@code OrmDb.connect()}, an
 * embedded session: already handshaken) and awaited: the path a remote client's requests take
 * through their server-side session. Request ids count up per session; a pipelined writer has
 * several in flight (far below the connection's {@code max-in-flight}).
 *
 * <p>Each request is an {@link AskPattern#ask}: the reply completes a promise on the thread that
 * sends it, so waiting costs no hand-off of its own; the answer is taken from there in place (the
 * ask's own stage would run callbacks on another thread). {@link #close} ends the session.
 */
final class ConnectionApi implements OrmStoreDriver.Api {
  /** Longer than the connection's request timeout, which answers TIMEOUT first. */
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

  private static final Executor IN_PLACE = Runnable::run;

  private final ActorRef<ConnectionActor.Command> connection;
  private final Scheduler scheduler;

  /** The last request id sent; a session is used by one thread. */
  private long lastId;

  ConnectionApi(ActorRef<ConnectionActor.Command> connection, Scheduler scheduler) {
    this.connection = connection;
    this.scheduler = scheduler;
  }

  @Override
  public QueryResult query(GraphQuery q) {
    return await(send(id -> new Message.Query(id, 0, q), Message.QueryReply.class)).result();
  }

  @Override
  public MutationResult commit(MutationBatch batch) {
    return await(commitAsync(batch));
  }

  @Override
  public CompletionStage<MutationResult> commitAsync(MutationBatch batch) {
    return send(id -> new Message.Mutate(id, 0, batch), Message.MutateReply.class)
        .thenApply(Message.MutateReply::result);
  }

  @Override
  public AggregateResult aggregate(AggregateQuery q) {
    return await(send(id -> new Message.Aggregate(id, 0, q), Message.AggregateReply.class))
        .result();
  }

  @Override
  public void close() {
    connection.tell(new ConnectionActor.Close("bench session ended"));
  }

  /** Sends one request; the answer, or its error as an {@link OrmDbException}. */
  private <T extends Message.Response> CompletableFuture<T> send(
      LongFunction<Message.Request> request, Class<T> type) {
    long id = ++lastId;
    CompletableFuture<T> answer = new CompletableFuture<>();
    AskPattern.ask(
            connection,
            (ActorRef<Message.Response> to) -> new ConnectionActor.Request(request.apply(id), to),
            ASK_TIMEOUT,
            scheduler)
        .whenCompleteAsync(
            (r, failure) -> {
              if (failure != null) {
                answer.completeExceptionally(failure);
              } else if (r instanceof Message.Error e) {
                answer.completeExceptionally(
                    new OrmDbException(ErrorCode.fromCode(e.code()), e.message()));
              } else if (type.isInstance(r)) {
                answer.complete(type.cast(r));
              } else {
                answer.completeExceptionally(
                    new IllegalStateException(
                        "request " + id + ": expected " + type.getSimpleName() + " but got " + r));
              }
            },
            IN_PLACE);
    return answer;
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof OrmDbException o) {
        throw o;
      }
      throw e;
    }
  }
}
