package io.ormdb.cdc.journal;

import com.typesafe.config.Config;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.store.OrmStore;
import io.ormdb.store.journal.JournalEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The journal plugin ({@code ormdb.journal}): events of ordinary persistence ids are stored in the
 * store file through the store's committer (so they share its group commit and fsync), the whole
 * {@link PersistentRepr} serialized with Pekko serialization, tags unwrapped from {@link Tagged}
 * and indexed for {@code eventsByTag}.
 *
 * <p>The persistence id {@code changelog-persistence-id} ({@code ormdb-changelog} by default) is
 * the store's changelog: replaying it yields the committed {@link ChangeSet}s with sequence number
 * = LSN and its highest sequence number is the newest LSN. Only commits write the changelog, in the
 * same MVStore commit as the table changes, so writes to that id are rejected (the persistent
 * actor's {@code onPersistRejected}) and deletes fail. Store I/O runs on the plugin dispatcher.
 */
public final class OrmDbJournal extends AsyncWriteJournal {
  private final String changelogId;
  private final int replayChunk;
  private final Serialization serialization;
  private final Executor io;

  public OrmDbJournal(Config config) {
    this.changelogId = config.getString("changelog-persistence-id");
    this.replayChunk = config.getInt("replay-chunk");
    this.serialization = SerializationExtension.get(context().system());
    this.io = context().dispatcher();
  }

  private OrmStore store() {
    return PluginSupport.store(context().system());
  }

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(
      Iterable<AtomicWrite> messages) {
    return PluginSupport.scala(
        CompletableFuture.supplyAsync(() -> prepare(messages), io)
            .thenCompose(
                p ->
                    store()
                        .journal()
                        .write(p.entries())
                        .thenApply(orderings -> (Iterable<Optional<Exception>>) p.results())));
  }

  private record Prepared(List<JournalEntry> entries, List<Optional<Exception>> results) {}

  /**
   * Serializes each atomic write; one that cannot be serialized (or targets the changelog) is
   * rejected alone.
   */
  private Prepared prepare(Iterable<AtomicWrite> messages) {
    List<JournalEntry> entries = new ArrayList<>();
    List<Optional<Exception>> results = new ArrayList<>();
    for (AtomicWrite aw : messages) {
      if (aw.persistenceId().equals(changelogId)) {
        results.add(
            Optional.of(
                new UnsupportedOperationException(
                    "persistence id "
                        + changelogId
                        + " is the ORMDB changelog: only committed batches write it")));
        continue;
      }
      try {
        List<JournalEntry> these = new ArrayList<>();
        for (PersistentRepr repr : CollectionConverters.asJava(aw.payload())) {
          Set<String> tags = Set.of();
          PersistentRepr r = repr;
          if (r.payload() instanceof Tagged t) {
            tags = Set.copyOf(CollectionConverters.asJava(t.tags()));
            r = r.withPayload(t.payload());
          }
          byte[] bytes = serialization.serialize(r).get();
          these.add(JournalEntry.toWrite(r.persistenceId(), r.sequenceNr(), tags, bytes));
        }
        entries.addAll(these);
        results.add(Optional.empty());
      } catch (Exception e) {
        results.add(Optional.of(e));
      }
    }
    return new Prepared(entries, results);
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    if (persistenceId.equals(changelogId)) {
      return PluginSupport.scala(
          CompletableFuture.failedFuture(
              new UnsupportedOperationException(
                  "the ORMDB changelog ("
                      + changelogId
                      + ") is truncated by its retention setting, not by deleteMessagesTo")));
    }
    return PluginSupport.scala(
        CompletableFuture.supplyAsync(() -> store().journal(), io)
            .thenCompose(j -> j.deleteTo(persistenceId, toSequenceNr)));
  }

  @Override
  public Future<Void> doAsyncReplayMessages(
      String persistenceId,
      long fromSequenceNr,
      long toSequenceNr,
      long max,
      Consumer<PersistentRepr> replayCallback) {
    return PluginSupport.scala(
        CompletableFuture.runAsync(
            () -> {
              if (persistenceId.equals(changelogId)) {
                replayChangelog(fromSequenceNr, toSequenceNr, max, replayCallback);
              } else {
                store()
                    .journal()
                    .replay(
                        persistenceId,
                        fromSequenceNr,
                        toSequenceNr,
                        max,
                        e ->
                            replayCallback.accept(
                                serialization
                                    .deserialize(e.payload(), PersistentRepr.class)
                                    .get()));
              }
            },
            io));
  }

  private void replayChangelog(long from, long to, long max, Consumer<PersistentRepr> callback) {
    OrmStore store = store();
    long next = Math.max(Math.max(1, from), store.oldestChangelogLsn());
    long last = Math.min(to, store.currentLsn());
    long n = 0;
    while (next <= last && n < max) {
      List<ChangeSet> chunk = store.changes(next, replayChunk);
      if (chunk.isEmpty()) {
        return;
      }
      for (ChangeSet cs : chunk) {
        if (cs.lsn() > last || n >= max) {
          return;
        }
        callback.accept(
            PersistentRepr.apply(cs, cs.lsn(), changelogId, "", false, ActorRef.noSender(), ""));
        n++;
        next = cs.lsn() + 1;
      }
    }
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    return PluginSupport.scala(
        CompletableFuture.supplyAsync(
            () ->
                persistenceId.equals(changelogId)
                    ? store().currentLsn()
                    : store().journal().highestSequenceNr(persistenceId),
            io));
  }
}
