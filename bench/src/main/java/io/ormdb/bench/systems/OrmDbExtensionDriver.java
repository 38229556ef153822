package io.ormdb.bench.systems;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.ormdb.bench.data.Dataset;
import io.ormdb.bench.driver.ChildLoop;
import io.ormdb.bench.driver.Driver;
import io.ormdb.bench.driver.Session;
import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.QueryResult;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * ORMDB embedded the way an application embeds it: a Pekko ActorSystem with the {@link OrmDb}
 * extension, every request going through the connection, planner, executor and entity-shard actors.
 * The data is loaded through the extension's store; the measured calls use the extension's {@code
 * CompletionStage} API and wait for each answer, as a blocking caller would.
 */
public final class OrmDbExtensionDriver implements Driver {
  private ActorSystem<Void> system;
  private OrmDb db;
  private final OrmStoreDriver loader =
      new OrmStoreDriver(
          dir -> {
            system =
                ActorSystem.create(
                    Behaviors.empty(),
                    "bench",
                    ConfigFactory.empty()
                        .withValue("ormdb.data-dir", ConfigValueFactory.fromAnyRef(dir.toString()))
                        .withValue("pekko.loglevel", ConfigValueFactory.fromAnyRef("WARNING"))
                        .withFallback(ConfigFactory.load()));
            db = OrmDb.get(system);
            return db.store();
          });

  public static void main(String[] args) {
    ChildLoop.serve(new OrmDbExtensionDriver());
  }

  @Override
  public void load(Dataset data, Path dir) throws Exception {
    loader.load(data, dir);
  }

  @Override
  public Session session(String variant, String conn) {
    if (!"embedded".equals(conn)) {
      throw new UnsupportedOperationException("ORMDB server (TCP) is not built yet");
    }
    return new OrmStoreDriver.OrmSession(
        new OrmStoreDriver.Api() {
          @Override
          public QueryResult query(GraphQuery q) {
            return await(db.query(q));
          }

          @Override
          public MutationResult commit(MutationBatch batch) {
            return await(db.mutate(batch));
          }

          @Override
          public AggregateResult aggregate(AggregateQuery q) {
            return await(db.aggregate(q));
          }
        });
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof OrmDbException o) {
        throw o;
      }
      throw e;
    }
  }

  @Override
  public String durability(String variant) {
    return loader.durability(variant);
  }

  @Override
  public void close() throws Exception {
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }
}
