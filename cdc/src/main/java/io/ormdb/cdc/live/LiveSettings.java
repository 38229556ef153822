package io.ormdb.cdc.live;

import com.typesafe.config.Config;

/**
 * Live query settings ({@code ormdb.cdc.live} in the cdc module's {@code reference.conf}).
 *
 * @param subscriberBuffer the most events a subscriber holds that its stream has not taken; when an
 *     event finds them full, they are dropped and the subscriber gets one snapshot of the newest
 *     result once it asks for more
 */
public record LiveSettings(int subscriberBuffer) {
  /** The defaults of {@code reference.conf}. */
  public static final LiveSettings DEFAULT = new LiveSettings(64);

  public LiveSettings {
    if (subscriberBuffer < 1) {
      throw new IllegalArgumentException(
          "ormdb.cdc.live.subscriber-buffer must be >= 1 but is " + subscriberBuffer);
    }
  }

  public static LiveSettings create(Config config) {
    return new LiveSettings(config.getInt("ormdb.cdc.live.subscriber-buffer"));
  }
}
