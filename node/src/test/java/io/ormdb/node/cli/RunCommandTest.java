package io.ormdb.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ormdb run}: statements on a data directory that outlives the process. */
class RunCommandTest {
  @TempDir Path dir;

  private Path schema() throws Exception {
    Path f = dir.resolve("s.ormdb");
    Files.writeString(f, "entity Note {\n  id int64 @id\n  text string\n  tag string? @index\n}\n");
    return f;
  }

  @Test
  void writesPersistAcrossRunsAndTheSchemaIsAppliedOnlyWhenItChanges() throws Exception {
    String data = dir.resolve("db").toString();
    CliRun w =
        CliRun.of(
            "run",
            "--data-dir",
            data,
            "--schema",
            schema().toString(),
            "-e",
            "Note.create({ text: \"a\", tag: \"x\" }); Note.create({ text: \"b\" })");
    assertThat(w.err()).isEmpty();
    assertThat(w.exitCode()).isZero();
    assertThat(w.out()).contains("schema version 1 applied", "committed at lsn");

    CliRun r =
        CliRun.of(
            "run",
            "--data-dir",
            data,
            "--schema",
            schema().toString(),
            "-e",
            "Note.findMany().where(tag == \"x\"); Note.count()");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("schema version 1 unchanged").doesNotContain("applied");
    assertThat(r.out()).contains("\"text\" : \"a\"", "(1 row of Note");
    assertThat(r.out()).containsPattern("count\\s+-+\\s+2\\s");
  }

  @Test
  void aScriptWithASyntaxErrorRunsNothingAndSaysWhere() throws Exception {
    Path script = dir.resolve("bad.ormql");
    Files.writeString(script, "Note.create({ text: \"a\" });\nNote.findMnay()\n");
    String data = dir.resolve("db").toString();
    CliRun r =
        CliRun.of("run", "--data-dir", data, "--schema", schema().toString(), script.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("line 2:6", "did you mean 'findMany'?");
    CliRun count = CliRun.of("run", "--data-dir", data, "-e", "Note.count()");
    assertThat(count.out()).containsPattern("count\\s+-+\\s+0\\s");
  }

  @Test
  void theFirstRefusedStatementStopsTheRunWithItsCode() throws Exception {
    CliRun r =
        CliRun.of(
            "run",
            "--data-dir",
            ":memory:",
            "--schema",
            schema().toString(),
            "-e",
            "Note.create({ txt: \"a\" }); Note.create({ text: \"b\" })");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("error INVALID_REQUEST (2)", "txt", "did you mean 'text'?");
    assertThat(r.out()).doesNotContain("committed");
  }

  @Test
  void aWriteThatChangesNothingSaysSoInsteadOfClaimingACommit() throws Exception {
    String upsert = "Note.upsert(key: { id: 1 }).set({ text: \"a\" })";
    CliRun r =
        CliRun.of(
            "run",
            "--data-dir",
            ":memory:",
            "--schema",
            schema().toString(),
            "-e",
            upsert + "; " + upsert);
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .contains("committed at lsn 1: 1 rows affected, new ids 1")
        .contains("nothing to commit: 0 rows changed (read at lsn 1)")
        .doesNotContain("lsn 0");
  }

  @Test
  void aMissingScriptFileIsReported() {
    CliRun r = CliRun.of("run", "--data-dir", ":memory:", dir.resolve("nope.ormql").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("no such script file", "nope.ormql");
  }
}
