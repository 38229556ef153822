package io.ormdb.actors.settings;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Locale;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The actor layer's settings, read eagerly from {@code ormdb} in the configuration (see the
 * module's {@code reference.conf} for every key).
 *
 * @param partitions partitions per entity type, at least 1
 * @param requestTimeout how long a connection waits for one request's answer
 * @param shardTimeout how long the write path waits for the entity shards validating a batch that
 *     spans several of them
 * @param maxInFlight requests one connection may have in flight
 * @param shardHosting where entity shards live
 * @param inlineReadSlice how long a session on the store dispatcher reads a graph query on its own
 *     thread before it hands the query to a store task instead; zero: never on its own thread
 */
public record ActorSettings(
    int partitions,
    Duration requestTimeout,
    Duration shardTimeout,
    int maxInFlight,
    ShardHosting shardHosting,
    Duration inlineReadSlice) {

  /** The dispatcher store calls run on. */
  public static final String STORE_DISPATCHER = "ormdb.store-dispatcher";

  /** Where entity shards live. */
  public enum ShardHosting {
    /** Local, whatever the provider (until clustered storage exists). */
    AUTO,
    /** A local shard host: no cluster, no port. */
    LOCAL,
    /**
     * Cluster Sharding over each node's own store: a single-node cluster only; with more members
     * requests that need a shard are refused.
     */
    CLUSTER;

    static ShardHosting parse(String s) {
      for (ShardHosting h : values()) {
        if (h.name().equals(s.toUpperCase(Locale.ROOT))) {
          return h;
        }
      }
      throw new IllegalArgumentException(
          "ormdb.actors.shard-hosting must be one of auto, local, cluster but is '" + s + "'");
    }
  }

  public ActorSettings {
    if (partitions < 1) {
      throw new IllegalArgumentException("ormdb.partitions must be >= 1 but is " + partitions);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException(
          "ormdb.actors.max-in-flight must be >= 1 but is " + maxInFlight);
    }
    if (requestTimeout.isZero()
        || requestTimeout.isNegative()
        || shardTimeout.isZero()
        || shardTimeout.isNegative()) {
      throw new IllegalArgumentException("ormdb.actors timeouts must be > 0");
    }
    if (inlineReadSlice.isNegative()) {
      throw new IllegalArgumentException(
          "ormdb.actors.inline-read-slice must be >= 0 but is " + inlineReadSlice);
    }
  }

  public static ActorSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  /** Reads {@code ormdb.partitions} and {@code ormdb.actors.*} from a full configuration. */
  public static ActorSettings create(Config config) {
    Config a = config.getConfig("ormdb.actors");
    return new ActorSettings(
        config.getInt("ormdb.partitions"),
        a.getDuration("request-timeout"),
        a.getDuration("shard-timeout"),
        a.getInt("max-in-flight"),
        ShardHosting.parse(a.getString("shard-hosting")),
        a.getDuration("inline-read-slice"));
  }

  public ActorSettings withPartitions(int n) {
    return new ActorSettings(
        n, requestTimeout, shardTimeout, maxInFlight, shardHosting, inlineReadSlice);
  }

  public ActorSettings withTimeouts(Duration request, Duration shard) {
    return new ActorSettings(
        partitions, request, shard, maxInFlight, shardHosting, inlineReadSlice);
  }

  public ActorSettings withMaxInFlight(int n) {
    return new ActorSettings(
        partitions, requestTimeout, shardTimeout, n, shardHosting, inlineReadSlice);
  }

  public ActorSettings withShardHosting(ShardHosting h) {
    return new ActorSettings(
        partitions, requestTimeout, shardTimeout, maxInFlight, h, inlineReadSlice);
  }

  public ActorSettings withInlineReadSlice(Duration slice) {
    return new ActorSettings(
        partitions, requestTimeout, shardTimeout, maxInFlight, shardHosting, slice);
  }
}
