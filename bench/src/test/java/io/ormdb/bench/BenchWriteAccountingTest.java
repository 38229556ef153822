package io.ormdb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ormdb.bench.driver.ChildLoop;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Bytes written per commit: the division, the booking of replies, and the goal. */
class BenchWriteAccountingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void bytesPerCommitIsBytesOverCommittedBatches() {
    assertThat(Stats.perCommit(4_096_000, 1_000)).isEqualTo(4096.0);
    assertThat(Stats.perCommit(10, 4)).isEqualTo(2.5);
    assertThat(Stats.perCommit(4096, 0)).isNaN();
    assertThat(Stats.perCommit(-1, 10)).isNaN();
  }

  @Test
  void aRepetitionGetsItsWindowAndWhatItsChildWroteAfterItButAWarmUpGetsNothing() throws Exception {
    WriteLedger ledger = new WriteLedger();
    Measurement m = ran(Plan.ORMDB_ROW);
    Plan.Child c = Plan.Child.ORMDB;
    ledger.replied(c, json("{'ok':true,'io':{'writtenBytes':999999,'commits':7}}"), null);
    // the warm-up's background writes arrive with the first repetition: not booked
    ledger.replied(
        c,
        json(
            "{'ok':true,'afterLastRun':{'writtenBytes':50000,'fileBytes':1},"
                + "'io':{'counter':'write_bytes','writtenBytes':40960,'commits':10,"
                + "'fileBytes':2000000}}"),
        m);
    ledger.replied(
        c,
        json(
            "{'ok':true,'afterLastRun':{'writtenBytes':8192,'fileBytes':2100000},"
                + "'io':{'counter':'write_bytes','writtenBytes':81920,'commits':20,"
                + "'fileBytes':2200000}}"),
        m);
    ledger.replied(
        c, json("{'ok':true,'afterLastRun':{'writtenBytes':12288,'fileBytes':2300000}}"), null);
    // nothing more is booked once the tail was taken
    ledger.replied(c, json("{'ok':true,'afterLastRun':{'writtenBytes':777,'fileBytes':9}}"), null);

    assertThat(m.commits).isEqualTo(30);
    assertThat(m.writtenBytes).isEqualTo(40960 + 81920);
    assertThat(m.writtenAfterBytes).isEqualTo(8192 + 12288);
    assertThat(m.bytesPerCommit()).isEqualTo(4096.0);
    assertThat(m.afterBytesPerCommit()).isEqualTo((8192 + 12288) / 30.0);
    assertThat(m.amortizedBytesPerCommit()).isEqualTo((40960 + 81920 + 8192 + 12288) / 30.0);
    assertThat(m.fileBytesEnd).isEqualTo(2_300_000);
  }

  @Test
  void aFailedRepetitionBooksNothing() throws Exception {
    WriteLedger ledger = new WriteLedger();
    Measurement m = ran(Plan.ORMDB_ROW);
    ledger.replied(
        Plan.Child.ORMDB,
        json("{'ok':false,'io':{'counter':'write_bytes','writtenBytes':5,'commits':5}}"),
        m);
    assertThat(m.commits).isZero();
  }

  @Test
  void theBytesGoalIsMetUpTo8KiBAmortizedAndMissedAbove() throws Exception {
    assertThat(Goals.bytesPerCommit("g", withBytes(8192 * 100 - 1000, 1000, 100)).verdict())
        .isEqualTo("met");
    Goals.Verdict missed = Goals.bytesPerCommit("g", withBytes(8192 * 100, 1, 100));
    assertThat(missed.verdict()).isEqualTo("missed");
    assertThat(missed.measured()).startsWith("8,192 bytes (8,192 during").contains("100 commits");
    Measurement checkpointed = withBytes(4096 * 10, 0, 10);
    checkpointed.addWindow(
        json("{'counter':'write_bytes','writtenBytes':0,'commits':0,'finished':'X.checkpoint()'}"));
    assertThat(Goals.bytesPerCommit("g", checkpointed).measured())
        .contains("during the measured commits and X.checkpoint() after each repetition");
    assertThat(Goals.bytesPerCommit("g", null).verdict()).isEqualTo("n/a (did not run)");
    Measurement uncounted = ran(Plan.ORMDB_ROW);
    uncounted.addWindow(json("{'counter':'none','writtenBytes':-1,'commits':10}"));
    assertThat(Goals.bytesPerCommit("g", uncounted).verdict()).startsWith("n/a (no bytes counted");
  }

  @Test
  void theReportSaysWhatEndedEachRepetitionInsideTheBytesWindow() throws Exception {
    Plan.Case insert1 =
        Plan.cases("skipped").stream().filter(c -> c.id().equals("insert1")).findFirst().get();
    Measurement store = withBytes(4096 * 10, 0, 10);
    store.addWindow(
        json("{'counter':'write_bytes','writtenBytes':0,'commits':0,'finished':'X.checkpoint()'}"));
    String md =
        Report.markdown(
            new java.util.LinkedHashMap<>(Map.of("mode", "quick")),
            List.of(insert1),
            Map.of("insert1", List.of(store)),
            List.of());
    assertThat(md)
        .contains(
            Plan.ORMDB + ": every repetition ended with X.checkpoint() inside its bytes window");
  }

  @Test
  void everyOrmdbPathGetsItsOwnWriteGoalRows() throws Exception {
    Measurement store = ran(Plan.ORMDB_ROW, 1000);
    Measurement ext = ran(Plan.EXTENSION_ROW, 500);
    Measurement sqlite = ran(Plan.Entry.of("SQLite (WAL)", Plan.Child.SQLITE, "durable", ""), 700);
    List<Goals.Verdict> goals =
        Goals.evaluate(
            List.of(), Map.of("insert1", List.of(store, ext, sqlite)), "quick", "quick", null);
    assertThat(goals)
        .filteredOn(g -> g.goal().startsWith("Single durable writer"))
        .extracting(Goals.Verdict::verdict)
        .containsExactly("met", "missed", "n/a (did not run)");
  }

  private static Measurement withBytes(long window, long after, long commits) {
    Measurement m = ran(Plan.ORMDB_ROW);
    m.addWindow(
        JSON.createObjectNode()
            .put("counter", "write_bytes")
            .put("writtenBytes", window)
            .put("commits", commits));
    m.addAfter(JSON.createObjectNode().put("writtenBytes", after));
    return m;
  }

  private static Measurement ran(Plan.Entry e) {
    return ran(e, 100);
  }

  /** A row that ran one repetition at {@code opsPerSec}. */
  private static Measurement ran(Plan.Entry e, long opsPerSec) {
    Measurement m = new Measurement(e);
    Histogram h = ChildLoop.newHistogram();
    h.recordValue(1000);
    m.add(opsPerSec, opsPerSec, 1_000_000_000L, h);
    return m;
  }

  private static JsonNode json(String singleQuoted) throws Exception {
    return JSON.readTree(singleQuoted.replace('\'', '"'));
  }
}
