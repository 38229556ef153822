package io.ormdb.cdc.live;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.view.ReadView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Maintains every live query of one store and hands their events to the subscribers.
 *
 * <p>It works in <em>rounds</em>, one at a time, on the read executor. A round takes the newest LSN
 * T, reads the change sets since the previous round's LSN once for all queries, and brings each
 * query to T: change sets that do not touch its {@link ReadSet} are skipped (an event is looked at
 * only by the queries {@link Readers} finds for it), those it can follow in place are applied to
 * its result as edits, and a query that needs more is re-run once, at T (a snapshot at T shared by
 * all re-runs of the round). Then every query that changed hands the same delta at T to all its
 * subscribers. So: at most one evaluation of a query in flight, a query that fell behind jumps to
 * the newest LSN (intermediate LSNs are skipped), every delta is the exact result at its LSN,
 * subscribers of the same query (same shape, parameters and session attributes) share one
 * evaluation, and all queries of a store advance at one LSN — a change set is applied whole. New
 * subscribers get their snapshot in a round, at T.
 *
 * <p>Rounds start on a commit notification and on subscription changes; nothing polls. A
 * subscriber's buffer is bounded and the hub never waits for one (see {@link Subscription}).
 */
final class LiveHub {
  /** A live query's identity: subscribers with equal keys share one evaluation. */
  record Key(GraphQuery query, Map<String, Value> attributes) {
    Key {
      Objects.requireNonNull(query, "query");
      attributes = Map.copyOf(attributes);
    }
  }

  private sealed interface Command permits Subscribe, Unsubscribe, Resync, Failed {}

  private record Subscribe(Subscription sub) implements Command {}

  private record Unsubscribe(Subscription sub) implements Command {}

  private record Resync(Subscription sub) implements Command {}

  /** Waiting for commits failed (the store closed). */
  private record Failed(Throwable error) implements Command {}

  private final OrmStore store;
  private final Executor executor;
  private final int readChunk;
  private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicBoolean armed = new AtomicBoolean();

  // round state: touched by rounds only, which never overlap
  private final Map<Key, SharedQuery> queries = new LinkedHashMap<>();
  private Map<String, Readers> byEntity; // null: rebuild before use
  private final List<SharedQuery> blind = new ArrayList<>(); // no read set: every change set
  private final List<SharedQuery> roundQueries = new ArrayList<>(); // dirty or edited this round
  private final List<SharedQuery> csTouched = new ArrayList<>(); // decided on for a change set
  private final Consumer<SharedQuery> decider = this::decide;
  private long eventSeq; // numbers the events looked at, to look at a query once per event
  private ChangeEvent event; // the event being looked at, and its change set
  private ChangeSet eventSet;
  private volatile long lsn = -1; // every query's result is as of this LSN
  private long schemaVersionSeen = -1;
  private ReadView roundView;
  private long roundLsn;
  private int dirtyCount;
  private volatile int queryCount;
  private volatile int subscriptionCount;

  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong changeSets = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong decisions = new AtomicLong();
  private final AtomicLong queryRuns = new AtomicLong();
  private final AtomicLong incremental = new AtomicLong();
  private final AtomicLong overflows = new AtomicLong();

  LiveHub(OrmStore store, Executor executor, int readChunk) {
    this.store = store;
    this.executor = executor;
    this.readChunk = readChunk;
  }

  void subscribe(Subscription s) {
    command(new Subscribe(s));
  }

  void unsubscribe(Subscription s) {
    command(new Unsubscribe(s));
  }

  /** A stale subscriber asks for a snapshot of the newest result. */
  void resync(Subscription s) {
    command(new Resync(s));
  }

  LiveQueries.Stats stats() {
    return new LiveQueries.Stats(
        queryCount,
        subscriptionCount,
        rounds.get(),
        changeSets.get(),
        skipped.get(),
        decisions.get(),
        queryRuns.get(),
        incremental.get(),
        overflows.get());
  }

  /** The LSN every query's result is at (-1 before the first round). */
  long lsn() {
    return lsn;
  }

  private void command(Command c) {
    commands.add(c);
    trigger();
  }

  private void trigger() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        executor.execute(this::round);
      } catch (RuntimeException e) { // the executor shut down
        scheduled.set(false);
        for (Command c; (c = commands.poll()) != null; ) {
          if (c instanceof Subscribe s) {
            s.sub().fail(OrmDbException.of(e, "scheduling the live query"));
          }
        }
      }
    }
  }

  private void round() {
    List<Command> cmds = new ArrayList<>();
    for (Command c; (c = commands.poll()) != null; ) {
      cmds.add(c);
    }
    try {
      rounds.incrementAndGet();
      runRound(cmds);
    } catch (Throwable t) {
      OrmDbException e = OrmDbException.of(t, "maintaining live queries");
      failAll(e);
      for (Command c : cmds) {
        if (c instanceof Subscribe s) {
          s.sub().fail(e);
        }
      }
    } finally {
      closeRoundView();
      queryCount = queries.size();
      subscriptionCount = queries.values().stream().mapToInt(q -> q.subscribers.size()).sum();
      scheduled.set(false);
      boolean behind = !queries.isEmpty() && currentLsnOr(lsn) > lsn;
      if (!commands.isEmpty() || behind) {
        trigger();
      } else if (!queries.isEmpty()) {
        arm();
      }
    }
  }

  private long currentLsnOr(long fallback) {
    try {
      return store.currentLsn();
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  /**
   * Starts a round once a commit after the hub's LSN is visible: the thread that makes it visible
   * queues {@link #woken} on the executor itself, and the round runs right there (one thread
   * hand-off from the commit to the round, not two through the store's notification thread).
   */
  private void arm() {
    if (armed.compareAndSet(false, true)) {
      store.runAfterLsn(lsn, executor, this::woken);
    }
  }

  /**
   * On the executor (see {@link #arm}): a commit after the hub's LSN is visible, or the store
   * closed.
   */
  private void woken(Throwable error) {
    armed.set(false);
    if (error != null) {
      commands.add(new Failed(error));
    }
    if (scheduled.compareAndSet(false, true)) {
      round();
    }
  }

  private void runRound(List<Command> cmds) {
    for (Command c : cmds) {
      if (c instanceof Failed f) {
        failAll(OrmDbException.of(f.error(), "waiting for commits"));
      } else if (c instanceof Unsubscribe u) {
        remove(u.sub());
      }
    }
    long target = store.currentLsn();
    roundLsn = target;
    if (queries.isEmpty()) {
      lsn = target;
    } else if (target > lsn) {
      advance(target);
    }
    for (Command c : cmds) {
      if (c instanceof Subscribe s) {
        join(s.sub());
      } else if (c instanceof Resync r) {
        resync(r.sub(), target);
      }
    }
  }

  // ---- bringing every query to the round's LSN --------------------------------------------------

  private void advance(long target) {
    if (byEntity == null) {
      index();
    }
    dirtyCount = 0;
    for (SharedQuery q : roundQueries) {
      q.inRound = false; // left by a round that failed
    }
    roundQueries.clear();
    csTouched.clear();
    long next = lsn + 1;
    try {
      while (next <= target && dirtyCount < queries.size()) {
        List<ChangeSet> chunk = store.changes(next, readChunk);
        if (chunk.isEmpty()) {
          break;
        }
        for (ChangeSet cs : chunk) {
          if (cs.lsn() > target) {
            break;
          }
          look(cs);
          next = cs.lsn() + 1;
        }
      }
    } catch (OrmDbException e) {
      if (e.code() != ErrorCode.INVALID_LSN) {
        throw e;
      }
      // the changelog after the hub's LSN is gone: re-running every query at the target is exact
    }
    if (next <= target) {
      queries.values().forEach(this::markDirty);
    }
    // only the queries dirtied or edited in this round can have changed
    List<SharedQuery> changed = new ArrayList<>();
    List<LiveEvent.Delta> deltas = new ArrayList<>();
    for (SharedQuery q : roundQueries) {
      q.inRound = false;
      LiveEvent.Delta d;
      if (q.dirty) {
        QueryResult r;
        try {
          r = run(q.key);
        } catch (OrmDbException e) {
          drop(q, e);
          continue;
        }
        ReadSet was = q.readSet;
        d = q.replace(r, roundView().schema(), target);
        if (q.readSet != was) {
          byEntity = null; // another schema: the entities read may differ
        }
      } else {
        d = q.edited(target);
        if (d != null) {
          incremental.incrementAndGet();
        }
      }
      if (d != null) {
        changed.add(q);
        deltas.add(d);
      }
    }
    roundQueries.clear();
    lsn = target;
    // every query is at the target now: hand out the deltas
    for (int i = 0; i < changed.size(); i++) {
      for (Subscription s : changed.get(i).subscribers) {
        if (!s.offer(deltas.get(i))) {
          overflows.incrementAndGet();
        }
      }
    }
  }

  /** Decides for every query a change set may concern how it affects it. */
  private void look(ChangeSet cs) {
    changeSets.incrementAndGet();
    if (cs.schemaVersion() != schemaVersionSeen) {
      schemaVersionSeen = cs.schemaVersion();
      for (SharedQuery q : queries.values()) {
        if (q.readSet != null && q.readSet.schemaVersion() != cs.schemaVersion()) {
          markDirty(q); // fields or relations may differ under another schema
        }
      }
    }
    blind.forEach(this::markDirty);
    eventSet = cs;
    for (ChangeEvent e : cs.events()) {
      Readers readers = byEntity.get(e.entity());
      if (readers == null) {
        continue;
      }
      event = e;
      eventSeq++;
      readers.forEach(e, cs.schemaVersion(), decider);
    }
    event = null;
    eventSet = null;
    for (SharedQuery q : csTouched) {
      if (!q.dirty && q.pending.isEmpty()) {
        skipped.incrementAndGet();
      }
      q.applyPending();
      if (q.edits != null) {
        enterRound(q);
      }
    }
    csTouched.clear();
  }

  /** Decides how the current event affects {@code q} (once per event). */
  private void decide(SharedQuery q) {
    if (q.dirty || q.lookedAt == eventSeq) {
      return;
    }
    q.lookedAt = eventSeq;
    if (q.readSet.schemaVersion() != eventSet.schemaVersion()) {
      markDirty(q);
      return;
    }
    if (q.pending == null) {
      q.beginChangeSet();
      csTouched.add(q);
    }
    decisions.incrementAndGet();
    if (!q.readSet.decide(event, q.view, q.pending)) {
      markDirty(q);
    }
  }

  private void markDirty(SharedQuery q) {
    if (!q.dirty) {
      q.markDirty();
      dirtyCount++;
      enterRound(q);
    }
  }

  private void enterRound(SharedQuery q) {
    if (!q.inRound) {
      q.inRound = true;
      roundQueries.add(q);
    }
  }

  private void index() {
    blind.clear();
    for (SharedQuery q : queries.values()) {
      if (q.readSet == null) {
        blind.add(q);
      }
    }
    byEntity = Readers.of(queries.values());
  }

  // ---- subscribers --------------------------------------------------------------------------

  private void join(Subscription s) {
    if (s.isClosed()) {
      return; // stopped before it started
    }
    long at = lsn;
    if (s.fromLsn > at) {
      s.fail(
          new OrmDbException(
              ErrorCode.INVALID_LSN,
              "cannot start the live query at lsn "
                  + s.fromLsn
                  + ": it is past the newest commit ("
                  + at
                  + ")"));
      return;
    }
    SharedQuery q = queries.get(s.key);
    boolean created = false;
    try {
      if (q == null) {
        QueryResult r = run(s.key);
        q = new SharedQuery(s.key, r, roundView().schema());
        queries.put(s.key, q);
        byEntity = null;
        created = true;
      }
      if (s.fromLsn == 0 || s.fromLsn == at) {
        s.offer(new LiveEvent.Snapshot(at, resultAt(q, at)));
      } else {
        // a resume: the subscriber's result as of fromLsn, then one delta to the hub's
        store.checkReadPosition(s.fromLsn, "the live query");
        QueryResult first;
        queryRuns.incrementAndGet();
        try (ReadView old = store.snapshotAt(s.fromLsn)) {
          first = store.queryEngine().query(old, s.key.query(), s.key.attributes());
        }
        s.offer(new LiveEvent.Snapshot(s.fromLsn, first));
        LiveEvent.Delta d = LiveView.diff(LiveView.of(first), q.view, at);
        if (d != null && !s.offer(d)) {
          overflows.incrementAndGet();
        }
      }
    } catch (OrmDbException e) {
      s.fail(e);
      if (created) {
        queries.remove(s.key);
        byEntity = null;
      }
      return;
    }
    q.subscribers.add(s);
  }

  private void resync(Subscription s, long at) {
    SharedQuery q = queries.get(s.key);
    if (q == null || !q.subscribers.contains(s) || !s.isStale()) {
      return; // gone, or a duplicate request
    }
    try {
      s.resynced(new LiveEvent.Snapshot(at, resultAt(q, at)));
    } catch (OrmDbException e) {
      drop(q, e);
    }
  }

  /** The query's full result as of the hub's LSN {@code at}: the kept one, else a run. */
  private QueryResult resultAt(SharedQuery q, long at) {
    QueryResult r = q.result;
    if (r == null) {
      r = run(q.key);
      q.result = r;
    }
    return r.snapshotLsn() == at
        ? r
        : new QueryResult(r.entities(), r.edges(), r.hasMore(), r.nextCursor(), at);
  }

  private void remove(Subscription s) {
    SharedQuery q = queries.get(s.key);
    if (q != null && q.subscribers.remove(s) && q.subscribers.isEmpty()) {
      queries.remove(s.key);
      byEntity = null;
    }
  }

  /** A query that can no longer run fails its subscribers and is forgotten. */
  private void drop(SharedQuery q, OrmDbException e) {
    for (Subscription s : q.subscribers) {
      s.fail(e);
    }
    queries.remove(q.key);
    byEntity = null;
  }

  private void failAll(OrmDbException e) {
    for (SharedQuery q : queries.values()) {
      for (Subscription s : q.subscribers) {
        s.fail(e);
      }
    }
    queries.clear();
    byEntity = null;
  }

  // ---- reading ------------------------------------------------------------------------------

  /** The query's result at the round's LSN. */
  private QueryResult run(Key key) {
    queryRuns.incrementAndGet();
    return store.queryEngine().query(roundView(), key.query(), key.attributes());
  }

  /** One snapshot at the round's LSN for all its reads. */
  private ReadView roundView() {
    if (roundView == null) {
      ReadView newest = store.snapshot();
      if (newest.lsn() == roundLsn) {
        roundView = newest;
      } else {
        newest.close(); // commits arrived since the round began
        roundView = store.snapshotAt(roundLsn);
      }
    }
    return roundView;
  }

  private void closeRoundView() {
    if (roundView != null) {
      roundView.close();
      roundView = null;
    }
  }
}
