package io.ormdb.node.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.ormdb.node.embedded.OrmDb;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The embedded default the command line runs on: an ActorSystem of its own with ORMDB opened on a
 * data directory (or in memory). Closing it runs CoordinatedShutdown, which closes the store after
 * the writes handed to it are durable.
 */
final class EmbeddedNode implements AutoCloseable {
  private static final Duration SHUTDOWN = Duration.ofSeconds(30);

  private final ActorSystem<Void> system;
  private final OrmDb db;

  EmbeddedNode(String name, String dataDir) {
    Config config =
        ConfigFactory.empty()
            .withValue("ormdb.data-dir", ConfigValueFactory.fromAnyRef(dataDir))
            // the terminal shows results; only warnings and errors of the runtime belong there
            .withValue("pekko.loglevel", ConfigValueFactory.fromAnyRef("WARNING"))
            .withValue("pekko.stdout-loglevel", ConfigValueFactory.fromAnyRef("WARNING"))
            .withValue("pekko.log-dead-letters", ConfigValueFactory.fromAnyRef("off"))
            .withFallback(ConfigFactory.load());
    this.system = ActorSystem.create(Behaviors.empty(), name, config);
    try {
      this.db = OrmDb.get(system);
      db.startConfiguredAuditSink(); // ormdb.audit.enabled (off by default)
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  OrmDb db() {
    return db;
  }

  /** The node's ActorSystem, to run the streams of change feeds and live queries. */
  ActorSystem<Void> system() {
    return system;
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system
          .getWhenTerminated()
          .toCompletableFuture()
          .get(SHUTDOWN.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      throw new IllegalStateException("ORMDB did not shut down within " + SHUTDOWN, e);
    }
  }
}
