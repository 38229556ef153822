package io.ormdb.cdc.live;

import io.ormdb.cdc.FeedControl;
import io.ormdb.cdc.feed.FeedSettings;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Live queries over one store: subscriptions to a graph query's result. Create one per store and
 * share it: its subscriptions share the work (the node's {@code OrmDb.liveQuery} uses one).
 *
 * <p>{@link #subscribe(GraphQuery, long)} emits a {@link LiveEvent.Snapshot} with the result as of
 * an LSN L, then {@link LiveEvent.Delta}s in increasing LSN order, each bringing the subscriber's
 * copy (applied with {@link LiveView}) to exactly the query's result as of the delta's LSN: rows
 * that entered, changed or left per include path, child lists that changed, the root order and
 * page. Change sets that change nothing in the result emit nothing, and when the subscription is
 * behind, the changes of several change sets arrive as one delta at the newest of them (LSNs in
 * between are skipped, never half applied).
 *
 * <p>How it keeps up: one hub per instance reads each committed change set once for all
 * subscriptions and brings every query to the newest LSN in rounds. A change set that does not
 * touch a query's read set — the entities it reads and, per level, rows in its result or matching
 * its filter and linking into it — is skipped; a row changed inside the result in fields that
 * neither order nor link it, and a root row entering or leaving an unpaged result without includes,
 * are applied in place; anything else re-runs the query, once per round, as of the round's LSN. A
 * query whose root filter requires a range of one field (e.g. {@code id >= a && id < b}) is looked
 * at only for changes of rows in that range, so many narrow queries over one entity stay cheap.
 * Subscribers of the same query with the same session attributes share that work and receive the
 * same deltas.
 *
 * <p>Slow subscribers: each holds at most {@link LiveSettings#subscriberBuffer()} events its stream
 * has not taken; the hub never waits for one. When an event finds a subscriber's buffer full, the
 * buffered events are dropped and the subscriber, once its stream asks for more, receives one
 * {@link LiveEvent.Snapshot} of the newest result (which {@link LiveView#apply} takes in place of
 * its copy), then deltas again.
 *
 * <p>Resuming: subscribe again with the LSN of the last event applied; the stream starts with a
 * snapshot at that LSN (an as-of read) and continues with one delta to the newest result when it
 * differs. INVALID_LSN when that LSN is older than the retained history, was discarded by a
 * recovery, or is newer than the newest commit.
 *
 * <p>Row-level security: the session attributes given at subscription are passed to every run, so
 * the policies the query engine applies hold per event with the subscriber's attributes as of
 * subscribing. Refreshing them (a changed grant or attribute) is not done yet.
 */
public final class LiveQueries {
  private final LiveHub hub;
  private final LiveSettings liveSettings;

  /** Live queries with the default {@link LiveSettings}. */
  public LiveQueries(OrmStore store, Executor readExecutor, FeedSettings settings) {
    this(store, readExecutor, settings, LiveSettings.DEFAULT);
  }

  /**
   * @param readExecutor where the hub's rounds run (they read the store)
   * @param settings the changelog read chunk
   * @param liveSettings the subscribers' buffer
   */
  public LiveQueries(
      OrmStore store, Executor readExecutor, FeedSettings settings, LiveSettings liveSettings) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(readExecutor, "readExecutor");
    this.liveSettings = Objects.requireNonNull(liveSettings, "liveSettings");
    this.hub = new LiveHub(store, readExecutor, settings.readChunk());
  }

  /** Live queries reading on the {@code ormdb.cdc.read-dispatcher} of {@code system}. */
  public static LiveQueries create(ActorSystem<?> system, OrmStore store) {
    FeedSettings s = FeedSettings.create(system.settings().config());
    Executor ex = system.dispatchers().lookup(DispatcherSelector.fromConfig(s.readDispatcher()));
    return new LiveQueries(store, ex, s, LiveSettings.create(system.settings().config()));
  }

  /**
   * Subscribes to {@code query}: a snapshot as of {@code fromLsn} (0 = the newest LSN when the
   * subscription starts), then the deltas of the following change sets. The query must not carry an
   * as-of LSN (the subscription chooses the positions). Each materialization is its own
   * subscription; {@link FeedControl#stop()} ends it.
   */
  public Source<LiveEvent, FeedControl> subscribe(GraphQuery query, long fromLsn) {
    return subscribe(query, fromLsn, Map.of());
  }

  /**
   * Like {@link #subscribe(GraphQuery, long)}, running the query with the session attributes that
   * row-level security policies refer to.
   */
  public Source<LiveEvent, FeedControl> subscribe(
      GraphQuery query, long fromLsn, Map<String, Value> sessionAttributes) {
    Objects.requireNonNull(query, "query");
    if (fromLsn < 0) {
      throw new IllegalArgumentException("fromLsn must be >= 0 but is " + fromLsn);
    }
    if (query.readOptions().asOfLsn() != 0) {
      throw new IllegalArgumentException(
          "a live query chooses its own read positions: remove asOfLsn "
              + query.readOptions().asOfLsn()
              + " from the query and pass it as fromLsn");
    }
    LiveHub.Key key = new LiveHub.Key(query, sessionAttributes);
    return Source.fromGraph(new LiveSource(hub, key, fromLsn, liveSettings.subscriberBuffer()));
  }

  LiveHub hub() {
    return hub;
  }

  /** What the live queries did so far, for metrics and tests. */
  public Stats stats() {
    return hub.stats();
  }

  /**
   * Counters of the live queries of one store.
   *
   * @param queries distinct queries subscribed now (subscribers of equal queries share one)
   * @param subscriptions subscriptions now
   * @param rounds rounds run (each brings every query to one LSN)
   * @param changeSets change sets read from the changelog (each once for all queries)
   * @param skipped times the row-level rules looked at a query for a change set and showed, without
   *     a query run, that it left the result unchanged
   * @param decisions times the row-level rules looked at a query for one change event: a query
   *     whose root filter confines its rows to a range of one field is looked at only for events on
   *     rows in that range (before or after the change)
   * @param queryRuns full query runs: first results, re-runs, resumes and snapshots after overflow
   * @param incrementalUpdates deltas made by editing a result in place, without a query run
   * @param overflows events that found a subscriber's buffer full
   */
  public record Stats(
      int queries,
      int subscriptions,
      long rounds,
      long changeSets,
      long skipped,
      long decisions,
      long queryRuns,
      long incrementalUpdates,
      long overflows) {}
}
