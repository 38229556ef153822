package io.ormdb.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.Partitioning;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;

/**
 * The actor protocol as a client sees it, run with locally hosted shards and with Cluster Sharding
 * (subclasses give the test kit).
 */
abstract class ActorProtocolContract {
  static final int PARTITIONS = 4;

  abstract ActorTestKit kit();

  static Mutation user(long id, String email) {
    return new Mutation.Insert(
        "User", Map.of("id", Value.of(id), "email", Value.of(email), "name", Value.of("n" + id)));
  }

  static Message.Error error(Message.Response r) {
    assertThat(r).isInstanceOf(Message.Error.class);
    return (Message.Error) r;
  }

  @Test
  void writesAGraphAndReadsItBack() {
    try (TestDb db = TestDb.blog(kit().system(), PARTITIONS)) {
      Mutation.Insert post =
          new Mutation.Insert(
              "", Map.of("id", Value.of(10L), "title", Value.of("hello")), List.of());
      Mutation.Insert ada =
          new Mutation.Insert(
              "User",
              Map.of("id", Value.of(1L), "email", Value.of("ada@x"), "name", Value.of("Ada")),
              List.of(new Mutation.NestedInsert("posts", List.of(post))));
      Message.MutateReply w =
          TestDb.ok(
              db.call(id -> new Message.Mutate(id, 0, MutationBatch.of(ada))),
              Message.MutateReply.class);
      assertThat(w.result().lsn()).isPositive();
      QueryResult r =
          TestDb.ok(
                  db.call(
                      id ->
                          new Message.Query(
                              id, 0, GraphQuery.from("User").include("posts").build())),
                  Message.QueryReply.class)
              .result();
      assertThat(r.root().ids()).containsExactly(Value.of(1L));
      assertThat(r.block("posts").ids()).containsExactly(Value.of(10L));
      assertThat(r.snapshotLsn()).isEqualTo(w.result().lsn());
    }
  }

  @Test
  void unknownEntityIsInvalidRequestWithASuggestion() {
    try (TestDb db = TestDb.blog(kit().system(), PARTITIONS)) {
      Message.Error q =
          error(db.call(id -> new Message.Query(id, 0, GraphQuery.from("Usr").build())));
      assertThat(q.code()).isEqualTo(ErrorCode.INVALID_REQUEST.code());
      assertThat(q.message()).contains("unknown entity 'Usr'").contains("did you mean 'User'");
      Message.Error m =
          error(
              db.call(
                  id ->
                      new Message.Mutate(
                          id,
                          0,
                          MutationBatch.of(user(1, "a"), new Mutation.Insert("Usr", Map.of())))));
      assertThat(m.code()).isEqualTo(ErrorCode.INVALID_REQUEST.code());
      assertThat(m.message()).startsWith("mutation 1 (insert into Usr): unknown entity 'Usr'");
      Message.Error f =
          error(
              db.call(
                  id ->
                      new Message.Mutate(
                          id,
                          0,
                          MutationBatch.of(
                              new Mutation.Insert("User", Map.of("emial", Value.of("x")))))));
      assertThat(f.message()).contains("did you mean 'email'");
      assertThat(db.store.currentLsn()).isZero();
    }
  }

  @Test
  void constraintViolationNamesTheMutation() {
    try (TestDb db = TestDb.blog(kit().system(), PARTITIONS)) {
      TestDb.ok(
          db.call(id -> new Message.Mutate(id, 0, MutationBatch.of(user(1, "a@x")))),
          Message.MutateReply.class);
      Message.Error e =
          error(db.call(id -> new Message.Mutate(id, 0, MutationBatch.of(user(2, "a@x")))));
      assertThat(e.code()).isEqualTo(ErrorCode.CONSTRAINT_VIOLATION.code());
      assertThat(e.message()).startsWith("mutation 0 (insert into User)").contains("email");
    }
  }

  @Test
  void anotherSchemaVersionIsSchemaMismatch() {
    try (TestDb db = TestDb.blog(kit().system(), PARTITIONS)) {
      long current = db.store.schema().version();
      Message.Error e =
          error(db.call(id -> new Message.Query(id, current + 7, GraphQuery.from("User").build())));
      assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_MISMATCH.code());
      Message.Error w =
          error(db.call(id -> new Message.Mutate(id, current + 7, MutationBatch.of(user(1, "a")))));
      assertThat(w.code()).isEqualTo(ErrorCode.SCHEMA_MISMATCH.code());
      assertThat(db.call(id -> new Message.Query(id, current, GraphQuery.from("User").build())))
          .isInstanceOf(Message.QueryReply.class);
    }
  }

  @Test
  void schemaOperationsAndQueryText() {
    try (TestDb db = TestDb.inMemory(kit().system(), PARTITIONS)) {
      Message.SchemaApplied applied =
          TestDb.ok(
              db.call(id -> new Message.ApplySchema(id, TestDb.BLOG)), Message.SchemaApplied.class);
      Message.SchemaReply schema =
          TestDb.ok(db.call(id -> new Message.GetSchema(id, 0)), Message.SchemaReply.class);
      assertThat(schema.version()).isEqualTo(applied.version());
      assertThat(schema.schemaText()).contains("entity Post");
      TestDb.ok(
          db.call(
              id ->
                  new Message.QueryText(
                      id, 0, "User.create({id: 5, email: \"e@x\", name: \"Eve\"})")),
          Message.MutateReply.class);
      QueryResult r =
          TestDb.ok(
                  db.call(id -> new Message.QueryText(id, 0, "User.findMany().where(id == 5)")),
                  Message.QueryReply.class)
              .result();
      assertThat(r.root().ids()).containsExactly(Value.of(5L));
      assertThat(db.call(id -> new Message.QueryText(id, 0, "User.count()")))
          .isInstanceOf(Message.AggregateReply.class);
      Message.Error bad = error(db.call(id -> new Message.QueryText(id, 0, "User.findMany(")));
      assertThat(bad.code()).isEqualTo(ErrorCode.INVALID_REQUEST.code());
    }
  }

  /**
   * Primary-key reads answer exactly what the store answers, whichever partition owns the id:
   * present ids, a missing id, query text, ids of several partitions, with includes; a wrong schema
   * version is refused.
   */
  @Test
  void primaryKeyReadsAnswerWhatTheStoreAnswers() {
    try (TestDb db = TestDb.blog(kit().system(), PARTITIONS)) {
      List<Mutation> users = new ArrayList<>();
      for (long id = 1; id <= 16; id++) {
        users.add(user(id, "u" + id + "@x"));
      }
      TestDb.ok(
          db.call(id -> new Message.Mutate(id, 0, new MutationBatch(users))),
          Message.MutateReply.class);
      GraphQuery first = byId(1);
      assertThat(query(db, first)).isEqualTo(db.store.query(first));
      Set<Integer> owners = new HashSet<>();
      for (long id = 1; id <= 16; id++) {
        GraphQuery q = byId(id);
        assertThat(query(db, q)).as("id %d", id).isEqualTo(db.store.query(q));
        owners.add(Partitioning.partitionOf(Value.of(id), PARTITIONS));
      }
      assertThat(owners).hasSize(PARTITIONS); // every shard answered some, not only partition 0

      GraphQuery missing = byId(999);
      QueryResult none = query(db, missing);
      assertThat(none.root().size()).isZero();
      assertThat(none).isEqualTo(db.store.query(missing));

      QueryResult text =
          TestDb.ok(
                  db.call(id -> new Message.QueryText(id, 0, "User.findMany().where(id == 5)")),
                  Message.QueryReply.class)
              .result();
      assertThat(text).isEqualTo(db.store.query(byId(5)));

      List<Value> spread = new ArrayList<>();
      for (long id = 1; spread.size() < 2; id++) {
        if (spread.isEmpty()
            || Partitioning.partitionOf(Value.of(id), PARTITIONS)
                != Partitioning.partitionOf(spread.get(0), PARTITIONS)) {
          spread.add(Value.of(id));
        }
      }
      GraphQuery two =
          GraphQuery.from("User")
              .where(new io.ormdb.protocol.query.Filter.In("id", spread, false))
              .build();
      assertThat(query(db, two)).isEqualTo(db.store.query(two));
      assertThat(query(db, two).root().size()).isEqualTo(2);
      GraphQuery withPosts =
          GraphQuery.from("User")
              .where(io.ormdb.protocol.query.Filter.eq("id", 3L))
              .include("posts")
              .build();
      assertThat(query(db, withPosts)).isEqualTo(db.store.query(withPosts));
      assertThat(query(db, withPosts)).isEqualTo(db.store.query(withPosts));

      long current = db.store.schema().version();
      Message.Error e = error(db.call(id -> new Message.Query(id, current + 1, byId(2))));
      assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_MISMATCH.code());
      assertThat(
              TestDb.ok(
                      db.call(id -> new Message.Query(id, current, byId(2))),
                      Message.QueryReply.class)
                  .result())
          .isEqualTo(db.store.query(byId(2)));
    }
  }

  static GraphQuery byId(long id) {
    return GraphQuery.from("User").where(io.ormdb.protocol.query.Filter.eq("id", id)).build();
  }

  static QueryResult query(TestDb db, GraphQuery q) {
    return TestDb.ok(db.call(id -> new Message.Query(id, 0, q)), Message.QueryReply.class).result();
  }

  /** A batch over at least three partitions whose last mutation fails leaves nothing anywhere. */
  @Test
  void multiShardBatchIsAtomic() {
    try (TestDb db = TestDb.blog(kit().system(), PARTITIONS)) {
      TestDb.ok(
          db.call(id -> new Message.Mutate(id, 0, MutationBatch.of(user(1000, "taken@x")))),
          Message.MutateReply.class);
      long lsnBefore = db.store.currentLsn();
      List<Mutation> batch = new ArrayList<>();
      Set<Integer> partitions = new HashSet<>();
      for (long id = 1; id <= 12; id++) {
        batch.add(user(id, "u" + id + "@x"));
        partitions.add(Partitioning.partitionOf(Value.of(id), PARTITIONS));
      }
      batch.add(user(13, "taken@x")); // the last one breaks the unique email
      assertThat(partitions).hasSizeGreaterThanOrEqualTo(3);
      Message.Error e = error(db.call(id -> new Message.Mutate(id, 0, new MutationBatch(batch))));
      assertThat(e.code()).isEqualTo(ErrorCode.CONSTRAINT_VIOLATION.code());
      assertThat(e.message()).startsWith("mutation 12 (insert into User)");

      QueryResult all =
          TestDb.ok(
                  db.call(id -> new Message.Query(id, 0, GraphQuery.from("User").build())),
                  Message.QueryReply.class)
              .result();
      assertThat(all.root().ids()).containsExactly(Value.of(1000L));
      assertThat(db.store.currentLsn()).isEqualTo(lsnBefore);
      assertThat(db.store.changes(lsnBefore + 1, 100)).isEmpty();
    }
  }

  /** 8 clients insert the same unique keys at once: exactly one winner per key. */
  @Test
  void concurrentUniqueInsertsHaveOneWinnerPerKey() {
    try (TestDb db = TestDb.blog(kit().system(), PARTITIONS)) {
      int clients = 8;
      int keys = 25;
      List<CompletableFuture<Message.Response>> answers = new ArrayList<>();
      List<String> keyOf = new ArrayList<>();
      long[] ids = {1};
      for (int k = 0; k < keys; k++) {
        for (int c = 0; c < clients; c++) {
          long id = ids[0]++;
          String email = "k" + k + "@x";
          keyOf.add(email);
          answers.add(
              db.askOn(c, rid -> new Message.Mutate(rid, 0, MutationBatch.of(user(id, email))))
                  .toCompletableFuture());
        }
      }
      java.util.Map<String, Integer> winners = new java.util.TreeMap<>();
      int refused = 0;
      for (int i = 0; i < answers.size(); i++) {
        Message.Response r = answers.get(i).join();
        if (r instanceof Message.MutateReply) {
          winners.merge(keyOf.get(i), 1, Integer::sum);
        } else {
          assertThat(((Message.Error) r).code())
              .as(((Message.Error) r).message())
              .isIn(ErrorCode.CONSTRAINT_VIOLATION.code(), ErrorCode.CONFLICT.code());
          refused++;
        }
      }
      System.out.printf(
          "unique collisions (%s): %d clients x %d keys: %d winners, %d refused%n",
          db.actors.router().hosting(),
          clients,
          keys,
          winners.values().stream().mapToInt(i -> i).sum(),
          refused);
      assertThat(winners).hasSize(keys).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
      assertThat(refused).isEqualTo(clients * keys - keys);
      QueryResult all =
          TestDb.ok(
                  db.call(id -> new Message.Query(id, 0, GraphQuery.from("User").build())),
                  Message.QueryReply.class)
              .result();
      assertThat(all.root().size()).isEqualTo(keys);
    }
  }
}
