package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.store.query.internal.SliceHistory;
import io.ormdb.store.view.ReadView;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * A sliced deadline stops a read at the first check past the slice with {@link
 * Deadline.SliceExpired} (not an error), and the engine remembers the shapes that did not fit. The
 * clock advances one nanosecond per reading, so a slice of {@code n} ns ends at the {@code n}-th
 * reading after it was cut: where the checks fall is exact, without timing anything.
 */
class SlicedReadTest {
  private final QueryEngine engine = new QueryEngine();
  private final ReadView view = Blog.data(1_000, 3, 2).view();

  /** One nanosecond per reading; counts them. */
  static final class Ticks implements LongSupplier {
    long readings;

    @Override
    public long getAsLong() {
      return ++readings;
    }
  }

  private static final GraphQuery ALL_USERS = GraphQuery.from("User").build();

  private static GraphQuery byId(long id) {
    return GraphQuery.from("User").where(Filter.eq("id", id)).include("posts").build();
  }

  /** A scan of every user (no index serves a not-equal). */
  private static GraphQuery notNamed(String name) {
    return GraphQuery.from("User").where(Filter.cmp("name", Filter.Op.NE, name)).build();
  }

  private Deadline sliced(Ticks clock, long nanos) {
    return Deadline.after(Duration.ofHours(1), clock).slice(Duration.ofNanos(nanos));
  }

  private void overruns(GraphQuery q, Deadline d) {
    assertThatThrownBy(() -> engine.query(view, q, Map.of(), QueryBudget.UNLIMITED, d))
        .isSameAs(Deadline.SliceExpired.INSTANCE);
  }

  @Test
  void aReadThatFitsItsSliceAnswersWhatAnUnslicedReadAnswers() {
    Ticks clock = new Ticks();
    assertThat(engine.query(view, byId(7), Map.of(), QueryBudget.UNLIMITED, sliced(clock, 1_000)))
        .isEqualTo(engine.query(view, byId(7), Map.of()));
    assertThat(clock.readings).as("a few checks, far from the slice's end").isLessThan(20);
  }

  /**
   * Readings: 1 creating the deadline, 2 cutting the slice, then the engine's start, the root
   * step's start and one every 256 rows: a slice of 3 ns ends at the check at row 256.
   */
  @Test
  void aReadPastItsSliceStopsAtTheNextCheckWithoutAnError() {
    Ticks clock = new Ticks();
    CountingReadView counted = new CountingReadView(view);
    Deadline d = sliced(clock, 3);
    assertThatThrownBy(() -> engine.query(counted, ALL_USERS, Map.of(), QueryBudget.UNLIMITED, d))
        .isSameAs(Deadline.SliceExpired.INSTANCE)
        .isNotInstanceOf(OrmDbException.class);
    assertThat(clock.readings).isEqualTo(5);
    assertThat(counted.rowsScanned).isLessThanOrEqualTo(2 * Deadline.CHECK_EVERY);
    assertThat(d.expired()).as("the deadline itself has not passed").isFalse();
  }

  @Test
  void theDeadlinePassingWinsOverTheSlice() {
    DeadlineTest.Clock clock = new DeadlineTest.Clock(3);
    Deadline d = Deadline.after(Duration.ofSeconds(1), clock).slice(Duration.ZERO);
    assertThatThrownBy(() -> engine.query(view, ALL_USERS, Map.of(), QueryBudget.UNLIMITED, d))
        .isInstanceOf(OrmDbException.class)
        .satisfies(e -> assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.TIMEOUT));
    assertThatThrownBy(() -> Deadline.NONE.slice(Duration.ofMillis(1)))
        .isInstanceOf(IllegalStateException.class);
  }

  /**
   * After a shape overran, its next {@value SliceHistory#SKIP} sliced reads — other literals too —
   * are refused at the engine's first check without reading a row; then one is tried again, and a
   * try that fits clears the history. Other shapes and unsliced reads are not affected.
   */
  @Test
  void aShapeThatOverranIsRefusedAtOnceUntilItIsTriedAgain() {
    Ticks clock = new Ticks();
    overruns(notNamed("user1"), sliced(clock, 3));

    for (int i = 0; i < SliceHistory.SKIP; i++) {
      CountingReadView counted = new CountingReadView(view);
      Ticks ticks = new Ticks();
      GraphQuery other = notNamed("user" + i);
      assertThatThrownBy(
              () ->
                  engine.query(
                      counted, other, Map.of(), QueryBudget.UNLIMITED, sliced(ticks, 1_000_000)))
          .isSameAs(Deadline.SliceExpired.INSTANCE);
      assertThat(ticks.readings).as("refused at the start, read %d", i).isEqualTo(3);
      assertThat(counted.rowsScanned).isZero();
      // meanwhile: another shape is tried, an unsliced read of this shape runs
      assertThat(
              engine.query(
                  view, byId(3), Map.of(), QueryBudget.UNLIMITED, sliced(new Ticks(), 1_000)))
          .isEqualTo(engine.query(view, byId(3), Map.of()));
      assertThat(engine.query(view, notNamed("user1"), Map.of())).isNotNull();
    }

    GraphQuery again = notNamed("nobody");
    assertThat(
            engine.query(
                view, again, Map.of(), QueryBudget.UNLIMITED, sliced(new Ticks(), 1_000_000)))
        .as("tried again, and it fits")
        .isEqualTo(engine.query(view, again, Map.of()));
    assertThat(
            engine.query(
                view, again, Map.of(), QueryBudget.UNLIMITED, sliced(new Ticks(), 1_000_000)))
        .as("cleared: the next one is tried too")
        .isEqualTo(engine.query(view, again, Map.of()));
  }

  @Test
  void sliceHistoryRefusesSkipReadsAfterAnOverrunAndForgetsOnAFit() {
    SliceHistory h = new SliceHistory();
    assertThat(h.mayTry()).isTrue();
    h.overran();
    for (int i = 0; i < SliceHistory.SKIP; i++) {
      assertThat(h.mayTry()).as("refusal %d", i).isFalse();
    }
    assertThat(h.mayTry()).isTrue();
    h.overran();
    assertThat(h.mayTry()).isFalse();
    h.fitted();
    assertThat(h.mayTry()).isTrue();
  }
}
