package io.ormdb.node.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ormdb} command line. */
@Command(
    name = "ormdb",
    mixinStandardHelpOptions = true,
    versionProvider = OrmDbCli.Version.class,
    description =
        "ORMDB, an ORM-native database: a guided demo, statements run on a data directory, and the"
            + " checking and compacting of a data directory.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      VerifyCommand.class,
      CompactCommand.class,
      CommandLine.HelpCommand.class
    })
public final class OrmDbCli implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /**
   * Runs the command line with {@code args}, writing to the given streams; returns the exit code.
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new OrmDbCli());
    cl.setOut(out);
    cl.setErr(err);
    return cl.execute(args);
  }

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "io/ormdb/node/cli/logback-cli.xml");
    }
    // initialise logging before any actor system starts logging from its own threads
    org.slf4j.LoggerFactory.getILoggerFactory();
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(out, err, args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = OrmDbCli.class.getPackage().getImplementationVersion();
      return new String[] {"ormdb " + (v == null ? "development build" : v)};
    }
  }
}
