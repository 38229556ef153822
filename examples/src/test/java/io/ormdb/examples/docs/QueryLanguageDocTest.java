package io.ormdb.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.value.Values;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example of docs/query-language.md (and any ormql block of docs/schema-language.md) runs
 * against the one documented schema and data (the starter files under examples/schemas), each on a
 * new database:
 *
 * <ul>
 *   <li>a {@code ```ormql} block must run without error;
 *   <li>a {@code ```ormql-error} block must fail, with the error the {@code ```text} block right
 *       after it shows, as the command line prints it;
 *   <li>a {@code ```text} block is output or prose, not run;
 *   <li>any other block, a bare fence included, fails the test: nothing is skipped silently.
 * </ul>
 *
 * Cursors in the examples must be the ones the previous page really hands out.
 */
class QueryLanguageDocTest {
  static final Path DOC = BlogDatabase.ROOT.resolve("docs/query-language.md");
  static final List<Path> DOCS = List.of(DOC, BlogDatabase.ROOT.resolve("docs/schema-language.md"));
  private static final Set<String> KNOWN = Set.of("ormql", "ormql-error", "text");
  private static final Pattern ROOT_CURSOR = Pattern.compile("\\.after\\(\"([^\"]*)\"\\)");

  @Test
  void everyBlockOfTheGuideSaysWhetherItRuns() throws Exception {
    MarkdownBlocks doc = MarkdownBlocks.read(DOC);
    for (MarkdownBlocks.Block b : doc.blocks()) {
      assertThat(KNOWN)
          .as(
              "%s: mark a block ```ormql (runs), ```ormql-error (fails with the error in the"
                  + " ```text block after it) or ```text (not run)",
              b.where(DOC))
          .contains(b.lang());
    }
    assertThat(doc.withLang("ormql")).hasSizeGreaterThanOrEqualTo(25);
    assertThat(doc.withLang("ormql-error")).hasSizeGreaterThanOrEqualTo(4);
  }

  @TestFactory
  Stream<DynamicTest> everyOrmqlExampleRunsOnTheStarterData() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : DOCS) {
      for (MarkdownBlocks.Block b : MarkdownBlocks.read(file).withLang("ormql")) {
        tests.add(DynamicTest.dynamicTest(b.where(file), () -> runs(file, b)));
      }
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> everyErrorExampleFailsWithTheDocumentedError() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : DOCS) {
      MarkdownBlocks doc = MarkdownBlocks.read(file);
      for (MarkdownBlocks.Block b : doc.withLang("ormql-error")) {
        tests.add(DynamicTest.dynamicTest(b.where(file), () -> failsAsDocumented(doc, b)));
      }
    }
    return tests.stream();
  }

  private static void runs(Path file, MarkdownBlocks.Block b) throws Exception {
    try (BlogDatabase blog = BlogDatabase.open()) {
      try {
        blog.run(b.text());
      } catch (OrmDbException e) {
        fail("%s fails: %s\n%s", b.where(file), BlogDatabase.render(e), b.text());
      }
    }
    Matcher cursor = ROOT_CURSOR.matcher(b.text());
    if (cursor.find()) {
      // the page before: the same statement without the cursor
      String previous = b.text().substring(0, cursor.start()) + b.text().substring(cursor.end());
      try (BlogDatabase blog = BlogDatabase.open()) {
        QueryResult page = (QueryResult) blog.run(previous).get(0);
        assertThat(page.nextCursor())
            .as(
                "%s: the cursor is the one the previous page (%s) hands out",
                b.where(file), previous)
            .isEqualTo(cursor.group(1));
      }
    }
  }

  private static void failsAsDocumented(MarkdownBlocks doc, MarkdownBlocks.Block b)
      throws Exception {
    Path file = doc.file();
    MarkdownBlocks.Block error =
        doc.after(b)
            .filter(next -> next.lang().equals("text"))
            .orElseThrow(
                () -> new AssertionError(b.where(file) + " is not followed by a ```text block"));
    String expected = error.text().strip();
    try (BlogDatabase blog = BlogDatabase.open()) {
      assertThatThrownBy(() -> blog.run(b.text()))
          .as("%s", b.where(file))
          .isInstanceOf(OrmDbException.class)
          .satisfies(
              e ->
                  assertThat(BlogDatabase.render((OrmDbException) e))
                      .as("%s", b.where(file))
                      .isEqualTo(expected));
    }
  }

  /** The like example with an escaped % matches exactly the title that contains a %. */
  @Test
  void theEscapedPercentExampleMatchesALiteralPercentSign() throws Exception {
    MarkdownBlocks.Block escaped = onlyBlock("ormql", "like \"%\\\\%%\"");
    try (BlogDatabase blog = BlogDatabase.open()) {
      assertThat(titles((QueryResult) blog.run(escaped.text()).get(0)))
          .containsExactly("100% debugged");
      assertThat(titles((QueryResult) blog.run(escaped.text().replace("\\\\", "")).get(0)))
          .as("without the escape the pattern matches every title")
          .hasSize(4);
    }
    onlyBlock("ormql-error", "like \"%\\%%\"");
  }

  /** The as-of example reads the posts as they were before the data's last write. */
  @Test
  void theAsOfExampleReadsTheDataBeforeItsLastWrite() throws Exception {
    MarkdownBlocks.Block asOf = onlyBlock("ormql", ".asOf(");
    String now = asOf.text().replaceAll("\\.asOf\\(\\d+\\)", "");
    try (BlogDatabase blog = BlogDatabase.open()) {
      assertThat(titles((QueryResult) blog.run(asOf.text()).get(0)))
          .containsExactlyInAnyOrder("Notes on the Analytical Engine", "Compilers for everyone");
      assertThat(titles((QueryResult) blog.run(now).get(0)))
          .containsExactlyInAnyOrder(
              "Notes on the Analytical Engine", "Compilers for everyone", "100% debugged");
    }
  }

  /**
   * The computed fields of the starter schema are what the guide says: Ada's label, one popular
   * post, found through the stored field's index.
   */
  @Test
  void theComputedFieldExamplesReturnWhatTheGuideSays() throws Exception {
    assertThat(Files.readString(DOC).replace('\n', ' '))
        .contains(
            "only \"Notes on the Analytical Engine\" (1,500 views) is popular, and Ada's label"
                + " is `Ada Lovelace <ada@example.com>`");
    try (BlogDatabase blog = BlogDatabase.open()) {
      List<Map<String, Object>> users =
          ResultObjects.toMaps(
              (QueryResult) blog.run(onlyBlock("ormql", "select(name, label)").text()).get(0));
      assertThat(users).extracting(u -> u.get("label")).contains("Ada Lovelace <ada@example.com>");
      QueryResult popular =
          (QueryResult)
              blog.run(onlyBlock("ormql", "include(author, select: [label])").text()).get(0);
      assertThat(titles(popular)).containsExactly("Notes on the Analytical Engine");
      ExplainResult plan =
          (ExplainResult)
              blog.run(onlyBlock("ormql", "explain Post.findMany().where(reach").text()).get(0);
      assertThat(plan.text()).contains("Post_reach_idx");
    }
  }

  /**
   * The examples of aggregates of related rows return the values the guide gives, and count what an
   * include of the relation would read.
   */
  @Test
  void theAggregatesOfRelatedRowsAreTheOnesTheGuideGives() throws Exception {
    MarkdownBlocks.Block example = onlyBlock("ormql", "published: count(posts, where:");
    assertThat(Files.readString(DOC).replace('\n', ' '))
        .contains(
            "Ada Lovelace has `postCount` 2, `avgViews` 750.0 and `published` 1; Grace Hopper 2,"
                + " 275.0 and 2; Robert and the test account 0, null and 0.");
    try (BlogDatabase blog = BlogDatabase.open()) {
      List<Map<String, Object>> users =
          ResultObjects.toMaps((QueryResult) blog.run(example.text()).get(0));
      assertThat(users)
          .extracting(
              u ->
                  List.of(
                      u.get("name"),
                      u.get("postCount"),
                      String.valueOf(u.get("avgViews")),
                      u.get("published")))
          .containsExactly(
              List.of("Ada Lovelace", 2L, "750.0", 1L),
              List.of("Grace Hopper", 2L, "275.0", 2L),
              List.of("Robert", 0L, "null", 0L),
              List.of("test account", 0L, "null", 0L));

      // one level down: each post's comments and tags
      MarkdownBlocks.Block nested = onlyBlock("ormql", "tagCount: count(tags)");
      QueryResult r = (QueryResult) blog.run(nested.text()).get(0);
      List<Object> posts = new ArrayList<>();
      for (Map<String, Object> u : ResultObjects.toMaps(r)) {
        for (Object p : (List<?>) u.get("posts")) {
          Map<?, ?> post = (Map<?, ?>) p;
          posts.add(List.of(post.get("title"), post.get("commentCount"), post.get("tagCount")));
        }
      }
      assertThat(posts)
          .containsExactlyInAnyOrder(
              List.of("Notes on the Analytical Engine", 3L, 1L),
              List.of("100 loops", 0L, 0L),
              List.of("Compilers for everyone", 1L, 2L),
              List.of("100% debugged", 0L, 1L));
    }
  }

  /** The examples of write shapes connect, name and compute what the guide says they do. */
  @Test
  void theWriteShapesDoWhatTheGuideSays() throws Exception {
    try (BlogDatabase blog = BlogDatabase.open()) {
      blog.run(onlyBlock("ormql", "title: \"Tags I follow\"").text());
      assertThat(
              names(
                  blog.run("Post.findMany().where(title == \"Tags I follow\").include(tags)"),
                  "tags"))
          .containsExactlyInAnyOrder("history", "compilers", "reading");

      MutationResult named =
          (MutationResult) blog.run(onlyBlock("ormql", "let draft =").text()).get(0);
      assertThat(named.named()).containsOnlyKeys("ann", "draft");
      Map<String, Object> note =
          ResultObjects.toMaps(
                  (QueryResult)
                      blog.run("Comment.findMany().where(text == \"Notes to self\")").get(0))
              .get(0);
      assertThat(note.get("postId")).isEqualTo(Values.toJava(named.named().get("draft")));
      assertThat(note.get("authorId")).isEqualTo(Values.toJava(named.named().get("ann")));

      blog.run(onlyBlock("ormql", "balance: balance + 10").text());
      Map<String, Object> robert = robert(blog);
      assertThat(robert.get("balance")).isEqualTo(new BigDecimal("10.00"));
      assertThat(robert.get("age")).isEqualTo(31);
      blog.run(onlyBlock("ormql", "balance: balance - 2.50m").text());
      assertThat(robert(blog).get("balance")).isEqualTo(new BigDecimal("7.50"));

      MutationResult nothing =
          (MutationResult)
              blog.run(
                      "User.update(id: \"f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9\").set({ age: age + 1"
                          + " })")
                  .get(0);
      assertThat(nothing.committed()).as("null + 1 is null: nothing changes").isFalse();
    }
  }

  private static Map<String, Object> robert(BlogDatabase blog) {
    return ResultObjects.toMaps(
            (QueryResult) blog.run("User.findMany().where(email == \"robert@example.com\")").get(0))
        .get(0);
  }

  private static List<Object> names(List<Object> results, String relation) {
    List<Object> out = new ArrayList<>();
    for (Map<String, Object> row : ResultObjects.toMaps((QueryResult) results.get(0))) {
      for (Object t : (List<?>) row.get(relation)) {
        out.add(((Map<?, ?>) t).get("name"));
      }
    }
    return out;
  }

  /**
   * The examples of link fields return the positions the guide gives: per post, with the same tag
   * at another position (or none) under another post; the first tag of each post; a filter over
   * both; a link created by the edge entity's name; explain's lines.
   */
  @Test
  void theLinkFieldExamplesReturnWhatTheGuideSays() throws Exception {
    try (BlogDatabase blog = BlogDatabase.open()) {
      assertThat(tagsByPost(blog, onlyBlock("ormql", ".select(title)\n  .include(tags")))
          .containsExactly(
              Map.entry("100% debugged", List.of("compilers@null")),
              Map.entry("Compilers for everyone", List.of("announcements@1", "compilers@2")),
              Map.entry("Notes on the Analytical Engine", List.of("history@1")));
      assertThat(tagsByPost(blog, onlyBlock("ormql", "limit: 1, select: [name, @position]")))
          .containsOnly(
              Map.entry("100% debugged", List.of("compilers@null")),
              Map.entry("Compilers for everyone", List.of("announcements@1")),
              Map.entry("Notes on the Analytical Engine", List.of("history@1")),
              Map.entry("100 loops", List.of()));
      assertThat(tagsByPost(blog, onlyBlock("ormql", "@position == 1 || name == \"compilers\"")))
          .containsOnly(
              Map.entry("100% debugged", List.of("compilers@null")),
              Map.entry("Compilers for everyone", List.of("compilers@2", "announcements@1")),
              Map.entry("Notes on the Analytical Engine", List.of("history@1")),
              Map.entry("100 loops", List.of()));
      String explain =
          ((io.ormdb.protocol.result.ExplainResult)
                  blog.run(
                          onlyBlock("ormql", "explain Post.findMany().include(tags, where:").text())
                      .get(0))
              .text();
      assertThat(explain)
          .contains(
              "link fields from the PostTag edge rows of the first hop, no extra lookup\n"
                  + "  filter on edge rows: @position < ?\n")
          .contains("order per parent [@position asc nulls last, id asc]: sort")
          .contains("per parent: limit 1");
    }
    try (BlogDatabase blog = BlogDatabase.open()) {
      assertThat(tagsByPost(blog, onlyBlock("ormql", "PostTag.create(")))
          .containsExactly(
              Map.entry("100% debugged", List.of("announcements@1", "compilers@null")));
    }
  }

  /** Each post's tags as {@code name@position}, from the last statement of {@code b}. */
  private static Map<Object, List<String>> tagsByPost(BlogDatabase blog, MarkdownBlocks.Block b) {
    List<Object> results = blog.run(b.text());
    Map<Object, List<String>> out = new java.util.LinkedHashMap<>();
    for (Map<String, Object> post :
        ResultObjects.toMaps((QueryResult) results.get(results.size() - 1))) {
      List<String> tags = new ArrayList<>();
      for (Object t : (List<?>) post.get("tags")) {
        Map<?, ?> tag = (Map<?, ?>) t;
        tags.add(tag.get("name") + "@" + tag.get("@position"));
      }
      out.put(post.get("title"), tags);
    }
    return out;
  }

  /**
   * The commands the guide gives to try its examples work: the first loads the starter schema and
   * data into a new data directory, the next runs a statement on it.
   */
  @Test
  void theCommandsToTryTheExamplesWork(@TempDir Path dir) throws Exception {
    MarkdownBlocks.Block commands = onlyBlock("text", "./ormdb run");
    List<String> outputs = new ArrayList<>();
    for (String line : commands.text().split("\n")) {
      CliCommand run = CliCommand.run(line, "./blog", dir.resolve("blog"));
      assertThat(run.exitCode()).as("%s", run).isZero();
      outputs.add(run.out());
    }
    assertThat(outputs).hasSize(2);
    assertThat(outputs.get(0)).contains("schema version 1 applied").contains("committed at lsn 8");
    assertThat(outputs.get(1))
        .contains("Ada Lovelace", "Grace Hopper", "Robert")
        .doesNotContain("test account");
  }

  private static MarkdownBlocks.Block onlyBlock(String lang, String containing) throws Exception {
    List<MarkdownBlocks.Block> found =
        MarkdownBlocks.read(DOC).withLang(lang).stream()
            .filter(b -> b.text().contains(containing))
            .toList();
    assertThat(found).as("```%s blocks containing %s", lang, containing).hasSize(1);
    return found.get(0);
  }

  private static List<Object> titles(QueryResult r) {
    return ResultObjects.toMaps(r).stream().map((Map<String, Object> m) -> m.get("title")).toList();
  }
}
