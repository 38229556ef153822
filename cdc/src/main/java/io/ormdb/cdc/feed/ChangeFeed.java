package io.ormdb.cdc.feed;

import io.ormdb.cdc.FeedControl;
import io.ormdb.cdc.internal.ChunkedSource;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeFeedItem;
import io.ormdb.store.OrmStore;
import io.ormdb.store.journal.ConsumerOffset;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Change feeds over one store's changelog.
 *
 * <p>A feed is a {@code Source} that delivers the committed changes from a position on, in LSN
 * order (events of a change set in their order), each once and never one that is not committed and
 * visible. It reads the store only when downstream demands elements, a chunk of change sets at a
 * time, so a slow consumer makes the node buffer nothing beyond one chunk; when it has caught up it
 * waits for the store's commit notification (no polling) and then continues live. When the position
 * is older than the changelog's retention, the stream fails with an {@code OrmDbException}
 * INVALID_LSN whose message names the oldest available LSN; a consumer that falls behind retention
 * while streaming is told the same way. A position at or after a change set that a recovery
 * discarded ({@link OrmStore#historyEpochs()}), or past the newest commit, fails with INVALID_LSN
 * saying where the history diverged; the hole between two history epochs is skipped. {@link
 * FeedControl#stop()} completes a stream.
 */
public final class ChangeFeed {
  private final OrmStore store;
  private final Executor readExecutor;
  private final FeedSettings settings;

  public ChangeFeed(OrmStore store, Executor readExecutor, FeedSettings settings) {
    this.store = store;
    this.readExecutor = readExecutor;
    this.settings = settings;
  }

  /** A feed reading on the {@code ormdb.cdc.read-dispatcher} of {@code system}. */
  public static ChangeFeed create(ActorSystem<?> system, OrmStore store) {
    FeedSettings s = FeedSettings.create(system.settings().config());
    Executor ex = system.dispatchers().lookup(DispatcherSelector.fromConfig(s.readDispatcher()));
    return new ChangeFeed(store, ex, s);
  }

  /** Every change from {@code fromLsn} (inclusive; 0 or 1 = from the beginning). */
  public Source<ChangeEvent, FeedControl> changes(long fromLsn) {
    return changes(fromLsn, ChangeFilter.all());
  }

  /**
   * The changes from {@code fromLsn} that pass the filter (without markers; use {@link #items} for
   * transaction markers).
   */
  public Source<ChangeEvent, FeedControl> changes(long fromLsn, ChangeFilter filter) {
    if (filter.txMarkers()) {
      throw new IllegalArgumentException(
          "changes() delivers ChangeEvents only: use items() for transaction markers");
    }
    return items(fromLsn, filter).map(i -> (ChangeEvent) i);
  }

  /** The items from {@code fromLsn}: events, framed by transaction markers when asked. */
  public Source<ChangeFeedItem, FeedControl> items(long fromLsn, ChangeFilter filter) {
    if (fromLsn < 0) {
      throw new IllegalArgumentException("fromLsn must be >= 0 but is " + fromLsn);
    }
    return itemsAfter(ConsumerOffset.before(fromLsn), filter);
  }

  /** The items after a position (see {@link #offsetOf}). */
  public Source<ChangeFeedItem, FeedControl> itemsAfter(ConsumerOffset after, ChangeFilter filter) {
    return Source.fromGraph(
        new ChunkedSource<>(
            () -> new FeedReader(store, after, filter, settings.readChunk()), readExecutor));
  }

  /**
   * The executor this feed's store reads run on (the cdc read dispatcher when created by {@link
   * #create}).
   */
  public Executor readExecutor() {
    return readExecutor;
  }

  /** A named consumer with a durable offset. */
  public NamedConsumer consumer(String name) {
    return new NamedConsumer(name, store, this);
  }

  /** The position of an item: what a consumer commits after processing it. */
  public static ConsumerOffset offsetOf(ChangeFeedItem item) {
    if (item instanceof ChangeEvent e) {
      return new ConsumerOffset(e.lsn(), e.index());
    }
    if (item instanceof ChangeFeedItem.TxBegin) {
      return new ConsumerOffset(item.lsn(), ConsumerOffset.TX_BEGIN);
    }
    return new ConsumerOffset(item.lsn(), ConsumerOffset.TX_END);
  }
}
