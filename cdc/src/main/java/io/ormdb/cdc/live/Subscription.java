package io.ormdb.cdc.live;

import java.util.ArrayDeque;

/**
 * One subscriber of a live query: the events the hub handed it and its stream has not taken yet, at
 * most {@code capacity} of them.
 *
 * <p>The hub never waits for a subscriber. When an event finds the buffer full, the subscriber has
 * fallen {@code capacity} events behind: what it has not taken is dropped and it is <em>stale</em>
 * — it gets no deltas until, once its stream asks for more, the hub hands it one {@link
 * LiveEvent.Snapshot} of the newest result (after which deltas follow again). Its copy of the
 * result is then exact again at the snapshot's LSN; it skipped the LSNs in between, as coalescing
 * does.
 *
 * <p>Thread-safe: the hub offers on its thread, the stream polls on its own.
 */
final class Subscription {
  /** What {@link #poll()} returns when the subscriber should ask the hub for a snapshot. */
  static final Object RESYNC = new Object();

  final LiveHub.Key key;
  final long fromLsn;
  private final int capacity;
  private final ArrayDeque<LiveEvent> queue = new ArrayDeque<>();
  private volatile Runnable wake = () -> {};
  private boolean waiting; // the stream found nothing and waits for a wake-up
  private boolean stale; // overflowed: deltas are dropped until a snapshot arrives
  private boolean resyncAsked;
  private boolean closed;
  private Throwable failure;
  private long maxBuffered;
  private long overflows;

  Subscription(LiveHub.Key key, long fromLsn, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1 but is " + capacity);
    }
    this.key = key;
    this.fromLsn = fromLsn;
    this.capacity = capacity;
  }

  /** Sets what wakes the stream up when an event, a failure or the need to resync arrives. */
  void onWake(Runnable wake) {
    this.wake = wake;
  }

  /**
   * Hands the subscriber an event (the hub's thread). False when the buffer was full: the
   * subscriber is stale from now on (its buffer is emptied) until {@link #resynced}.
   */
  boolean offer(LiveEvent e) {
    boolean notify;
    boolean overflowed = false;
    synchronized (this) {
      if (closed || failure != null || stale) {
        return true;
      }
      if (queue.size() >= capacity) {
        queue.clear();
        stale = true;
        overflowed = true;
        overflows++;
      } else {
        queue.add(e);
        maxBuffered = Math.max(maxBuffered, queue.size());
      }
      notify = waiting;
      waiting = false;
    }
    if (notify) {
      wake.run();
    }
    return !overflowed;
  }

  /** Whether the subscriber overflowed and waits for a snapshot of the newest result. */
  synchronized boolean isStale() {
    return stale;
  }

  /** Ends staleness with a snapshot of the newest result (the hub's thread). */
  void resynced(LiveEvent.Snapshot s) {
    boolean notify;
    synchronized (this) {
      if (closed || failure != null) {
        return;
      }
      queue.clear();
      queue.add(s);
      maxBuffered = Math.max(maxBuffered, 1);
      stale = false;
      resyncAsked = false;
      notify = waiting;
      waiting = false;
    }
    if (notify) {
      wake.run();
    }
  }

  /** Fails the subscription once the events already buffered have been taken. */
  void fail(Throwable t) {
    boolean notify;
    synchronized (this) {
      if (closed || failure != null) {
        return;
      }
      failure = t;
      notify = waiting;
      waiting = false;
    }
    if (notify) {
      wake.run();
    }
  }

  /**
   * The next event for the stream; else its failure (a Throwable), {@link #RESYNC} once after it
   * overflowed (ask the hub for a snapshot), or null (wait for a wake-up).
   */
  synchronized Object poll() {
    LiveEvent e = queue.poll();
    if (e != null) {
      return e;
    }
    if (failure != null) {
      return failure;
    }
    waiting = true;
    if (stale && !resyncAsked) {
      resyncAsked = true;
      return RESYNC;
    }
    return null;
  }

  /** Whether the stream ended. */
  synchronized boolean isClosed() {
    return closed;
  }

  /** The stream ended: nothing more is kept. */
  synchronized void close() {
    closed = true;
    queue.clear();
  }

  synchronized long buffered() {
    return queue.size();
  }

  synchronized long maxBuffered() {
    return maxBuffered;
  }

  /** How many times the buffer overflowed. */
  synchronized long overflows() {
    return overflows;
  }
}
