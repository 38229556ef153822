package io.ormdb.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/embedding.md is made of the tested example programs: every Java snippet is code of one of
 * them, verbatim; every example program is shown; the versions in its dependency snippets are the
 * build's.
 */
class EmbeddingDocTest {
  private static final Path ROOT = Path.of("..");
  private static final Path EXAMPLES =
      ROOT.resolve("examples/src/main/java/io/ormdb/examples/embedded");

  private static String doc() throws Exception {
    return Files.readString(ROOT.resolve("docs/embedding.md"));
  }

  private static List<String> blocks(String doc, String lang) {
    Matcher m = Pattern.compile("```" + lang + "\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1).stripTrailing());
    }
    return blocks;
  }

  @Test
  void everyJavaSnippetOfTheGuideIsCodeOfAnExampleAndEveryExampleIsShown() throws Exception {
    Map<String, String> examples = new TreeMap<>();
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      for (Path f : files.filter(f -> f.toString().endsWith("Example.java")).toList()) {
        examples.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    assertThat(examples)
        .containsKeys(
            "EmbeddedBlogExample.java", "ChangeFeedExample.java", "OrmStoreToolExample.java");
    List<String> snippets = blocks(doc(), "java");
    assertThat(snippets).hasSizeGreaterThanOrEqualTo(12);
    Map<String, Integer> shown = new TreeMap<>();
    for (String snippet : snippets) {
      List<String> in =
          examples.entrySet().stream()
              .filter(e -> e.getValue().contains(snippet))
              .map(Map.Entry::getKey)
              .toList();
      assertThat(in)
          .as("an example containing the snippet of docs/embedding.md:\n%s", snippet)
          .isNotEmpty();
      in.forEach(f -> shown.merge(f, 1, Integer::sum));
    }
    assertThat(shown.keySet()).as("examples the guide shows").isEqualTo(examples.keySet());
    for (String file : examples.keySet()) {
      assertThat(doc()).as("the guide links %s", file).contains(file + ")");
    }
  }

  @Test
  void theDependencySnippetsNameTheBuildsVersions() throws Exception {
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    String project =
        group(pom, "<artifactId>ormdb-parent</artifactId>\\s*<version>([^<]+)</version>");
    String logback = group(pom, "<logback.version>([^<]+)</logback.version>");
    List<String> xml = blocks(doc(), "xml");
    assertThat(xml)
        .anySatisfy(
            b ->
                assertThat(b)
                    .contains("<artifactId>ormdb-node</artifactId>")
                    .contains("<version>" + project + "</version>"))
        .anySatisfy(
            b ->
                assertThat(b)
                    .contains("<artifactId>logback-classic</artifactId>")
                    .contains("<version>" + logback + "</version>"));
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("%s in pom.xml", regex).isTrue();
    return m.group(1);
  }
}
