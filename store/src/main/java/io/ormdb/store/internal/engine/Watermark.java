package io.ormdb.store.internal.engine;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A published, monotonically increasing position (the visible LSN, the visible journal ordering)
 * that readers can wait on without polling: {@link #after(long)} completes once the position
 * exceeds a value. {@link #publish} is called by the committer thread; it only sets a volatile and
 * hands completions to another executor, so a waiting reader never delays a commit.
 *
 * <p>{@link #after(long)}'s futures are completed by the completer, so their callbacks start two
 * thread hand-offs after the publish (publisher → completer → wherever the callback hands its work
 * to). {@link #runAfter} takes one: the publisher hands the task straight to the waiter's executor.
 */
public final class Watermark {
  private final Executor completer;
  private final ConcurrentSkipListMap<Long, CompletableFuture<Long>> waiters =
      new ConcurrentSkipListMap<>();

  /** A task for {@link #runAfter}: due once the position exceeds {@code after}. */
  private record Handoff(long after, long seq, Executor executor, Consumer<Throwable> task) {}

  private static final Comparator<Handoff> BY_POSITION =
      Comparator.comparingLong(Handoff::after).thenComparingLong(Handoff::seq);

  private final ConcurrentSkipListSet<Handoff> handoffs = new ConcurrentSkipListSet<>(BY_POSITION);
  private final AtomicLong handoffSeq = new AtomicLong();
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
    if (!handoffs.isEmpty()) {
      for (Handoff h : handoffs.headSet(new Handoff(v, Long.MIN_VALUE, null, null), false)) {
        if (handoffs.remove(h)) {
          hand(h.executor(), h.task(), null);
        }
      }
    }
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

  /**
   * Hands {@code task} to {@code executor} once the position is greater than {@code v} (at once,
   * from the caller, when it already is), with null; or, when the watermark closes first, with the
   * failure. The thread that raises the position hands it over itself, so {@code executor.execute}
   * must only queue the task (a thread pool, a dispatcher) — never run it in place or block. A task
   * the executor rejects runs on the completer instead (and not at all once that is shut down too).
   */
  public void runAfter(long v, Executor executor, Consumer<Throwable> task) {
    OrmDbException c = closed;
    if (c != null || value > v) {
      hand(executor, task, c);
      return;
    }
    Handoff h = new Handoff(v, handoffSeq.incrementAndGet(), executor, task);
    handoffs.add(h);
    // publish() and close() set their field before they look at the handoffs: one of the two sees
    // the other
    c = closed;
    if ((c != null || value > v) && handoffs.remove(h)) {
      hand(executor, task, c);
    }
  }

  private void hand(Executor executor, Consumer<Throwable> task, Throwable failure) {
    try {
      executor.execute(() -> task.accept(failure));
    } catch (RuntimeException rejected) {
      try {
        completer.execute(() -> task.accept(failure));
      } catch (RuntimeException alsoRejected) {
        // both shut down: nobody is left to run it
      }
    }
  }

  /** Fails every waiter (and every later one): the store is closed. */
  public void close() {
    OrmDbException c = new OrmDbException(ErrorCode.INTERNAL, "the store is closed");
    closed = c;
    for (CompletableFuture<Long> f : waiters.values()) {
      f.completeExceptionally(c);
    }
    waiters.clear();
    for (Handoff h : handoffs) {
      if (handoffs.remove(h)) {
        hand(h.executor(), h.task(), c);
      }
    }
  }
}
