package io.ormdb.store.journal;

/**
 * A position in the change feed: everything up to and including item {@code index} of the change
 * set at {@code lsn} (a transaction-begin marker is index {@value #TX_BEGIN}, the events are 0, 1,
 * ..., the transaction-end marker is {@value #TX_END}). A consumer's stored offset is the position
 * of the last item it processed; resuming delivers exactly the items after it.
 */
public record ConsumerOffset(long lsn, int index) implements Comparable<ConsumerOffset> {
  /** The index of a transaction-begin marker: before every event of its change set. */
  public static final int TX_BEGIN = -1;

  /** The index of a transaction-end marker: after every event of its change set. */
  public static final int TX_END = Integer.MAX_VALUE;

  /** Before everything: a consumer without a stored offset starts here. */
  public static final ConsumerOffset START = new ConsumerOffset(0, TX_END);

  public ConsumerOffset {
    if (lsn < 0) {
      throw new IllegalArgumentException("lsn must be >= 0 but is " + lsn);
    }
    if (index < TX_BEGIN) {
      throw new IllegalArgumentException("index must be >= -1 but is " + index);
    }
  }

  /** The position just before change set {@code lsn} (its items are after it). */
  public static ConsumerOffset before(long lsn) {
    return lsn <= 1 ? START : new ConsumerOffset(lsn - 1, TX_END);
  }

  @Override
  public int compareTo(ConsumerOffset o) {
    int c = Long.compare(lsn, o.lsn);
    return c != 0 ? c : Integer.compare(index, o.index);
  }

  public boolean isBefore(ConsumerOffset o) {
    return compareTo(o) < 0;
  }
}
