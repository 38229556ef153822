package io.ormdb.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI prints bytes as the literal the query language reads ({@code 0xcafe}, not base64), so a
 * printed value written back is the same value.
 */
class BytesOutputTest {
  @TempDir Path dir;

  @Test
  void printedBytesWriteTheSameBytesBack() throws Exception {
    Path schema = dir.resolve("s.ormdb");
    Files.writeString(schema, "entity Blob {\n  id int64 @id\n  data bytes\n  parts bytes[]?\n}\n");
    String data = dir.resolve("db").toString();
    CliRun w =
        CliRun.of(
            "run",
            "--data-dir",
            data,
            "--schema",
            schema.toString(),
            "-e",
            "Blob.create({ id: 1, data: 0xcafe00, parts: [0x01, 0xff] }); Blob.findMany()");
    assertThat(w.err()).isEmpty();
    assertThat(w.out()).contains("\"data\" : 0xcafe00", "0x01", "0xff").doesNotContain("yv4A");

    Matcher m = Pattern.compile("\"data\" : (\\S+)").matcher(w.out());
    assertThat(m.find()).isTrue();
    String printed = m.group(1).replaceAll(",$", "");
    CliRun back =
        CliRun.of(
            "run",
            "--data-dir",
            data,
            "-e",
            "Blob.create({ id: 2, data: "
                + printed
                + " }); Blob.count().where(data == 0xcafe00); Blob.count().where(data in ["
                + printed
                + "])");
    assertThat(back.err()).isEmpty();
    assertThat(back.out()).containsPattern("count\\s+-+\\s+2\\s[\\s\\S]*count\\s+-+\\s+2\\s");
  }
}
