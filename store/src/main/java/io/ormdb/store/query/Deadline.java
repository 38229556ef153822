package io.ormdb.store.query;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * When a read must stop. A graph query, aggregate or explain run with a deadline checks it before
 * each step (root, every hop of every include level, the join to the parents) and every {@value
 * #CHECK_EVERY} rows it reads or joins, and an aggregate before each batch of its input; past the
 * deadline it fails with TIMEOUT and reads nothing more, instead of running on for an answer nobody
 * waits for any more. {@link #NONE} never expires and costs nothing.
 *
 * <p>Thread-safe (it holds only its end and its clock).
 */
public final class Deadline {
  /** How many rows a read step reads between two checks. */
  public static final int CHECK_EVERY = 256;

  /** No deadline. */
  public static final Deadline NONE = new Deadline(0, 0, () -> 0);

  private final long end;
  private final long millis;
  private final LongSupplier clock;

  private Deadline(long end, long millis, LongSupplier clock) {
    this.end = end;
    this.millis = millis;
    this.clock = clock;
  }

  /** {@code timeout} from now ({@link System#nanoTime}). */
  public static Deadline after(Duration timeout) {
    return after(timeout, System::nanoTime);
  }

  /**
   * {@code timeout} from now on {@code nanoClock} (a monotonic clock in nanoseconds, read once now
   * and once per check).
   */
  public static Deadline after(Duration timeout, LongSupplier nanoClock) {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(nanoClock, "nanoClock");
    return new Deadline(nanoClock.getAsLong() + timeout.toNanos(), timeout.toMillis(), nanoClock);
  }

  /** Whether the deadline has passed. */
  public boolean expired() {
    return this != NONE && clock.getAsLong() - end >= 0;
  }

  /** TIMEOUT when the deadline has passed. */
  public void check() {
    if (expired()) {
      throw new OrmDbException(
          ErrorCode.TIMEOUT,
          "the request did not complete within " + millis + " ms; its read was stopped");
    }
  }

  @Override
  public String toString() {
    return this == NONE ? "Deadline.NONE" : "Deadline(" + millis + " ms)";
  }
}
