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
 * <p>A {@linkplain #slice sliced} deadline also ends a short time after it was sliced, and a read
 * past that end stops with {@link SliceExpired} at the same checks: not an error, but the caller's
 * sign that the read does not fit where it was tried (a session's own thread) and must run
 * elsewhere with the deadline it was sliced from. {@link QueryEngine#query} remembers the query
 * shapes that did not fit (see there).
 *
 * <p>Thread-safe (it holds only its ends and its clock).
 */
public final class Deadline {
  /** How many rows a read step reads between two checks. */
  public static final int CHECK_EVERY = 256;

  /** No deadline. */
  public static final Deadline NONE = new Deadline(0, 0, () -> 0, false, 0);

  private final long end;
  private final long millis;
  private final LongSupplier clock;
  private final boolean sliced;
  private final long sliceEnd;

  private Deadline(long end, long millis, LongSupplier clock, boolean sliced, long sliceEnd) {
    this.end = end;
    this.millis = millis;
    this.clock = clock;
    this.sliced = sliced;
    this.sliceEnd = sliceEnd;
  }

  /**
   * Thrown by {@link #check} of a {@linkplain #slice sliced} deadline past the slice's end (and by
   * {@link QueryEngine#query} for a shape it expects not to fit): the read stopped without an
   * answer and must run again, elsewhere, with the deadline it was sliced from. One shared instance
   * without a stack trace: it is control flow, never a request's error.
   */
  public static final class SliceExpired extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The one instance. */
    public static final SliceExpired INSTANCE = new SliceExpired();

    private SliceExpired() {
      super("the read did not fit in its slice", null, false, false);
    }
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
    return new Deadline(
        nanoClock.getAsLong() + timeout.toNanos(), timeout.toMillis(), nanoClock, false, 0);
  }

  /**
   * This deadline, also ending {@code slice} from now (on its clock): past that, {@link #check}
   * throws {@link SliceExpired}; past this deadline's own end it still fails with TIMEOUT. Not for
   * {@link #NONE} (a slice needs a clock).
   */
  public Deadline slice(Duration slice) {
    Objects.requireNonNull(slice, "slice");
    if (this == NONE) {
      throw new IllegalStateException("Deadline.NONE cannot be sliced");
    }
    return new Deadline(end, millis, clock, true, clock.getAsLong() + slice.toNanos());
  }

  /** Whether this deadline was {@linkplain #slice sliced}. */
  public boolean sliced() {
    return sliced;
  }

  /** Whether the deadline has passed. */
  public boolean expired() {
    return this != NONE && clock.getAsLong() - end >= 0;
  }

  /**
   * TIMEOUT when the deadline has passed; {@link SliceExpired} when only the slice has (one reading
   * of the clock either way).
   */
  public void check() {
    if (this == NONE) {
      return;
    }
    long now = clock.getAsLong();
    if (now - end >= 0) {
      throw new OrmDbException(
          ErrorCode.TIMEOUT,
          "the request did not complete within " + millis + " ms; its read was stopped");
    }
    if (sliced && now - sliceEnd >= 0) {
      throw SliceExpired.INSTANCE;
    }
  }

  @Override
  public String toString() {
    return this == NONE
        ? "Deadline.NONE"
        : "Deadline(" + millis + " ms" + (sliced ? ", sliced" : "") + ")";
  }
}
