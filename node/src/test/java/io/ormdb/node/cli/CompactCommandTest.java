package io.ormdb.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactCommandTest {
  @TempDir Path dir;

  @Test
  void compactsAStoppedDatabaseAndKeepsItsData() throws Exception {
    Path schema = dir.resolve("s.ormdb");
    Files.writeString(schema, "entity Note {\n  id int64 @id\n  text string\n}\n");
    String data = dir.resolve("data").toString();
    StringBuilder creates = new StringBuilder();
    for (int i = 1; i <= 300; i++) {
      creates.append("Note.create({ id: ").append(i).append(", text: \"").append("x".repeat(500));
      creates.append("\" }); ");
    }
    assertThat(
            CliRun.of(
                    "run",
                    "--data-dir",
                    data,
                    "--schema",
                    schema.toString(),
                    "-e",
                    creates.toString())
                .exitCode())
        .isZero();
    assertThat(
            CliRun.of("run", "--data-dir", data, "-e", "Note.deleteMany().where(id > 1)")
                .exitCode())
        .isZero();

    CliRun c = CliRun.of("compact", data);

    assertThat(c.err()).isEmpty();
    assertThat(c.exitCode()).isZero();
    assertThat(c.out()).containsPattern("compacted .*ormdb\\.mv\\.db: [0-9.]+ MB -> [0-9.]+ MB");
    CliRun read = CliRun.of("run", "--data-dir", data, "-e", "Note.count()");
    assertThat(read.exitCode()).isZero();
    assertThat(read.out()).containsPattern("count\\s+-+\\s+1\\s");
  }

  @Test
  void aMissingDirectoryOrOneWithoutADatabaseIsBadInput() throws Exception {
    CliRun missing = CliRun.of("compact", dir.resolve("nope").toString());
    assertThat(missing.exitCode()).isEqualTo(Inputs.BAD_INPUT);
    assertThat(missing.err()).contains("nope does not exist");

    CliRun empty = CliRun.of("compact", dir.toString());
    assertThat(empty.exitCode()).isEqualTo(Inputs.BAD_INPUT);
    assertThat(empty.err()).contains("holds no database file");
    assertThat(dir.resolve("ormdb.mv.db")).doesNotExist();
  }
}
