package io.ormdb.store.query.internal;

/** What running a query did, per level (for explain analyze). */
public final class ExecStats {
  final long[] rowsRead;
  final long[] rowsOut;
  final String[] join;
  final long[] aggregateRowsRead;
  final String[] aggregateJoin;

  public ExecStats(int levels) {
    this(levels, 0);
  }

  /** Stats of a query with {@code levels} levels and {@code aggregateGroups} aggregate groups. */
  public ExecStats(int levels, int aggregateGroups) {
    rowsRead = new long[levels];
    rowsOut = new long[levels];
    join = new String[levels];
    aggregateRowsRead = new long[aggregateGroups];
    aggregateJoin = new String[aggregateGroups];
  }

  /** The related rows aggregate group {@code group} read. */
  public long aggregateRowsRead(int group) {
    return aggregateRowsRead[group];
  }

  /** The join strategy aggregate group {@code group} used, or null. */
  public String aggregateJoin(int group) {
    return aggregateJoin[group];
  }

  public long rowsRead(int level) {
    return rowsRead[level];
  }

  public long rowsOut(int level) {
    return rowsOut[level];
  }

  /** The join strategy used for an include level, or null. */
  public String join(int level) {
    return join[level];
  }
}
