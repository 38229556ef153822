package io.ormdb.cdc.live;

import io.ormdb.cdc.FeedControl;
import io.ormdb.cdc.feed.FeedSettings;
import io.ormdb.cdc.internal.ChunkedSource;
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
 * Live queries over one store: subscriptions to a graph query's result.
 *
 * <p>{@link #subscribe(GraphQuery, long)} emits a {@link LiveEvent.Snapshot} with the result as of
 * an LSN L, then, in LSN order, one {@link LiveEvent.Delta} for every committed change set after L
 * that changed the result (rows that entered, changed or left it per include path, child lists that
 * changed, the root order and page). After applying the events up to LSN x (with {@link LiveView}),
 * a subscriber's copy equals the query run as of x. Change sets that change nothing in the result
 * emit nothing.
 *
 * <p>The stream is driven by the changelog through the same bounded stage as the change feeds: it
 * reads when downstream pulls, holds at most one event and one chunk of change sets, and when
 * caught up waits for the store's commit notification (never polls). Per change set that touches an
 * entity the query reads (root, include targets, many-to-many edge entities — others are skipped
 * after looking at their entity names), it re-runs the query as of that LSN and diffs the result
 * with the previous one: the cost of an affecting change set is one query plus a diff linear in the
 * result size.
 *
 * <p>Resuming: subscribe again with the LSN of the last event applied; the stream starts with a
 * snapshot at that LSN (an as-of read) and continues after it. INVALID_LSN when that LSN is older
 * than the retained history or changelog, or newer than the newest commit; a subscriber that falls
 * further behind than the history retention fails the same way mid-stream.
 *
 * <p>Row-level security: the session attributes given at subscription are passed to every re-run,
 * so the policies the query engine applies hold per event with the subscriber's attributes as of
 * subscribing. Refreshing them (a changed grant or attribute) is not done yet.
 */
public final class LiveQueries {
  private final OrmStore store;
  private final Executor readExecutor;
  private final FeedSettings settings;

  public LiveQueries(OrmStore store, Executor readExecutor, FeedSettings settings) {
    this.store = Objects.requireNonNull(store, "store");
    this.readExecutor = Objects.requireNonNull(readExecutor, "readExecutor");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** Live queries reading on the {@code ormdb.cdc.read-dispatcher} of {@code system}. */
  public static LiveQueries create(ActorSystem<?> system, OrmStore store) {
    FeedSettings s = FeedSettings.create(system.settings().config());
    Executor ex = system.dispatchers().lookup(DispatcherSelector.fromConfig(s.readDispatcher()));
    return new LiveQueries(store, ex, s);
  }

  /**
   * Subscribes to {@code query}: a snapshot as of {@code fromLsn} (0 = the newest LSN when the
   * stream starts), then the deltas of the following change sets. The query must not carry an as-of
   * LSN (the subscription chooses the positions). Each materialization is its own subscription;
   * {@link FeedControl#stop()} ends it.
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
    Map<String, Value> attributes = Map.copyOf(sessionAttributes);
    return Source.fromGraph(
        new ChunkedSource<>(
            () -> new LiveReader(store, query, attributes, fromLsn, settings.readChunk()),
            readExecutor));
  }
}
