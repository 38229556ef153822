package io.ormdb.cdc.query;

import com.typesafe.config.Config;
import io.ormdb.cdc.OrmStoreRegistry;
import io.ormdb.cdc.internal.ChunkReader;
import io.ormdb.cdc.internal.ChunkedSource;
import io.ormdb.store.OrmStore;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.NoOffset;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The Java read journal of {@code ormdb.query} ({@code
 * PersistenceQuery.get(system).getReadJournalFor(OrmDbReadJournal.class,
 * OrmDbReadJournal.IDENTIFIER)}).
 *
 * <p>Offsets are {@link Sequence}s and exclusive (a query returns what comes after the offset;
 * {@link NoOffset} = from the start): for the tag {@code changelog-tag} ({@code changelog}) and the
 * changelog persistence id the value is the LSN and each event is a committed {@code ChangeSet};
 * for ordinary tags it is the journal's global ordering. Live queries continue on the store's
 * commit notification (no polling); all queries read in chunks on demand, so a slow consumer
 * backpressures the reads.
 */
public final class OrmDbReadJournal
    implements EventsByTagQuery,
        CurrentEventsByTagQuery,
        EventsByPersistenceIdQuery,
        CurrentEventsByPersistenceIdQuery {
  /** The plugin id of this read journal. */
  public static final String IDENTIFIER = "ormdb.query";

  private final Supplier<OrmStore> store;
  private final Serialization serialization;
  private final Executor executor;
  private final String changelogTag;
  private final String changelogId;
  private final int chunk;

  OrmDbReadJournal(ExtendedActorSystem system, Config config) {
    OrmStoreRegistry registry = OrmStoreRegistry.get(Adapter.toTyped(system));
    this.store = registry::store;
    this.serialization = SerializationExtension.get(system);
    this.executor = system.dispatchers().lookup(config.getString("read-dispatcher"));
    this.changelogTag = config.getString("changelog-tag");
    this.changelogId = config.getString("changelog-persistence-id");
    this.chunk = config.getInt("read-chunk");
  }

  private Source<EventEnvelope, NotUsed> source(Supplier<ChunkReader<EventEnvelope>> reader) {
    return Source.fromGraph(new ChunkedSource<>(reader, executor))
        .mapMaterializedValue(c -> NotUsed.getInstance());
  }

  private static long after(Offset offset) {
    if (offset instanceof Sequence s) {
      return s.value();
    }
    if (offset == null || offset == NoOffset.getInstance()) {
      return 0;
    }
    throw new IllegalArgumentException(
        "ormdb.query supports Sequence offsets and NoOffset, not " + offset);
  }

  private Source<EventEnvelope, NotUsed> byTag(String tag, Offset offset, boolean live) {
    long after = after(offset);
    if (tag.equals(changelogTag)) {
      return source(
          () ->
              new QueryReaders.Changelog(
                  store, changelogId, after + 1, Long.MAX_VALUE, live, chunk));
    }
    return source(() -> new QueryReaders.ByTag(store, serialization, tag, after, live, chunk));
  }

  private Source<EventEnvelope, NotUsed> byId(String pid, long from, long to, boolean live) {
    if (pid.equals(changelogId)) {
      return source(() -> new QueryReaders.Changelog(store, changelogId, from, to, live, chunk));
    }
    return source(
        () -> new QueryReaders.ByPersistenceId(store, serialization, pid, from, to, live, chunk));
  }

  @Override
  public Source<EventEnvelope, NotUsed> eventsByTag(String tag, Offset offset) {
    return byTag(tag, offset, true);
  }

  @Override
  public Source<EventEnvelope, NotUsed> currentEventsByTag(String tag, Offset offset) {
    return byTag(tag, offset, false);
  }

  @Override
  public Source<EventEnvelope, NotUsed> eventsByPersistenceId(
      String persistenceId, long fromSequenceNr, long toSequenceNr) {
    return byId(persistenceId, fromSequenceNr, toSequenceNr, true);
  }

  @Override
  public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(
      String persistenceId, long fromSequenceNr, long toSequenceNr) {
    return byId(persistenceId, fromSequenceNr, toSequenceNr, false);
  }
}
