package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.all;
import static io.ormdb.store.StoreTestSupport.assertRefused;
import static io.ormdb.store.StoreTestSupport.get;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches of many inserts with given ids: the store looks up the rows they name together before the
 * batch runs; what a batch sees must be what one lookup per row would see — existing, deleted and
 * repeated ids, ids that convert, ids that do not, in any order.
 */
class BatchInsertTest {
  @TempDir Path dir;
  OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.of(dir));
    store.applySchema(
        SchemaParser.parse(
            """
            entity Item {
              id   int64 @id
              name string
            }
            entity Tag {
              id    int64 @id
              label string
            }
            """));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Mutation item(Object id) {
    return insert("Item", "id", id, "name", "item " + id);
  }

  private MutationResult items(long from, long to) {
    List<Mutation> ms = new ArrayList<>();
    for (long id = from; id <= to; id++) {
      ms.add(item(id));
    }
    return store.commit(new MutationBatch(ms));
  }

  @Test
  void aBatchThatNamesAnExistingIdIsRefusedAtThatInsert() {
    items(1, 20);
    List<Mutation> ms = new ArrayList<>();
    for (long id = 21; id <= 30; id++) {
      ms.add(item(id));
    }
    ms.add(item(15L));
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 10 (insert into Item): primary key Item_pkey violated by id=15",
        ms.toArray(new Mutation[0]));
    assertThat(all(store, "Item")).hasSize(20);
  }

  @Test
  void deletedIdsMayBeInsertedAgainAndEveryRowGetsTheBatchVersion() {
    items(1, 10);
    store.commit(
        MutationBatch.of(
            new Mutation.Delete("Item", Value.of(3L), 0),
            new Mutation.Delete("Item", Value.of(4L), 0)));
    // out of order, with the two deleted ids among new ones
    List<Mutation> ms = new ArrayList<>();
    for (long id : new long[] {40, 4, 35, 3, 31, 39, 32, 38, 33, 37}) {
      ms.add(item(id));
    }
    MutationResult r = store.commit(new MutationBatch(ms));
    assertThat(r.affected()).isEqualTo(10);
    assertThat(all(store, "Item")).hasSize(18);
    Row again = get(store, "Item", Value.of(3L)).orElseThrow();
    assertThat(again.version()).isEqualTo(r.lsn());
    assertThat(again.get("name")).isEqualTo(Value.of("item 3"));
    assertThat(store.changes(r.lsn(), 1).get(0).events())
        .allSatisfy(e -> assertThat(e.op().code()).isEqualTo("c"));
  }

  @Test
  void anIdRepeatedInTheBatchIsRefusedAtItsSecondInsert() {
    List<Mutation> ms = new ArrayList<>();
    for (long id = 1; id <= 9; id++) {
      ms.add(item(id));
    }
    ms.add(item(4L));
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 9 (insert into Item): primary key Item_pkey violated by id=4",
        ms.toArray(new Mutation[0]));
  }

  @Test
  void idsOfAnotherTypeConvertAndOnesThatDoNotAreRefusedByTheirInsert() {
    items(1, 5);
    List<Mutation> ms = new ArrayList<>();
    for (int id = 6; id <= 14; id++) {
      ms.add(item(id)); // int32, converted to the int64 identity
    }
    ms.add(item(5));
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 9 (insert into Item): primary key Item_pkey violated by id=5",
        ms.toArray(new Mutation[0]));

    ms.set(9, item("x"));
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 9 (insert into Item): field Item.id: cannot convert string \"x\" to int64: not a"
            + " number",
        ms.toArray(new Mutation[0]));
    ms.remove(9);
    assertThat(store.commit(new MutationBatch(ms)).affected()).isEqualTo(9);
    assertThat(get(store, "Item", Value.of(14L))).isPresent();
  }

  @Test
  void entitiesAreLookedUpApartAndAFewInsertsAmongManyStillSeeTheirRows() {
    items(1, 3);
    store.commit(MutationBatch.of(insert("Tag", "id", 1L, "label", "a")));
    List<Mutation> ms = new ArrayList<>();
    for (long id = 100; id < 110; id++) {
      ms.add(insert("Tag", "id", id, "label", "t" + id));
    }
    ms.add(item(2L)); // one Item among ten Tags: exists
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 10 (insert into Item): primary key Item_pkey violated by id=2",
        ms.toArray(new Mutation[0]));
    ms.set(10, insert("Tag", "id", 1L, "label", "again"));
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 10 (insert into Tag): primary key Tag_pkey violated by id=1",
        ms.toArray(new Mutation[0]));
  }
}
