package io.ormdb.store.query.internal;

/** What running a query did, per level (for explain analyze). */
public final class ExecStats {
  final long[] rowsRead;
  final long[] rowsOut;
  // the strategies of each join's hops (the second null for one hop), joined into text when asked
  private final String[] join;
  private final String[] joinThen;
  final long[] aggregateRowsRead;
  private final String[] aggregateJoin;
  private final String[] aggregateJoinThen;

  public ExecStats(int levels) {
    this(levels, 0);
  }

  /** Stats of a query with {@code levels} levels and {@code aggregateGroups} aggregate groups. */
  public ExecStats(int levels, int aggregateGroups) {
    rowsRead = new long[levels];
    rowsOut = new long[levels];
    join = new String[levels];
    joinThen = new String[levels];
    aggregateRowsRead = new long[aggregateGroups];
    aggregateJoin = new String[aggregateGroups];
    aggregateJoinThen = new String[aggregateGroups];
  }

  /** Include level {@code level} was read with strategy {@code first}, then {@code then}. */
  void joined(int level, String first, String then) {
    join[level] = first;
    joinThen[level] = then;
  }

  /** Aggregate group {@code group} was read with strategy {@code first}, then {@code then}. */
  void aggregateJoined(int group, String first, String then) {
    aggregateJoin[group] = first;
    aggregateJoinThen[group] = then;
  }

  private static String strategy(String first, String then) {
    return first == null || then == null ? first : first + " then " + then;
  }

  /** The related rows aggregate group {@code group} read. */
  public long aggregateRowsRead(int group) {
    return aggregateRowsRead[group];
  }

  /** The join strategy aggregate group {@code group} used, or null. */
  public String aggregateJoin(int group) {
    return strategy(aggregateJoin[group], aggregateJoinThen[group]);
  }

  public long rowsRead(int level) {
    return rowsRead[level];
  }

  public long rowsOut(int level) {
    return rowsOut[level];
  }

  /** The join strategy used for an include level, or null. */
  public String join(int level) {
    return strategy(join[level], joinThen[level]);
  }
}
