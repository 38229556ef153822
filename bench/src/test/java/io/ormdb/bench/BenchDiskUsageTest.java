package io.ormdb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.bench.driver.DiskUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file size of a system is every regular file under its directory, at any depth. */
class BenchDiskUsageTest {

  @Test
  void sumsEveryFileUnderTheDirectoryNestedOnesToo(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("ormdb.mv.db"), new byte[10_000]);
    Path wal = Files.createDirectories(dir.resolve("wal"));
    Files.write(wal.resolve("0001.wal"), new byte[300]);
    Files.write(wal.resolve("0002.wal"), new byte[45]);
    Path deeper = Files.createDirectories(wal.resolve("archive").resolve("old"));
    Files.write(deeper.resolve("0000.wal"), new byte[7]);
    Files.createDirectories(dir.resolve("empty"));

    assertThat(DiskUsage.bytesUnder(dir)).isEqualTo(10_000 + 300 + 45 + 7);
    assertThat(DiskUsage.bytesUnder(wal)).isEqualTo(300 + 45 + 7);
  }

  @Test
  void aDirectoryThatDoesNotExistHoldsNothing(@TempDir Path dir) throws Exception {
    assertThat(DiskUsage.bytesUnder(dir.resolve("missing"))).isZero();
  }
}
