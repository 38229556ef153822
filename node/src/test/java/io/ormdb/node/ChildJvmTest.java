package io.ormdb.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash tests' harness loses no line a killed child printed: {@link ChildJvm#kill()} SIGKILLs
 * the child (a {@link LinePrinterChild} that printed every line and then blocks) and still hands
 * every line to the callback, in order, also the ones that were unread in the pipe when the child
 * died. {@code Process.destroyForcibly()}, which the harness used before, closes that pipe: the
 * last test shows that the harness now reports such a loss instead of hiding it, and prints how
 * many lines arrived that way.
 */
class ChildJvmTest {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void killHandsOnTheLinesThatWereStillInThePipe() throws Exception {
    int count = 1_001;
    Path printed = dir.resolve("printed");
    List<String> lines = new ArrayList<>(); // the reader's; read here after kill() joined it
    AtomicReference<ChildJvm> self = new AtomicReference<>();
    ChildJvm child =
        ChildJvm.start(
            LinePrinterChild.class,
            line -> {
              if (lines.isEmpty()) {
                // hold the reader at line 1 until the child is dead: lines 2.. are all unread then
                await().atMost(PATIENCE).until(() -> self.get() != null && !self.get().isAlive());
              }
              lines.add(line);
            },
            Integer.toString(count),
            printed.toString());
    self.set(child);
    try (child) {
      await().atMost(PATIENCE).until(() -> Files.exists(printed));

      child.kill();

      assertThat(lines).containsExactlyElementsOf(numbers(count));
      assertThat(child.linesRead()).isEqualTo(count);
      assertThat(child.unterminatedTail()).isEmpty();
    }
  }

  @Test
  void killHandsOnEveryLineOfAChildThatPrintsAsFastAsItCan() throws Exception {
    int count = 100_000;
    int unread = 1_000; // held in the pipe at the kill (far less than a pipe holds)
    String hold = Integer.toString(count - unread);
    Path printed = dir.resolve("printed");
    List<String> lines = new ArrayList<>(); // the reader's; read here after kill() joined it
    AtomicInteger seen = new AtomicInteger();
    AtomicReference<ChildJvm> self = new AtomicReference<>();
    ChildJvm child =
        ChildJvm.start(
            LinePrinterChild.class,
            line -> {
              if (line.equals(hold)) {
                // the reader keeps up with the child until here, then waits for its death
                await().atMost(PATIENCE).until(() -> !self.get().isAlive());
              }
              lines.add(line);
              seen.incrementAndGet();
            },
            Integer.toString(count),
            printed.toString());
    self.set(child);
    try (child) {
      await().atMost(PATIENCE).until(() -> Files.exists(printed));
      int beforeKill = seen.get();

      child.kill();

      assertThat(lines).containsExactlyElementsOf(numbers(count));
      assertThat(count - beforeKill).as("lines handed on after the kill").isGreaterThan(unread);
      System.out.printf(
          "ChildJvmTest: %d lines printed, %d handed on before the SIGKILL, %d after it, all"
              + " present in order%n",
          count, beforeKill, count - beforeKill);
    }
  }

  @Test
  void theStandardErrorOfAChildThatFailedToStartIsKeptForTheFailureMessage() throws Exception {
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (ChildJvm child = ChildJvm.start(ChildJvmTest.class, lines::add)) {
      assertThat(child.awaitExit(60)).isTrue();
      assertThat(lines).isEmpty();
      assertThat(child.stderrTail(5)).contains("main method").contains("ChildJvmTest");
    }
  }

  @Test
  void aLineCutShortByTheKillIsNotHandedOn() throws Exception {
    Path printed = dir.resolve("printed");
    List<String> lines = new ArrayList<>();
    try (ChildJvm child =
        ChildJvm.start(LinePrinterChild.class, lines::add, "3", printed.toString(), "ACK 12")) {
      await().atMost(PATIENCE).until(() -> Files.exists(printed));

      child.kill();

      assertThat(lines).containsExactly("1", "2", "3");
      assertThat(child.unterminatedTail()).isEqualTo("ACK 12");
    }
  }

  @Test
  void aFailingLineHandlerFailsTheKill() throws Exception {
    Path printed = dir.resolve("printed");
    ChildJvm child =
        ChildJvm.start(
            LinePrinterChild.class,
            line -> {
              if (line.equals("7")) {
                throw new IllegalStateException("bad line " + line);
              }
            },
            "10",
            printed.toString());
    try {
      await().atMost(PATIENCE).until(() -> Files.exists(printed));

      assertThatThrownBy(child::kill)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("after 10 lines: the line handler failed on line 7")
          .hasCauseInstanceOf(IllegalStateException.class);
    } finally {
      child.close();
    }
  }

  /**
   * The old way, {@code Process.destroyForcibly()}, closes the pipe while lines are still in it:
   * the harness reports that instead of letting a test count fewer lines than were printed. How
   * many lines arrived before the pipe was closed depends on timing, so it is printed, not
   * asserted.
   */
  @Test
  void processDestroyForciblyLosesTheLinesInThePipeAndTheHarnessSaysSo() throws Exception {
    int count = 1_001;
    Path printed = dir.resolve("printed");
    CountDownLatch pipeClosed = new CountDownLatch(1);
    AtomicInteger first = new AtomicInteger();
    ChildJvm child =
        ChildJvm.start(
            LinePrinterChild.class,
            line -> {
              if (first.getAndIncrement() == 0) {
                awaitLatch(pipeClosed); // hold the reader until its pipe is closed
              }
            },
            Integer.toString(count),
            printed.toString());
    try {
      await().atMost(PATIENCE).until(() -> Files.exists(printed));
      child.process().destroyForcibly(); // SIGKILL, and closes this end of the child's stdout
      pipeClosed.countDown();

      assertThatThrownBy(child::kill)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("broke off before its end")
          .hasCauseInstanceOf(IOException.class);
      System.out.printf(
          "ChildJvmTest: Process.destroyForcibly(): %d of %d lines arrived (ChildJvm.kill(): all)%n",
          child.linesRead(), count);
    } finally {
      pipeClosed.countDown();
      child.close();
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      assertThat(latch.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<String> numbers(int count) {
    return IntStream.rangeClosed(1, count).mapToObj(Integer::toString).toList();
  }
}
