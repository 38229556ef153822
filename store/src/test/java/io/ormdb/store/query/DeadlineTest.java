package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.store.view.ReadView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * A read past its deadline fails with TIMEOUT at the next check and reads nothing more: the clock
 * is a counter, so where the checks fall is exact, without timing anything.
 */
class DeadlineTest {
  private final QueryEngine engine = new QueryEngine();
  private final ReadView view = Blog.data(1_000, 3, 2).view();

  /**
   * Reads 0 until its {@code expiresAt}-th reading, then far past any deadline; counts readings.
   */
  static final class Clock implements LongSupplier {
    private final int expiresAt;
    int readings;

    Clock(int expiresAt) {
      this.expiresAt = expiresAt;
    }

    @Override
    public long getAsLong() {
      return ++readings < expiresAt ? 0 : Long.MAX_VALUE / 2;
    }
  }

  private static void timesOut(Runnable read) {
    assertThatThrownBy(read::run)
        .isInstanceOf(OrmDbException.class)
        .hasMessage("the request did not complete within 1000 ms; its read was stopped")
        .satisfies(e -> assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.TIMEOUT));
  }

  private static final GraphQuery GRAPH =
      GraphQuery.from("User").include("posts").include("posts.comments").build();

  @Test
  void aDeadlineNotReachedChangesNothing() {
    Deadline later = Deadline.after(Duration.ofHours(1));
    assertThat(engine.query(view, GRAPH, Map.of(), QueryBudget.UNLIMITED, later))
        .isEqualTo(engine.query(view, GRAPH, Map.of(), QueryBudget.UNLIMITED));
    assertThat(later.expired()).isFalse();
    assertThat(Deadline.NONE.expired()).isFalse();
  }

  /**
   * Readings: 1 creating the deadline, 2 the engine's start, 3 the root step's start, then one
   * every 256 rows of the scan: the 5th reading, at row 512 of 1,000, stops it.
   */
  @Test
  void aScanPastItsDeadlineStopsAtTheNextCheckWithinItsRows() {
    Clock clock = new Clock(5);
    CountingReadView counted = new CountingReadView(view);
    Deadline d = Deadline.after(Duration.ofSeconds(1), clock);
    timesOut(
        () ->
            engine.query(
                counted, GraphQuery.from("User").build(), Map.of(), QueryBudget.UNLIMITED, d));
    assertThat(clock.readings).as("nothing checked after the expired reading").isEqualTo(5);
    assertThat(counted.rowsScanned).isLessThanOrEqualTo(2 * Deadline.CHECK_EVERY);
    assertThat(d.expired()).isTrue();
  }

  /** Whichever step a deadline passes in — the root, a hop, a join — the read stops there. */
  @Test
  void aGraphQueryStopsInWhicheverStepItsDeadlinePasses() {
    Clock unbounded = new Clock(Integer.MAX_VALUE);
    engine.query(
        view,
        GRAPH,
        Map.of(),
        QueryBudget.UNLIMITED,
        Deadline.after(Duration.ofSeconds(1), unbounded));
    int checks = unbounded.readings;
    assertThat(checks).as("checks over 1,000 users, 3,000 posts, 6,000 comments").isGreaterThan(30);
    for (int at = 2; at <= checks; at += 3) {
      Clock clock = new Clock(at);
      Deadline d = Deadline.after(Duration.ofSeconds(1), clock);
      timesOut(() -> engine.query(view, GRAPH, Map.of(), QueryBudget.UNLIMITED, d));
      assertThat(clock.readings).as("expired at reading %d", at).isEqualTo(at);
    }
  }

  @Test
  void aggregatesAndExplainAnalyzeStopToo() {
    AggregateQuery count =
        new AggregateQuery(
            "Post",
            List.of(new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, null)),
            null,
            List.of("authorId"),
            null);
    Clock atStart = new Clock(2);
    timesOut(
        () ->
            engine.aggregate(
                view,
                count,
                Map.of(),
                QueryBudget.UNLIMITED,
                Deadline.after(Duration.ofSeconds(1), atStart)));
    assertThat(atStart.readings).isEqualTo(2);
    Clock inInput = new Clock(3);
    timesOut(
        () ->
            engine.aggregate(
                view,
                count,
                Map.of(),
                QueryBudget.UNLIMITED,
                Deadline.after(Duration.ofSeconds(1), inInput)));
    assertThat(inInput.readings).isEqualTo(3);

    Clock analyze = new Clock(4);
    timesOut(
        () ->
            engine.explain(
                view,
                GRAPH,
                true,
                Map.of(),
                QueryBudget.UNLIMITED,
                Deadline.after(Duration.ofSeconds(1), analyze)));
    assertThat(analyze.readings).isEqualTo(4);
    assertThat(
            engine.explain(
                view,
                GRAPH,
                false,
                Map.of(),
                QueryBudget.UNLIMITED,
                Deadline.after(Duration.ofHours(1))))
        .isEqualTo(engine.explain(view, GRAPH, false));
  }
}
