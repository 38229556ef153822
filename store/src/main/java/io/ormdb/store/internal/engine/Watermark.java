package io.ormdb.store.internal.engine;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;

/**
 * A published, monotonically increasing position (the visible LSN, the visible journal ordering)
 * that readers can wait on without polling: {@link #after(long)} completes once the position
 * exceeds a value. {@link #publish} is called by the committer thread; it only sets a volatile and
 * hands completions to another executor, so a waiting reader never delays a commit.
 */
public final class Watermark {
  private final Executor completer;
  private final ConcurrentSkipListMap<Long, CompletableFuture<Long>> waiters =
      new ConcurrentSkipListMap<>();
  private volatile long value;
  private volatile OrmDbException closed;

  public Watermark(long initial, Executor completer) {
    this.value = initial;
    this.completer = completer;
  }

  public long get() {
    return value;
  }

  /** Raises the position (never lowers it) and completes every waiter it passes. */
  public void publish(long v) {
    if (v <= value) {
      return;
    }
    value = v;
    if (waiters.isEmpty()) {
      return;
    }
    ConcurrentNavigableMap<Long, CompletableFuture<Long>> due = waiters.headMap(v, false);
    for (Map.Entry<Long, CompletableFuture<Long>> e : due.entrySet()) {
      if (waiters.remove(e.getKey(), e.getValue())) {
        CompletableFuture<Long> f = e.getValue();
        completer.execute(() -> f.complete(v));
      }
    }
  }

  /**
   * Completes with the position once it is greater than {@code v} (at once when it already is). The
   * future is the caller's own: cancelling it affects no other waiter.
   */
  public CompletableFuture<Long> after(long v) {
    OrmDbException c = closed;
    if (c != null) {
      return CompletableFuture.failedFuture(c);
    }
    long now = value;
    if (now > v) {
      return CompletableFuture.completedFuture(now);
    }
    CompletableFuture<Long> f = waiters.computeIfAbsent(v, k -> new CompletableFuture<>());
    // publish() sets the value before it looks at the waiters: one of the two sees the other
    now = value;
    if (now > v) {
      waiters.remove(v, f);
      f.complete(now);
    } else if (closed != null) {
      waiters.remove(v, f);
      f.completeExceptionally(closed);
    }
    return f.copy();
  }

  /** Fails every waiter (and every later one): the store is closed. */
  public void close() {
    closed = new OrmDbException(ErrorCode.INTERNAL, "the store is closed");
    for (CompletableFuture<Long> f : waiters.values()) {
      f.completeExceptionally(closed);
    }
    waiters.clear();
  }
}
