package io.ormdb.cdc;

/**
 * Controls a running change stream (the materialized value of a change feed {@code Source}).
 *
 * <p>A change feed reads from the store only when downstream demands elements, one chunk at a time:
 * {@link #buffered()} is how many items it has read and not yet emitted, never more than one read's
 * worth ({@link #maxBuffered()} records the highest value seen, for tests and metrics). For a live
 * query it counts the events handed to the subscriber and not yet emitted, at most {@code
 * ormdb.cdc.live.subscriber-buffer}.
 */
public interface FeedControl {
  /** Completes the stream: no further element is emitted (idempotent). */
  void stop();

  /** Items read from the store and not yet emitted downstream. */
  long buffered();

  /** The highest {@link #buffered()} seen so far. */
  long maxBuffered();
}
