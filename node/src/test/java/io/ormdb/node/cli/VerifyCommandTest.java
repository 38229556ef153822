package io.ormdb.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.store.StoreConfig;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ormdb verify DIR}: prints what it checked and what it found; exit code 0 when clean, 1
 * when it found damage or cannot read the file (the error with its code, no class names), 2 when
 * {@code DIR} is not a data directory.
 */
class VerifyCommandTest {
  @TempDir Path dir;
  Path data;

  @BeforeEach
  void aDatabaseWrittenByRun() throws Exception {
    Path schema = dir.resolve("s.ormdb");
    Files.writeString(
        schema, "entity Note {\n  id int64 @id\n  text string\n  tag string? @index\n}\n");
    data = dir.resolve("db");
    CliRun w =
        CliRun.of(
            "run",
            "--data-dir",
            data.toString(),
            "--schema",
            schema.toString(),
            "-e",
            "Note.create({ id: 1, text: \"a\", tag: \"x\" }); Note.create({ id: 2, text: \"b\" });"
                + " Note.update(id: 1).set({ tag: \"y\" })");
    assertThat(w.exitCode()).as(w.err()).isZero();
  }

  @Test
  void aCleanDirectoryExitsZeroAndSaysWhatItChecked() {
    CliRun r = CliRun.of("verify", data.toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .startsWith("verified " + data + "\n")
        .contains("  store headers with a matching checksum: 2 of 2\n")
        .contains("  map rows: 3 entries")
        .contains("  changelog, lsn 1 to 3: 3 change sets\n")
        .contains("  index entries, each matched to a live row version: 3 entries\n")
        .contains("  write-ahead log segments in ")
        .endsWith("clean: no damage found\n");
  }

  @Test
  void damageExitsOneNamingWhereItIs() {
    MVStore mv =
        new MVStore.Builder().fileName(data.resolve(StoreConfig.FILE_NAME).toString()).open();
    try {
      mv.<Long, byte[]>openMap("changelog").remove(2L);
      mv.commit();
    } finally {
      mv.close();
    }
    CliRun r = CliRun.of("verify", data.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .contains(
            "damage changelog: lsn 2: this change set is missing (the changelog goes on at lsn"
                + " 3)\n")
        .endsWith("damaged: 1 problems listed\n");
  }

  @Test
  void aFileWhoseHeadersAreZeroedIsAStorageErrorAndExitsOne() throws Exception {
    Path file = data.resolve(StoreConfig.FILE_NAME);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(8192), 0);
    }
    CliRun r = CliRun.of("verify", data.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "error STORAGE_UNAVAILABLE (13): database file "
                + file.toFile().getCanonicalPath()
                + " cannot be opened: it is not an ORMDB database file, or it is damaged\n");
  }

  @Test
  void whatIsNotADataDirectoryIsBadInputAndNothingIsCreated() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Path aFile = Files.writeString(dir.resolve("notes.txt"), "x");
    String[][] cases = {
      {
        dir.resolve("none").toString(),
        "error: data directory " + dir.resolve("none") + " does not exist\n"
      },
      {aFile.toString(), "error: data directory " + aFile + " is a file, not a directory\n"},
      {
        empty.toString(),
        "error: data directory " + empty + " holds no database (no ormdb.mv.db in it)\n"
      },
      {":memory:", "error: data directory :memory: is not on disk: there is nothing to verify\n"}
    };
    for (String[] c : cases) {
      CliRun r = CliRun.of("verify", c[0]);
      assertThat(r.exitCode()).as(c[0]).isEqualTo(2);
      assertThat(r.err()).isEqualTo(c[1]);
      assertThat(r.out()).isEmpty();
    }
    assertThat(dir.resolve("none")).doesNotExist();
    try (var files = Files.list(empty)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void theCommandIsListedInTheHelp() {
    CliRun r = CliRun.of("--help");
    assertThat(r.out()).contains("verify").contains("Checks a data directory end to end");
  }
}
