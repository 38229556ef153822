package io.ormdb.node.embedded;

import com.typesafe.config.Config;
import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.store.StoreConfig;
import java.time.Duration;
import java.util.Locale;

/**
 * The embedded extension's settings, read eagerly from {@code ormdb} (see the node's and the actor
 * module's {@code reference.conf}).
 *
 * @param store how the store is opened ({@code data-dir = ":memory:"} for in-memory)
 * @param actors the actor layer's settings (partitions, timeouts, in-flight bound, hosting)
 */
public record OrmDbSettings(StoreConfig store, ActorSettings actors) {

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
                : o.getDuration("changelog-retention"));
    return new OrmDbSettings(store, ActorSettings.create(config));
  }
}
