package io.ormdb.actors.shard.internal;

import io.ormdb.actors.shard.EntityShard;
import io.ormdb.actors.shard.ShardContext;
import io.ormdb.actors.shard.ShardRouter;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Shards placed by Cluster Sharding under one entity type key, entity id {@code Entity|partition}.
 * The same behaviour as the local host; messages then cross nodes through {@code OrmDbSerializer}.
 *
 * <p>Every shard reads and validates against the store of the node it runs on, and nothing yet
 * keeps the stores of several nodes equal: on a cluster of more than one member a shard placed on
 * another node would answer from that node's file. So this hosting serves a single-node cluster
 * only; while the cluster has more members every request is refused at once (INTERNAL, naming the
 * problem and the fix, see {@link #refusal}) instead of reading or writing.
 */
public final class ClusterShardRouter implements ShardRouter {
  private final ActorSystem<?> system;
  private final Cluster cluster;
  private final ActorRef<ShardingEnvelope<EntityShard.Command>> region;
  private final int partitions;
  private final AtomicBoolean warned = new AtomicBoolean();

  private ClusterShardRouter(
      ActorSystem<?> system,
      ActorRef<ShardingEnvelope<EntityShard.Command>> region,
      int partitions) {
    this.system = system;
    this.cluster = Cluster.get(system);
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
    return new ClusterShardRouter(system, region, ctx.partitions());
  }

  /** Why a request is refused on a cluster of {@code members} members. */
  public static String tooManyMembers(int members) {
    return "entity shards are hosted by Cluster Sharding over this node's local store, which is"
        + " only correct on a single-node cluster; this cluster has "
        + members
        + " members — use ormdb.actors.shard-hosting = local until clustered storage exists";
  }

  @Override
  public Optional<String> refusal() {
    int members = cluster.state().members().size();
    if (members <= 1) {
      return Optional.empty();
    }
    String reason = tooManyMembers(members);
    if (warned.compareAndSet(false, true)) {
      system.log().error("{}; refusing every request", reason);
    }
    return Optional.of(reason);
  }

  @Override
  public void tell(String entity, int partition, EntityShard.Command message) {
    Optional<String> refused = refusal();
    if (refused.isPresent()) {
      EntityShard.refuse(message, ErrorCode.INTERNAL, refused.get());
      return;
    }
    region.tell(new ShardingEnvelope<>(EntityShard.entityId(entity, partition), message));
  }

  @Override
  public <R> CompletionStage<R> ask(
      String entity,
      int partition,
      Function<ActorRef<R>, EntityShard.Command> message,
      Duration timeout) {
    Optional<String> refused = refusal();
    if (refused.isPresent()) {
      return CompletableFuture.failedFuture(new OrmDbException(ErrorCode.INTERNAL, refused.get()));
    }
    String id = EntityShard.entityId(entity, partition);
    return AskPattern.ask(
        region, r -> new ShardingEnvelope<>(id, message.apply(r)), timeout, system.scheduler());
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
