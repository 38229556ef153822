package io.ormdb.actors.commit;

import io.ormdb.actors.shard.EntityShard;
import io.ormdb.actors.shard.ShardContext;
import io.ormdb.actors.shard.ShardRouter;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.MutationValidator;
import io.ormdb.store.OrmStore;
import io.ormdb.store.Partitioning;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits mutation batches with per-partition shard ownership, without an actor per batch and
 * without the store dispatcher. Every mutation belongs to the shard owning its row ({@code
 * Entity|partition} of its identity; one without an identity — an insert with a generated id, an
 * upsert by a unique key, a filtered update or delete — to partition {@code index mod partitions}).
 *
 * <ul>
 *   <li>A batch owned by one shard (every single-row write) goes to that shard as an {@link
 *       EntityShard.Commit}: it validates every mutation and enqueues the commit, and the store's
 *       completion answers from the committer's thread: caller → shard → committer → caller.
 *   <li>A batch over several shards: each owner validates its part in parallel ({@link
 *       EntityShard.Validate}); once all have answered, the refusal of the lowest mutation index
 *       wins (a schema error in mutation 7 is reported before the constraint error the store would
 *       find in mutation 2), else the whole batch goes to the store as one {@code commitAsync} from
 *       the thread of the last answer. A shard that does not answer within {@code shard-timeout}
 *       makes it TIMEOUT, with nothing written.
 * </ul>
 *
 * The store's single committer applies unique, foreign-key and check constraints, expected versions
 * and cascades and appends the changelog entry in the same durable commit: all or nothing, across
 * partitions and across a crash. Commits of many callers coalesce in its group commit. Thread-safe;
 * it keeps no state.
 */
public final class WritePath {
  private static final Logger LOG = LoggerFactory.getLogger(WritePath.class);

  private final OrmStore store;
  private final ShardRouter router;
  private final Duration requestTimeout;
  private final Duration shardTimeout;

  public WritePath(ShardContext ctx, ShardRouter router) {
    this.store = ctx.store();
    this.router = router;
    this.requestTimeout = ctx.settings().requestTimeout();
    this.shardTimeout = ctx.settings().shardTimeout();
  }

  /** One shard: an entity and a partition. */
  private record Owner(String entity, int partition) {}

  /**
   * Commits {@code batch} (already checked against the session: schema version, hooks); completes
   * with {@link Message.MutateReply} or {@link Message.Error} carrying {@code requestId}, never
   * exceptionally, on the thread that has the answer.
   */
  public CompletionStage<Message.Response> commit(long requestId, MutationBatch batch) {
    try {
      Optional<String> refused = router.refusal();
      if (refused.isPresent()) {
        return CompletableFuture.completedFuture(
            new Message.Error(requestId, ErrorCode.INTERNAL.code(), refused.get()));
      }
      Map<Owner, List<Integer>> parts = split(batch);
      if (parts.isEmpty()) {
        return reply(requestId, store.commitAsync(batch));
      }
      if (parts.size() == 1) {
        Owner o = parts.keySet().iterator().next();
        return answer(
            requestId,
            router.<Message.Response>ask(
                o.entity(),
                o.partition(),
                r -> new EntityShard.Commit(requestId, batch, r),
                requestTimeout),
            failure ->
                timedOut(failure)
                    ? error(
                        requestId,
                        ErrorCode.TIMEOUT,
                        "no answer within "
                            + requestTimeout.toMillis()
                            + " ms; a write may still have been applied")
                    : error(requestId, failure));
      }
      return validateThenCommit(requestId, batch, parts);
    } catch (RuntimeException | StackOverflowError e) {
      return CompletableFuture.completedFuture(error(requestId, e));
    }
  }

  /** The owner of every mutation; INVALID_REQUEST at once for an unknown entity. */
  private Map<Owner, List<Integer>> split(MutationBatch batch) {
    SchemaBundle schema = store.schema();
    List<Mutation> ms = batch.mutations();
    Map<Owner, List<Integer>> parts = new LinkedHashMap<>();
    int n = router.partitions();
    for (int i = 0; i < ms.size(); i++) {
      Mutation m = ms.get(i);
      if (schema.entity(m.entity()).isEmpty()) {
        MutationValidator.validate(schema, i, m); // the unknown-entity error, did-you-mean
      }
      String identity = schema.entity(m.entity()).orElseThrow().identityField();
      parts
          .computeIfAbsent(new Owner(m.entity(), owner(m, identity, i, n)), k -> new ArrayList<>())
          .add(i);
    }
    return parts;
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

  /** Every owner validates its part; then the lowest refusal, or one commit of the batch. */
  private CompletionStage<Message.Response> validateThenCommit(
      long requestId, MutationBatch batch, Map<Owner, List<Integer>> parts) {
    List<Mutation> ms = batch.mutations();
    List<CompletableFuture<EntityShard.Reply>> answers = new ArrayList<>(parts.size());
    for (Map.Entry<Owner, List<Integer>> e : parts.entrySet()) {
      List<Mutation> part = new ArrayList<>(e.getValue().size());
      for (int i : e.getValue()) {
        part.add(ms.get(i));
      }
      answers.add(
          inPlace(
              router.<EntityShard.Reply>ask(
                  e.getKey().entity(),
                  e.getKey().partition(),
                  r -> new EntityShard.Validate(0, e.getValue(), part, r),
                  shardTimeout)));
    }
    CompletableFuture<Message.Response> answer = new CompletableFuture<>();
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .whenComplete(
            (done, failed) -> {
              Message.Response refusal = firstRefusal(requestId, answers);
              if (refusal != null) {
                answer.complete(refusal);
              } else {
                reply(requestId, store.commitAsync(batch)).thenAccept(answer::complete);
              }
            });
    return answer;
  }

  /**
   * The answer that ends the batch before its commit: TIMEOUT when a shard did not answer, the
   * failure of a shard's ask, or the refusal of the lowest mutation index; null when every part
   * passed.
   */
  private Message.Response firstRefusal(
      long requestId, List<CompletableFuture<EntityShard.Reply>> answers) {
    int silent = 0;
    Throwable failure = null;
    EntityShard.Refused first = null;
    for (CompletableFuture<EntityShard.Reply> a : answers) {
      EntityShard.Reply r;
      try {
        r = a.join();
      } catch (RuntimeException e) {
        if (timedOut(e)) {
          silent++;
        } else if (failure == null) {
          failure = e;
        }
        continue;
      }
      if (r instanceof EntityShard.Refused refused
          && (first == null || refused.mutationIndex() < first.mutationIndex())) {
        first = refused;
      }
    }
    if (silent > 0) {
      return error(
          requestId,
          ErrorCode.TIMEOUT,
          "batch validation did not complete within "
              + shardTimeout.toMillis()
              + " ms: "
              + silent
              + " shard(s) did not answer; nothing was written");
    }
    if (failure != null) {
      return error(requestId, failure);
    }
    return first == null ? null : new Message.Error(requestId, first.code(), first.message());
  }

  private static boolean timedOut(Throwable failure) {
    return OrmDbException.unwrap(failure) instanceof TimeoutException;
  }

  private static CompletionStage<Message.Response> reply(
      long requestId, CompletableFuture<MutationResult> commit) {
    CompletableFuture<Message.Response> answer = new CompletableFuture<>();
    commit.whenComplete(
        (result, failure) ->
            answer.complete(
                failure == null
                    ? new Message.MutateReply(requestId, result)
                    : error(requestId, failure)));
    return answer;
  }

  /** {@code asked}'s answer, or what {@code onFailure} makes of its failure, completed in place. */
  private static CompletionStage<Message.Response> answer(
      long requestId,
      CompletionStage<Message.Response> asked,
      java.util.function.Function<Throwable, Message.Response> onFailure) {
    CompletableFuture<Message.Response> answer = new CompletableFuture<>();
    asked.whenCompleteAsync(
        (r, failure) -> answer.complete(failure == null ? r : onFailure.apply(failure)),
        Runnable::run);
    return answer;
  }

  /**
   * {@code stage} as a plain future completed on the thread that completes it (a stage from Pekko's
   * ask runs even non-async callbacks on another executor).
   */
  private static <T> CompletableFuture<T> inPlace(CompletionStage<T> stage) {
    CompletableFuture<T> f = new CompletableFuture<>();
    stage.whenCompleteAsync(
        (v, failure) -> {
          if (failure == null) {
            f.complete(v);
          } else {
            f.completeExceptionally(failure);
          }
        },
        Runnable::run);
    return f;
  }

  private static Message.Error error(long requestId, ErrorCode code, String message) {
    return new Message.Error(requestId, code.code(), message);
  }

  /** A refusal as it is; anything else INTERNAL, logged. */
  private static Message.Error error(long requestId, Throwable failure) {
    if (!(OrmDbException.unwrap(failure) instanceof OrmDbException)) {
      LOG.error("commit of request {} failed", requestId, OrmDbException.unwrap(failure));
    }
    OrmDbException e = OrmDbException.of(failure, "the commit");
    return new Message.Error(requestId, e.code().code(), e.getMessage());
  }
}
