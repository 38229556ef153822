package io.ormdb.cdc.audit;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Audit sink settings ({@code ormdb.audit} in the cdc module's {@code reference.conf}). Immutable;
 * {@link #create(Config)} parses and checks every key eagerly.
 *
 * @param enabled whether a node starts the configured audit sink by itself
 * @param directory where the JSON-lines files go; empty = the {@code audit} directory inside the
 *     node's data directory (resolved by whoever starts the sink)
 * @param maxFileBytes the size at which the active file is closed and the next one begun, in bytes
 * @param batchSize the most changes written, made durable and acknowledged as one batch
 * @param flushInterval the longest a change waits for its batch to fill before it is written
 * @param consumerName the named consumer whose durable offset the sink keeps
 * @param ioDispatcher the dispatcher the file I/O (and a destination's calls) run on
 */
public record AuditSettings(
    boolean enabled,
    Optional<Path> directory,
    long maxFileBytes,
    int batchSize,
    Duration flushInterval,
    String consumerName,
    String ioDispatcher) {

  public AuditSettings {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(flushInterval, "flushInterval");
    Objects.requireNonNull(ioDispatcher, "ioDispatcher");
    if (maxFileBytes < 1) {
      throw new IllegalArgumentException(
          "ormdb.audit.max-file-bytes must be >= 1 but is " + maxFileBytes);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("ormdb.audit.batch-size must be >= 1 but is " + batchSize);
    }
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException(
          "ormdb.audit.flush-interval must be positive but is " + flushInterval);
    }
    if (consumerName == null || consumerName.isBlank()) {
      throw new IllegalArgumentException("ormdb.audit.consumer-name must not be blank");
    }
  }

  /** Reads {@code ormdb.audit} of {@code config} (with the reference defaults). */
  public static AuditSettings create(Config config) {
    Config c = config.getConfig("ormdb.audit");
    String dir = c.getString("directory");
    return new AuditSettings(
        c.getBoolean("enabled"),
        dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir)),
        c.getBytes("max-file-bytes"),
        c.getInt("batch-size"),
        c.getDuration("flush-interval"),
        c.getString("consumer-name"),
        c.getString("io-dispatcher"));
  }

  public AuditSettings withDirectory(Path dir) {
    return new AuditSettings(
        enabled,
        Optional.of(dir),
        maxFileBytes,
        batchSize,
        flushInterval,
        consumerName,
        ioDispatcher);
  }

  public AuditSettings withMaxFileBytes(long bytes) {
    return new AuditSettings(
        enabled, directory, bytes, batchSize, flushInterval, consumerName, ioDispatcher);
  }

  public AuditSettings withBatch(int size, Duration interval) {
    return new AuditSettings(
        enabled, directory, maxFileBytes, size, interval, consumerName, ioDispatcher);
  }

  public AuditSettings withConsumerName(String name) {
    return new AuditSettings(
        enabled, directory, maxFileBytes, batchSize, flushInterval, name, ioDispatcher);
  }

  /** The directory, or an error saying how to set it. */
  Path requireDirectory() {
    return directory.orElseThrow(
        () ->
            new IllegalArgumentException(
                "ormdb.audit.directory is not set (and there is no data directory to put the"
                    + " audit files in): set it to a directory path"));
  }
}
