package io.ormdb.cdc.replica;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Replication settings ({@code ormdb.replication} in the cdc module's {@code reference.conf}).
 *
 * @param serve whether a node offers its changelog to replicas ({@link ReplicationSource})
 * @param primary a replica's primary, as a Pekko address ({@code pekko://<system>@<host>:<port>});
 *     empty on a primary
 * @param readChunk change sets the primary reads from its store at a time per replica
 * @param heartbeatInterval how long a quiet stream waits before it sends a heartbeat
 * @param stalledTimeout how long the primary keeps a stream whose replica asks for nothing (a
 *     replica that vanished without saying so) before it ends it
 * @param idleTimeout how long a replica waits for any item before it reconnects
 * @param applyParallelism change sets a replica hands to its store before the first is durable
 *     (they share group commits)
 * @param minBackoff the first reconnect delay after a failure (doubling up to {@code maxBackoff})
 * @param maxBackoff the longest reconnect delay
 * @param askTimeout how long a replica waits for the primary to answer a follow request
 */
public record ReplicationSettings(
    boolean serve,
    String primary,
    int readChunk,
    Duration heartbeatInterval,
    Duration stalledTimeout,
    Duration idleTimeout,
    int applyParallelism,
    Duration minBackoff,
    Duration maxBackoff,
    Duration askTimeout) {

  public ReplicationSettings {
    if (readChunk < 1 || applyParallelism < 1) {
      throw new IllegalArgumentException(
          "ormdb.replication.read-chunk and apply-parallelism must be >= 1");
    }
    if (idleTimeout.compareTo(heartbeatInterval) <= 0) {
      throw new IllegalArgumentException(
          "ormdb.replication.idle-timeout ("
              + idleTimeout
              + ") must be longer than heartbeat-interval ("
              + heartbeatInterval
              + ")");
    }
    if (!primary.isEmpty() && !primary.startsWith("pekko://")) {
      throw new IllegalArgumentException(
          "ormdb.replica.primary must be a Pekko address like pekko://ormdb@10.0.0.5:25520 but is '"
              + primary
              + "'");
    }
  }

  /** Whether these settings make a node a replica. */
  public boolean isReplica() {
    return !primary.isEmpty();
  }

  /** The path of the primary's {@link ReplicationSource}. */
  public String sourcePath() {
    String base = primary.endsWith("/") ? primary.substring(0, primary.length() - 1) : primary;
    return base + "/system/" + ReplicationSource.NAME;
  }

  public static ReplicationSettings create(Config config) {
    Config c = config.getConfig("ormdb.replication");
    return new ReplicationSettings(
        c.getBoolean("serve"),
        config.getString("ormdb.replica.primary").trim(),
        c.getInt("read-chunk"),
        c.getDuration("heartbeat-interval"),
        c.getDuration("stalled-timeout"),
        config.getDuration("ormdb.replica.idle-timeout"),
        config.getInt("ormdb.replica.apply-parallelism"),
        config.getDuration("ormdb.replica.min-backoff"),
        config.getDuration("ormdb.replica.max-backoff"),
        config.getDuration("ormdb.replica.ask-timeout"));
  }
}
