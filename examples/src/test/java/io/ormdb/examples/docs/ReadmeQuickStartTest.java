package io.ormdb.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's commands to run your own statements and to verify the directory work verbatim, in
 * the order it gives them.
 */
class ReadmeQuickStartTest {
  private static final Path README = BlogDatabase.ROOT.resolve("README.md");

  @Test
  void theRunCommandsOfTheQuickStartWork(@TempDir Path dir) throws Exception {
    List<MarkdownBlocks.Block> blocks =
        MarkdownBlocks.read(README).withLang("sh").stream()
            .filter(b -> b.text().contains("./ormdb run"))
            .toList();
    assertThat(blocks).hasSize(1);
    List<CliCommand> runs = new ArrayList<>();
    for (String line : blocks.get(0).text().split("\n")) {
      CliCommand run = CliCommand.run(line, "./data", dir.resolve("data"));
      assertThat(run.exitCode()).as("%s", run).isZero();
      assertThat(run.err()).as("%s", run).isEmpty();
      runs.add(run);
    }
    assertThat(runs).hasSize(5);
    assertThat(runs.get(0).out()).contains("schema version 1 applied", "committed at lsn 8");
    assertThat(runs.get(1).out()).contains("Ada Lovelace", "\"$version\"", "posts");
    assertThat(runs.get(2).out()).contains("published", "sum(views)");
    assertThat(runs.get(3).out())
        .contains("changelog, lsn 1 to 8: 8 change sets")
        .endsWith("clean: no damage found\n");
    assertThat(runs.get(4).out()).contains("Usage: ormdb", "run", "demo", "verify");
  }
}
