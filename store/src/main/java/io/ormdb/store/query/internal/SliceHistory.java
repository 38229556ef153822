package io.ormdb.store.query.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether the reads of one query shape fit in a {@linkplain io.ormdb.store.query.Deadline#slice
 * slice}, kept with the shape's cached plan. After a read of the shape overran its slice, the next
 * {@value #SKIP} sliced reads of it are refused at once (they run elsewhere, without a try that
 * would be thrown away), then one is tried again; a read that fits clears the history. So a shape
 * that never fits wastes at most one slice in {@value #SKIP} + 1 of its reads, and a shape that
 * overran once (a large literal, a preempted thread) is tried again soon. Thread-safe; races
 * between readers of one shape only shift by one read when the next try comes.
 */
public final class SliceHistory {
  /** How many sliced reads of a shape are refused after it overran. */
  public static final int SKIP = 16;

  private final AtomicInteger refusals = new AtomicInteger();

  /** Whether a sliced read of the shape should be tried; counts a refusal when not. */
  public boolean mayTry() {
    int left = refusals.get();
    if (left <= 0) {
      return true;
    }
    refusals.compareAndSet(left, left - 1);
    return false;
  }

  /** A sliced read of the shape overran its slice. */
  public void overran() {
    refusals.set(SKIP);
  }

  /** A sliced read of the shape fitted in its slice. */
  public void fitted() {
    if (refusals.get() != 0) {
      refusals.set(0);
    }
  }
}
