package io.ormdb.cdc.journal;

import io.ormdb.store.journal.SnapshotCriteria;
import io.ormdb.store.journal.SnapshotEntry;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.serialization.Snapshot;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import scala.concurrent.Future;

/**
 * The snapshot-store plugin ({@code ormdb.snapshot-store}): snapshots in the store file, written
 * through the committer, serialized with Pekko serialization as {@link Snapshot}. Store I/O runs on
 * the plugin dispatcher.
 */
public final class OrmDbSnapshotStore extends SnapshotStore {
  private final Serialization serialization;
  private final Executor io;

  public OrmDbSnapshotStore() {
    this.serialization = SerializationExtension.get(context().system());
    this.io = context().dispatcher();
  }

  private static SnapshotCriteria criteria(SnapshotSelectionCriteria c) {
    return new SnapshotCriteria(
        c.maxSequenceNr(), c.maxTimestamp(), c.minSequenceNr(), c.minTimestamp());
  }

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(
      String persistenceId, SnapshotSelectionCriteria criteria) {
    return PluginSupport.scala(
        CompletableFuture.supplyAsync(
            () ->
                PluginSupport.store(context().system())
                    .journal()
                    .loadSnapshot(persistenceId, criteria(criteria))
                    .map(
                        s ->
                            SelectedSnapshot.create(
                                new SnapshotMetadata(
                                    s.persistenceId(), s.sequenceNr(), s.timestampMillis()),
                                serialization
                                    .deserialize(s.payload(), Snapshot.class)
                                    .get()
                                    .data())),
            io));
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    return PluginSupport.scala(
        CompletableFuture.supplyAsync(
                () ->
                    new SnapshotEntry(
                        metadata.persistenceId(),
                        metadata.sequenceNr(),
                        metadata.timestamp(),
                        serialization.serialize(new Snapshot(snapshot)).get()),
                io)
            .thenCompose(e -> PluginSupport.store(context().system()).journal().saveSnapshot(e)));
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    return PluginSupport.scala(
        CompletableFuture.supplyAsync(() -> PluginSupport.store(context().system()), io)
            .thenCompose(
                s ->
                    s.journal()
                        .deleteSnapshot(
                            metadata.persistenceId(),
                            metadata.sequenceNr(),
                            metadata.timestamp())));
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    return PluginSupport.scala(
        CompletableFuture.supplyAsync(() -> PluginSupport.store(context().system()), io)
            .thenCompose(s -> s.journal().deleteSnapshots(persistenceId, criteria(criteria))));
  }
}
