package io.ormdb.actors.shard;

import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.store.OrmStore;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * What every actor of one ORMDB instance shares: the store (one per ActorSystem), the executor of
 * the store dispatcher that the sessions' reads and schema operations run on, and the settings.
 */
public record ShardContext(OrmStore store, Executor storeExecutor, ActorSettings settings) {

  /** The context for {@code store} with the {@value ActorSettings#STORE_DISPATCHER} dispatcher. */
  public static ShardContext create(ActorSystem<?> system, OrmStore store, ActorSettings settings) {
    Executor executor =
        system.dispatchers().lookup(DispatcherSelector.fromConfig(ActorSettings.STORE_DISPATCHER));
    return new ShardContext(store, executor, settings);
  }

  public int partitions() {
    return settings.partitions();
  }
}
