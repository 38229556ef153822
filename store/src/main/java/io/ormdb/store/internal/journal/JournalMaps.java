package io.ormdb.store.internal.journal;

import io.ormdb.store.internal.codec.Buf;
import io.ormdb.store.internal.engine.Watermark;
import io.ormdb.store.internal.file.LoggedMap;
import io.ormdb.store.internal.file.StoreMaps;
import io.ormdb.store.journal.JournalEntry;
import io.ormdb.store.journal.JournalStorage;
import io.ormdb.store.journal.SnapshotCriteria;
import io.ormdb.store.journal.SnapshotEntry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.h2.mvstore.Cursor;

/**
 * {@link JournalStorage} over four maps of the store's file (keys: {@link JournalKeys}):
 *
 * <ul>
 *   <li>{@code journal}: {@code pid | seqNr} → {@code ordering(8) | writeTs(8) | tags | payload};
 *   <li>{@code journal.highest}: pid → highest sequence number ever written (survives deletes);
 *   <li>{@code journal.tags}: {@code tag | ordering} → the event's {@code journal} key;
 *   <li>{@code journal.snapshots}: {@code pid | seqNr} → {@code timestamp(8) | payload}.
 * </ul>
 *
 * The global ordering counter is {@code meta["journal.ordering"]}. Writes run on the committer
 * thread ({@link DurableWrites}); the ordering of the newest write becomes visible when its commit
 * group is published, and reads skip entries above it, so nobody reads a write that is not yet
 * durable.
 */
public final class JournalMaps implements JournalStorage {
  private static final String ORDERING = "journal.ordering";

  private final DurableWrites writes;
  private final LoggedMap<byte[], byte[]> events;
  private final LoggedMap<String, Long> highest;
  private final LoggedMap<byte[], byte[]> tags;
  private final LoggedMap<byte[], byte[]> snapshots;
  private final LoggedMap<String, String> meta;
  private final Watermark visible;
  private final StoreMaps maps;

  /** Committer-owned: the ordering of the newest write. */
  private long lastOrdering;

  public JournalMaps(DurableWrites writes, StoreMaps maps, Executor notifier) {
    this.writes = writes;
    this.maps = maps;
    this.meta = maps.meta;
    this.events = maps.journal;
    this.highest = maps.journalHighest;
    this.tags = maps.journalTags;
    this.snapshots = maps.journalSnapshots;
    String o = meta.map().get(ORDERING);
    this.lastOrdering = o == null ? 0 : Long.parseLong(o);
    this.visible = new Watermark(lastOrdering, notifier);
  }

  public void publish() {
    visible.publish(lastOrdering);
  }

  public void close() {
    visible.close();
  }

  // ---------------------------------------------------------------------------------------------
  // events

  @Override
  public CompletableFuture<List<Long>> write(List<JournalEntry> entries) {
    List<JournalEntry> copy = List.copyOf(entries);
    return writes.writeDurably(
        () -> {
          long now = System.currentTimeMillis();
          List<Long> orderings = new ArrayList<>(copy.size());
          for (JournalEntry e : copy) {
            long ordering = ++lastOrdering;
            orderings.add(ordering);
            byte[] key = JournalKeys.key(e.persistenceId(), e.sequenceNr());
            events.put(key, encodeEvent(ordering, now, e.tags(), e.payload()));
            for (String tag : e.tags()) {
              tags.put(JournalKeys.key(tag, ordering), key);
            }
            Long h = highest.map().get(e.persistenceId());
            if (h == null || h < e.sequenceNr()) {
              highest.put(e.persistenceId(), e.sequenceNr());
            }
          }
          meta.put(ORDERING, Long.toString(lastOrdering));
          return orderings;
        });
  }

  @Override
  public void replay(
      String persistenceId, long from, long to, long max, Consumer<JournalEntry> onEntry) {
    if (max <= 0 || to < from) {
      return;
    }
    long limit = visible.get();
    byte[] prefix = JournalKeys.prefix(persistenceId);
    maps.pinned(
        () -> {
          Cursor<byte[], byte[]> c =
              events.map().cursor(JournalKeys.key(prefix, Math.max(0, from)));
          long n = 0;
          while (c.hasNext() && n < max) {
            byte[] k = c.next();
            if (!JournalKeys.hasPrefix(k, prefix)) {
              return null;
            }
            long seq = JournalKeys.number(k);
            if (seq > to) {
              return null;
            }
            JournalEntry e = decodeEvent(persistenceId, seq, c.getValue());
            if (e.ordering() <= limit) {
              onEntry.accept(e);
              n++;
            }
          }
          return null;
        });
  }

  @Override
  public long highestSequenceNr(String persistenceId) {
    Long h = highest.map().get(persistenceId);
    return h == null ? 0 : h;
  }

  @Override
  public CompletableFuture<Void> deleteTo(String persistenceId, long toSequenceNr) {
    return writes.writeDurably(
        () -> {
          byte[] prefix = JournalKeys.prefix(persistenceId);
          List<byte[]> remove = new ArrayList<>();
          for (Iterator<byte[]> it = events.map().keyIterator(JournalKeys.key(prefix, 0));
              it.hasNext(); ) {
            byte[] k = it.next();
            if (!JournalKeys.hasPrefix(k, prefix) || JournalKeys.number(k) > toSequenceNr) {
              break;
            }
            remove.add(k);
          }
          for (byte[] k : remove) {
            byte[] v = events.remove(k);
            Buf.In in = new Buf.In(v);
            long ordering = in.getLong();
            in.getLong();
            int n = in.getVarInt();
            for (int i = 0; i < n; i++) {
              tags.remove(JournalKeys.key(in.getString(), ordering));
            }
          }
          return null;
        });
  }

  @Override
  public List<JournalEntry> eventsByTag(String tag, long afterOrdering, long toOrdering, int max) {
    long limit = Math.min(toOrdering, visible.get());
    List<JournalEntry> out = new ArrayList<>();
    if (afterOrdering >= limit || max <= 0) {
      return out;
    }
    byte[] prefix = JournalKeys.prefix(tag);
    return maps.pinned(
        () -> {
          Cursor<byte[], byte[]> c = tags.map().cursor(JournalKeys.key(prefix, afterOrdering + 1));
          while (c.hasNext() && out.size() < max) {
            byte[] k = c.next();
            if (!JournalKeys.hasPrefix(k, prefix) || JournalKeys.number(k) > limit) {
              break;
            }
            byte[] eventKey = c.getValue();
            byte[] v = events.map().get(eventKey);
            if (v != null) { // deleted meanwhile
              out.add(decodeEvent(JournalKeys.name(eventKey), JournalKeys.number(eventKey), v));
            }
          }
          return out;
        });
  }

  @Override
  public long currentOrdering() {
    return visible.get();
  }

  @Override
  public CompletableFuture<Long> orderingAfter(long v) {
    return visible.after(v);
  }

  private static byte[] encodeEvent(long ordering, long ts, Set<String> tagSet, byte[] payload) {
    Buf b = new Buf(payload.length + 32).putLong(ordering).putLong(ts).putVarInt(tagSet.size());
    for (String t : tagSet) {
      b.putString(t);
    }
    return b.put(payload).toBytes();
  }

  private static JournalEntry decodeEvent(String pid, long seq, byte[] v) {
    Buf.In in = new Buf.In(v);
    long ordering = in.getLong();
    long ts = in.getLong();
    int n = in.getVarInt();
    Set<String> t = new LinkedHashSet<>();
    for (int i = 0; i < n; i++) {
      t.add(in.getString());
    }
    byte[] payload = in.rest();
    return new JournalEntry(ordering, pid, seq, t, ts, payload);
  }

  // ---------------------------------------------------------------------------------------------
  // snapshots

  @Override
  public CompletableFuture<Void> saveSnapshot(SnapshotEntry s) {
    return writes.writeDurably(
        () -> {
          snapshots.put(
              JournalKeys.key(s.persistenceId(), s.sequenceNr()),
              new Buf(s.payload().length + 8)
                  .putLong(s.timestampMillis())
                  .put(s.payload())
                  .toBytes());
          return null;
        });
  }

  @Override
  public Optional<SnapshotEntry> loadSnapshot(String persistenceId, SnapshotCriteria criteria) {
    byte[] prefix = JournalKeys.prefix(persistenceId);
    byte[] k =
        snapshots.map().floorKey(JournalKeys.key(prefix, Math.max(0, criteria.maxSequenceNr())));
    while (k != null && JournalKeys.hasPrefix(k, prefix)) {
      long seq = JournalKeys.number(k);
      if (seq < criteria.minSequenceNr()) {
        break;
      }
      SnapshotEntry s = decodeSnapshot(persistenceId, seq, snapshots.map().get(k));
      if (s != null && criteria.matches(seq, s.timestampMillis())) {
        return Optional.of(s);
      }
      k = snapshots.map().lowerKey(k);
    }
    return Optional.empty();
  }

  @Override
  public CompletableFuture<Void> deleteSnapshot(
      String persistenceId, long sequenceNr, long timestampMillis) {
    return writes.writeDurably(
        () -> {
          byte[] k = JournalKeys.key(persistenceId, sequenceNr);
          SnapshotEntry s = decodeSnapshot(persistenceId, sequenceNr, snapshots.map().get(k));
          if (s != null && (timestampMillis == 0 || s.timestampMillis() == timestampMillis)) {
            snapshots.remove(k);
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> deleteSnapshots(String persistenceId, SnapshotCriteria criteria) {
    return writes.writeDurably(
        () -> {
          byte[] prefix = JournalKeys.prefix(persistenceId);
          List<byte[]> remove = new ArrayList<>();
          Cursor<byte[], byte[]> c = snapshots.map().cursor(JournalKeys.key(prefix, 0));
          while (c.hasNext()) {
            byte[] k = c.next();
            if (!JournalKeys.hasPrefix(k, prefix)) {
              break;
            }
            long seq = JournalKeys.number(k);
            if (criteria.matches(seq, new Buf.In(c.getValue()).getLong())) {
              remove.add(k);
            }
          }
          remove.forEach(snapshots::remove);
          return null;
        });
  }

  private static SnapshotEntry decodeSnapshot(String pid, long seq, byte[] v) {
    if (v == null) {
      return null;
    }
    Buf.In in = new Buf.In(v);
    long ts = in.getLong();
    return new SnapshotEntry(pid, seq, ts, in.get(v.length - 8));
  }

  /** Entries per map, for tests. */
  Map<String, Long> sizes() {
    return Map.of(
        "journal", events.map().sizeAsLong(),
        "tags", tags.map().sizeAsLong(),
        "snapshots", snapshots.map().sizeAsLong());
  }
}
