package io.ormdb.actors.serialization;

import io.ormdb.actors.commit.CommitCoordinator;
import io.ormdb.actors.connection.ConnectionActor;
import io.ormdb.actors.planner.Planner;
import io.ormdb.actors.shard.EntityShard;
import io.ormdb.actors.shard.internal.LocalShardRouter;
import io.ormdb.protocol.codec.CodecExtension;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The Kryo ids of the actor layer's messages, added to the protocol's table through a {@link
 * CodecExtension}. Ranges (never renumber, only add):
 *
 * <pre>
 *   1000-1019  connection     1020-1039  planner     1040-1059  commit coordinator
 *   1060-1099  entity shards and shard hosting
 * </pre>
 *
 * <p>Ids of removed messages stay unused, never given to another class: {@link #RETIRED}.
 */
public final class ActorMessages {
  private ActorMessages() {}

  /**
   * Ids that named messages which no longer exist, never to be given to another class: reads no
   * longer pass the planner or the entity shards (they run through {@code Requests}) — 1021 {@code
   * Planner.RunChecked}, 1060 {@code EntityShard.FetchRoots}, 1061 {@code FetchHop}, 1063 {@code
   * Rows}, 1066 {@code WireRow}, 1068 {@code DirectRead}, 1069 {@code QueryBudget} (which only
   * those carried).
   */
  public static final Set<Integer> RETIRED = Set.of(1021, 1060, 1061, 1063, 1066, 1068, 1069);

  /** id → message class. */
  public static SortedMap<Integer, Class<?>> registrations() {
    SortedMap<Integer, Class<?>> t = new TreeMap<>();
    t.put(1000, ConnectionActor.Request.class);
    t.put(1001, ConnectionActor.Close.class);
    t.put(1020, Planner.Plan.class);
    t.put(1040, CommitCoordinator.Commit.class);
    t.put(1062, EntityShard.Validate.class);
    t.put(1064, EntityShard.Validated.class);
    t.put(1065, EntityShard.Refused.class);
    t.put(1067, LocalShardRouter.Deliver.class);
    t.put(1070, EntityShard.Commit.class);
    return t;
  }

  /**
   * The extension, with actor references travelling in their serialized form ({@code
   * ActorRefResolver} of the system that encodes or decodes).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static CodecExtension extension(
      Function<ActorRef<?>, String> toText, Function<String, ActorRef<?>> fromText) {
    CodecExtension.Builder b = CodecExtension.builder();
    registrations().forEach(b::register);
    b.external((Class) ActorRef.class, (Function) toText, (Function) fromText);
    return b.build();
  }
}
