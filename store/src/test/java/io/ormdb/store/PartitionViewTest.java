package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.KeyRange;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A view restricted to one logical partition returns exactly the rows whose identity {@link
 * Partitioning} puts in that partition, through every read (scan, identity range, index scan, get,
 * getAll), for integer (32 and 64 bit), string and uuid identities; the partitions together give
 * the whole view, each row once.
 */
class PartitionViewTest {
  static final String SCHEMA =
      """
      entity Box {
        id    int32  @id
        shelf int64  @index
        label string
      }
      entity Item {
        id    int64  @id
        shelf int64  @index
      }
      entity Tagged {
        id    string @id
        shelf int64  @index
      }
      entity Thing {
        id    uuid   @id
        shelf int64  @index
      }
      """;

  static final List<String> ENTITIES = List.of("Box", "Item", "Tagged", "Thing");

  static final KeyRange SHELVES_2_TO_8 =
      new KeyRange(
          List.of(),
          new KeyRange.Bound(Value.of(2L), true),
          new KeyRange.Bound(Value.of(9L), false));

  @TempDir Path dir;
  OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.of(dir));
    store.applySchema(SchemaParser.parse(SCHEMA));
    SplittableRandom rnd = new SplittableRandom(7);
    List<Mutation> batch = new ArrayList<>();
    for (int i = 1; i <= 300; i++) {
      long shelf = rnd.nextInt(12);
      batch.add(
          new Mutation.Insert(
              "Box",
              Map.of("id", Value.of(i), "shelf", Value.of(shelf), "label", Value.of("b" + i))));
      batch.add(
          new Mutation.Insert(
              "Item", Map.of("id", Value.of((long) i * 7919), "shelf", Value.of(shelf))));
      batch.add(
          new Mutation.Insert(
              "Tagged", Map.of("id", Value.of("t-" + i), "shelf", Value.of(shelf))));
      batch.add(
          new Mutation.Insert(
              "Thing",
              Map.of(
                  "id", new Value.Uuid(rnd.nextLong(), rnd.nextLong()), "shelf", Value.of(shelf))));
    }
    store.commit(MutationBatch.of(batch.toArray(new Mutation[0])));
    // a second version of some rows and a deletion, so that partitions also filter history
    store.commit(
        MutationBatch.of(
            new Mutation.Update("Box", Value.of(5), Map.of("shelf", Value.of(99L)), 0),
            new Mutation.Delete("Item", Value.of(7919L * 3), 0)));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void partitionsSplitEveryReadExactlyByIdentity() {
    int n = 5;
    long lsn = store.currentLsn();
    for (String entity : ENTITIES) {
      try (ReadView all = store.snapshotAt(lsn)) {
        List<Row> everything = list(all.scan(entity));
        String index = shelfIndex(all, entity);
        List<Row> shelf3 = list(all.indexScan(entity, index, KeyRange.eq(Value.of(3L)), false));
        List<Row> shelves = list(all.indexScan(entity, index, SHELVES_2_TO_8, true));
        List<Row> firstHalf =
            list(all.scan(entity, null, new KeyRange.Bound(everything.get(150).id(), true), true));
        assertThat(everything).hasSizeGreaterThan(290);

        Set<Value> seen = new HashSet<>();
        List<Row> shelf3Union = new ArrayList<>();
        List<Row> shelvesUnion = new ArrayList<>();
        List<Row> halfUnion = new ArrayList<>();
        for (int p = 0; p < n; p++) {
          final int part0 = p;
          try (ReadView part = store.snapshotAt(lsn, p, n)) {
            List<Row> mine = list(part.scan(entity));
            for (Row r : mine) {
              assertThat(Partitioning.partitionOf(r.id(), n))
                  .as("%s %s read by partition %d", entity, r.id(), p)
                  .isEqualTo(p);
              assertThat(seen.add(r.id())).as("%s %s read twice", entity, r.id()).isTrue();
            }
            shelf3Union.addAll(
                list(part.indexScan(entity, index, KeyRange.eq(Value.of(3L)), false)));
            shelvesUnion.addAll(list(part.indexScan(entity, index, SHELVES_2_TO_8, true)));
            halfUnion.addAll(
                list(
                    part.scan(
                        entity, null, new KeyRange.Bound(everything.get(150).id(), true), true)));
            // point reads: own rows are found, the others' are not
            for (Row r : everything.subList(0, 40)) {
              boolean own = Partitioning.partitionOf(r.id(), n) == p;
              assertThat(part.get(entity, r.id()))
                  .as("get %s %s in %d", entity, r.id(), p)
                  .isEqualTo(own ? java.util.Optional.of(r) : java.util.Optional.empty());
            }
            List<Value> ids = everything.stream().limit(60).map(Row::id).toList();
            assertThat(part.getAll(entity, ids))
                .containsExactlyElementsOf(
                    everything.stream()
                        .limit(60)
                        .filter(r -> Partitioning.partitionOf(r.id(), n) == part0)
                        .toList());
          }
        }
        assertThat(seen).as(entity).containsExactlyInAnyOrderElementsOf(ids(everything));
        assertThat(ids(shelf3Union)).containsExactlyInAnyOrderElementsOf(ids(shelf3));
        assertThat(ids(shelvesUnion)).containsExactlyInAnyOrderElementsOf(ids(shelves));
        assertThat(ids(halfUnion)).containsExactlyInAnyOrderElementsOf(ids(firstHalf));
        assertThat(shelf3).isNotEmpty();
      }
    }
  }

  @Test
  void onePartitionIsTheWholeViewAndBadPartitionsAreRefused() {
    long lsn = store.currentLsn();
    try (ReadView all = store.snapshotAt(lsn);
        ReadView one = store.snapshotAt(lsn, 0, 1)) {
      assertThat(list(one.scan("Box"))).isEqualTo(list(all.scan("Box")));
    }
    assertThatThrownBy(() -> store.snapshotAt(lsn, 3, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("partition 3 of 3 does not exist");
    assertThatThrownBy(() -> store.snapshotAt(lsn, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("partition 0 of 0 does not exist");
  }

  private static String shelfIndex(ReadView view, String entity) {
    for (IndexDef ix : view.indexes(entity)) {
      if (ix.fields().equals(List.of("shelf"))) {
        return ix.name();
      }
    }
    throw new AssertionError("no index on " + entity + ".shelf");
  }

  private static List<Value> ids(List<Row> rows) {
    return rows.stream().map(Row::id).toList();
  }

  private static List<Row> list(Iterator<Row> it) {
    List<Row> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
