package io.ormdb.protocol.lang.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.value.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every {@code ```ormql} block of docs/query-language.md parses to the kind it shows. */
class QueryDocsTest {
  static final Path DOC = Path.of("../docs/query-language.md");
  static final Pattern START =
      Pattern.compile("^\\s*(explain\\b|batch\\s*\\{|\\w+\\s*\\.\\s*(\\w+))", Pattern.DOTALL);

  static List<String> blocks() throws IOException {
    Matcher m =
        Pattern.compile("```ormql\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** The statement kind a statement's text shows, read from its first words only. */
  static Class<?> expectedKind(String statement) {
    Matcher m = START.matcher(statement);
    assertThat(m.find()).as(statement).isTrue();
    if (m.group(1).startsWith("explain")) {
      return Statement.Explain.class;
    }
    if (m.group(1).startsWith("batch")) {
      return Statement.Write.class;
    }
    String method = m.group(2);
    if (method.startsWith("find")) {
      return Statement.Find.class;
    }
    if (method.equals("count") || method.equals("aggregate")) {
      return Statement.Aggregate.class;
    }
    return Statement.Write.class;
  }

  @Test
  void everyOrmqlBlockParsesToTheKindItShows() throws IOException {
    List<String> blocks = blocks();
    assertThat(blocks).hasSizeGreaterThan(20);
    for (String block : blocks) {
      List<Statement> parsed = QueryParser.parseScript(block);
      List<String> texts = new ArrayList<>();
      for (String s : block.split(";\\s*\\n")) {
        if (!s.isBlank()) {
          texts.add(s);
        }
      }
      if (block.trim().startsWith("batch")) {
        texts = List.of(block);
      }
      assertThat(parsed).as(block).hasSameSizeAs(texts);
      for (int i = 0; i < parsed.size(); i++) {
        assertThat(parsed.get(i)).as(texts.get(i)).isInstanceOf(expectedKind(texts.get(i)));
      }
    }
  }

  @Test
  void theIntroductoryExamplesMeanWhatTheDocSays() throws IOException {
    List<String> blocks = blocks();
    assertThat(QueryParser.parse(blocks.get(0)))
        .isEqualTo(
            new Statement.Find(
                GraphQuery.from("User")
                    .where(
                        Filter.and(
                            Filter.eq("status", "active"), Filter.cmp("age", Filter.Op.GT, 18L)))
                    .orderBy(OrderSpec.desc("createdAt"))
                    .limit(10)
                    .build(),
                Statement.Find.Kind.MANY));
    Statement.Find big = (Statement.Find) QueryParser.parse(blocks.get(2));
    assertThat(big.query().includes())
        .containsExactly(
            new Include(
                "posts",
                List.of(),
                Filter.eq("status", "published"),
                List.of(OrderSpec.desc("createdAt")),
                Pagination.limit(5)),
            Include.of("posts.comments"));
    assertThat(big.query().pagination()).isEqualTo(new Pagination(10, 20, null));

    Statement.Write nested =
        (Statement.Write)
            blocks.stream()
                .filter(b -> b.contains("profile: { bio"))
                .map(QueryParser::parse)
                .findFirst()
                .orElseThrow();
    Mutation.Insert insert = (Mutation.Insert) nested.batch().mutations().get(0);
    assertThat(insert.data()).containsOnlyKeys("name", "email");
    assertThat(insert.nested())
        .extracting(Mutation.NestedInsert::relation)
        .containsExactly("profile", "posts");
    assertThat(insert.nested().get(1).rows()).hasSize(2);
    assertThat(insert.nested().get(1).rows().get(0).nested().get(0).rows().get(0).data())
        .containsEntry("text", Value.of("First!"));
  }
}
