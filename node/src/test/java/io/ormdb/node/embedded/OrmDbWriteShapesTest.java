package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.mutation.Writes;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Write shapes through the embedded API, over several partitions (each owner validates its part of
 * a batch, then the batch commits once): rows named in a batch, connect, nested updates and
 * arithmetic sets, and concurrent increments from many threads that add up exactly.
 */
class OrmDbWriteShapesTest {
  static final String SCHEMA =
      """
      entity Account {
        id      int64          @id
        owner   string         @unique
        n       int64          @default(0)
        balance decimal(12, 2) @default(0.00)
        relation entries: one to many Entry by accountId
      }
      entity Entry {
        id        int64  @id
        accountId int64
        amount    int64
        relation account: many to one Account by accountId
      }
      """;

  ActorSystem<Void> system;
  OrmDb db;

  @BeforeEach
  void open() {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "write-shapes",
            ConfigFactory.parseString(
                    "ormdb.data-dir = \":memory:\"\normdb.partitions = 4\n"
                        + "pekko.actor.serialize-messages = on\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    db = OrmDb.get(system);
    db.applySchema(SCHEMA).toCompletableFuture().join();
  }

  @AfterEach
  void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private MutationResult mutate(String text) {
    return db.mutate(text).toCompletableFuture().join();
  }

  private OrmDbException refused(String text) {
    try {
      mutate(text);
    } catch (CompletionException e) {
      return (OrmDbException) e.getCause();
    }
    throw new AssertionError("not refused: " + text);
  }

  private List<Map<String, Object>> accounts() {
    return ResultObjects.toMaps(
        db.query("Account.findMany().include(entries, orderBy: [id]).orderBy(id)")
            .toCompletableFuture()
            .join());
  }

  @Test
  void aBatchNamesConnectsAndNestsAcrossPartitions() {
    MutationResult r =
        mutate(
            """
            batch {
              let a = Account.create({ owner: "ann", balance: 5.00m });
              let b = Account.create({ owner: "bo" });
              Entry.create({ id: 1, accountId: a.id, amount: 10 });
              Entry.create({ id: 2, account: { connect: { owner: "bo" } }, amount: 20 });
              Account.update(id: 1).set({
                balance: balance + 2.50m,
                entries: { update: { where: { id: 1 }, set: { amount: amount * 3 } } }
              })
            }
            """);
    assertThat(r.named()).containsEntry("a", Value.of(1L)).containsEntry("b", Value.of(2L));
    assertThat(accounts())
        .containsExactly(
            Map.of(
                "id",
                1L,
                "owner",
                "ann",
                "n",
                0L,
                "balance",
                new java.math.BigDecimal("7.50"),
                "entries",
                List.of(Map.of("id", 1L, "accountId", 1L, "amount", 30L))),
            Map.of(
                "id",
                2L,
                "owner",
                "bo",
                "n",
                0L,
                "balance",
                new java.math.BigDecimal("0.00"),
                "entries",
                List.of(Map.of("id", 2L, "accountId", 2L, "amount", 20L))));
    mutate("Account.update(id: 1).set({ entries: { connect: [{ id: 2 }] } })");
    assertThat((List<?>) accounts().get(0).get("entries")).hasSize(2);
  }

  @Test
  void mistakesAreRefusedOnEveryPathWithTheirPositionOrTheirMutation() {
    mutate("Account.create({ id: 1, owner: \"ann\" })");
    OrmDbException e =
        refused("Entry.create({ id: 1, amount: 1, account: { conect: { id: 1 } } })");
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage())
        .isEqualTo("line 1:45: unknown nested write 'conect' (did you mean 'connect'?)");
    e = refused("Entry.create({ id: 1, amount: 1, account: { connect: { id: 7 } } })");
    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(e.getMessage())
        .isEqualTo(
            "mutation 0 (insert into Entry): nested connect account[0] to Account: no Account"
                + " with id=7");
    e = refused("Account.update(id: 1).set({ entries: { disconnect: { id: 1 } } })");
    assertThat(e.getMessage())
        .isEqualTo(
            "mutation 0 (update Account): relation Account.entries: disconnecting sets"
                + " Entry.accountId to null, and it is required; delete the Entry instead");
    e = refused("Account.update(id: 1).set({ n: n + 9223372036854775807 + 1 })");
    assertThat(e.code()).isEqualTo(ErrorCode.CONSTRAINT_VIOLATION);
    assertThat(e.getMessage())
        .isEqualTo(
            "mutation 0 (update Account): field Account.n: 9223372036854775807 + 1 overflows"
                + " int64");
  }

  @Test
  void incrementsFromManyThreadsAddUpExactly() throws Exception {
    mutate(
        "batch { Account.create({ id: 1, owner: \"a\" }); Account.create({ id: 2, owner: \"b\" }) }");
    int threads = 8;
    int each = 60;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                  List<CompletableFuture<MutationResult>> mine = new ArrayList<>();
                  for (int i = 0; i < each; i++) {
                    mine.add(
                        (i + thread) % 2 == 0
                            ? db.mutate(
                                    "Account.update(id: 1).set({ n: n + 1, balance: balance +"
                                        + " 0.25m })")
                                .toCompletableFuture()
                            : db.mutate(
                                    MutationBatch.of(
                                        Writes.update("Account", 1L)
                                            .set("n", Writes.field("n").plus(1L))
                                            .set(
                                                "balance",
                                                Writes.field("balance")
                                                    .plus(new java.math.BigDecimal("0.25")))
                                            .build(),
                                        Writes.update("Account", 2L)
                                            .set("n", Writes.field("n").minus(2L))
                                            .build()))
                                .toCompletableFuture());
                  }
                  mine.forEach(CompletableFuture::join);
                },
                pool));
      }
      go.countDown();
      for (CompletableFuture<Void> d : done) {
        d.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    int total = threads * each;
    List<Map<String, Object>> rows = accounts();
    assertThat(rows.get(0).get("n")).isEqualTo((long) total);
    assertThat(rows.get(0).get("balance"))
        .isEqualTo(new java.math.BigDecimal(total).multiply(new java.math.BigDecimal("0.25")));
    assertThat(rows.get(1).get("n")).isEqualTo(-2L * (total / 2));
  }
}
