package io.ormdb.actors.shard.internal;

import io.ormdb.actors.shard.EntityShard;
import io.ormdb.actors.shard.ShardContext;
import io.ormdb.actors.shard.ShardRouter;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * Shards placed by Cluster Sharding under one entity type key, entity id {@code Entity|partition}.
 * The same behaviour as the local host; messages then cross nodes through {@code OrmDbSerializer}.
 */
public final class ClusterShardRouter implements ShardRouter {
  private final ActorRef<ShardingEnvelope<EntityShard.Command>> region;
  private final int partitions;

  private ClusterShardRouter(
      ActorRef<ShardingEnvelope<EntityShard.Command>> region, int partitions) {
    this.region = region;
    this.partitions = partitions;
  }

  /** The entity type key of the shards of the ORMDB instance {@code name}. */
  public static EntityTypeKey<EntityShard.Command> typeKey(String name) {
    return EntityTypeKey.create(EntityShard.Command.class, "ormdb-entity-shard-" + name);
  }

  public static ClusterShardRouter start(ActorSystem<?> system, ShardContext ctx, String name) {
    ActorRef<ShardingEnvelope<EntityShard.Command>> region =
        ClusterSharding.get(system)
            .init(Entity.of(typeKey(name), ec -> EntityShard.create(ec.getEntityId(), ctx)));
    return new ClusterShardRouter(region, ctx.partitions());
  }

  @Override
  public void tell(String entity, int partition, EntityShard.Command message) {
    region.tell(new ShardingEnvelope<>(EntityShard.entityId(entity, partition), message));
  }

  @Override
  public int partitions() {
    return partitions;
  }

  @Override
  public String hosting() {
    return "cluster";
  }
}
