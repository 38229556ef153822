package io.ormdb.node.cli;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.store.FileCompaction;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ormdb compact DIR}: rewrites a stopped database's file densely and gives its free space
 * back (an open database reclaims space by itself; this is for after deleting much data, or before
 * copying the file).
 */
@Command(
    name = "compact",
    mixinStandardHelpOptions = true,
    description = {
      "Rewrites the database file of a stopped database densely and gives its free space back.",
      "The database must not be open anywhere. A running database reclaims space by itself."
    })
final class CompactCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "The data directory.")
  Path dataDir;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path file = dataDir.resolve(StoreConfig.FILE_NAME);
    if (!Files.isDirectory(dataDir)) {
      err.println("error: data directory " + dataDir + " does not exist");
      return Inputs.BAD_INPUT;
    }
    if (!Files.isRegularFile(file)) {
      err.println("error: data directory " + dataDir + " holds no database file");
      return Inputs.BAD_INPUT;
    }
    try {
      FileCompaction c = OrmStore.compactFile(StoreConfig.of(dataDir));
      long freed = c.bytesBefore() - c.bytesAfter();
      out.printf(
          Locale.ROOT,
          "compacted %s: %s -> %s (%s given back)%n",
          file,
          megabytes(c.bytesBefore()),
          megabytes(c.bytesAfter()),
          megabytes(Math.max(0, freed)));
      return 0;
    } catch (OrmDbException e) {
      err.println(ResultPrinter.error(e));
      return 1;
    }
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
