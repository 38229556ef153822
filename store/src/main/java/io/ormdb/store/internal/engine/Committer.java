package io.ormdb.store.internal.engine;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.internal.catalog.Catalog;
import io.ormdb.store.internal.catalog.CatalogHistory;
import io.ormdb.store.internal.file.StorageErrors;
import io.ormdb.store.internal.file.StoreFile;
import io.ormdb.store.internal.journal.DurableWrites;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one writer: a thread that takes the queued {@link Task}s in groups (up to {@value
 * #MAX_GROUP}), applies each on its own, commits the group with one record of the write-ahead log
 * ({@link WriteAheadLog}; an in-memory store commits its MVStore instead) and, in SYNC mode, one
 * fsync (in ASYNC mode an fsync at most {@code maxDelayMillis} later), publishes the new LSN to
 * readers and only then completes the group's futures. Compaction is queued between groups every
 * {@code compactionInterval}. A failed commit breaks the store: every later task fails.
 *
 * <p>The queue is bounded for the work of clients ({@link Task#counts()}): at most {@code
 * commitQueueSize} such tasks wait; one more fails at once with BUDGET_EXCEEDED — submitting never
 * blocks (actors call it) and never grows the queue without bound. The store's own work is never
 * refused.
 *
 * <p>The one writer is whoever holds {@link #writer}: the thread, or a caller of {@link
 * #runOrSubmit} that found nothing queued or running and commits its own task on its own thread — a
 * synchronous commit on an idle store then costs no thread hand-off (two wake-ups of 25–60 µs each
 * on a small VM, a fifth of a single-row durable commit). Tasks submitted before it are done first
 * ({@link #pending}); everything else is as on the thread.
 *
 * <p>A read-only store ({@link StoreConfig#readOnly()}) refuses every task that writes ({@link
 * Task#writes()}) with READ_ONLY when it is submitted, and schedules no compaction.
 */
final class Committer implements DurableWrites {
  private static final int MAX_GROUP = 1024;

  /** What the tasks run on. */
  record Parts(
      CatalogHistory catalogs,
      WritePath writes,
      SchemaApply schemas,
      ReplicaApply replicas,
      Compaction compaction,
      Runnable publish) {}

  private final StoreConfig config;
  private final StoreFile file;
  private final WriteAheadLog wal;
  private final Positions at;
  private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();

  /** Tasks in the queue that count against its capacity. */
  private final AtomicInteger waiting = new AtomicInteger();

  /**
   * Tasks queued and not yet done (taken from the queue, they still count until processed): a
   * caller commits inline only when it is zero, so no task submitted before runs after it.
   */
  private final AtomicInteger pending = new AtomicInteger();

  /** Held by the one writer while it applies, commits and publishes, or does idle work. */
  private final ReentrantLock writer = new ReentrantLock();

  private final Thread thread;
  private final AtomicLong commits = new AtomicLong();
  private Parts parts;
  private volatile boolean closed;
  private volatile OrmDbException broken;

  // owned by the writer (guarded by writer)
  private long lastSyncNanos = System.nanoTime();
  private boolean unsynced;
  private long nextCompactionNanos;
  private boolean compactionQueued;

  Committer(StoreConfig config, StoreFile file, WriteAheadLog wal, Positions at) {
    this.config = config;
    this.file = file;
    this.wal = wal;
    this.at = at;
    this.thread = new Thread(this::run, "ormdb-committer");
    this.thread.setDaemon(true);
  }

  /** Starts the thread; tasks submitted before wait for it. */
  void start(Parts parts) {
    this.parts = parts;
    this.nextCompactionNanos = System.nanoTime() + config.compactionInterval().toNanos();
    thread.start();
  }

  /**
   * Queues {@code t}, or fails it at once when the store is closed or broken, or when it counts and
   * the queue is full.
   */
  <T extends Task> T submit(T t) {
    OrmDbException refused = refusal(t);
    if (refused != null) {
      t.fail(refused);
    } else if (t.counts() && waiting.incrementAndGet() > config.commitQueueSize()) {
      waiting.decrementAndGet();
      t.fail(
          new OrmDbException(
              ErrorCode.BUDGET_EXCEEDED,
              "the commit queue is full ("
                  + config.commitQueueSize()
                  + " tasks waiting): the store cannot keep up; retry later"));
    } else {
      enqueue(t);
    }
    return t;
  }

  /**
   * Runs {@code t} on the caller's thread when nothing is queued or running — its future is done
   * when this returns — else queues it as {@link #submit} does. For callers that wait for the
   * result anyway: the caller does the commit's work, fsync included, instead of waiting for the
   * thread to do it. Not inline on a thread whose interrupt flag is set or that is the writer
   * already (a completion that commits again).
   */
  <T extends Task> T runOrSubmit(T t) {
    if (pending.get() == 0
        && !writer.isHeldByCurrentThread()
        && !Thread.currentThread().isInterrupted()
        && writer.tryLock()) {
      try {
        if (pending.get() == 0 && refusal(t) == null) {
          process(List.of(t));
          return t;
        }
      } finally {
        writer.unlock();
      }
    }
    return submit(t);
  }

  /**
   * The error every later task fails with after {@code e} broke the store while {@code doing}: a
   * file the store can no longer write keeps its code (STORAGE_UNAVAILABLE: an operator can fix the
   * cause and reopen); anything else is a fault of the store (INTERNAL).
   */
  private static OrmDbException brokenBy(String doing, RuntimeException e) {
    String what = "the store failed while " + doing + ": ";
    if (e instanceof OrmDbException o && o.code() == ErrorCode.STORAGE_UNAVAILABLE) {
      return new OrmDbException(ErrorCode.STORAGE_UNAVAILABLE, what + o.getMessage(), o);
    }
    if (e instanceof UncheckedIOException io) {
      OrmDbException plain = StorageErrors.ioFailed(io);
      return new OrmDbException(ErrorCode.STORAGE_UNAVAILABLE, what + plain.getMessage(), io);
    }
    return OrmDbException.internal(what + e, e);
  }

  /** Why {@code t} is refused at once (closed, broken, read-only), or null. */
  private OrmDbException refusal(Task t) {
    if (closed) {
      return closedError();
    } else if (broken != null) {
      return broken;
    } else if (config.readOnly() && t.writes() != null) {
      return new OrmDbException(
          ErrorCode.READ_ONLY,
          "database file " + file.file() + " is open read-only: " + t.writes() + " are refused");
    }
    return null;
  }

  private void enqueue(Task t) {
    pending.incrementAndGet();
    queue.add(t);
  }

  @Override
  public <T> CompletableFuture<T> writeDurably(Supplier<T> write) {
    return submit(new Task.Write<>(write)).future();
  }

  /** Whether the calling thread is the writer now (the committer thread or an inline caller). */
  boolean onCommitter() {
    return writer.isHeldByCurrentThread();
  }

  boolean isClosed() {
    return closed;
  }

  /** The failure that broke the store, or null. */
  OrmDbException broken() {
    return broken;
  }

  /** Groups committed (records appended to the log) since the store was opened. */
  long commits() {
    return commits.get();
  }

  /** Stops the thread once the tasks queued before are done; false when it was stopped before. */
  boolean close() {
    if (closed) {
      return false;
    }
    closed = true;
    enqueue(new Task.Close());
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  private static OrmDbException closedError() {
    return new OrmDbException(ErrorCode.INTERNAL, "the store is closed");
  }

  private void run() {
    List<Task> group = new ArrayList<>();
    while (true) {
      Task first;
      try {
        first = queue.poll(pollMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      writer.lock();
      try {
        if (first == null) {
          idle();
        } else if (processGroup(first, group)) {
          return;
        }
      } finally {
        writer.unlock();
      }
    }
  }

  /**
   * Processes {@code first} and what else is queued (up to {@value #MAX_GROUP}) as one group;
   * whether a Close was among them (the thread stops then).
   */
  private boolean processGroup(Task first, List<Task> group) {
    group.clear();
    group.add(first);
    queue.drainTo(group, MAX_GROUP - 1);
    for (Task t : group) {
      if (t.counts()) {
        waiting.decrementAndGet();
      }
    }
    boolean stop = false;
    List<Task> work = new ArrayList<>();
    for (Task t : group) {
      if (t instanceof Task.Close) {
        stop = true;
      } else if (stop) {
        t.fail(closedError());
      } else {
        work.add(t);
      }
    }
    try {
      process(work);
    } finally {
      pending.addAndGet(-group.size());
    }
    scheduleCompactionIfDue();
    if (stop) {
      for (Task t : queue) {
        t.fail(closedError());
      }
      pending.addAndGet(-queue.size());
      queue.clear();
    }
    return stop;
  }

  private long pollMillis() {
    long ms = 200;
    if (config.durability() == StoreConfig.Durability.ASYNC && unsynced) {
      ms = Math.max(1, config.maxDelayMillis());
    }
    return ms;
  }

  private void idle() {
    if (unsynced) {
      syncIfDue();
    }
    checkpointIfDue();
    scheduleCompactionIfDue();
  }

  /** Between groups: a checkpoint when the log, the memory held or the time since asks for one. */
  private void checkpointIfDue() {
    if (wal == null || broken != null || !wal.checkpointDue()) {
      return;
    }
    try {
      wal.checkpoint(at.last, false);
      unsynced = false;
    } catch (RuntimeException e) {
      broken = brokenBy("writing a checkpoint", e);
    }
  }

  /**
   * After the last group: a final checkpoint (a clean close leaves nothing to replay), or, when the
   * store failed, just the log closed as it is.
   */
  void closeLog() {
    if (wal == null) {
      return;
    }
    if (broken == null) {
      wal.closeCleanly(at.last);
    } else {
      wal.close();
    }
  }

  /** Queues a compaction pass when the interval has passed; its slices interleave with batches. */
  private void scheduleCompactionIfDue() {
    if (!config.readOnly()
        && !config.compactionInterval().isZero()
        && !compactionQueued
        && System.nanoTime() >= nextCompactionNanos) {
      compactionQueued = true;
      Task.Compact t = new Task.Compact();
      t.future()
          .whenComplete(
              (r, e) -> {
                compactionQueued = false;
                nextCompactionNanos = System.nanoTime() + config.compactionInterval().toNanos();
              });
      enqueue(t);
    }
  }

  private void syncIfDue() {
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastSyncNanos);
    if (elapsed >= config.maxDelayMillis()) {
      sync();
    }
  }

  private void sync() {
    if (wal != null) {
      wal.sync();
    } else {
      file.sync();
    }
    unsynced = false;
    lastSyncNanos = System.nanoTime();
  }

  /** Applies a group, commits it, publishes it, then completes its tasks. */
  private void process(List<Task> work) {
    if (work.isEmpty()) {
      return;
    }
    if (broken != null) {
      work.forEach(t -> t.fail(broken));
      return;
    }
    List<Runnable> completions = new ArrayList<>(work.size());
    List<Task.Checkpoint> checkpoints = new ArrayList<>();
    boolean wrote = false;
    try {
      if (wal != null) {
        wal.beginGroup();
      }
      for (Task t : work) {
        if (t instanceof Task.Checkpoint c) {
          checkpoints.add(c);
        } else {
          wrote |= apply(t, completions);
        }
      }
      if (wal != null) {
        if (wal.endGroup(at.last)) {
          commits.incrementAndGet();
          unsynced = true;
          if (wal.reservationExceeded(at.last)) {
            // the file must hold a reservation past every LSN before it is acknowledged
            wal.checkpoint(at.last, true);
            unsynced = false;
          }
        }
      } else if (wrote) {
        file.commit();
        commits.incrementAndGet();
        unsynced = true;
      }
      if (unsynced && config.durability() == StoreConfig.Durability.SYNC) {
        sync();
      }
    } catch (RuntimeException e) {
      if (wal != null) {
        wal.abortGroup();
      }
      broken = brokenBy("committing", e);
      work.forEach(t -> t.fail(broken));
      return;
    }
    at.visible = at.last;
    parts.publish().run();
    completions.forEach(Runnable::run);
    if (unsynced) {
      syncIfDue();
    }
    if (!checkpoints.isEmpty()) {
      checkpointNow(checkpoints);
    } else {
      checkpointIfDue();
    }
  }

  /** A requested checkpoint, waited for: the file is durable when the futures complete. */
  private void checkpointNow(List<Task.Checkpoint> requests) {
    try {
      if (wal != null) {
        wal.checkpoint(at.last, true);
        unsynced = false;
      }
      requests.forEach(c -> c.future().complete(null));
    } catch (RuntimeException e) {
      broken = brokenBy("writing a checkpoint", e);
      requests.forEach(c -> c.fail(broken));
    }
  }

  /**
   * Applies one task, adding what completes it after the commit to {@code completions} (nothing
   * when it is queued again for its next slice); whether it may have written. A task's
   * OrmDbException fails only that task; any other exception breaks the store.
   */
  private boolean apply(Task t, List<Runnable> completions) {
    if (t instanceof Task.Batch b) {
      return run(
          b.future(),
          () -> parts.writes().apply(b.batch()),
          MutationResult::committed,
          completions);
    } else if (t instanceof Task.Schema s) {
      Catalog before = parts.catalogs().latest();
      return run(
          s.future(),
          () -> parts.schemas().apply(s.bundle()),
          v -> parts.catalogs().latest() != before,
          completions);
    } else if (t instanceof Task.Write<?> w) {
      write(w, completions);
      return true;
    } else if (t instanceof Task.Replicated r) {
      return run(r.future(), () -> parts.replicas().apply(r.set()), l -> true, completions);
    } else if (t instanceof Task.ReplicatedSchema r) {
      return run(
          r.future(),
          () ->
              parts
                  .replicas()
                  .applySchema(r.primaryId(), r.version(), r.appliedAtLsn(), r.bundle()),
          v -> true,
          completions);
    } else if (t instanceof Task.ReplicatedEpoch r) {
      return run(
          r.future(),
          () -> parts.replicas().applyEpoch(r.number(), r.firstLsn(), r.lastKept()),
          recorded -> recorded,
          completions);
    } else if (t instanceof Task.Compact c) {
      if (parts.compaction().slice(c.pass())) {
        completions.add(() -> c.future().complete(c.pass().removed()));
      } else {
        enqueue(c);
      }
      return true;
    } else if (t instanceof Task.Slice s) {
      boolean done;
      try {
        done = s.slice().getAsBoolean();
      } catch (RuntimeException e) {
        completions.add(() -> s.future().completeExceptionally(e));
        return true;
      }
      if (done) {
        completions.add(() -> s.future().complete(null));
      } else {
        enqueue(s);
      }
      return true;
    }
    throw new IllegalStateException("unknown task " + t);
  }

  private static <T> void write(Task.Write<T> w, List<Runnable> completions) {
    run(w.future(), w.write(), r -> true, completions);
  }

  /**
   * Runs {@code apply}, adding what completes {@code future} with its result or its OrmDbException
   * to {@code completions}; whether it wrote, as {@code wrote} tells from the result.
   */
  private static <T> boolean run(
      CompletableFuture<T> future,
      Supplier<T> apply,
      Predicate<? super T> wrote,
      List<Runnable> completions) {
    try {
      T r = apply.get();
      completions.add(() -> future.complete(r));
      return wrote.test(r);
    } catch (OrmDbException e) {
      completions.add(() -> future.completeExceptionally(e));
      return false;
    }
  }
}
