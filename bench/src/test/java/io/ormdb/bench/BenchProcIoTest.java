package io.ormdb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.bench.driver.ProcIo;
import io.ormdb.bench.driver.ProcIo.Counter;
import io.ormdb.bench.driver.ProcIo.Counters;
import org.junit.jupiter.api.Test;

/** Reading {@code /proc/self/io} and choosing the counter, from given text. */
class BenchProcIoTest {

  private static final String FULL =
      "rchar: 6976\n"
          + "wchar: 1200\n"
          + "syscr: 10\n"
          + "syscw: 3\n"
          + "read_bytes: 0\n"
          + "write_bytes: 8192\n"
          + "cancelled_write_bytes: 4096\n";

  @Test
  void parsesTheCountersItNeeds() {
    Counters c = ProcIo.parse(FULL);
    assertThat(c.writeBytes()).isEqualTo(8192);
    assertThat(c.wchar()).isEqualTo(1200);
    assertThat(c.cancelledWriteBytes()).isEqualTo(4096);
  }

  @Test
  void aMissingOrUnreadableFieldIsMinusOne() {
    Counters c = ProcIo.parse("rchar: 1\nwchar: 77\nwrite_bytes: lots\nno colon here\n");
    assertThat(c.wchar()).isEqualTo(77);
    assertThat(c.writeBytes()).isEqualTo(-1);
    assertThat(c.cancelledWriteBytes()).isEqualTo(-1);
    assertThat(ProcIo.parse("")).isEqualTo(Counters.NONE);
  }

  @Test
  void writeBytesIsChosenWhenItCountsTheFsyncedProbe() {
    ProcIo.Choice c =
        ProcIo.choose(new Counters(1000, 50, 0), new Counters(1000 + 270_336, 262_194, 0), 262_144);
    assertThat(c.counter()).isEqualTo(Counter.WRITE_BYTES);
    assertThat(c.note()).contains("write_bytes").contains("262,144-byte probe");
    assertThat(c.between(new Counters(10, 1, 0), new Counters(4106, 9, 0))).isEqualTo(4096);
  }

  @Test
  void withoutWriteBytesTheChildFallsBackToWcharAndSaysWhy() {
    Counters before = ProcIo.parse("rchar: 1\nwchar: 100\n");
    Counters after = ProcIo.parse("rchar: 1\nwchar: 262244\n");
    ProcIo.Choice c = ProcIo.choose(before, after, 262_144);
    assertThat(c.counter()).isEqualTo(Counter.WCHAR);
    assertThat(c.note()).contains("write_bytes is missing").contains("wchar");
    assertThat(c.between(before, after)).isEqualTo(262_144);
  }

  @Test
  void aWriteBytesThatDoesNotCountTheProbeIsNotTrusted() {
    ProcIo.Choice c = ProcIo.choose(new Counters(0, 0, 0), new Counters(0, 262_144, 0), 262_144);
    assertThat(c.counter()).isEqualTo(Counter.WCHAR);
    assertThat(c.note()).contains("does not account dirtied pages");
  }

  @Test
  void withNeitherCounterNothingIsCounted() {
    ProcIo.Choice c = ProcIo.choose(Counters.NONE, Counters.NONE, 262_144);
    assertThat(c.counter()).isEqualTo(Counter.NONE);
    assertThat(c.between(new Counters(1, 1, 1), new Counters(5, 5, 5))).isEqualTo(-1);
  }
}
