package io.ormdb.protocol.query;

/**
 * How a read sees the data. The default is {@link Consistency#SNAPSHOT}: root and includes read at
 * one committed state. {@code asOfLsn} (&gt; 0) reads the state right after that changelog entry
 * committed; it must lie within the retention window (else INVALID_LSN).
 */
public record ReadOptions(Consistency consistency, long asOfLsn) {
  public ReadOptions {
    consistency = consistency == null ? Consistency.SNAPSHOT : consistency;
    if (asOfLsn < 0) {
      throw new IllegalArgumentException("asOfLsn must be >= 0");
    }
  }

  public static final ReadOptions DEFAULT = new ReadOptions(Consistency.SNAPSHOT, 0);

  public static ReadOptions asOf(long lsn) {
    return new ReadOptions(Consistency.SNAPSHOT, lsn);
  }

  public enum Consistency {
    /** One snapshot for the whole graph (default). */
    SNAPSHOT,
    /** Each level reads the latest committed state; cheaper, may see a fractured graph. */
    READ_COMMITTED
  }
}
