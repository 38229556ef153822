package io.ormdb.node.cli;

import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.ParseException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import java.io.PrintWriter;
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
 * that order, printing each result. The first refused statement stops the run (exit code 1). Every
 * input is read and parsed before anything is opened: a missing or unreadable file, a data
 * directory that is a file, or a syntax error anywhere is one line naming the input (exit code 2),
 * and nothing has run or been created. Once the database is open, the inputs are read again with
 * its schema, which checks the order keys of every find (exit code 1 and nothing run for a mistake,
 * reported with its input and position).
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
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String schemaText;
    List<String> names = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    try {
      Inputs.checkDataDir(dataDir);
      schemaText = schemaFile == null ? null : Inputs.readText("schema file", schemaFile);
      if (schemaText != null) {
        Inputs.parse("schema file " + schemaFile, schemaText, SchemaParser::parse);
      }
      for (int i = 0; i < statements.size(); i++) {
        names.add(statements.size() == 1 ? "-e" : "-e #" + (i + 1));
        texts.add(statements.get(i));
      }
      for (Path p : scripts) {
        names.add("script " + p);
        texts.add(Inputs.readText("script", p));
      }
      for (int i = 0; i < texts.size(); i++) {
        Inputs.parse(names.get(i), texts.get(i), Script::parse);
      }
      Inputs.createDataDir(dataDir);
    } catch (Inputs.Problem e) {
      err.println("error: " + e.getMessage());
      return Inputs.BAD_INPUT;
    }
    try (EmbeddedNode node = new EmbeddedNode("ormdb-run", dataDir)) {
      OrmDb db = node.db();
      if (schemaText != null) {
        long current = db.store().schema().version();
        long version = StatementRunner.await(db.applySchema(schemaText)); // the same: a no-op
        out.println("schema version " + version + (version == current ? " unchanged" : " applied"));
      }
      // read again with the schema, which checks order keys with their positions
      List<List<Script.Chunk>> sources = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        try {
          sources.add(Script.parse(texts.get(i), db.store().schema()));
        } catch (ParseException e) {
          err.println(ResultPrinter.error(e).replace("): line ", "): " + names.get(i) + ": line "));
          return 1;
        }
      }
      StatementRunner runner = new StatementRunner(db);
      for (List<Script.Chunk> chunks : sources) {
        for (Script.Chunk chunk : chunks) {
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
