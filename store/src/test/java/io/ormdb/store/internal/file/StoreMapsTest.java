package io.ormdb.store.internal.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.journal.ConsumerOffset;
import io.ormdb.store.journal.JournalEntry;
import io.ormdb.store.journal.SnapshotEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every map of the store file is opened by {@link StoreMaps}, with an id that never changes and
 * codecs for its keys and values; the file holds no other map.
 */
class StoreMapsTest {
  @TempDir Path dir;

  private static <T> T withMaps(StoreConfig config, Function<StoreFile, T> read) {
    return StoreFile.open(
        config,
        file -> {
          try {
            return read.apply(file);
          } finally {
            file.close(true);
          }
        });
  }

  private static Map<Integer, String> idsAndNames(StoreMaps maps) {
    Map<Integer, String> out = new LinkedHashMap<>();
    for (LoggedMap<?, ?> m : maps.all()) {
      out.put(m.id(), m.name());
    }
    return out;
  }

  @Test
  void everyMapHasItsStableId() {
    Map<Integer, String> ids =
        withMaps(StoreConfig.inMemory(), file -> idsAndNames(new StoreMaps(file)));

    // a log of writes names maps by these ids: never renumber or reuse one
    assertThat(ids)
        .containsExactly(
            Map.entry(1, "rows"),
            Map.entry(2, "idx"),
            Map.entry(3, "changelog"),
            Map.entry(4, "catalog"),
            Map.entry(5, "meta"),
            Map.entry(6, "col.meta"),
            Map.entry(7, "col.seg"),
            Map.entry(8, "journal"),
            Map.entry(9, "journal.highest"),
            Map.entry(10, "journal.tags"),
            Map.entry(11, "journal.snapshots"),
            Map.entry(12, "offsets"));
    withMaps(
        StoreConfig.inMemory(),
        file -> {
          StoreMaps maps = new StoreMaps(file);
          assertThat(maps.byId(5)).isSameAs(maps.meta);
          assertThatThrownBy(() -> maps.byId(13)).hasMessage("no map with id 13");
          return null;
        });
  }

  @Test
  void keysAndValuesEncodeAsBytes() {
    byte[] raw = {0, -1, 7};
    assertThat(MapCodec.BYTES.encode(raw)).isSameAs(raw);
    assertThat(MapCodec.LONG.encode(0x0102030405060708L)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(MapCodec.LONG.encode(-2L)).containsExactly(-1, -1, -1, -1, -1, -1, -1, -2);
    assertThat(MapCodec.LONG.decode(MapCodec.LONG.encode(Long.MIN_VALUE)))
        .isEqualTo(Long.MIN_VALUE);
    assertThatThrownBy(() -> MapCodec.LONG.decode(new byte[3]))
        .hasMessage("a long is 8 bytes, not 3");
    assertThat(MapCodec.STRING.encode("héllo")).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
    assertThat(MapCodec.STRING.decode(MapCodec.STRING.encode("count.7"))).isEqualTo("count.7");

    withMaps(
        StoreConfig.inMemory(),
        file -> {
          StoreMaps maps = new StoreMaps(file);
          assertThat(maps.changelog.encodeKey(3L)).containsExactly(0, 0, 0, 0, 0, 0, 0, 3);
          assertThat(maps.changelog.decodeKey(maps.changelog.encodeKey(3L))).isEqualTo(3L);
          assertThat(maps.meta.decodeValue(maps.meta.encodeValue("12"))).isEqualTo("12");
          assertThat(maps.journalHighest.decodeValue(maps.journalHighest.encodeValue(9L)))
              .isEqualTo(9L);
          assertThat(maps.rows.encodeKey(raw)).isSameAs(raw);
          return null;
        });
  }

  @Test
  void theFileHoldsExactlyTheRegisteredMapsAndEveryFeatureWritesOne() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      store.applySchema(
          SchemaParser.parse("entity Sale {\n id int64 @id\n kind string @index\n}\n"));
      store.commit(
          MutationBatch.of(
              new Mutation.Insert("Sale", Map.of("id", Value.of(1L), "kind", Value.of("a"))),
              new Mutation.Insert("Sale", Map.of("id", Value.of(2L), "kind", Value.of("b")))));
      store.aggregate(new AggregateQuery("Sale", List.of(), null, List.of("kind"), null));
      store
          .journal()
          .write(List.of(JournalEntry.toWrite("p", 1, Set.of("tag"), new byte[] {1})))
          .get();
      store.journal().saveSnapshot(new SnapshotEntry("p", 1, 1000, new byte[] {2})).get();
      store.commitOffset("consumer", new ConsumerOffset(1, 0)).get();
    } // closing checkpoints the columns of the aggregate

    Set<String> registered =
        withMaps(
            StoreConfig.inMemory(),
            file -> new TreeSet<>(idsAndNames(new StoreMaps(file)).values()));
    Map<String, Long> entries =
        withMaps(
            StoreConfig.of(dir),
            file -> {
              Set<String> inFile = new TreeSet<>(file.store().getMapNames());
              assertThat(inFile).as("maps in the file").isEqualTo(registered);
              Map<String, Long> sizes = new TreeMap<>();
              for (LoggedMap<?, ?> m : new StoreMaps(file).all()) {
                sizes.put(m.name(), m.map().sizeAsLong());
              }
              return sizes;
            });
    assertThat(entries).as("entries per map").doesNotContainValue(0L).hasSize(12);
  }
}
