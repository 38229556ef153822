package io.ormdb.cdc;

import io.ormdb.store.OrmStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Where the cdc components of an ActorSystem (the journal and snapshot plugins, the read journal)
 * find the store: the node's {@code OrmDb} extension registers the store it owns here when it
 * starts, before anything can persist or query. An application using the plugins without the node
 * registers its own store. One store per ActorSystem.
 */
public final class OrmStoreRegistry implements Extension {
  private final String systemName;
  private final AtomicReference<OrmStore> store = new AtomicReference<>();

  private OrmStoreRegistry(ActorSystem<?> system) {
    this.systemName = system.name();
  }

  public static final ExtensionId<OrmStoreRegistry> ID =
      new ExtensionId<>() {
        @Override
        public OrmStoreRegistry createExtension(ActorSystem<?> system) {
          return new OrmStoreRegistry(system);
        }
      };

  public static OrmStoreRegistry get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /**
   * Registers the store of this ActorSystem. Registering the same store again is a no-op; another
   * store while one is registered is refused ({@link IllegalStateException}).
   */
  public void register(OrmStore s) {
    if (!store.compareAndSet(null, s) && store.get() != s) {
      throw new IllegalStateException(
          "another ORMDB store is already registered with ActorSystem " + systemName);
    }
  }

  /** Removes the registration of {@code s} (when it is the registered one). */
  public void unregister(OrmStore s) {
    store.compareAndSet(s, null);
  }

  public Optional<OrmStore> find() {
    return Optional.ofNullable(store.get());
  }

  /** The registered store; fails with a message that says how to register one. */
  public OrmStore store() {
    OrmStore s = store.get();
    if (s == null) {
      throw new IllegalStateException(
          "no ORMDB store is registered with ActorSystem "
              + systemName
              + ": start the node's OrmDb extension (OrmDb.get(system)) or call"
              + " OrmStoreRegistry.get(system).register(store) before persisting or querying");
    }
    return s;
  }
}
