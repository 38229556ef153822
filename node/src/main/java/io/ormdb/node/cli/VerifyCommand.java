package io.ormdb.node.cli;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.store.OrmStore;
import io.ormdb.store.VerifyReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ormdb verify DIR}: checks a data directory end to end without changing it ({@link
 * OrmStore#verify}) and prints what it checked and what it found. Exit code 0: no damage (warnings
 * may be printed); 1: damage found, or the database file cannot be read at all (the error says why,
 * with its code); 2: {@code DIR} is not a data directory (one line naming it).
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a data directory end to end without changing it: the file's headers and chunks, every"
          + " page of every map, the changelog, the rows, the indexes, the columnar checkpoints and"
          + " the write-ahead log. Stop the node that uses it first.",
      "Exit code 0: no damage; 1: damage found, or the file cannot be read; 2: not a data"
          + " directory."
    })
final class VerifyCommand implements Callable<Integer> {
  /** Exit code of a verification that found damage (or could not read the file). */
  static final int DAMAGED = 1;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "The data directory to verify.")
  String dataDir;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir;
    try {
      dir = Inputs.checkExistingDataDir(dataDir);
    } catch (Inputs.Problem e) {
      err.println("error: " + e.getMessage());
      return Inputs.BAD_INPUT;
    }
    try {
      VerifyReport report = OrmStore.verify(dir);
      out.print(report.render());
      out.flush();
      return report.clean() ? 0 : DAMAGED;
    } catch (OrmDbException e) {
      err.println(ResultPrinter.error(e));
      return e.code() == ErrorCode.INVALID_REQUEST ? Inputs.BAD_INPUT : DAMAGED;
    }
  }
}
