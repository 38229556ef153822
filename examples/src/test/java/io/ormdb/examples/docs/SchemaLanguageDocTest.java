package io.ormdb.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.schema.SchemaBundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/schema-language.md and the starter schema agree: the guide's complete example is the file
 * examples/schemas/blog.ormdb followed by policies, and every {@code ```ormdb} block of the guide
 * is a schema that parses.
 */
class SchemaLanguageDocTest {
  static final Path DOC = BlogDatabase.ROOT.resolve("docs/schema-language.md");

  @Test
  void theCompleteExampleIsTheStarterSchemaPlusPolicies() throws Exception {
    String starter = Files.readString(BlogDatabase.SCHEMA, StandardCharsets.UTF_8);
    List<MarkdownBlocks.Block> examples =
        MarkdownBlocks.read(DOC).withLang("ormdb").stream()
            .filter(b -> b.text().contains("A small blog"))
            .toList();
    assertThat(examples).hasSize(1);
    String example = examples.get(0).text();
    assertThat(example).as("the complete example begins with the starter file").startsWith(starter);
    SchemaBundle doc = SchemaParser.parse(example);
    SchemaBundle file = SchemaParser.parse(starter);
    assertThat(file.policies()).as("the starter file has no policies").isEmpty();
    assertThat(doc.policies())
        .extracting(p -> p.name())
        .containsExactly("own_posts", "published_only");
    assertThat(
            new SchemaBundle(
                doc.version(),
                doc.enums(),
                doc.entities(),
                doc.relations(),
                doc.constraints(),
                doc.indexes(),
                List.of()))
        .as("besides its policies the example declares what the starter file declares")
        .isEqualTo(file);
  }

  @Test
  void everySchemaBlockOfTheGuideParses() throws Exception {
    List<MarkdownBlocks.Block> schemas = MarkdownBlocks.read(DOC).withLang("ormdb");
    assertThat(schemas).isNotEmpty();
    for (MarkdownBlocks.Block b : schemas) {
      assertThat(SchemaParser.parse(b.text()).entities()).as(b.where(DOC)).isNotEmpty();
    }
  }
}
