package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica store fed with a primary's change sets and schema versions (in the order a replication
 * stream delivers them) holds exactly the primary's data at every LSN, serves the same queries,
 * refuses writes, and keeps its role across reopening.
 */
class ReplicaApplyTest {
  static final String V1 =
      """
      entity Author {
        id    int64  @id
        email string @unique
        name  string
        score int32  @index
        relation books: one to many Book by authorId on delete cascade
      }
      entity Book {
        id       int64  @id
        authorId int64
        title    string
        year     int32?
        relation author: many to one Author by authorId on delete cascade
      }
      """;

  static final String V2 =
      V1.replace(
          "  year     int32?\n", "  year     int32?  @index\n  pages    int32   @default(100)\n");

  @TempDir Path dir;

  @Test
  void aReplicaFollowingTheChangelogEqualsThePrimaryAtEveryLsn() {
    try (OrmStore primary = OrmStore.open(StoreConfig.of(dir.resolve("p")));
        OrmStore replica = OrmStore.openReplica(StoreConfig.of(dir.resolve("r")))) {
      primary.applySchema(SchemaParser.parse(V1));
      Random rnd = new Random(7);
      workload(primary, rnd, 150);
      follow(primary, replica);
      primary.applySchema(SchemaParser.parse(V2)); // applies after the LSN reached so far
      workload(primary, rnd, 150);
      follow(primary, replica);

      assertThat(replica.currentLsn()).isEqualTo(primary.currentLsn()).isGreaterThan(250);
      assertThat(replica.schemaHistory()).isEqualTo(primary.schemaHistory());
      assertThat(replica.databaseId()).isEqualTo(primary.databaseId()).isPresent();
      assertThat(replica.changes(1, 10_000)).isEqualTo(primary.changes(1, 10_000));
      for (long lsn = 1; lsn <= primary.currentLsn(); lsn += 17) {
        assertThat(dump(replica, lsn)).as("state at LSN %d", lsn).isEqualTo(dump(primary, lsn));
      }
      assertThat(dump(replica, replica.currentLsn()))
          .isEqualTo(dump(primary, primary.currentLsn()));
      // indexes, counts and the columnar store were maintained too: the same answers
      for (String q :
          List.of(
              "Author.findMany().where(score >= 40).orderBy(score.desc, id).limit(7)"
                  + ".include(books, where: year >= 1990, orderBy: id)",
              "Book.findMany().where(year == 2001).orderBy(id)",
              "Author.findMany().where(email like \"a1%\").orderBy(id)")) {
        GraphQuery g = ((Statement.Find) QueryParser.parse(q)).query();
        assertThat(replica.query(g)).as(q).isEqualTo(primary.query(g));
      }
      AggregateQuery agg =
          ((Statement.Aggregate)
                  QueryParser.parse("Book.aggregate(count(), sum(pages), avg(year)).groupBy(year)"))
              .query();
      assertThat(replica.aggregate(agg)).isEqualTo(primary.aggregate(agg));
    }
  }

  @Test
  void aReplicaRefusesWritesAndSchemaChangesAndStaysAReplica() {
    Path r = dir.resolve("r");
    try (OrmStore primary = OrmStore.open(StoreConfig.of(dir.resolve("p")));
        OrmStore replica = OrmStore.openReplica(StoreConfig.of(r))) {
      primary.applySchema(SchemaParser.parse(V1));
      workload(primary, new Random(1), 5);
      follow(primary, replica);
      long lsn = replica.currentLsn();
      assertThatThrownBy(
              () ->
                  replica.commit(
                      MutationBatch.of(
                          new Mutation.Insert(
                              "Author",
                              Map.of(
                                  "id", Value.of(999L),
                                  "email", Value.of("x@y"),
                                  "name", Value.of("x"),
                                  "score", Value.of(1))))))
          .isInstanceOfSatisfying(
              OrmDbException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.READ_ONLY_REPLICA);
                assertThat(e.getMessage())
                    .isEqualTo(
                        "this node is a read replica of database "
                            + primary.databaseId().orElseThrow()
                            + ": writes go to the primary");
              });
      assertThatThrownBy(() -> replica.applySchema(SchemaParser.parse(V2)))
          .isInstanceOfSatisfying(
              OrmDbException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.READ_ONLY_REPLICA));
      assertThat(replica.currentLsn()).isEqualTo(lsn);
      assertThatThrownBy(() -> primary.applyReplicated(primary.changes(1, 1).get(0)).join())
          .hasCauseInstanceOf(OrmDbException.class)
          .hasMessageContaining("this store is not a replica");
    }
    assertThatThrownBy(() -> OrmStore.open(StoreConfig.of(r)))
        .isInstanceOf(OrmDbException.class)
        .hasMessageContaining("is a read replica of database")
        .hasMessageContaining("open it as a replica");
    try (OrmStore again = OrmStore.openReplica(StoreConfig.of(r))) {
      assertThat(again.isReplica()).isTrue();
      assertThat(again.currentLsn()).isPositive();
    }
  }

  @Test
  void repeatsAreSkippedAndGapsOrForeignPrimariesAreRefusedWithoutWriting() {
    try (OrmStore primary = OrmStore.open(StoreConfig.of(dir.resolve("p")));
        OrmStore other = OrmStore.open(StoreConfig.of(dir.resolve("o")));
        OrmStore replica = OrmStore.openReplica(StoreConfig.inMemory())) {
      primary.applySchema(SchemaParser.parse(V1));
      workload(primary, new Random(3), 10);
      List<ChangeSet> sets = primary.changes(1, 100);
      replica
          .applyReplicatedSchema(primary.databaseId().orElseThrow(), 1, 0, primary.schemaAt(1))
          .join();
      replica.applyReplicated(sets.get(0)).join();
      replica.applyReplicated(sets.get(1)).join();
      assertThat(replica.applyReplicated(sets.get(0)).join())
          .as("a repeat is skipped")
          .isEqualTo(2);
      assertThatThrownBy(() -> replica.applyReplicated(sets.get(3)).join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOfSatisfying(
              OrmDbException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_LSN);
                assertThat(e.getMessage())
                    .isEqualTo("replicated change set 4 does not follow the last applied LSN 2");
              });
      assertThatThrownBy(
              () ->
                  replica
                      .applyReplicatedSchema(
                          other.databaseId().orElseThrow(), 2, 2, SchemaParser.parse(V2))
                      .join())
          .cause()
          .hasMessageContaining("this replica follows database " + primary.databaseId().get());
      assertThat(replica.currentLsn()).isEqualTo(2);
      assertThat(replica.schemaVersions()).containsExactly(1L);
      replica.applyReplicated(sets.get(2)).join();
      assertThat(dump(replica, 3)).isEqualTo(dump(primary, 3));
    }
  }

  /**
   * Applies what the replica lacks, schema versions at their LSNs and history epochs before their
   * first change sets, like a replication stream.
   */
  static void follow(OrmStore primary, OrmStore replica) {
    String id = primary.databaseId().orElseThrow();
    List<OrmStore.SchemaVersion> history = primary.schemaHistory();
    List<OrmStore.HistoryEpoch> epochs = primary.historyEpochs();
    long next = replica.currentLsn() + 1;
    while (true) {
      long have = replica.schemaVersions().isEmpty() ? 0 : replica.schema().version();
      for (OrmStore.SchemaVersion v : history) {
        if (v.version() > have && v.appliedAtLsn() < next) {
          replica
              .applyReplicatedSchema(
                  id, v.version(), v.appliedAtLsn(), primary.schemaAt(v.version()))
              .join();
        }
      }
      List<ChangeSet> sets = primary.changes(next, 64);
      if (sets.isEmpty()) {
        return;
      }
      for (ChangeSet s : sets) {
        if (s.schemaVersion() > replica.schema().version()) {
          break;
        }
        for (OrmStore.HistoryEpoch e : epochs) {
          if (e.firstLsn() <= s.lsn() && e.epoch() > replica.historyEpochs().size()) {
            replica.applyReplicatedEpoch(e).join();
          }
        }
        replica.applyReplicated(s).join();
        next = s.lsn() + 1;
      }
    }
  }

  /** Every live row of every entity at {@code lsn}, by entity and id. */
  static Map<String, Map<Value, Map<String, Value>>> dump(OrmStore store, long lsn) {
    Map<String, Map<Value, Map<String, Value>>> out = new TreeMap<>();
    try (ReadView v = store.snapshotAt(lsn)) {
      for (String entity : List.of("Author", "Book")) {
        Map<Value, Map<String, Value>> rows = new LinkedHashMap<>();
        for (Row row : StoreTestSupport.list(v.scan(entity))) {
          rows.put(row.id(), row.fields());
        }
        out.put(entity, rows);
      }
    }
    return out;
  }

  /**
   * Random batches: an author upserted, then a book upserted, a book deleted or an author deleted
   * (cascading to its books); some are refused (a duplicate email, a row already gone) and write
   * nothing.
   */
  static void workload(OrmStore store, Random rnd, int batches) {
    for (int b = 0; b < batches; b++) {
      List<Mutation> ms = new ArrayList<>();
      long a = rnd.nextInt(40);
      ms.add(
          new Mutation.Upsert(
              "Author",
              Map.of("id", Value.of(a)),
              Map.of(
                  "email", Value.of("a" + a + "@x" + rnd.nextInt(3)),
                  "name", Value.of("n" + rnd.nextInt(100)),
                  "score", Value.of(rnd.nextInt(100)))));
      int n = 1 + rnd.nextInt(3);
      for (int i = 0; i < n; i++) {
        long book = rnd.nextInt(200);
        int op = rnd.nextInt(10);
        if (op < 7) {
          Map<String, Value> f = new LinkedHashMap<>();
          f.put("authorId", Value.of(a));
          f.put("title", Value.of("t" + rnd.nextInt(1000)));
          f.put("year", rnd.nextBoolean() ? Value.NULL : Value.of(1980 + rnd.nextInt(40)));
          ms.add(new Mutation.Upsert("Book", Map.of("id", Value.of(book)), f));
        } else if (op < 9) {
          ms.add(new Mutation.DeleteMany("Book", QueryParser.parseFilter("id == " + book)));
        } else {
          long other = rnd.nextInt(40);
          if (other != a) {
            ms.add(new Mutation.DeleteMany("Author", QueryParser.parseFilter("id == " + other)));
          }
        }
      }
      try {
        store.commit(MutationBatch.of(ms.toArray(new Mutation[0])));
      } catch (OrmDbException e) {
        // a refused batch (a duplicate email) writes nothing
      }
    }
  }
}
