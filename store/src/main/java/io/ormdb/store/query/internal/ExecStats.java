package io.ormdb.store.query.internal;

/** What running a query did, per level (for explain analyze). */
public final class ExecStats {
  final long[] rowsRead;
  final long[] rowsOut;
  final String[] join;

  public ExecStats(int levels) {
    rowsRead = new long[levels];
    rowsOut = new long[levels];
    join = new String[levels];
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
