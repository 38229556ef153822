package io.ormdb.store.internal.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the store stands, in LSNs: the last applied change set and its commit time (written by the
 * committer only), the newest published to readers, and the oldest that row versions and the
 * changelog still hold.
 */
final class Positions {
  /** Committer-owned: the LSN of the last applied change set. */
  long last;

  /** Committer-owned: the commit time of the last applied change set, in microseconds. */
  long lastTs;

  /** The newest LSN readers may see: {@link #last} once its commit group is durable. */
  volatile long visible;

  /** The oldest LSN a read view may open at (compaction removed the versions below it). */
  volatile long oldestRetained;

  /** The oldest LSN the changelog still holds (truncation removed the entries below it). */
  volatile long oldestLog = 1;

  /** The first LSN of the current history epoch ({@link History}): none below it is given again. */
  volatile long epochStart = 1;

  private final AtomicLong batches = new AtomicLong();

  /** Committer only: change set {@code lsn}, committed at {@code ts}, is applied. */
  void advance(long lsn, long ts) {
    last = lsn;
    lastTs = Math.max(lastTs, ts);
    batches.incrementAndGet();
  }

  /** Committer only: the LSN of the next change set. */
  long next() {
    return Math.max(last + 1, epochStart);
  }

  /** How many change sets were applied since the store was opened. */
  long batches() {
    return batches.get();
  }
}
