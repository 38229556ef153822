package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A file the store can no longer write (here: a child JVM whose files may not grow past 24 MiB, the
 * way a full disk fails a write) fails the store loudly, with STORAGE_UNAVAILABLE naming the file
 * and the cause; the child neither hangs nor dies; reopening without the limit finds every
 * acknowledged commit.
 */
class FullDiskTest {
  @TempDir Path dir;

  /**
   * 24 MiB: the log's segments (at most 16 MiB) fit, the database file outgrows the limit and a
   * checkpoint's write fails on MVStore's threads. 6 MiB: the log's growing segments hit it.
   */
  @ParameterizedTest(name = "files limited to {0} MiB")
  @ValueSource(ints = {24, 6})
  void aFailedWriteStopsTheStoreWithAClearErrorAndLosesNoAcknowledgedCommit(int mib)
      throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    try (ChildJvm child =
        ChildJvm.startWithFileSizeLimit(
            24 << 10, FullDiskChild.class, lines::add, dir.toString())) {
      assertThat(child.awaitExit(120))
          .as("the child finished; its standard error ends with:%n%s", child.stderrTail(30))
          .isTrue();
    }
    List<String> failed = lines.stream().filter(l -> l.startsWith("FAILED ")).toList();
    assertThat(failed).as("the child's output: %s", tail(lines)).hasSize(1);
    assertThat(failed.get(0))
        .startsWith("FAILED STORAGE_UNAVAILABLE ")
        .contains(dir.toString())
        .contains("File too large")
        .doesNotContain("MVStoreException");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("CLOSED");
    long acknowledged = lines.stream().filter(l -> l.startsWith("ACK ")).count();
    assertThat(acknowledged).as("batches acknowledged before the file was full").isPositive();
    assertThat(lines.get(lines.size() - 2))
        .as("reads go on after the failure")
        .isEqualTo("READ " + acknowledged * 100);

    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      Set<Long> ids = new HashSet<>();
      StoreTestSupport.all(store, "Event").forEach(r -> ids.add(r.get("id").asLong()));
      for (long id = 0; id < acknowledged * 100; id++) {
        assertThat(ids).as("acknowledged rows after the reopen").contains(id);
      }
      assertThat(ids.size()).isBetween((int) acknowledged * 100, (int) (acknowledged + 1) * 100);
    }
  }

  private static List<String> tail(List<String> lines) {
    return lines.subList(Math.max(0, lines.size() - 5), lines.size());
  }
}
