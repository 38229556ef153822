package io.ormdb.actors.shard;

import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.actors.shard.internal.ClusterShardRouter;
import io.ormdb.actors.shard.internal.LocalShardRouter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Delivers messages to entity shards by identity ({@code Entity|partition}), wherever they are
 * hosted: by a local shard host that spawns shards on demand (the default: embedding needs neither
 * a cluster nor a port), or by Cluster Sharding on a single-node cluster. Chosen once at startup by
 * {@link #start}.
 */
public interface ShardRouter {

  /** Sends {@code message} to the shard of {@code entity} owning {@code partition}. */
  void tell(String entity, int partition, EntityShard.Command message);

  /**
   * Sends the shard of {@code entity} owning {@code partition} the message {@code message} builds
   * around a one-off reply reference (no actor is spawned: Pekko's ask); completes with the shard's
   * reply on the thread that sends it, or fails with a {@link
   * java.util.concurrent.TimeoutException} after {@code timeout}.
   */
  <R> CompletionStage<R> ask(
      String entity,
      int partition,
      Function<ActorRef<R>, EntityShard.Command> message,
      Duration timeout);

  /** The number of partitions per entity. */
  int partitions();

  /** How shards are hosted: {@code "local"} or {@code "cluster"}. */
  String hosting();

  /**
   * Why this node serves no request now, or empty: explicit Cluster Sharding on a cluster of more
   * than one member (see {@link ClusterShardRouter}). Reads and writes check it before they start
   * and answer INTERNAL with this text.
   */
  default Optional<String> refusal() {
    return Optional.empty();
  }

  /**
   * Starts shard hosting as {@code ormdb.actors.shard-hosting} says: {@code auto} and {@code local}
   * host shards locally, also on a cluster member — each node answers from its own store; {@code
   * cluster} places them with Cluster Sharding, which serves a single-node cluster only (see {@link
   * ClusterShardRouter}). {@code name} distinguishes several ORMDB instances in one ActorSystem.
   */
  static ShardRouter start(ActorSystem<?> system, ShardContext ctx, String name) {
    return ctx.settings().shardHosting() == ActorSettings.ShardHosting.CLUSTER
        ? ClusterShardRouter.start(system, ctx, name)
        : LocalShardRouter.start(system, ctx, name);
  }
}
