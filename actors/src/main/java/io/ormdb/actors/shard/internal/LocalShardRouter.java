package io.ormdb.actors.shard.internal;

import io.ormdb.actors.message.OrmDbMessage;
import io.ormdb.actors.shard.EntityShard;
import io.ormdb.actors.shard.ShardContext;
import io.ormdb.actors.shard.ShardRouter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Shards as children of one local host actor, spawned on first use. No cluster, no port. Once the
 * host has spawned a shard it publishes its reference, and later messages go to the shard directly
 * rather than through the host (one hand-off less per message; the shards' requests are
 * independent, so the order between the first messages and the later ones does not matter).
 */
public final class LocalShardRouter implements ShardRouter {
  private final ActorRef<Deliver> host;
  private final int partitions;
  private final Map<String, ActorRef<EntityShard.Command>> spawned;
  private final Scheduler scheduler;

  private LocalShardRouter(
      ActorRef<Deliver> host,
      int partitions,
      Map<String, ActorRef<EntityShard.Command>> spawned,
      Scheduler scheduler) {
    this.host = host;
    this.partitions = partitions;
    this.spawned = spawned;
    this.scheduler = scheduler;
  }

  /** A message for the shard {@code entityId}. */
  public record Deliver(String entityId, EntityShard.Command message) implements OrmDbMessage {
    public Deliver {
      Objects.requireNonNull(entityId, "entityId");
      Objects.requireNonNull(message, "message");
    }
  }

  public static LocalShardRouter start(ActorSystem<?> system, ShardContext ctx, String name) {
    Map<String, ActorRef<EntityShard.Command>> spawned = new ConcurrentHashMap<>();
    ActorRef<Deliver> host =
        system.systemActorOf(host(ctx, spawned), "ormdb-shards-" + name, Props.empty());
    return new LocalShardRouter(host, ctx.partitions(), spawned, system.scheduler());
  }

  /** The host; it publishes every shard it spawns in {@code spawned} under its entity id. */
  static Behavior<Deliver> host(
      ShardContext ctx, Map<String, ActorRef<EntityShard.Command>> spawned) {
    // resumed, never restarted, on a failure: its map names the shards it has spawned
    return Behaviors.supervise(Behaviors.setup((ActorContext<Deliver> c) -> hosting(ctx, spawned)))
        .onFailure(SupervisorStrategy.resume());
  }

  private static Behavior<Deliver> hosting(
      ShardContext ctx, Map<String, ActorRef<EntityShard.Command>> spawned) {
    Map<String, ActorRef<EntityShard.Command>> shards = new HashMap<>();
    return Behaviors.receive(
        (context, d) -> {
          String child = URLEncoder.encode(d.entityId(), StandardCharsets.UTF_8);
          ActorRef<EntityShard.Command> shard = shards.get(child);
          if (shard == null) {
            shard = context.spawn(EntityShard.create(d.entityId(), ctx), child);
            shards.put(child, shard);
            spawned.put(d.entityId(), shard);
          }
          shard.tell(d.message());
          return Behaviors.same();
        });
  }

  @Override
  public void tell(String entity, int partition, EntityShard.Command message) {
    String id = EntityShard.entityId(entity, partition);
    ActorRef<EntityShard.Command> shard = spawned.get(id);
    if (shard != null) {
      shard.tell(message);
    } else {
      host.tell(new Deliver(id, message));
    }
  }

  @Override
  public <R> CompletionStage<R> ask(
      String entity,
      int partition,
      Function<ActorRef<R>, EntityShard.Command> message,
      Duration timeout) {
    String id = EntityShard.entityId(entity, partition);
    ActorRef<EntityShard.Command> shard = spawned.get(id);
    if (shard != null) {
      return AskPattern.ask(shard, message::apply, timeout, scheduler);
    }
    return AskPattern.ask(host, r -> new Deliver(id, message.apply(r)), timeout, scheduler);
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
