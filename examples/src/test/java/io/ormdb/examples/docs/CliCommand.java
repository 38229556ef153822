package io.ormdb.examples.docs;

import io.ormdb.node.cli.OrmDbCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code ./ormdb ...} command line as a document shows it, run in-process: words split as a shell
 * would for the forms the documents use (plain words and single-quoted ones), a trailing {@code #}
 * comment dropped, the document's data directory replaced by a test's, and repository paths ({@code
 * examples/...}) resolved against the repository root.
 */
record CliCommand(String line, int exitCode, String out, String err) {
  private static final Pattern WORD = Pattern.compile("'([^']*)'|(#.*)|(\\S+)");

  static CliCommand run(String line, String docDataDir, Path dataDir) {
    if (!line.startsWith("./ormdb ")) {
      throw new IllegalArgumentException("not an ormdb command: " + line);
    }
    List<String> args = new ArrayList<>();
    Matcher m = WORD.matcher(line.substring("./ormdb ".length()));
    while (m.find()) {
      if (m.group(2) != null) {
        break; // a comment runs to the end of the line
      }
      String a = m.group(1) != null ? m.group(1) : m.group(3);
      if (a.equals(docDataDir)) {
        a = dataDir.toString();
      } else if (a.startsWith("examples/")) {
        a = BlogDatabase.ROOT.resolve(a).toString();
      }
      args.add(a);
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try (PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true)) {
      code = OrmDbCli.run(o, e, args.toArray(String[]::new));
    }
    return new CliCommand(line, code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return line + "\n" + out + err;
  }
}
