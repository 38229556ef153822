package io.ormdb.cdc.live;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;

/**
 * An executor that runs nothing until the test says so: live query rounds then happen at the points
 * a test chooses, so which change sets one round covers is deterministic.
 */
final class StepExecutor implements Executor {
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  /** The names of the threads that queued the tasks, in order. */
  final List<String> queuedBy = new CopyOnWriteArrayList<>();

  @Override
  public void execute(Runnable task) {
    queuedBy.add(Thread.currentThread().getName());
    tasks.add(task);
  }

  boolean hasTasks() {
    return !tasks.isEmpty();
  }

  /** Runs the queued tasks, and those they queue, until none is left; how many ran. */
  int runAll() {
    int n = 0;
    for (Runnable r; (r = tasks.poll()) != null; ) {
      r.run();
      n++;
    }
    return n;
  }

  /** Waits for a round to be scheduled (a commit notification or a subscription), then runs it. */
  void round() {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1))
        .until(this::hasTasks);
    runAll();
  }

  /** Runs rounds as they are scheduled until {@code f} is done; its value. */
  <T> T runUntil(Future<T> f) throws Exception {
    runAll();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1))
        .until(
            () -> {
              runAll();
              return f.isDone();
            });
    return f.get();
  }
}
