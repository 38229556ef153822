package io.ormdb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.bench.driver.ChildLoop;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** "No read workload slower than in the previous report": the comparison with a baseline. */
class BenchBaselineTest {

  private static final String REPORT =
      "{'run':{'mode':'quick','started':'2025-01-02-030405'},'workloads':["
          + "{'id':'point','systems':["
          + "{'system':'ORMDB embedded (OrmStore)','status':'ran','throughputOpsPerSecMedian':1000},"
          + "{'system':'ORMDB embedded (OrmDb extension)','status':'ran',"
          + "'throughputOpsPerSecMedian':800},"
          + "{'system':'ORMDB embedded (OrmDb extension, connection actor)',"
          + "'status':'did not run: boom'}]},"
          + "{'id':'insert1','systems':["
          + "{'system':'ORMDB embedded (OrmStore)','status':'ran','throughputOpsPerSecMedian':5}]}"
          + "]}";

  @Test
  void aReadIsMetAtNinetyPercentOfTheBaselineAndMissedBelow() {
    assertThat(Baseline.verdict(900, 1000)).isEqualTo("met");
    assertThat(Baseline.verdict(1500, 1000)).isEqualTo("met");
    assertThat(Baseline.verdict(899, 1000)).isEqualTo("missed");
    assertThat(Baseline.verdict(Double.NaN, 1000)).isEqualTo("n/a");
  }

  @Test
  void everyOrmdbRowOfAReadWorkloadIsComparedWithTheBaseline() {
    Baseline b = Baseline.parse("earlier.json", REPORT.replace('\'', '"'));
    assertThat(b.mode).isEqualTo("quick");
    assertThat(b.median("point", Plan.ORMDB)).isEqualTo(1000.0);
    assertThat(b.median("point", Plan.ORMDB_SESSION)).isNull();

    List<Goals.Verdict> v =
        Goals.readsVersusBaseline(cases("point", "insert1"), point(950, 700, 10), "quick", b);

    assertThat(v)
        .extracting(Goals.Verdict::verdict)
        .containsExactly("met", "missed", "n/a (not in the baseline)");
    assertThat(v.get(0).goal()).contains("(point)").contains(Plan.ORMDB);
    assertThat(v.get(0).measured()).isEqualTo("0.95× (1000 → 950 ops/s)");
    assertThat(v.get(1).goal()).contains(Plan.ORMDB_EXTENSION);
    assertThat(v).noneMatch(g -> g.goal().contains("insert1") || g.goal().contains("raw"));
  }

  @Test
  void withoutABaselineEachReadWorkloadIsNotApplicable() {
    List<Goals.Verdict> v =
        Goals.readsVersusBaseline(cases("point", "insert1"), point(1, 1, 1), "quick", null);
    assertThat(v).hasSize(1);
    assertThat(v.get(0).goal()).contains("(point)");
    assertThat(v.get(0).verdict()).isEqualTo("n/a (no --baseline given)");
  }

  @Test
  void aBaselineOfAnotherModeIsNotCompared() {
    Baseline full = Baseline.parse("full.json", REPORT.replace("quick", "full").replace('\'', '"'));
    List<Goals.Verdict> v =
        Goals.readsVersusBaseline(cases("point"), point(1, 1, 1), "quick", full);
    assertThat(v)
        .isNotEmpty()
        .allMatch(g -> g.verdict().startsWith("n/a (the baseline is a 'full' run"));
  }

  @Test
  void aRunWithoutReadsSaysSo() {
    List<Goals.Verdict> v = Goals.readsVersusBaseline(cases("insert1"), Map.of(), "quick", null);
    assertThat(v)
        .singleElement()
        .extracting(Goals.Verdict::verdict)
        .isEqualTo("n/a (no read workload in this run)");
  }

  @Test
  void aFileThatIsNotAReportIsRefusedWithItsName() {
    assertThatThrownBy(() -> Baseline.parse("notes.json", "{\"a\":1}"))
        .hasMessageContaining("'notes.json'")
        .hasMessageContaining("'workloads'");
    assertThatThrownBy(() -> Baseline.parse("broken.json", "{"))
        .hasMessageContaining("'broken.json' is not JSON");
    assertThatThrownBy(() -> Baseline.read(Path.of("no-such-report.json")))
        .hasMessageContaining("no file 'no-such-report.json'");
  }

  private static List<Plan.Case> cases(String... ids) {
    List<Plan.Case> out = new ArrayList<>();
    for (Plan.Case c : Plan.cases("n/a")) {
      if (List.of(ids).contains(c.id())) {
        out.add(c);
      }
    }
    return out;
  }

  /** A point case where OrmStore, the extension and the connection actor ran at these rates. */
  private static Map<String, List<Measurement>> point(long store, long ext, long session) {
    Map<String, List<Measurement>> r = new LinkedHashMap<>();
    r.put(
        "point",
        List.of(
            ran(Plan.ORMDB_ROW, store),
            ran(Plan.EXTENSION_ROW, ext),
            ran(Plan.SESSION_ROW, session),
            ran(Plan.RAW_ROW, 5)));
    r.put("insert1", List.of(ran(Plan.ORMDB_ROW, 1)));
    return r;
  }

  private static Measurement ran(Plan.Entry e, long opsPerSec) {
    Measurement m = new Measurement(e);
    Histogram h = ChildLoop.newHistogram();
    h.recordValue(1000);
    m.add(opsPerSec, opsPerSec, 1_000_000_000L, h);
    return m;
  }
}
