package io.ormdb.store.columnar;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.AggregateQuery.Aggregation;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.ChildJvm;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.columnar.internal.ColumnCheckpoint;
import io.ormdb.store.query.QueryEngine;
import io.ormdb.store.query.internal.RowScanAggregateSource;
import io.ormdb.store.view.ReadView;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints of the columns in the store file: written, loaded at reopen, and their fallbacks. */
class ColumnCheckpointTest {
  @TempDir Path dir;

  private final QueryEngine rowScan = new QueryEngine(0, new RowScanAggregateSource());

  static List<FieldDef> fields() {
    List<FieldDef> fs = new ArrayList<>();
    fs.add(FieldDef.of("id", FieldType.of(ValueType.INT64)));
    fs.add(FieldDef.of("kind", FieldType.of(ValueType.STRING)));
    fs.add(FieldDef.of("amount", FieldType.of(ValueType.INT32)));
    fs.add(FieldDef.of("price", FieldType.of(ValueType.FLOAT64)).asOptional());
    fs.add(FieldDef.of("total", FieldType.decimal(12, 2)).asOptional());
    return fs;
  }

  private static SchemaBundle schema(long version, List<EntityDef> entities) {
    return new SchemaBundle(
        version, List.of(), entities, List.of(), List.of(), List.of(), List.of());
  }

  static SchemaBundle sales(long version, List<FieldDef> fields) {
    return schema(version, List.of(new EntityDef("Sale", "id", fields, false, List.of())));
  }

  static Map<String, Value> row(long id) {
    Map<String, Value> r = new LinkedHashMap<>();
    r.put("id", Value.of(id));
    r.put("kind", Value.of("k" + (id % 7)));
    r.put("amount", Value.of((int) (id % 1000)));
    r.put("price", id % 5 == 0 ? Value.NULL : new Value.Float64(id * 0.25));
    r.put("total", id % 3 == 0 ? Value.NULL : new Value.Decimal(BigDecimal.valueOf(id, 2)));
    return r;
  }

  static void fill(OrmStore store, long from, long to) {
    for (long start = from; start < to; start += 10_000) {
      List<Mutation> ms = new ArrayList<>();
      for (long i = start; i < Math.min(to, start + 10_000); i++) {
        ms.add(new Mutation.Insert("Sale", row(i)));
      }
      store.commit(new MutationBatch(ms));
    }
  }

  /** Updates, deletes and inserts touching the first and the last segment. */
  static void churn(OrmStore store, long size) {
    List<Mutation> ms = new ArrayList<>();
    ms.add(new Mutation.Update("Sale", Value.of(3L), Map.of("amount", Value.of(5000)), 0));
    ms.add(new Mutation.Delete("Sale", Value.of(10L), 0));
    ms.add(new Mutation.Update("Sale", Value.of(size - 1), Map.of("kind", Value.of("new")), 0));
    ms.add(new Mutation.Insert("Sale", row(size + 100)));
    store.commit(new MutationBatch(ms));
    store.commit(
        new MutationBatch(
            List.of(new Mutation.Update("Sale", Value.of(4L), Map.of("price", Value.NULL), 0))));
  }

  static AggregateQuery byKind() {
    return new AggregateQuery(
        "Sale",
        List.of(
            new Aggregation(Function.COUNT, null),
            new Aggregation(Function.SUM, "amount"),
            new Aggregation(Function.AVG, "price"),
            new Aggregation(Function.SUM, "total"),
            new Aggregation(Function.MAX, "total"),
            new Aggregation(Function.COUNT, "price")),
        new Filter.Compare("amount", Filter.Op.GE, Value.of(2)),
        List.of("kind"),
        null);
  }

  private AggregateResult rowScan(OrmStore store, AggregateQuery q) {
    try (ReadView view = store.snapshot()) {
      return rowScan.aggregate(view, q, Map.of());
    }
  }

  private StoreConfig config() {
    return StoreConfig.of(dir);
  }

  /** The chunk keys stored for {@code entity}, whether a checkpoint names them or not. */
  private static List<byte[]> storedChunks(ColumnStore columns, String entity) {
    byte[] e = entity.getBytes(StandardCharsets.UTF_8);
    byte[] prefix = Arrays.copyOf(e, e.length + 1);
    List<byte[]> out = new ArrayList<>();
    ColumnStore.Bytes chunks = columns.checkpoints().chunks();
    for (byte[] k = chunks.higherKey(prefix);
        k != null && Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length);
        k = chunks.higherKey(k)) {
      out.add(k);
    }
    return out;
  }

  private static Set<String> hex(List<byte[]> keys) {
    Set<String> out = new HashSet<>();
    keys.forEach(k -> out.add(java.util.HexFormat.of().formatHex(k)));
    return out;
  }

  @Test
  void aReopenedStoreAnswersTheFirstAggregateFromTheCheckpointAndCatchesUpLaterCommits() {
    long size = 70_000; // two segments
    AggregateResult before;
    try (OrmStore store = OrmStore.open(config())) {
      store.applySchema(sales(1, fields()));
      fill(store, 0, size);
      before = store.aggregate(byKind());
      assertThat(store.columnStore().builds()).isEqualTo(1);
    }
    try (OrmStore store = OrmStore.open(config())) {
      ColumnStore columns = store.columnStore();
      AggregateResult first = store.aggregate(byKind());

      assertThat(columns.loadedFromCheckpoint()).isEqualTo(1);
      assertThat(columns.builds()).isZero();
      assertThat(columns.checkpointFailures()).isZero();
      assertThat(columns.columnarAggregates()).isEqualTo(1);
      assertThat(first).isEqualTo(rowScan(store, byKind())).isEqualTo(before);
      assertThat(columns.slots("Sale")).isEqualTo((int) size);

      churn(store, size);
      AggregateResult after = store.aggregate(byKind());
      assertThat(after).isEqualTo(rowScan(store, byKind())).isNotEqualTo(first);
      assertThat(columns.builds()).isZero();
      assertThat(columns.rowScanAggregates()).isZero();
    }
  }

  @Test
  void commitsAfterTheLastCheckpointAreReplayedFromTheChangelogAfterADirtyStop() {
    long size = 2_000;
    long checkpointed;
    try (OrmStore store = OrmStore.open(config())) {
      store.applySchema(sales(1, fields()));
      fill(store, 0, size);
      store.aggregate(byKind()); // builds and checkpoints right away
      store.columnStore().checkpoint().join();
      checkpointed = store.currentLsn();
      churn(store, size);
      store.aggregate(byKind()); // caught up in memory, not due for a checkpoint yet
      fill(store, size + 1_000, size + 1_500);
      // the process "dies": no checkpoint at close (the rows are durable, as after a kill)
      store.columnStore().suspendCheckpoints(true);
    }
    try (OrmStore store = OrmStore.open(config())) {
      ColumnStore columns = store.columnStore();
      ColumnCheckpoint.Meta m = ColumnCheckpoint.readMeta(columns.checkpoints(), "Sale");
      assertThat(m.lsn()).isEqualTo(checkpointed).isLessThan(store.currentLsn());

      AggregateResult r = store.aggregate(byKind());

      assertThat(r).isEqualTo(rowScan(store, byKind()));
      assertThat(columns.loadedFromCheckpoint()).isEqualTo(1);
      assertThat(columns.builds()).isZero();
      assertThat(columns.slots("Sale")).isEqualTo((int) size + 500 + 1 + 3);
    }
  }

  @Test
  void aKilledProcessLeavesAUsableCheckpointAndTheChangelogCatchesItUp() throws Exception {
    AtomicInteger acks = new AtomicInteger();
    CountDownLatch enough = new CountDownLatch(1);
    try (ChildJvm child =
        ChildJvm.start(
            ColumnCrashChild.class,
            line -> {
              if (line.startsWith("ACK ") && acks.incrementAndGet() >= 300) {
                enough.countDown();
              }
            },
            dir.toString())) {
      assertThat(enough.await(60, TimeUnit.SECONDS)).as("300 commits acknowledged").isTrue();
      child.kill(); // SIGKILL, possibly in the middle of a checkpoint
    }
    try (OrmStore store = OrmStore.open(config())) {
      ColumnStore columns = store.columnStore();
      ColumnCheckpoint.Meta m = ColumnCheckpoint.readMeta(columns.checkpoints(), "Sale");
      assertThat(m.lsn()).isLessThan(store.currentLsn());

      AggregateResult r = store.aggregate(byKind());

      assertThat(r).isEqualTo(rowScan(store, byKind()));
      assertThat(columns.loadedFromCheckpoint()).isEqualTo(1);
      assertThat(columns.checkpointFailures()).isZero();
      assertThat(columns.builds()).isZero();
    }
  }

  @Test
  void aCorruptOrMissingChunkMakesTheColumnsRebuildAndTheStoreCarriesOn() {
    try (OrmStore store = OrmStore.open(config())) {
      store.applySchema(sales(1, fields()));
      fill(store, 0, 3_000);
      store.aggregate(byKind());
    }
    for (int round = 0; round < 3; round++) {
      int variant = round;
      try (OrmStore store = OrmStore.open(config())) {
        ColumnStore columns = store.columnStore();
        List<byte[]> keys = ColumnCheckpoint.chunkKeys(columns.checkpoints(), "Sale");
        assertThat(keys).isNotEmpty();
        byte[] victim = keys.get(keys.size() / 2);
        columns
            .checkpoints()
            .write(
                () -> {
                  ColumnStore.Bytes chunks = columns.checkpoints().chunks();
                  if (variant == 0) {
                    byte[] v = chunks.get(victim).clone();
                    v[v.length / 2] ^= 0x5A;
                    chunks.put(victim, v);
                  } else if (variant == 1) {
                    chunks.remove(victim);
                  } else {
                    byte[] meta = "Sale".getBytes(StandardCharsets.UTF_8);
                    byte[] v = columns.checkpoints().meta().get(meta);
                    columns.checkpoints().meta().put(meta, Arrays.copyOf(v, v.length - 3));
                  }
                  return true;
                })
            .join();

        AggregateResult r = store.aggregate(byKind());

        assertThat(r).as("variant %d", variant).isEqualTo(rowScan(store, byKind()));
        assertThat(columns.checkpointFailures()).isEqualTo(1);
        assertThat(columns.loadedFromCheckpoint()).isZero();
        assertThat(columns.builds()).isEqualTo(1);
        // the database is otherwise fine, and the rebuilt columns are checkpointed again
        store.commit(new MutationBatch(List.of(new Mutation.Insert("Sale", row(50_000 + round)))));
        assertThat(store.aggregate(byKind())).isEqualTo(rowScan(store, byKind()));
      }
      try (OrmStore store = OrmStore.open(config())) {
        assertThat(store.aggregate(byKind())).isEqualTo(rowScan(store, byKind()));
        assertThat(store.columnStore().loadedFromCheckpoint()).isEqualTo(1);
        assertThat(store.columnStore().checkpointFailures()).isZero();
        assertThat(hex(storedChunks(store.columnStore(), "Sale")))
            .as("no chunk left behind")
            .isEqualTo(hex(ColumnCheckpoint.chunkKeys(store.columnStore().checkpoints(), "Sale")));
      }
    }
  }

  @Test
  void aCheckpointOfAnotherSchemaIsNotUsedButAnUnrelatedSchemaChangeKeepsIt() {
    try (OrmStore store = OrmStore.open(config())) {
      store.applySchema(sales(1, fields()));
      fill(store, 0, 1_000);
      store.aggregate(byKind());
    }
    EntityDef other =
        new EntityDef(
            "Other",
            "id",
            List.of(FieldDef.of("id", FieldType.of(ValueType.INT64))),
            false,
            List.of());
    List<FieldDef> sameFields = fields();
    try (OrmStore store = OrmStore.open(config())) {
      // another entity added: Sale's columns read alike under version 2
      store.applySchema(
          schema(2, List.of(new EntityDef("Sale", "id", sameFields, false, List.of()), other)));
      assertThat(store.aggregate(byKind())).isEqualTo(rowScan(store, byKind()));
      assertThat(store.columnStore().loadedFromCheckpoint()).isEqualTo(1);
      assertThat(store.columnStore().builds()).isZero();
    }
    List<FieldDef> more = fields();
    more.add(FieldDef.of("bonus", FieldType.of(ValueType.INT32)).asOptional());
    AggregateQuery q =
        new AggregateQuery(
            "Sale",
            List.of(
                new Aggregation(Function.COUNT, "bonus"), new Aggregation(Function.SUM, "amount")),
            null,
            List.of("kind"),
            null);
    try (OrmStore store = OrmStore.open(config())) {
      store.applySchema(
          schema(3, List.of(new EntityDef("Sale", "id", more, false, List.of()), other)));
      store.commit(
          new MutationBatch(
              List.of(new Mutation.Update("Sale", Value.of(1L), Map.of("bonus", Value.of(7)), 0))));
      AggregateResult r = store.aggregate(q);

      assertThat(r).isEqualTo(rowScan(store, q));
      assertThat(r.rows()).anySatisfy(g -> assertThat(g.get(1)).isEqualTo(Value.of(1L)));
      assertThat(store.columnStore().loadedFromCheckpoint()).isZero();
      assertThat(store.columnStore().checkpointFailures()).isEqualTo(1);
      assertThat(store.columnStore().builds()).isEqualTo(1);
    }
    try (OrmStore store = OrmStore.open(config())) {
      // the rebuilt columns replaced the old checkpoint
      assertThat(store.aggregate(q)).isEqualTo(rowScan(store, q));
      assertThat(store.columnStore().loadedFromCheckpoint()).isEqualTo(1);
      assertThat(store.columnStore().builds()).isZero();
    }
  }

  @Test
  void aCheckpointRewritesOnlyTheSegmentsThatChanged() {
    long size = 70_000; // segment 0 full, segment 1 partial
    try (OrmStore store = OrmStore.open(config())) {
      store.applySchema(sales(1, fields()));
      fill(store, 0, size);
      store.aggregate(byKind());
      ColumnStore columns = store.columnStore();
      columns.checkpoint().join();
      List<byte[]> first = ColumnCheckpoint.chunkKeys(columns.checkpoints(), "Sale");
      long written = columns.checkpointsWritten();

      // a kill in segment 0, appends in segment 1, no new dictionary entry
      store.commit(
          new MutationBatch(
              List.of(
                  new Mutation.Update("Sale", Value.of(3L), Map.of("amount", Value.of(1)), 0))));
      store.aggregate(byKind());
      columns.checkpoint().join();
      List<byte[]> second = ColumnCheckpoint.chunkKeys(columns.checkpoints(), "Sale");

      assertThat(columns.checkpointsWritten()).isEqualTo(written + 1);
      Map<String, String> changed = new HashMap<>();
      Set<String> old = hex(first);
      for (byte[] k : second) {
        if (!old.contains(java.util.HexFormat.of().formatHex(k))) {
          int kind = java.nio.ByteBuffer.wrap(k, k.length - 8, 8).getInt();
          int seg = java.nio.ByteBuffer.wrap(k, k.length - 4, 4).getInt();
          changed.put(kind + "/" + seg, "");
        }
      }
      // created 1, deleted 0 and 1, the five columns' segment 1
      assertThat(changed.keySet())
          .containsExactlyInAnyOrder("0/1", "1/0", "1/1", "2/1", "4/1", "6/1", "8/1", "10/1");
      assertThat(second).hasSameSizeAs(first);
      assertThat(hex(storedChunks(columns, "Sale"))).isEqualTo(hex(second));
    }
    try (OrmStore store = OrmStore.open(config())) {
      assertThat(store.aggregate(byKind())).isEqualTo(rowScan(store, byKind()));
      assertThat(store.columnStore().loadedFromCheckpoint()).isEqualTo(1);
    }
  }

  @Test
  void compactedColumnsReplaceTheirCheckpointWithoutLeftovers() {
    StoreConfig config = config().withRetention(Duration.ZERO, Duration.ZERO);
    try (OrmStore store = OrmStore.open(config)) {
      store.applySchema(sales(1, fields()));
      fill(store, 0, 5000);
      store.aggregate(byKind());
      ColumnStore columns = store.columnStore();
      columns.checkpoint().join();
      Set<String> beforeCompaction = hex(ColumnCheckpoint.chunkKeys(columns.checkpoints(), "Sale"));
      for (int round = 0; round < 2; round++) {
        List<Mutation> ms = new ArrayList<>();
        for (long i = 0; i < 5000; i++) {
          ms.add(new Mutation.Update("Sale", Value.of(i), Map.of("amount", Value.of(round)), 0));
        }
        store.commit(new MutationBatch(ms));
      }
      store.compact();
      store.commit(new MutationBatch(List.of(new Mutation.Insert("Sale", row(9999)))));
      store.aggregate(byKind()); // catches up and compacts the columns
      assertThat(columns.slots("Sale")).isLessThan(10_000);
      columns.checkpoint().join();

      List<byte[]> after = ColumnCheckpoint.chunkKeys(columns.checkpoints(), "Sale");
      assertThat(hex(after)).doesNotContainAnyElementsOf(beforeCompaction);
      assertThat(hex(storedChunks(columns, "Sale"))).isEqualTo(hex(after));
    }
    try (OrmStore store = OrmStore.open(config)) {
      assertThat(store.aggregate(byKind())).isEqualTo(rowScan(store, byKind()));
      assertThat(store.columnStore().loadedFromCheckpoint()).isEqualTo(1);
      assertThat(store.columnStore().slots("Sale")).isLessThan(10_000);
    }
  }

  @Test
  void anInMemoryStoreWritesNoCheckpoints() {
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(sales(1, fields()));
      fill(store, 0, 100);
      store.aggregate(byKind());
      assertThat(store.columnStore().checkpoint()).isCompleted();
      assertThat(store.columnStore().checkpointsWritten()).isZero();
      assertThat(store.columnStore().checkpoints()).isNull();
    }
  }
}
