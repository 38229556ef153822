package io.ormdb.cdc.feed;

import io.ormdb.cdc.FeedControl;
import io.ormdb.protocol.change.ChangeFeedItem;
import io.ormdb.store.OrmStore;
import io.ormdb.store.journal.ConsumerOffset;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A change-feed consumer with a durable offset stored in the database file under its name.
 *
 * <p><b>Contract.</b> {@link #resume} delivers, in LSN order, exactly the committed items whose
 * position ({@link ChangeFeed#offsetOf}) is after the stored offset, each once. {@link #commit}
 * stores a position durably (it survives a SIGKILL of the node once the returned stage completes).
 * A consumer that processes an item and then commits its position, one item at a time, therefore
 * gets <i>exactly-once per committed offset</i>: every committed position was processed and is
 * never delivered again after any restart; only an item processed but not yet committed when the
 * process died is delivered again (at most one item per crash, the one right after the stored
 * offset). Committing less often widens that window to the items since the last commit; nothing is
 * ever skipped. Committing an earlier position than the stored one moves the offset back (a
 * rewind).
 *
 * <p><b>Retention.</b> A stored offset holds back the change sets after it when the changelog has a
 * retention ({@code ormdb.changelog-retention}), for at most {@code ormdb.changelog-consumer-hold}
 * past it; {@link #remove} a consumer that will not run again so that it holds nothing.
 */
public final class NamedConsumer {
  private final String name;
  private final OrmStore store;
  private final ChangeFeed feed;

  NamedConsumer(String name, OrmStore store, ChangeFeed feed) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a consumer name must not be blank");
    }
    this.name = name;
    this.store = store;
    this.feed = feed;
  }

  public String name() {
    return name;
  }

  /** The stored offset, or {@link ConsumerOffset#START} when none was ever committed. */
  public ConsumerOffset offset() {
    return store.consumerOffset(name).orElse(ConsumerOffset.START);
  }

  /** The items after the stored offset (read when the stream is materialized). */
  public Source<ChangeFeedItem, FeedControl> resume(ChangeFilter filter) {
    return Source.lazySource(() -> feed.itemsAfter(offset(), filter))
        .mapMaterializedValue(f -> new LazyControl(f.toCompletableFuture()));
  }

  /** Stores the position of {@code processed} durably. */
  public CompletionStage<Done> commit(ChangeFeedItem processed) {
    return commit(ChangeFeed.offsetOf(processed));
  }

  /** Stores {@code offset} durably. */
  public CompletionStage<Done> commit(ConsumerOffset offset) {
    return store.commitOffset(name, offset).thenApply(v -> Done.getInstance());
  }

  /**
   * Forgets this consumer's stored offset durably: it no longer holds the changelog back, and a
   * later {@link #resume} starts from the oldest retained change set.
   */
  public CompletionStage<Done> remove() {
    return store.removeConsumerOffset(name).thenApply(v -> Done.getInstance());
  }

  /** Controls a stream that starts when first pulled. */
  private record LazyControl(java.util.concurrent.CompletableFuture<FeedControl> inner)
      implements FeedControl {
    @Override
    public void stop() {
      inner.thenAccept(FeedControl::stop);
    }

    @Override
    public long buffered() {
      return inner.isDone() && !inner.isCompletedExceptionally() ? inner.join().buffered() : 0;
    }

    @Override
    public long maxBuffered() {
      return inner.isDone() && !inner.isCompletedExceptionally() ? inner.join().maxBuffered() : 0;
    }
  }
}
