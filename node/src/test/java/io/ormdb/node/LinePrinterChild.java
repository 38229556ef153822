package io.ormdb.node;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of {@link ChildJvmTest}: prints the numbers 1 to {@code args[0]}, one a line, each
 * flushed, as fast as it can; then {@code args[2]} (if given) without a line break; then creates
 * the file {@code args[1]} to say it printed everything, and blocks until it is killed.
 */
public final class LinePrinterChild {
  private LinePrinterChild() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    for (int i = 1; i <= count; i++) {
      out.println(i);
    }
    if (args.length > 2) {
      out.print(args[2]);
      out.flush();
    }
    Files.createFile(Path.of(args[1]));
    Thread.currentThread().join(); // never returns: the parent kills this JVM
  }
}
