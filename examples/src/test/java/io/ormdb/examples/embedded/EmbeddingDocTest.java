package io.ormdb.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every Java snippet of docs/embedding.md is code of the tested example, verbatim. */
class EmbeddingDocTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void everyJavaSnippetOfTheEmbeddingGuideIsInTheExample() throws Exception {
    String doc = Files.readString(ROOT.resolve("docs/embedding.md"));
    String example =
        Files.readString(
            ROOT.resolve(
                "examples/src/main/java/io/ormdb/examples/embedded/EmbeddedBlogExample.java"));
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    List<String> snippets = new ArrayList<>();
    while (m.find()) {
      snippets.add(m.group(1));
    }
    assertThat(snippets).hasSizeGreaterThanOrEqualTo(5);
    for (String snippet : snippets) {
      assertThat(example).as("snippet of docs/embedding.md").contains(snippet.stripTrailing());
    }
  }
}
