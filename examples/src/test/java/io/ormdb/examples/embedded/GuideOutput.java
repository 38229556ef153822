package io.ormdb.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The output docs/embedding.md shows in its {@code ```text} blocks, to compare with a run's. */
final class GuideOutput {
  private GuideOutput() {}

  /** The one text block of the guide that starts with {@code firstLine}. */
  static String block(String firstLine) throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "embedding.md"));
    Matcher m = Pattern.compile("```text\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    List<String> found =
        m.results().map(r -> r.group(1)).filter(b -> b.startsWith(firstLine)).toList();
    assertThat(found).as("```text blocks of docs/embedding.md starting %s", firstLine).hasSize(1);
    return found.get(0);
  }
}
