package io.ormdb.cdc.feed;

import com.typesafe.config.Config;

/**
 * Change feed settings ({@code ormdb.cdc} in the cdc module's {@code reference.conf}).
 *
 * @param readChunk change sets read from the store per read; a feed holds at most one read's events
 * @param readDispatcher the dispatcher store reads run on
 */
public record FeedSettings(int readChunk, String readDispatcher) {
  public FeedSettings {
    if (readChunk < 1) {
      throw new IllegalArgumentException(
          "ormdb.cdc.feed.read-chunk must be >= 1 but is " + readChunk);
    }
  }

  public static FeedSettings create(Config config) {
    Config c = config.getConfig("ormdb.cdc");
    return new FeedSettings(c.getInt("feed.read-chunk"), "ormdb.cdc.read-dispatcher");
  }
}
