package io.ormdb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.bench.driver.ChildLoop;
import io.ormdb.bench.driver.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The goals of the API paths and of live queries: which rows exist, where a ratio is met, and when
 * the live-query goal is not applicable.
 */
class BenchGoalsTest {

  @Test
  void everyWorkloadButTheChangeStreamsRunsTheThreeOrmdbPaths() {
    for (Plan.Case c : Plan.cases("n/a")) {
      List<String> labels = c.entries().stream().map(Plan.Entry::label).toList();
      if (List.of("changes", "live", "net-graph3").contains(c.id())) {
        assertThat(labels).as(c.id()).doesNotContain(Plan.ORMDB_SESSION);
        continue;
      }
      assertThat(labels).as(c.id()).contains(Plan.ORMDB, Plan.ORMDB_EXTENSION, Plan.ORMDB_SESSION);
    }
  }

  @Test
  void theLiveWorkloadComparesLiveQueriesWithThePushFeedUnderTheSameWriters() {
    Plan.Case live =
        Plan.cases("n/a").stream().filter(c -> c.id().equals("live")).findFirst().orElseThrow();
    assertThat(live.workload()).isEqualTo(Workload.LIVE);
    assertThat(live.threads()).isEqualTo(16);
    assertThat(live.entries())
        .filteredOn(Plan.Entry::runs)
        .extracting(Plan.Entry::variant)
        .containsExactly("", "feed");
    assertThat(live.workload().commits()).isTrue();
  }

  @Test
  void readsThroughOrmDbMustKeepFourFifthsAndThroughAConnectionActorHalfOfOrmStore() {
    Map<String, List<Measurement>> r = new LinkedHashMap<>();
    r.put("eq", rows(1000, 800, 500));
    r.put("graph3", rows(1000, 799, 499));
    List<Goals.Verdict> v = Goals.apiPaths(r);

    assertThat(v).hasSize(2 * Goals.API_READS.size() + 2);
    assertThat(find(v, "(eq) through the embedded API").verdict()).isEqualTo("met");
    assertThat(find(v, "(eq) through a connection actor").verdict()).isEqualTo("met");
    assertThat(find(v, "(graph3) through the embedded API").verdict()).isEqualTo("missed");
    assertThat(find(v, "(graph3) through a connection actor").verdict()).isEqualTo("missed");
    assertThat(find(v, "(graph3) through the embedded API").target()).isEqualTo("≥ 0.80×");
    assertThat(find(v, "(graph3) through a connection actor").target()).isEqualTo("≥ 0.50×");
    assertThat(find(v, "(eq) through the embedded API").measured()).startsWith("0.80× (p50");
    assertThat(find(v, "(range) through the embedded API").verdict())
        .isEqualTo("n/a (did not run)");
  }

  @Test
  void theApplicationShapesThroughOrmDbMustMatchH2sBestSqlAndEachGetsItsPathRows() {
    for (String shape : Goals.SHAPES) {
      Plan.Case c =
          Plan.cases("n/a").stream().filter(x -> x.id().equals(shape)).findFirst().orElseThrow();
      assertThat(c.entries()).extracting(Plan.Entry::label).anyMatch(l -> l.startsWith("ORM N+1"));
      assertThat(Goals.API_READS).contains(shape);
    }
    Map<String, List<Measurement>> r = new LinkedHashMap<>();
    // person: OrmDb.query at 1,000 ops/s, H2's JOIN 900 and N+1 5,000 (N+1 is not plain SQL)
    List<Measurement> person = new ArrayList<>(rows(1200, 1000, 600));
    person.add(ran(Plan.Entry.of("H2 SQL embedded, JOIN", Plan.Child.H2, "join", ""), 900, 1));
    person.add(ran(Plan.Entry.of("ORM N+1 on H2", Plan.Child.H2, "n1", ""), 5000, 1));
    r.put("person", person);
    List<Measurement> user = new ArrayList<>(rows(1200, 1000, 600));
    user.add(ran(Plan.Entry.of("H2 SQL embedded, JOIN", Plan.Child.H2, "join", ""), 1001, 1));
    r.put("user", user);
    List<Goals.Verdict> v = Goals.shapes(r);

    assertThat(v).hasSize(3);
    assertThat(find(v, "(person)").verdict()).isEqualTo("met");
    assertThat(find(v, "(person)").target()).isEqualTo("≥ 1.00×");
    assertThat(find(v, "(person)").measured()).isEqualTo("1.11× (best: H2 SQL embedded, JOIN)");
    assertThat(find(v, "(user)").verdict()).isEqualTo("missed");
    assertThat(find(v, "(movie)").verdict()).isEqualTo("n/a (did not run)");
    assertThat(Goals.evaluate(List.of(), r, "quick", "quick", null))
        .extracting(Goals.Verdict::goal)
        .contains(find(v, "(user)").goal());
  }

  @Test
  void writersThroughOrmDbMutateMustKeepFourFifthsAndTheConnectionActorIsShownBeside() {
    Map<String, List<Measurement>> r = new LinkedHashMap<>();
    r.put("insert16", rows(10_000, 8_500, 4_000));
    r.put("insert16p", rows(10_000, 7_000, 2_000));
    List<Goals.Verdict> v = Goals.apiPaths(r);

    Goals.Verdict single = find(v, "(insert16) through the embedded API: OrmDb.mutate");
    assertThat(single.verdict()).isEqualTo("met");
    assertThat(single.measured()).isEqualTo("0.85× (through a connection actor: 0.40×)");
    Goals.Verdict pipelined = find(v, "(insert16p) through the embedded API: OrmDb.mutate");
    assertThat(pipelined.verdict()).isEqualTo("missed");
    assertThat(pipelined.measured()).contains("connection actor: 0.20×");
  }

  @Test
  void theConnectionActorGetsItsOwnRowInEveryWriteGoalOfTheStoragePaths() {
    Map<String, List<Measurement>> r = new LinkedHashMap<>();
    r.put("insert1", rows(1000, 900, 400));
    List<Goals.Verdict> v = Goals.evaluate(List.of(), r, "quick", "quick", null);
    assertThat(v)
        .filteredOn(g -> g.goal().startsWith("Single durable writer"))
        .extracting(Goals.Verdict::goal)
        .anyMatch(g -> g.contains(Plan.ORMDB_SESSION))
        .hasSize(3);
    assertThat(v)
        .filteredOn(g -> g.goal().startsWith("Bytes written per single-row"))
        .extracting(Goals.Verdict::goal)
        .anyMatch(g -> g.contains(Plan.ORMDB_SESSION));
  }

  @Test
  void theLiveQueryGoalIsMetBelowTenMillisecondsAtTheTargetRate() {
    Goals.Verdict met = Goals.liveQueries(live(9_000, 10_000, 0));
    assertThat(met.verdict()).isEqualTo("met");
    assertThat(met.target()).isEqualTo("< 10.0 ms");
    assertThat(met.measured())
        .startsWith("9.00 ms (p50 9.00 ms) at 10,000 commits/s reached")
        .contains("push feed, same writers: p99 1.00 ms (p50 1.00 ms) at 10,000 commits/s");
    assertThat(Goals.liveQueries(live(10_000, 10_000, 0)).verdict()).isEqualTo("missed");
  }

  @Test
  void theLiveQueryGoalIsNotApplicableWhenTheWritersFellShortAndMissedWhenACommitWasNeverSeen() {
    assertThat(Goals.liveQueries(live(2_000, 9_400, 0)).verdict())
        .isEqualTo("n/a (the writers reached 9,400 of 10,000 commits/s)");
    assertThat(Goals.liveQueries(live(2_000, 9_500, 0)).verdict()).isEqualTo("met");
    // a slow p99 is a miss whatever the rate
    assertThat(Goals.liveQueries(live(50_000, 5_000, 0)).verdict()).isEqualTo("missed");
    Goals.Verdict lost = Goals.liveQueries(live(2_000, 10_000, 3));
    assertThat(lost.verdict()).isEqualTo("missed");
    assertThat(lost.measured()).contains("3 commits never reached a subscriber");
    assertThat(Goals.liveQueries(Map.of()).verdict()).isEqualTo("n/a (did not run)");
  }

  @Test
  void theReportSaysWhatEachChangeStreamRowTimed() {
    Map<String, List<Measurement>> r = live(2_000, 10_000, 0);
    r.get("live").get(0).measured = "commit call → update; 5 commits in 4 updates";
    Plan.Case live =
        Plan.cases("n/a").stream().filter(c -> c.id().equals("live")).findFirst().orElseThrow();
    String md =
        Report.markdown(new LinkedHashMap<>(Map.of("mode", "quick")), List.of(live), r, List.of());
    assertThat(md)
        .contains(Plan.LIVE_QUERIES + " timed: commit call → update; 5 commits in 4 updates")
        .doesNotContain(Plan.PUSH_FEED + ", same writers timed:");
  }

  @Test
  void aBaselineFindsTheConnectionActorUnderItsFormerLabel() {
    Baseline b =
        Baseline.parse(
            "old.json",
            ("{'run':{'mode':'quick'},'workloads':[{'id':'point','systems':[{'system':'"
                    + Plan.ORMDB_SESSION_FORMERLY
                    + "','status':'ran','throughputOpsPerSecMedian':20000}]}]}")
                .replace('\'', '"'));
    assertThat(b.median("point", Plan.ORMDB_SESSION)).isEqualTo(20_000.0);
    assertThat(b.median("point", Plan.ORMDB_EXTENSION)).isNull();
  }

  private static Goals.Verdict find(List<Goals.Verdict> v, String part) {
    return v.stream().filter(g -> g.goal().contains(part)).findFirst().orElseThrow();
  }

  /** OrmStore, OrmDb extension and connection actor rows at these rates (ops/s). */
  private static List<Measurement> rows(long store, long ext, long session) {
    return List.of(
        ran(Plan.ORMDB_ROW, store, 1000),
        ran(Plan.EXTENSION_ROW, ext, 1000),
        ran(Plan.SESSION_ROW, session, 1000));
  }

  /**
   * A live case: the live queries' latency (every update {@code p99Micros}) at {@code rate}, and
   * the push feed at 1 ms, with {@code missing} commits never seen.
   */
  private static Map<String, List<Measurement>> live(long p99Micros, long rate, long missing) {
    List<Plan.Entry> entries =
        Plan.cases("n/a").stream()
            .filter(c -> c.id().equals("live"))
            .findFirst()
            .orElseThrow()
            .entries();
    Measurement queries = ran(entries.get(0), rate, p99Micros);
    queries.extra("updatesMissing", missing);
    Measurement feed = ran(entries.get(1), 10_000, 1000);
    List<Measurement> rows = new ArrayList<>(List.of(queries, feed));
    return Map.of("live", rows);
  }

  private static Measurement ran(Plan.Entry e, long opsPerSec, long latencyMicros) {
    Measurement m = new Measurement(e);
    Histogram h = ChildLoop.newHistogram();
    h.recordValue(latencyMicros * 1000);
    m.add(opsPerSec, opsPerSec, 1_000_000_000L, h);
    return m;
  }
}
