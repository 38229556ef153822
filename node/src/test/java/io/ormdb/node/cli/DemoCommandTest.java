package io.ormdb.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: {@code ormdb demo} runs the tour and checks itself. */
class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void theDemoRunsEveryStepAndChecksItself() {
    CliRun run = CliRun.of("demo");
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    String out = run.out();
    // the graph: authors with posts and comments nested under them
    assertThat(out)
        .contains("\"name\" : \"Ada\"", "\"title\" : \"On engines\"", "\"text\" : \"Brilliant\"");
    // the per-parent limit of two comments cut the third ("Finally!") from the graph
    int graph = out.indexOf("ormdb> Author.findMany()");
    String graphOutput = out.substring(graph, out.indexOf("ormdb>", graph + 1));
    assertThat(graphOutput).contains("Too long").doesNotContain("Finally!");
    // the refused batch names the mutation and the constraint, and left nothing behind
    assertThat(out).containsPattern("error CONSTRAINT_VIOLATION \\(4\\): .*mutation 2.*email");
    assertThat(out).containsPattern("ormdb> Author.count\\(\\)\\s+count\\s+-+\\s+2\\s");
    assertThat(out).contains("did you mean 'email'?");
    assertThat(out).contains("-- The changelog", "Demo finished: every step did what it should.");
    assertThat(out).containsPattern("one frame of \\d+ bytes");
    // the schema text comes first, then the tour
    assertThat(out.indexOf("entity Author {")).isBetween(0, out.indexOf("ormdb> batch"));
    assertThat(out).contains("snapshot at lsn 2: 1 row\n  {title=\"On engines\", views=1200}");
    // the change feed and the live query both saw the write that published the draft
    assertThat(out)
        .containsPattern(
            "change feed: lsn (\\d+)  update Post  .*status: \"draft\" -> \"published\"")
        .containsPattern(
            "live query:  lsn \\d+  entered \\{title=\"?Notes, unfinished\"?, views=40\\}");
    // and it ends with where to go next
    assertThat(out).contains("-- Next steps", "examples/schemas/blog.ormdb", "docs/embedding.md");
  }

  @Test
  void aGivenDataDirKeepsTheDatabaseAndIsNotReused() {
    CliRun first = CliRun.of("demo", "--data-dir", dir.toString());
    assertThat(first.exitCode()).isZero();
    assertThat(Files.exists(dir.resolve(StoreConfig.FILE_NAME))).isTrue();
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      assertThat(store.schema().entity("Author")).isPresent();
      assertThat(store.currentLsn()).isPositive();
    }
    CliRun again = CliRun.of("demo", "--data-dir", dir.toString());
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err()).contains("already exists");
  }

  @Test
  void theNextStepsCommandsAreTheReadmes() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    List<String> commands =
        DemoCommand.NEXT_STEPS
            .lines()
            .map(String::strip)
            .filter(l -> l.startsWith("./ormdb"))
            .toList();
    assertThat(commands).hasSize(2);
    for (String command : commands) {
      assertThat(readme).contains(command);
    }
  }

  @Test
  void helpListsTheCommands() {
    CliRun run = CliRun.of("--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("demo", "run");
  }
}
