package io.ormdb.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docs/embedding.md says about logging: an application that embeds ormdb-node without an SLF4J
 * backend runs normally, with SLF4J's notice on standard error and no log lines on standard output.
 * Runs the blog example in a child JVM whose classpath is this test's without Logback (a test
 * dependency of this module, not one that ormdb-node brings).
 */
class NoLoggingBackendTest {
  @Test
  void withoutABackendTheExampleRunsAndSlf4jSaysSoOnStandardError(@TempDir Path dir)
      throws Exception {
    String classpath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(e -> !e.contains("logback"))
            .collect(Collectors.joining(File.pathSeparator));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p =
        new ProcessBuilder(
                List.of(
                    ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx256m",
                    "-cp",
                    classpath,
                    EmbeddedBlogExample.class.getName()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the example exits").isTrue();
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("exit code; stderr: %s", stderr).isZero();
    assertThat(stdout).contains("committed at lsn").doesNotContain("INFO").doesNotContain("SLF4J");
    assertThat(stderr).contains("SLF4J(W): No SLF4J providers were found.");
  }
}
