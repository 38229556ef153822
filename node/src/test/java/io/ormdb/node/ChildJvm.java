package io.ormdb.node;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A child JVM for the crash and two-JVM tests: {@code main} on this test's classpath with a small
 * heap, its standard output handed line by line to a callback on a reader thread (its standard
 * error discarded). {@link #kill()} sends SIGKILL; {@link #close()} kills it if it still runs, so
 * that no test leaves a child behind.
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final Thread reader;

  private ChildJvm(Process process, Consumer<String> onLine) {
    this.process = process;
    this.reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  onLine.accept(line);
                }
              } catch (IOException e) {
                // the pipe breaks when the child is killed
              }
            },
            "child-jvm-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code main} with {@code args}; {@code onLine} sees every line it prints. */
  public static ChildJvm start(Class<?> main, Consumer<String> onLine, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(javaBin()));
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    return new ChildJvm(p, onLine);
  }

  /** The child's standard input. */
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  /** Kills the child with SIGKILL and waits until it is gone and its output is read. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    awaitExit(30);
  }

  /** Waits up to {@code seconds} for the child to exit (and its output to be read). */
  public boolean awaitExit(long seconds) throws InterruptedException {
    boolean exited = process.waitFor(seconds, TimeUnit.SECONDS);
    if (exited) {
      reader.join(10_000);
    }
    return exited;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  private static String javaBin() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }
}
