package io.ormdb.node.cli;

import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.store.StoreConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ormdb run}: opens (or creates) the database in a data directory, optionally applies a
 * schema file, then runs query-language statements from {@code -e} options and script files, in
 * that order, printing each result. The first refused statement stops the run (exit code 1); a
 * script with a syntax error runs nothing.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Runs query-language statements on the database in a data directory.")
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      required = true,
      paramLabel = "DIR",
      description = "The database directory (created when missing), or :memory:.")
  String dataDir;

  @Option(
      names = "--schema",
      paramLabel = "FILE",
      description =
          "A schema file (.ormdb) to apply first; one equal to the current schema is left as it"
              + " is.")
  Path schemaFile;

  @Option(
      names = {"-e", "--execute"},
      paramLabel = "STATEMENTS",
      description = "Statements to run (separated by ';'); may be repeated.")
  List<String> statements = new ArrayList<>();

  @Parameters(paramLabel = "SCRIPT", arity = "0..*", description = "Script files to run.")
  List<Path> scripts = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> sources = new ArrayList<>(statements);
    try {
      for (Path p : scripts) {
        sources.add(Files.readString(p, StandardCharsets.UTF_8));
      }
    } catch (NoSuchFileException e) {
      err.println("error: no such script file: " + e.getFile());
      return 2;
    }
    if (!StoreConfig.IN_MEMORY.equals(dataDir)) {
      Files.createDirectories(Path.of(dataDir));
    }
    try (EmbeddedNode node = new EmbeddedNode("ormdb-run", dataDir)) {
      OrmDb db = node.db();
      if (schemaFile != null) {
        String text = Files.readString(schemaFile, StandardCharsets.UTF_8);
        long current = db.store().schema().version();
        long version = StatementRunner.await(db.applySchema(text)); // the same schema: a no-op
        out.println("schema version " + version + (version == current ? " unchanged" : " applied"));
      }
      StatementRunner runner = new StatementRunner(db);
      for (String source : sources) {
        for (Script.Chunk chunk : Script.parse(source)) {
          out.println(runner.run(chunk.statement()));
        }
      }
      return 0;
    } catch (OrmDbException e) {
      err.println(ResultPrinter.error(e));
      return 1;
    }
  }
}
