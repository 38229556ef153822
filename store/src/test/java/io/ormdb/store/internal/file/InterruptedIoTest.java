package io.ormdb.store.internal.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threads interrupted while they read the store's file must not close it for everyone: a plain
 * {@code FileChannel} is closed by such an interrupt, after which every read and write of the store
 * failed (see {@link ReopeningFilePath}). The rows are larger than the page cache, so reads of
 * random rows after a reopen go to the file.
 */
class InterruptedIoTest {
  private static final int ROWS = 20_000;
  private static final String PAD = "x".repeat(2_000);

  @TempDir Path dir;

  @BeforeEach
  void fill() {
    try (OrmStore s = OrmStore.open(StoreConfig.of(dir))) {
      s.applySchema(SchemaParser.parse("entity Item {\n id int64 @id\n text string\n}\n"));
      for (int b = 0; b < ROWS / 500; b++) {
        List<Mutation> ms = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          long id = b * 500L + i;
          ms.add(new Mutation.Insert("Item", Map.of("id", Value.of(id), "text", text(id))));
        }
        s.commit(MutationBatch.of(ms.toArray(Mutation[]::new)));
      }
    }
  }

  /** A cache far smaller than the rows, so that reads keep going to the file. */
  private StoreConfig smallCache() {
    return StoreConfig.of(dir).withCacheMegabytes(4);
  }

  private static Value text(long id) {
    return Value.of(PAD + id);
  }

  private static Optional<Row> get(OrmStore s, long id) {
    try (ReadView v = s.snapshot()) {
      return v.get("Item", Value.of(id));
    }
  }

  @Test
  void aReaderWhoseInterruptFlagIsSetReadsTheFileAndKeepsItsFlag() throws Exception {
    try (OrmStore s = OrmStore.open(smallCache())) {
      AtomicReference<Object> seen = new AtomicReference<>();
      AtomicBoolean flagAfter = new AtomicBoolean();
      Thread t =
          new Thread(
              () -> {
                Thread.currentThread().interrupt();
                try {
                  seen.set(get(s, ROWS - 1).orElseThrow().fields().get("text"));
                } catch (Throwable e) {
                  seen.set(e);
                }
                flagAfter.set(Thread.currentThread().isInterrupted());
              });
      t.start();
      t.join();

      assertThat(seen.get()).isEqualTo(text(ROWS - 1));
      assertThat(flagAfter).as("the caller still sees its interrupt").isTrue();
      assertThat(get(s, ROWS / 2 + 1)).as("others read on").isPresent();
      s.commit(
          MutationBatch.of(
              new Mutation.Insert("Item", Map.of("id", Value.of(-1L), "text", text(-1)))));
    }
    try (OrmStore s = OrmStore.open(smallCache())) {
      assertThat(get(s, -1)).as("the later commit is durable").isPresent();
    }
  }

  @Test
  void interruptsDuringReadsNeitherFailReadsNorCloseTheStore() throws Exception {
    long reopenedBefore = ReopeningFileChannel.REOPENED.sum();
    try (OrmStore s = OrmStore.open(smallCache())) {
      int readers = 4;
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicLong reads = new AtomicLong();
      AtomicLong interruptedReads = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        int seed = r;
        threads.add(
            new Thread(
                () -> {
                  SplittableRandom rnd = new SplittableRandom(seed);
                  while (!stop.get() && failure.get() == null) {
                    long id = rnd.nextInt(ROWS);
                    try {
                      Object text = get(s, id).orElseThrow().fields().get("text");
                      if (!text.equals(text(id))) {
                        failure.set(new AssertionError("row " + id + " read back as " + text));
                      }
                    } catch (Throwable e) {
                      failure.set(e);
                    }
                    reads.incrementAndGet();
                    if (Thread.interrupted()) {
                      interruptedReads.incrementAndGet();
                    }
                  }
                }));
      }
      threads.forEach(Thread::start);
      SplittableRandom rnd = new SplittableRandom(42);
      long deadline = System.nanoTime() + 5_000_000_000L;
      long minimum = System.nanoTime() + 500_000_000L;
      while (System.nanoTime() < deadline && failure.get() == null) {
        threads.get(rnd.nextInt(readers)).interrupt();
        LockSupport.parkNanos(20_000);
        if (System.nanoTime() > minimum
            && ReopeningFileChannel.REOPENED.sum() - reopenedBefore >= 3) {
          break;
        }
      }
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }

      assertThat(failure.get()).as("no read failed").isNull();
      assertThat(interruptedReads.get()).as("interrupts reached readers").isPositive();
      assertThat(ReopeningFileChannel.REOPENED.sum() - reopenedBefore)
          .as("interrupts closed the file during reads (%d reads) and it was reopened", reads.get())
          .isPositive();
      s.commit(
          MutationBatch.of(
              new Mutation.Insert("Item", Map.of("id", Value.of(-2L), "text", text(-2)))));
      assertThat(get(s, ROWS - 3)).isPresent();
    }
    try (OrmStore s = OrmStore.open(smallCache())) {
      assertThat(get(s, -2)).isPresent();
      for (long id = 0; id < ROWS; id += 997) {
        assertThat(get(s, id).orElseThrow().fields().get("text")).isEqualTo(text(id));
      }
    }
  }
}
