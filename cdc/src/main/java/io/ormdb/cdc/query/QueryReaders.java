package io.ormdb.cdc.query;

import io.ormdb.cdc.internal.ChunkReader;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.store.OrmStore;
import io.ormdb.store.journal.JournalEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.serialization.Serialization;

/**
 * The cursors behind the read journal's queries. A "current" query is bounded by what was visible
 * when it started reading and completes there; a live one waits for the store's notification (the
 * changelog's LSN or the journal's ordering) when caught up.
 */
final class QueryReaders {
  private QueryReaders() {}

  /** Ordinary events tagged {@code tag} after a global ordering. */
  static final class ByTag implements ChunkReader<EventEnvelope> {
    private final Supplier<OrmStore> store;
    private final Serialization serialization;
    private final String tag;
    private final boolean live;
    private final int chunk;
    private long after;
    private long bound = -1;
    private long seen;

    ByTag(
        Supplier<OrmStore> store,
        Serialization s,
        String tag,
        long after,
        boolean live,
        int chunk) {
      this.store = store;
      this.serialization = s;
      this.tag = tag;
      this.after = after;
      this.live = live;
      this.chunk = chunk;
    }

    @Override
    public List<EventEnvelope> read() {
      OrmStore st = store.get();
      seen = st.journal().currentOrdering();
      if (!live && bound < 0) {
        bound = seen;
      }
      long to = live ? seen : Math.min(bound, seen);
      List<EventEnvelope> out = new ArrayList<>();
      for (JournalEntry e : st.journal().eventsByTag(tag, after, to, chunk)) {
        out.add(envelope(serialization, e));
        after = e.ordering();
      }
      return out;
    }

    @Override
    public CompletionStage<?> whenMore() {
      return live ? store.get().journal().orderingAfter(seen) : null;
    }
  }

  /** Ordinary events of one persistence id in a sequence-number range. */
  static final class ByPersistenceId implements ChunkReader<EventEnvelope> {
    private final Supplier<OrmStore> store;
    private final Serialization serialization;
    private final String pid;
    private final long to;
    private final boolean live;
    private final int chunk;
    private long next;
    private long seen;

    ByPersistenceId(
        Supplier<OrmStore> store,
        Serialization s,
        String pid,
        long from,
        long to,
        boolean live,
        int chunk) {
      this.store = store;
      this.serialization = s;
      this.pid = pid;
      this.next = Math.max(1, from);
      this.to = to;
      this.live = live;
      this.chunk = chunk;
    }

    @Override
    public List<EventEnvelope> read() {
      OrmStore st = store.get();
      seen = st.journal().currentOrdering();
      List<EventEnvelope> out = new ArrayList<>();
      if (next > to) {
        return out;
      }
      st.journal()
          .replay(
              pid,
              next,
              to,
              chunk,
              e -> {
                out.add(envelope(serialization, e));
                next = e.sequenceNr() + 1;
              });
      return out;
    }

    @Override
    public CompletionStage<?> whenMore() {
      return live && next <= to ? store.get().journal().orderingAfter(seen) : null;
    }
  }

  /** The changelog's change sets after an LSN (and up to {@code to}). */
  static final class Changelog implements ChunkReader<EventEnvelope> {
    private final Supplier<OrmStore> store;
    private final String pid;
    private final long to;
    private final boolean live;
    private final int chunk;
    private long next;
    private long bound = -1;

    Changelog(Supplier<OrmStore> store, String pid, long from, long to, boolean live, int chunk) {
      this.store = store;
      this.pid = pid;
      this.next = Math.max(1, from);
      this.to = to;
      this.live = live;
      this.chunk = chunk;
    }

    @Override
    public List<EventEnvelope> read() {
      OrmStore st = store.get();
      long visible = st.currentLsn();
      if (!live && bound < 0) {
        bound = visible;
      }
      long last = Math.min(to, live ? visible : Math.min(bound, visible));
      List<EventEnvelope> out = new ArrayList<>();
      if (next > last) {
        return out;
      }
      for (ChangeSet cs : st.changes(next, chunk)) {
        if (cs.lsn() > last) {
          break;
        }
        out.add(
            new EventEnvelope(
                Offset.sequence(cs.lsn()), pid, cs.lsn(), cs, cs.commitTsMicros() / 1000));
        next = cs.lsn() + 1;
      }
      return out;
    }

    @Override
    public CompletionStage<?> whenMore() {
      return live && next <= to ? store.get().lsnAfter(next - 1) : null;
    }
  }

  static EventEnvelope envelope(Serialization serialization, JournalEntry e) {
    PersistentRepr r = serialization.deserialize(e.payload(), PersistentRepr.class).get();
    return new EventEnvelope(
        Offset.sequence(e.ordering()),
        e.persistenceId(),
        e.sequenceNr(),
        r.payload(),
        e.writeTimestampMillis());
  }
}
