package io.ormdb.store;

import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A child JVM for the crash tests: {@code main} on this test's classpath with a small heap, each
 * line of its standard output handed to a callback on a reader thread (its standard error goes to a
 * temporary file, for {@link #stderrTail}).
 *
 * <p>{@link #kill()} loses no line the child printed. It sends SIGKILL through {@link
 * ProcessHandle#destroyForcibly()}, which leaves the pipes alone — {@link
 * Process#destroyForcibly()} would also close this end of the child's standard output and drop
 * every line still in the pipe —, waits for the child to die, then for the reader to reach the end
 * of the output (the kernel closes the pipe when the child dies, so everything it wrote before is
 * still read), and only then returns. A line the child had not finished when it died is not handed
 * on ({@link #unterminatedTail()}). When the output broke off before its end, or the callback
 * threw, {@link #kill()}, {@link #awaitExit} and {@link #close()} fail with an {@link
 * AssertionError} saying so instead of letting a test check fewer lines than were printed.
 *
 * <p>The node module's crash tests use it too (through this module's test jar); {@link
 * ChildJvmTest} checks it.
 */
public final class ChildJvm implements AutoCloseable {
  private static final long READ_TIMEOUT_SECONDS = 30;

  private final Process process;
  private final Path stderr;
  private final Consumer<String> onLine;
  private final Thread reader;
  private volatile int linesRead;
  private volatile String unterminatedTail = "";
  private volatile boolean endReached;
  private volatile IOException readFailure;
  private volatile Throwable callbackFailure;
  private volatile int callbackFailedAt;
  private boolean reported;

  private ChildJvm(Process process, Path stderr, Consumer<String> onLine) {
    this.process = process;
    this.stderr = stderr;
    this.onLine = onLine;
    this.reader = new Thread(this::readToEnd, "child-jvm-reader-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code main} with {@code args}; {@code onLine} sees every line it prints, in order. */
  public static ChildJvm start(Class<?> main, Consumer<String> onLine, String... args)
      throws IOException {
    return start(List.of(), main, onLine, args);
  }

  /**
   * {@link #start}, with the size of every file the child writes limited to {@code kib} KiB (the
   * shell's {@code ulimit -f}, in the 512-byte blocks of a POSIX shell; a shell that counts KiB
   * gives twice as much): a write past it fails with "File too large", as on a full disk.
   */
  public static ChildJvm startWithFileSizeLimit(
      long kib, Class<?> main, Consumer<String> onLine, String... args) throws IOException {
    return start(
        List.of("/bin/sh", "-c", "ulimit -f " + 2 * kib + " && exec \"$0\" \"$@\""),
        main,
        onLine,
        args);
  }

  private static ChildJvm start(
      List<String> prefix, Class<?> main, Consumer<String> onLine, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(ProcessHandle.current().info().command().orElse(javaBin()));
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    Path stderr = Files.createTempFile("ormdb-child-", ".err");
    stderr.toFile().deleteOnExit();
    Process p = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
    return new ChildJvm(p, stderr, onLine);
  }

  /** The child's standard input. */
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  /** Whether the child still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** How many complete lines were read so far (all went to the callback unless it threw). */
  public int linesRead() {
    return linesRead;
  }

  /** What the child printed after its last line break (a line cut short by the kill), or "". */
  public String unterminatedTail() {
    return unterminatedTail;
  }

  /**
   * The last {@code lines} lines the child wrote to its standard error so far, for a failure
   * message: why a child that should have printed its result did not (an OutOfMemoryError, an
   * exception, a JVM that did not start).
   */
  public String stderrTail(int lines) {
    try {
      List<String> all = Files.readAllLines(stderr, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      throw new UncheckedIOException("reading the standard error of child " + process.pid(), e);
    }
  }

  /** The process itself, for the harness's own test. */
  Process process() {
    return process;
  }

  /**
   * Kills the child with SIGKILL, waits until it is gone and every line it printed went to the
   * callback; fails if that output broke off before its end or the callback threw.
   */
  public void kill() throws InterruptedException {
    // not process.destroyForcibly(): that also closes the pipe and loses the lines still in it
    process.toHandle().destroyForcibly();
    if (!process.waitFor(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError(
          "child " + process.pid() + " still runs " + READ_TIMEOUT_SECONDS + " s after SIGKILL");
    }
    finish();
  }

  /**
   * Waits up to {@code seconds} for the child to exit; when it did, also until its output is read
   * to the end (failing as {@link #kill()} does). Returns whether it exited.
   */
  public boolean awaitExit(long seconds) throws InterruptedException {
    boolean exited = process.waitFor(seconds, TimeUnit.SECONDS);
    if (exited) {
      finish();
    }
    return exited;
  }

  /** Kills the child if it still runs, so that no test leaves one behind. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    } else {
      finish();
    }
  }

  /** After the child died: waits for the end of its output and reports what went wrong once. */
  private void finish() throws InterruptedException {
    reader.join(TimeUnit.SECONDS.toMillis(READ_TIMEOUT_SECONDS));
    closeStdin();
    if (reported) {
      return;
    }
    reported = true;
    String where = "the output of child " + process.pid() + " after " + linesRead + " lines";
    if (reader.isAlive()) {
      throw new AssertionError(
          where + ": no end of stream " + READ_TIMEOUT_SECONDS + " s after the child exited");
    }
    if (readFailure != null) {
      throw new AssertionError(where + ": broke off before its end: " + readFailure, readFailure);
    }
    if (callbackFailure != null) {
      throw new AssertionError(
          where + ": the line handler failed on line " + callbackFailedAt + ": " + callbackFailure,
          callbackFailure);
    }
    if (!endReached) {
      throw new AssertionError(where + ": the reader stopped before the end of stream");
    }
  }

  private void closeStdin() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // the child is dead: what the test wrote and it never read no longer matters
    }
  }

  private void readToEnd() {
    StringBuilder line = new StringBuilder();
    try (Reader r = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
      char[] buf = new char[8192];
      int n;
      while ((n = r.read(buf)) != -1) {
        for (int i = 0; i < n; i++) {
          char c = buf[i];
          if (c == '\n') {
            int end = line.length();
            if (end > 0 && line.charAt(end - 1) == '\r') {
              end--;
            }
            deliver(line.substring(0, end));
            line.setLength(0);
          } else {
            line.append(c);
          }
        }
      }
      endReached = true;
    } catch (IOException e) {
      readFailure = e; // reported by finish(): lines after this point were lost
    } finally {
      unterminatedTail = line.toString();
    }
  }

  private void deliver(String line) {
    if (callbackFailure == null) {
      try {
        onLine.accept(line);
      } catch (RuntimeException | Error e) {
        // reported by finish(); the rest is still read, so that the child never blocks on a full
        // pipe
        callbackFailure = e;
        callbackFailedAt = linesRead + 1;
      }
    }
    linesRead++;
  }

  private static String javaBin() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }
}
