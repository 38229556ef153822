package io.ormdb.protocol.lang.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.Masking;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every {@code ```ormdb} block of docs/schema-language.md parses, and the example is complete. */
class SchemaDocsTest {
  static final Path DOC = Path.of("../docs/schema-language.md");

  static List<String> blocks(Path doc, String language) throws IOException {
    Matcher m =
        Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL)
            .matcher(Files.readString(doc));
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void everyOrmdbBlockParses() throws IOException {
    List<String> blocks = blocks(DOC, "ormdb");
    assertThat(blocks).isNotEmpty();
    for (String block : blocks) {
      assertThat(SchemaParser.parse(block)).as(block).isNotNull();
    }
  }

  @Test
  void theCompleteExampleIsTheBlogSchema() throws IOException {
    String example = blocks(DOC, "ormdb").get(0);
    SchemaBundle b = SchemaParser.parse(example);
    assertThat(b).isEqualTo(SchemaParser.parse(SchemaParserTest.resource("/examples/blog.ormdb")));

    assertThat(b.enums()).hasSize(3);
    assertThat(b.entities()).hasSize(6);
    assertThat(b.relations()).hasSize(10);
    assertThat(b.constraints()).hasSize(5);
    assertThat(b.indexes()).hasSize(2);
    assertThat(b.policies()).hasSize(2);

    assertThat(b.relations()).extracting(r -> r.cardinality()).contains(Cardinality.values());
    assertThat(b.relation("Post", "tags").orElseThrow().edgeEntity()).isEqualTo("PostTag");
    assertThat(b.relations()).extracting(r -> r.onDelete()).contains(OnDelete.values());
    assertThat(b.constraints())
        .hasAtLeastOneElementOfType(ConstraintDef.Unique.class)
        .hasAtLeastOneElementOfType(ConstraintDef.Check.class)
        .hasAtLeastOneElementOfType(ConstraintDef.ForeignKey.class);
    assertThat(b.entities()).filteredOn(e -> e.softDelete()).hasSize(1);
    assertThat(SchemaParserTest.field(b, "User", "ssn").sensitivity())
        .isEqualTo(Sensitivity.RESTRICTED);
    assertThat(SchemaParserTest.field(b, "User", "ssn").masking())
        .isInstanceOf(Masking.Partial.class);
    assertThat(b.policies().get(0).bypassCapability()).isEqualTo("admin");
  }
}
