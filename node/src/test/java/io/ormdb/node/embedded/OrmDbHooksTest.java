package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hooks configured under {@code ormdb.embedded.planner-hooks} see every request of {@link
 * OrmDb} exactly once: reads on the caller's thread and through the embedded session alike, writes,
 * aggregates and explains.
 */
class OrmDbHooksTest {
  private ActorSystem<Void> system;
  private OrmDb db;

  @BeforeEach
  void start() {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "hooks",
            ConfigFactory.parseString(
                    "ormdb.embedded.planner-hooks = \""
                        + CountingHooks.class.getName()
                        + "\"\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    db = OrmDb.get(system);
    db.applySchema(OrmDbEmbeddedTest.SCHEMA).toCompletableFuture().join();
  }

  @AfterEach
  void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Mutation note(long id) {
    return new Mutation.Insert("Note", Map.of("id", Value.of(id), "text", Value.of("n" + id)));
  }

  @Test
  void everyRequestPassesTheHooksOnce() throws Exception {
    int mutations = CountingHooks.MUTATIONS.get();
    db.mutate(MutationBatch.of(note(1), note(2))).toCompletableFuture().join();
    db.mutate("Note.create({id: 3, text: \"n3\"})").toCompletableFuture().join();
    assertThat(CountingHooks.MUTATIONS.get() - mutations).isEqualTo(2);

    GraphQuery all = GraphQuery.from("Note").build();
    GraphQuery byId = GraphQuery.from("Note").where(Filter.eq("id", 2L)).build();
    int queries = CountingHooks.QUERIES.get();
    int budgets = CountingHooks.BUDGETS.get();
    assertThat(db.query(all).toCompletableFuture().join().root().size()).isEqualTo(3);
    assertThat(db.query(byId).toCompletableFuture().join().root().size()).isEqualTo(1);
    db.explain(all, true).toCompletableFuture().join();
    assertThat(CountingHooks.QUERIES.get() - queries).as("caller-thread reads").isEqualTo(3);
    assertThat(CountingHooks.BUDGETS.get() - budgets).isEqualTo(3);

    // from an actor's thread the read goes through the embedded session: still once
    queries = CountingHooks.QUERIES.get();
    CompletableFuture<QueryResult> fromActor = new CompletableFuture<>();
    system.systemActorOf(
        Behaviors.setup(
            ctx -> {
              db.query(all)
                  .whenComplete(
                      (r, e) -> {
                        if (e != null) {
                          fromActor.completeExceptionally(e);
                        } else {
                          fromActor.complete(r);
                        }
                      });
              return Behaviors.empty();
            }),
        "reader",
        Props.empty());
    assertThat(fromActor.get(10, TimeUnit.SECONDS).root().size()).isEqualTo(3);
    assertThat(CountingHooks.QUERIES.get() - queries).as("through the session").isEqualTo(1);

    int aggregates = CountingHooks.AGGREGATES.get();
    db.aggregate(
            new AggregateQuery(
                "Note",
                List.of(new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, null)),
                null,
                List.of(),
                null))
        .toCompletableFuture()
        .join();
    assertThat(CountingHooks.AGGREGATES.get() - aggregates).isEqualTo(1);
  }
}
