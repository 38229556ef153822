package io.ormdb.node.cli;

import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.codec.FrameCodec;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.StoreConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ormdb demo}: a guided tour on a real database file. It declares a schema, writes a graph
 * in one atomic batch, runs graph queries, aggregates, a refused batch that leaves nothing behind,
 * a cascading delete, an as-of read and an explain, follows a change feed and a live query while a
 * write commits ({@link FeedTour}), then shows the changelog, the size of a result on the wire and
 * where to go next. The tour is a query-language script; statements marked {@code // expect:} must
 * fail with that code, so the demo checks itself and exits 1 if anything is off.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Runs a guided tour of ORMDB on a fresh embedded database and checks its results.")
final class DemoCommand implements Callable<Integer> {
  static final String SCHEMA = "demo-schema.ormdb";
  static final String SCRIPT = "demo.ormql";
  static final String NEXT_STEPS =
      """
      -- Next steps
      Try your own statements on a database that persists, starting from the starter schema and
      its sample data (in a clone of the repository):
        ./ormdb run --data-dir ./data --schema examples/schemas/blog.ormdb examples/schemas/blog-data.ormql
        ./ormdb run --data-dir ./data -e 'User.findMany().include(posts, orderBy: views.desc, limit: 2)'
      Read docs/query-language.md (every example there runs on that data),
      docs/schema-language.md, and docs/embedding.md to use ORMDB from your own Pekko application.      """;

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where to create the database (must not hold one yet; kept afterwards). Default: a"
              + " temporary directory, deleted at the end.")
  Path dataDir;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean temporary = dataDir == null;
    if (!temporary) {
      try {
        Inputs.checkDataDir(dataDir.toString());
        if (Files.exists(dataDir.resolve(StoreConfig.FILE_NAME))) {
          throw new Inputs.Problem(
              dataDir.resolve(StoreConfig.FILE_NAME)
                  + " already exists; the demo needs a directory without a database");
        }
        Inputs.createDataDir(dataDir.toString());
      } catch (Inputs.Problem e) {
        err.println("error: " + e.getMessage());
        return Inputs.BAD_INPUT;
      }
    }
    Path dir = temporary ? Files.createTempDirectory("ormdb-demo-") : dataDir;
    try (EmbeddedNode node = new EmbeddedNode("ormdb-demo", dir.toString())) {
      out.println(
          "ORMDB demo: ORMDB embedded in a Pekko ActorSystem, database file "
              + dir.resolve(StoreConfig.FILE_NAME));
      return tour(node, out, err);
    } finally {
      if (temporary) {
        deleteTree(dir);
      }
    }
  }

  private int tour(EmbeddedNode node, PrintWriter out, PrintWriter err) {
    OrmDb db = node.db();
    String schemaText = resource(SCHEMA);
    SchemaBundle schema = SchemaParser.parse(schemaText);
    out.println();
    out.println(
        "-- The schema, in the schema language: entities, relations, constraints, an index.");
    out.println(schemaText.strip());
    long version = StatementRunner.await(db.applySchema(schemaText));
    out.println();
    out.println(
        "-- Schema version "
            + version
            + " applied: entities "
            + String.join(", ", schema.entities().stream().map(e -> e.name()).toList()));

    List<String> failures = new ArrayList<>();
    StatementRunner runner = new StatementRunner(db);
    GraphQuery firstGraph = null;
    for (Script.Chunk chunk : Script.parse(resource(SCRIPT))) {
      out.println();
      for (String note : chunk.notes()) {
        out.println("-- " + note);
      }
      out.println("ormdb> " + chunk.text().replace("\n", "\n       "));
      if (firstGraph == null && chunk.statement() instanceof Statement.Find f) {
        firstGraph = f.query();
      }
      try {
        String shown = runner.run(chunk.statement());
        out.println(shown);
        if (chunk.expectedError() != null) {
          failures.add(
              "line " + chunk.line() + ": expected " + chunk.expectedError() + " but it succeeded");
        }
      } catch (OrmDbException e) {
        out.println(ResultPrinter.error(e));
        if (!e.code().name().equals(chunk.expectedError())) {
          failures.add("line " + chunk.line() + ": unexpected " + ResultPrinter.error(e));
        }
      }
    }

    failures.addAll(FeedTour.run(db, node.system(), out));

    out.println();
    out.println(
        "-- The changelog: one entry per committed batch, in commit order (LSN = position)");
    for (ChangeSet cs : db.store().changes(1, 1_000)) {
      out.println(ResultPrinter.change(cs));
    }

    if (firstGraph != null) {
      QueryResult r = StatementRunner.await(db.query(firstGraph));
      int rows = r.entities().stream().mapToInt(b -> b.size()).sum();
      byte[] frame = new FrameCodec().encode(new Message.QueryReply(1, r));
      out.println();
      out.println(
          "-- On the wire: the first graph query, run now, returns "
              + rows
              + " rows in "
              + r.entities().size()
              + " columnar entity blocks and "
              + r.edges().size()
              + " edge blocks: one frame of "
              + frame.length
              + " bytes, one round trip");
    }

    out.println();
    out.println(NEXT_STEPS);
    out.println();
    if (failures.isEmpty()) {
      out.println("Demo finished: every step did what it should.");
      return 0;
    }
    failures.forEach(f -> err.println("demo check failed: " + f));
    return 1;
  }

  static String resource(String name) {
    try (InputStream in = DemoCommand.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
