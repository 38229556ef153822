package io.ormdb.actors.shard;

import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.actors.shard.internal.ClusterShardRouter;
import io.ormdb.actors.shard.internal.LocalShardRouter;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Delivers messages to entity shards by identity ({@code Entity|partition}), wherever they are
 * hosted: by Cluster Sharding when the ActorSystem is a cluster member, else by a local shard host
 * that spawns shards on demand (embedding needs neither a cluster nor a port). Chosen once at
 * startup by {@link #start}.
 */
public interface ShardRouter {

  /** Sends {@code message} to the shard of {@code entity} owning {@code partition}. */
  void tell(String entity, int partition, EntityShard.Command message);

  /** The number of partitions per entity. */
  int partitions();

  /** How shards are hosted: {@code "local"} or {@code "cluster"}. */
  String hosting();

  /**
   * Starts shard hosting as {@code ormdb.actors.shard-hosting} says ({@code auto}: cluster when
   * {@code pekko.actor.provider = cluster}). {@code name} distinguishes several ORMDB instances in
   * one ActorSystem (tests).
   */
  static ShardRouter start(ActorSystem<?> system, ShardContext ctx, String name) {
    ActorSettings.ShardHosting h = ctx.settings().shardHosting();
    if (h == ActorSettings.ShardHosting.AUTO) {
      String provider = system.settings().config().getString("pekko.actor.provider");
      h =
          provider.equals("cluster")
                  || provider.equals("org.apache.pekko.cluster.ClusterActorRefProvider")
              ? ActorSettings.ShardHosting.CLUSTER
              : ActorSettings.ShardHosting.LOCAL;
    }
    return h == ActorSettings.ShardHosting.CLUSTER
        ? ClusterShardRouter.start(system, ctx, name)
        : LocalShardRouter.start(system, ctx, name);
  }
}
