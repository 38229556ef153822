package io.ormdb.node.embedded;

import com.typesafe.config.Config;
import io.ormdb.actors.planner.PlannerHooks;
import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.cdc.replica.ReplicationSettings;
import io.ormdb.store.StoreConfig;
import java.time.Duration;
import java.util.Locale;

/**
 * The embedded extension's settings, read eagerly from {@code ormdb} (see the node's and the actor
 * module's {@code reference.conf}).
 *
 * @param store how the store is opened ({@code data-dir = ":memory:"} for in-memory, {@code
 *     read-only = on} for reads only)
 * @param actors the actor layer's settings (partitions, timeouts, in-flight bound, hosting)
 * @param replication whether this node serves replicas, and whether it is one ({@code
 *     ormdb.replication}, {@code ormdb.replica} in the cdc module's {@code reference.conf})
 * @param callerThreadReads whether {@link OrmDb#query}, {@link OrmDb#aggregate} and {@link
 *     OrmDb#explain} read on the calling thread when that thread is not a dispatcher's ({@code
 *     ormdb.embedded.caller-thread-reads})
 * @param plannerHooks the class name of the {@link PlannerHooks} every request of the extension
 *     passes, or empty for {@link PlannerHooks#PASS_THROUGH} ({@code ormdb.embedded.planner-hooks})
 */
public record OrmDbSettings(
    StoreConfig store,
    ActorSettings actors,
    ReplicationSettings replication,
    boolean callerThreadReads,
    String plannerHooks) {

  /** A new instance of the configured hooks ({@link PlannerHooks#PASS_THROUGH} when none is). */
  public PlannerHooks newHooks() {
    if (plannerHooks.isEmpty()) {
      return PlannerHooks.PASS_THROUGH;
    }
    try {
      return hooksClass(plannerHooks).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(
          "ormdb.embedded.planner-hooks: cannot create " + plannerHooks + ": " + e, e);
    }
  }

  /**
   * The class {@code name}, checked to implement {@link PlannerHooks} with a public constructor
   * without parameters.
   */
  private static Class<? extends PlannerHooks> hooksClass(String name) {
    Class<?> c;
    try {
      c = Class.forName(name, false, OrmDbSettings.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "ormdb.embedded.planner-hooks names the class '" + name + "', which is not found", e);
    }
    if (!PlannerHooks.class.isAssignableFrom(c)) {
      throw new IllegalArgumentException(
          "ormdb.embedded.planner-hooks names "
              + name
              + ", which does not implement "
              + PlannerHooks.class.getName());
    }
    try {
      c.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(
          "ormdb.embedded.planner-hooks names "
              + name
              + ", which has no public constructor without parameters",
          e);
    }
    return c.asSubclass(PlannerHooks.class);
  }

  private static int cacheMegabytes(Config o) {
    long bytes = o.getMemorySize("cache-size").toBytes();
    if (bytes < 1 << 20) {
      throw new IllegalArgumentException(
          "ormdb.cache-size must be at least 1MiB but is " + o.getString("cache-size"));
    }
    return (int) Math.min(Integer.MAX_VALUE, bytes >> 20);
  }

  private static int commitQueueSize(Config o) {
    int n = o.getInt("commit-queue-size");
    if (n < 1) {
      throw new IllegalArgumentException("ormdb.commit-queue-size must be at least 1 but is " + n);
    }
    return n;
  }

  private static StoreConfig.Checkpoints checkpoints(Config o) {
    Config c = o.getConfig("checkpoint");
    try {
      return new StoreConfig.Checkpoints(
          c.getDuration("interval"),
          c.getMemorySize("log-size").toBytes(),
          c.getInt("target-fill-rate"),
          c.getMemorySize("rewrite-budget").toBytes());
    } catch (io.ormdb.protocol.OrmDbException e) {
      throw new IllegalArgumentException("ormdb.checkpoint: " + e.getMessage(), e);
    }
  }

  private static StoreConfig.Recovery recovery(Config o) {
    String r = o.getString("recovery").trim().toLowerCase(Locale.ROOT);
    return switch (r) {
      case "strict" -> StoreConfig.Recovery.STRICT;
      case "newest-intact" -> StoreConfig.Recovery.NEWEST_INTACT;
      default ->
          throw new IllegalArgumentException(
              "ormdb.recovery must be one of strict, newest-intact but is '"
                  + o.getString("recovery")
                  + "'");
    };
  }

  public static OrmDbSettings create(Config config) {
    Config o = config.getConfig("ormdb");
    String durability = o.getString("durability").toLowerCase(Locale.ROOT);
    StoreConfig.Durability d;
    if (durability.equals("sync")) {
      d = StoreConfig.Durability.SYNC;
    } else if (durability.equals("async")) {
      d = StoreConfig.Durability.ASYNC;
    } else {
      throw new IllegalArgumentException(
          "ormdb.durability must be one of sync, async but is '" + durability + "'");
    }
    Duration delay = o.getDuration("async-max-delay");
    StoreConfig store =
        new StoreConfig(
            o.getString("data-dir"),
            d,
            d == StoreConfig.Durability.ASYNC ? delay.toMillis() : 0,
            o.getDuration("history-retention"),
            o.getDuration("compaction-interval"),
            o.getInt("max-value-bytes"),
            o.getString("changelog-retention").equals("forever")
                ? StoreConfig.KEEP_CHANGELOG
                : o.getDuration("changelog-retention"),
            o.getDuration("changelog-consumer-hold"),
            cacheMegabytes(o),
            commitQueueSize(o),
            checkpoints(o),
            recovery(o),
            false);
    if (o.getBoolean("read-only")) {
      if (store.isInMemory()) {
        throw new IllegalArgumentException(
            "ormdb.read-only is on but ormdb.data-dir is :memory: (there is nothing to read)");
      }
      store = store.withReadOnly();
    }
    ReplicationSettings replication = ReplicationSettings.create(config);
    if (replication.isReplica() && store.readOnly()) {
      throw new IllegalArgumentException(
          "ormdb.read-only is on but ormdb.replica.primary is set (a replica writes the change sets"
              + " of its primary)");
    }
    if (replication.isReplica() && store.isInMemory()) {
      throw new IllegalArgumentException(
          "ormdb.replica.primary is set but ormdb.data-dir is :memory: (a replica keeps what it"
              + " applied on disk, to resume where it stopped)");
    }
    String hooks = o.getString("embedded.planner-hooks").trim();
    if (!hooks.isEmpty()) {
      hooksClass(hooks);
    }
    return new OrmDbSettings(
        store,
        ActorSettings.create(config),
        replication,
        o.getBoolean("embedded.caller-thread-reads"),
        hooks);
  }
}
