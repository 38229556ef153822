package io.ormdb.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

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
  void rowsPrintTheirVersionWhichAnUpdateCanExpect() throws Exception {
    String data = dir.resolve("db").toString();
    String schema = schema().toString();
    CliRun.of(
        "run", "--data-dir", data, "--schema", schema, "-e", "Note.create({ id: 7, text: \"a\" })");
    CliRun.of("run", "--data-dir", data, "-e", "Note.update(id: 7).set({ text: \"b\" })");
    CliRun read = CliRun.of("run", "--data-dir", data, "-e", "Note.findUnique().where(id == 7)");
    assertThat(read.out()).contains("\"$version\" : 2");

    CliRun stale =
        CliRun.of(
            "run",
            "--data-dir",
            data,
            "-e",
            "Note.update(id: 7).set({ text: \"c\" }).expectVersion(1)");
    assertThat(stale.exitCode()).isEqualTo(1);
    assertThat(stale.err()).contains("CONFLICT");
    CliRun current =
        CliRun.of(
            "run",
            "--data-dir",
            data,
            "-e",
            "Note.update(id: 7).set({ text: \"c\" }).expectVersion(2)");
    assertThat(current.exitCode()).isZero();
  }

  @Test
  void aScriptWithASyntaxErrorRunsNothingAndSaysWhere() throws Exception {
    Path script = dir.resolve("bad.ormql");
    Files.writeString(script, "Note.create({ text: \"a\" });\nNote.findMnay()\n");
    Path data = dir.resolve("db");
    CliRun r =
        CliRun.of(
            "run",
            "--data-dir",
            data.toString(),
            "--schema",
            schema().toString(),
            script.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo(
            "error: script "
                + script
                + ": line 2:6: unknown method 'findMnay' (did you mean 'findMany'?)");
    assertThat(data).doesNotExist();
  }

  @Test
  void aSyntaxErrorInTheSecondInputRunsNotEvenTheFirst() throws Exception {
    Path data = dir.resolve("db");
    CliRun r =
        CliRun.of(
            "run",
            "--data-dir",
            data.toString(),
            "--schema",
            schema().toString(),
            "-e",
            "Note.create({ text: \"a\" })",
            "-e",
            "Note.count(");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: -e #2: line 1:");
    assertThat(r.out()).isEmpty();
    assertThat(data).doesNotExist();
  }

  @Test
  void aMissingSchemaFileIsOneLineAndCreatesNothing() {
    Path data = dir.resolve("data");
    CliRun r =
        CliRun.of(
            "run",
            "--data-dir",
            data.toString(),
            "--schema",
            dir.resolve("my-schema.ormdb").toString(),
            "-e",
            "User.findMany()");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("error: schema file " + dir.resolve("my-schema.ormdb") + " does not exist\n");
    assertThat(r.out()).isEmpty();
    assertThat(data).doesNotExist();
  }

  @Test
  void aSchemaWithASyntaxErrorNamesTheFileAndCreatesNothing() throws Exception {
    Path bad = dir.resolve("bad.ormdb");
    Files.writeString(bad, "entity Note {\n  id int64 @id\n  text strng\n");
    Path data = dir.resolve("data");
    CliRun r = CliRun.of("run", "--data-dir", data.toString(), "--schema", bad.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: schema file " + bad + ": line ");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(data).doesNotExist();
  }

  @Test
  void aDirectoryGivenAsAScriptIsOneLine() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("scripts"));
    CliRun r = CliRun.of("run", "--data-dir", ":memory:", sub.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: script " + sub + " is a directory, not a file\n");
  }

  @Test
  void aScriptThatIsNotUtf8IsOneLine() throws Exception {
    Path bin = dir.resolve("binary.ormql");
    Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x41});
    CliRun r = CliRun.of("run", "--data-dir", ":memory:", bin.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: script " + bin + " is not UTF-8 text\n");
  }

  @Test
  void anUnreadableScriptIsOneLine() throws Exception {
    Path locked = dir.resolve("locked.ormql");
    Files.writeString(locked, "Note.count()");
    Files.setPosixFilePermissions(locked, java.util.Set.of());
    // the superuser reads any file: there is nothing to show then
    assumeFalse(Files.isReadable(locked), "running as a user who can read a mode-000 file");
    CliRun r = CliRun.of("run", "--data-dir", ":memory:", locked.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("error: script " + locked + " cannot be read: permission denied\n");
  }

  @Test
  void aDataDirectoryThatIsAFileIsOneLineAndLeftAlone() throws Exception {
    Path file = Files.writeString(dir.resolve("afile"), "keep me");
    CliRun r = CliRun.of("run", "--data-dir", file.toString(), "-e", "Note.count()");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("error: data directory " + file + " is a file, not a directory\n");
    assertThat(Files.readString(file)).isEqualTo("keep me");

    CliRun below = CliRun.of("run", "--data-dir", file.resolve("db").toString(), "-e", "x.y()");
    assertThat(below.exitCode()).isEqualTo(2);
    assertThat(below.err())
        .isEqualTo(
            "error: data directory "
                + file.resolve("db")
                + " cannot be created: "
                + file
                + " is a file\n");
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
        .contains("committed at lsn 1: 1 row affected, new ids 1")
        .contains("nothing to commit: 0 rows changed (read at lsn 1)")
        .doesNotContain("lsn 0");
  }

  @Test
  void aBatchPrintsTheIdsOfTheRowsItNamed() throws Exception {
    CliRun r =
        CliRun.of(
            "run",
            "--data-dir",
            ":memory:",
            "--schema",
            schema().toString(),
            "-e",
            "batch { let a = Note.create({ text: \"a\" }); Note.create({ text: \"b\", tag: a.text })"
                + " }");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("committed at lsn 1: 2 rows affected, new ids 1, 2; a = 1");
  }

  @Test
  void aMissingScriptFileIsReported() {
    CliRun r = CliRun.of("run", "--data-dir", ":memory:", dir.resolve("nope.ormql").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("error: script " + dir.resolve("nope.ormql") + " does not exist\n");
  }

  /**
   * An edge entity declared by a relation's link fields is written by its name, and the JSON shows
   * each movie's own list order of the same person under {@code "@list_order"}; a misspelled link
   * field is refused at its position before anything runs.
   */
  @Test
  void linkFieldsOfAnEdgeDeclaredByItsRelationAreWrittenAndPrintedPerLink() throws Exception {
    Path schema = dir.resolve("movies.ormdb");
    Files.writeString(
        schema,
        """
        entity Movie {
          id    int64 @id
          title string
          relation cast: many to many Person through MovieCast(movie_id, person_id) {
            list_order int32?
          }
        }
        entity Person {
          id   int64 @id
          name string
        }
        """);
    String data = dir.resolve("movies").toString();
    CliRun ok =
        CliRun.of(
            "run",
            "--data-dir",
            data,
            "--schema",
            schema.toString(),
            "-e",
            "Movie.create({ id: 1, title: \"A\" }); Movie.create({ id: 2, title: \"B\" });"
                + " Person.create({ id: 7, name: \"Ann\" });"
                + " MovieCast.create({ movie_id: 1, person_id: 7, list_order: 2 });"
                + " MovieCast.create({ movie_id: 2, person_id: 7, list_order: 5 });"
                + " MovieCast.update(id: 2).set({ list_order: 1 });"
                + " Movie.findMany().orderBy(id).select(title)"
                + ".include(cast, select: [name, @list_order], orderBy: @list_order)");
    assertThat(ok.err()).isEmpty();
    assertThat(ok.exitCode()).isZero();
    assertThat(ok.out().replaceAll("\\s+", " "))
        .contains("\"title\" : \"A\", \"$version\" : 1, \"cast\" : [ { \"name\" : \"Ann\"")
        .contains("\"@list_order\" : 2 } ]")
        .contains("\"@list_order\" : 1 } ]");

    CliRun bad =
        CliRun.of(
            "run",
            "--data-dir",
            data,
            "-e",
            "Person.create({ id: 8, name: \"Bo\" }); Movie.findMany().include(cast, orderBy:"
                + " @list_ordr)");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err().strip())
        .isEqualTo(
            "error INVALID_REQUEST (2): -e: line 1:79: unknown link field '@list_ordr' of relation"
                + " Movie.cast (did you mean '@list_order'?)");
  }

  @Test
  void orderKeysAreCheckedAgainstTheSchemaBeforeAnythingRuns() throws Exception {
    Path schema = dir.resolve("books.ormdb");
    Files.writeString(
        schema,
        """
        entity Author {
          id   int64 @id
          name string
        }
        entity Book {
          id       int64 @id
          authorId int64
          title    string
          relation author: many to one Author by authorId
        }
        """);
    String data = dir.resolve("books").toString();
    CliRun ok =
        CliRun.of(
            "run",
            "--data-dir",
            data,
            "--schema",
            schema.toString(),
            "-e",
            "Author.create({ id: 1, name: \"Zoe\" }); Author.create({ id: 2, name: \"Al\" });"
                + " Book.create({ id: 7, authorId: 1, title: \"z\" });"
                + " Book.create({ id: 8, authorId: 2, title: \"a\" });"
                + " Book.findMany().orderBy(author.name).select(title)");
    assertThat(ok.err()).isEmpty();
    assertThat(ok.out().indexOf("\"a\"")).isLessThan(ok.out().indexOf("\"z\""));

    CliRun bad =
        CliRun.of(
            "run",
            "--data-dir",
            data,
            "-e",
            "Author.create({ id: 3, name: \"Cy\" }); Book.findMany().orderBy(author.nme)");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err().strip())
        .isEqualTo(
            "error INVALID_REQUEST (2): -e: line 1:70: unknown field 'nme' on entity Author"
                + " (did you mean 'name'?)");
    CliRun count = CliRun.of("run", "--data-dir", data, "-e", "Author.count()");
    assertThat(count.out()).as("nothing ran").containsPattern("count\\s+-+\\s+2\\s");
  }
}
