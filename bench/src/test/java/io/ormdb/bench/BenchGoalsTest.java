package io.ormdb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.bench.driver.ChildLoop;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The goals of the API paths: which rows exist and where a ratio is met. */
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

  private static Measurement ran(Plan.Entry e, long opsPerSec, long latencyMicros) {
    Measurement m = new Measurement(e);
    Histogram h = ChildLoop.newHistogram();
    h.recordValue(latencyMicros * 1000);
    m.add(opsPerSec, opsPerSec, 1_000_000_000L, h);
    return m;
  }
}
