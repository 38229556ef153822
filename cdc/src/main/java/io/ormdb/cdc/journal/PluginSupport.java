package io.ormdb.cdc.journal;

import io.ormdb.cdc.OrmStoreRegistry;
import io.ormdb.store.OrmStore;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/** What both plugins share: finding the store and turning Java futures into Scala ones. */
final class PluginSupport {
  private PluginSupport() {}

  /** The store registered with the plugin's ActorSystem (fails clearly when there is none). */
  static OrmStore store(ActorSystem system) {
    return OrmStoreRegistry.get(Adapter.toTyped(system)).store();
  }

  static <T> Future<T> scala(CompletionStage<T> f) {
    return FutureConverters.asScala(f);
  }
}
