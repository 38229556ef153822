package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.internal.btree.ByteArrayType;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database file stays bounded under a constant-size workload: its space is reclaimed while the
 * store serves writes, and what it holds on purpose (the retained changelog, as-of history) stays
 * readable. The bound is stated against what the file must hold — the bytes of every key and value
 * in its maps (live rows, row versions within the retention, the retained changelog, indexes) —
 * plus room for the chunks of checkpoints in flight, which scale with the checkpoint's log size.
 */
class FileSpaceTest {
  /** The file may be at most this many times the bytes its maps hold ... */
  static final int STATED_MULTIPLE = 3;

  /** ... plus this many times the checkpoint's log size. */
  static final int CHECKPOINT_ALLOWANCE = 8;

  static final long LOG_BYTES = 1L << 20;

  static final int ROWS = 2_000;
  static final Duration RUN = Duration.ofSeconds(Long.getLong("ormdb.space.seconds", 12));

  static final String SCHEMA =
      """
      entity Account {
        id      int64  @id
        owner   string @index
        balance int64
        note    string
      }
      """;

  @TempDir Path dir;

  static StoreConfig config(Path dir) {
    return StoreConfig.of(dir)
        .withRetention(Duration.ofSeconds(1), Duration.ofMillis(500))
        .withChangelogRetention(Duration.ofSeconds(2))
        .withCheckpoints(
            new StoreConfig.Checkpoints(Duration.ofMillis(250), LOG_BYTES, 50, 4L << 20));
  }

  @Test
  void constantWorkloadKeepsTheFileWithinAStatedMultipleOfWhatItHolds() throws Exception {
    List<Long> sizes = java.util.Collections.synchronizedList(new ArrayList<>());
    long commits;
    try (OrmStore store = OrmStore.open(config(dir))) {
      store.applySchema(SchemaParser.parse(SCHEMA));
      for (int from = 0; from < ROWS; from += 500) {
        List<Mutation> ins = new ArrayList<>();
        for (int i = from; i < from + 500; i++) {
          ins.add(insert(i, new Random(i)));
        }
        store.commit(new MutationBatch(ins));
      }
      // Four writers update, delete and reinsert rows of a fixed set of ids: the live data stays
      // the same size; the changelog and row history are retained for a fixed time.
      long end = System.nanoTime() + RUN.toNanos();
      AtomicLong done = new AtomicLong();
      ExecutorService writers = Executors.newFixedThreadPool(4);
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        running.add(
            writers.submit(
                () -> {
                  Random r = new Random(writer);
                  while (System.nanoTime() < end) {
                    // each writer owns the ids congruent to its number, so deletes and reinserts
                    // never race with another writer
                    long id = (long) r.nextInt(ROWS / 4) * 4 + writer;
                    if (r.nextInt(10) == 0) {
                      store.commit(
                          MutationBatch.of(new Mutation.Delete("Account", Value.of(id), 0)));
                      store.commit(MutationBatch.of(insert(id, r)));
                    } else {
                      store.commit(
                          MutationBatch.of(
                              new Mutation.Update(
                                  "Account",
                                  Value.of(id),
                                  Map.of(
                                      "balance", Value.of((long) r.nextInt(1_000_000)),
                                      "note", Value.of(note(r))),
                                  0)));
                    }
                    done.incrementAndGet();
                  }
                  return null;
                }));
      }
      // the file's size every 100 ms while the writers run (they stop at the end of RUN)
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(
          () -> sizes.add(store.stats().fileBytes()), 100, 100, TimeUnit.MILLISECONDS);
      for (Future<?> f : running) {
        f.get(RUN.toMillis() + 60_000, TimeUnit.MILLISECONDS);
      }
      sampler.shutdown();
      assertTrue(sampler.awaitTermination(1, TimeUnit.MINUTES), "the sampler stopped");
      if (Boolean.getBoolean("ormdb.space.trace")) {
        System.out.println("sizes: " + sizes);
      }
      writers.shutdown();
      commits = done.get();

      // What the file holds on purpose is still readable.
      long oldest = store.oldestChangelogLsn();
      List<ChangeSet> retained = store.changes(oldest, Integer.MAX_VALUE);
      assertEquals(store.currentLsn() - oldest + 1, retained.size(), "retained changelog");
      assertEquals(ROWS, count(store, store.currentLsn()), "the fixed set of rows is all there");
      // a writer deletes a row and reinserts it in the next commit: up to 4 may be missing
      int asOf = count(store, store.oldestRetainedLsn());
      assertTrue(asOf >= ROWS - 4 && asOf <= ROWS, "as-of read at the oldest LSN: " + asOf);
    }
    long peak = sizes.subList(sizes.size() / 3, sizes.size()).stream().max(Long::compare).get();
    long middle =
        sizes.subList(sizes.size() / 3, 2 * sizes.size() / 3).stream().max(Long::compare).get();
    long last = sizes.subList(2 * sizes.size() / 3, sizes.size()).stream().max(Long::compare).get();
    long logical = logicalBytes(dir);
    long bound = STATED_MULTIPLE * logical + CHECKPOINT_ALLOWANCE * LOG_BYTES;
    System.out.printf(
        "FileSpaceTest: %,d commits in %s; the maps hold %,d bytes; file peak after warm-up %,d"
            + " bytes (middle third %,d, last third %,d); bound %dx + %d x log size = %,d%n",
        commits, RUN, logical, peak, middle, last, STATED_MULTIPLE, CHECKPOINT_ALLOWANCE, bound);
    assertTrue(commits > 1_000, "the workload ran: " + commits + " commits");
    assertTrue(peak <= bound, "file peaked at " + peak + " bytes, more than " + bound);

    // the file reopens with everything in it
    try (OrmStore store = OrmStore.open(config(dir))) {
      assertEquals(ROWS, count(store, store.currentLsn()));
    }
  }

  @Test
  void compactFileGivesFreedSpaceBackAndKeepsEverything() throws Exception {
    StoreConfig cfg =
        config(dir)
            .withRetention(Duration.ZERO, Duration.ofHours(1))
            .withChangelogRetention(Duration.ofSeconds(0));
    long lsn;
    String databaseId;
    try (OrmStore store = OrmStore.open(cfg)) {
      store.applySchema(SchemaParser.parse(SCHEMA));
      Random r = new Random(7);
      for (int from = 0; from < 20_000; from += 1_000) {
        List<Mutation> ins = new ArrayList<>();
        for (int i = from; i < from + 1_000; i++) {
          ins.add(insert(i, r));
        }
        store.commit(new MutationBatch(ins));
      }
      for (int from = 0; from < 19_000; from += 1_000) {
        List<Mutation> del = new ArrayList<>();
        for (int i = from; i < from + 1_000; i++) {
          del.add(new Mutation.Delete("Account", Value.of((long) i), 0));
        }
        store.commit(new MutationBatch(del));
      }
      store.compact(); // the deleted rows' versions and the changelog go
      lsn = store.currentLsn();
      databaseId = store.databaseId().orElseThrow();
    }
    assertThatThrownBy(
            () -> {
              try (OrmStore open = OrmStore.open(cfg)) {
                OrmStore.compactFile(cfg);
              }
            })
        .isInstanceOf(OrmDbException.class)
        .hasMessageContaining("already open");
    long logical = logicalBytes(dir);

    FileCompaction c = OrmStore.compactFile(cfg);

    assertEquals(logicalBytes(dir), logical, "the copy holds every key and value");
    assertTrue(c.bytesAfter() * 2 < c.bytesBefore(), "the file gave back at least half: " + c);
    assertTrue(c.bytesAfter() <= 2 * logical + (1 << 20), c + " for " + logical + " bytes");
    try (OrmStore store = OrmStore.open(cfg)) {
      assertEquals(lsn, store.currentLsn());
      assertEquals(databaseId, store.databaseId().orElseThrow());
      assertEquals(1_000, count(store, store.currentLsn()));
      store.commit(MutationBatch.of(insert(1, new Random(1))));
    }
    try (OrmStore store = OrmStore.open(cfg)) {
      assertEquals(1_001, count(store, store.currentLsn()));
    }
  }

  /** The bytes of every key and value in the closed store's maps: what the file must hold. */
  static long logicalBytes(Path dir) {
    Set<String> byteMaps =
        Set.of(
            "rows", "idx", "col.meta", "col.seg", "journal", "journal.tags", "journal.snapshots");
    MVStore s =
        new MVStore.Builder()
            .fileName(dir.resolve(StoreConfig.FILE_NAME).toString())
            .readOnly()
            .open();
    try {
      long total = 0;
      for (String name : s.getMapNames()) {
        MVMap<?, ?> m =
            byteMaps.contains(name)
                ? s.openMap(
                    name,
                    new MVMap.Builder<byte[], byte[]>()
                        .keyType(ByteArrayType.INSTANCE)
                        .valueType(ByteArrayType.INSTANCE))
                : s.openMap(name);
        for (Map.Entry<?, ?> e : m.entrySet()) {
          total += size(e.getKey()) + size(e.getValue());
        }
      }
      return total;
    } finally {
      s.close();
    }
  }

  private static long size(Object o) {
    return o instanceof byte[] b ? b.length : o instanceof Long ? 8 : String.valueOf(o).length();
  }

  static int count(OrmStore store, long lsn) {
    int n = 0;
    try (ReadView v = store.snapshotAt(lsn)) {
      for (Iterator<Row> it = v.scan("Account"); it.hasNext(); it.next()) {
        n++;
      }
    }
    return n;
  }

  static Mutation insert(long id, Random r) {
    return new Mutation.Insert(
        "Account",
        Map.of(
            "id", Value.of(id),
            "owner", Value.of("owner-" + (id % 97)),
            "balance", Value.of((long) r.nextInt(1_000_000)),
            "note", Value.of(note(r))));
  }

  static String note(Random r) {
    return "n".repeat(50 + r.nextInt(150));
  }
}
