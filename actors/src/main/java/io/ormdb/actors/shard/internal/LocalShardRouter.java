package io.ormdb.actors.shard.internal;

import io.ormdb.actors.message.OrmDbMessage;
import io.ormdb.actors.shard.EntityShard;
import io.ormdb.actors.shard.ShardContext;
import io.ormdb.actors.shard.ShardRouter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Shards as children of one local host actor, spawned on first use. No cluster, no port. */
public final class LocalShardRouter implements ShardRouter {
  private final ActorRef<Deliver> host;
  private final int partitions;

  private LocalShardRouter(ActorRef<Deliver> host, int partitions) {
    this.host = host;
    this.partitions = partitions;
  }

  /** A message for the shard {@code entityId}. */
  public record Deliver(String entityId, EntityShard.Command message) implements OrmDbMessage {
    public Deliver {
      Objects.requireNonNull(entityId, "entityId");
      Objects.requireNonNull(message, "message");
    }
  }

  public static LocalShardRouter start(ActorSystem<?> system, ShardContext ctx, String name) {
    ActorRef<Deliver> host = system.systemActorOf(host(ctx), "ormdb-shards-" + name, Props.empty());
    return new LocalShardRouter(host, ctx.partitions());
  }

  static Behavior<Deliver> host(ShardContext ctx) {
    return Behaviors.setup(c -> hosting(ctx));
  }

  private static Behavior<Deliver> hosting(ShardContext ctx) {
    Map<String, ActorRef<EntityShard.Command>> shards = new HashMap<>();
    return Behaviors.receive(
        (context, d) -> {
          String child = URLEncoder.encode(d.entityId(), StandardCharsets.UTF_8);
          ActorRef<EntityShard.Command> shard = shards.get(child);
          if (shard == null) {
            shard = context.spawn(EntityShard.create(d.entityId(), ctx), child);
            shards.put(child, shard);
          }
          shard.tell(d.message());
          return Behaviors.same();
        });
  }

  @Override
  public void tell(String entity, int partition, EntityShard.Command message) {
    host.tell(new Deliver(EntityShard.entityId(entity, partition), message));
  }

  @Override
  public int partitions() {
    return partitions;
  }

  @Override
  public String hosting() {
    return "local";
  }
}
