package io.ormdb.cdc.feed;

import io.ormdb.cdc.internal.ChunkReader;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeFeedItem;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.store.OrmStore;
import io.ormdb.store.journal.ConsumerOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Reads the changelog after a position, one chunk of change sets per read, and turns it into feed
 * items: only committed (published) change sets, in LSN order, each item once.
 */
final class FeedReader implements ChunkReader<ChangeFeedItem> {
  private final OrmStore store;
  private final ChangeFilter filter;
  private final int chunk;
  private final ConsumerOffset after;
  private long next;
  private boolean positionChecked;

  FeedReader(OrmStore store, ConsumerOffset after, ChangeFilter filter, int chunk) {
    this.store = store;
    this.after = after;
    this.filter = filter;
    this.chunk = chunk;
    this.next = after.index() == ConsumerOffset.TX_END ? after.lsn() + 1 : Math.max(1, after.lsn());
  }

  @Override
  public List<ChangeFeedItem> read() {
    if (!positionChecked && after.lsn() <= store.currentLsn()) {
      // a position inside a change set a recovery discarded is refused (a future one waits)
      store.checkReadPosition(
          after.lsn(), "the feed position " + after.lsn() + ":" + after.index());
      positionChecked = true;
    }
    List<ChangeFeedItem> out = new ArrayList<>();
    while (out.isEmpty()) {
      if (next > store.currentLsn()) {
        return out; // caught up: wait for the next commit
      }
      for (ChangeSet cs : store.changes(next, chunk)) {
        addItems(cs, out);
        next = cs.lsn() + 1;
      }
    }
    return out;
  }

  /**
   * Adds the change set's items after {@code after}: its accepted events, framed by markers when
   * asked for — a change set without accepted events has no items at all.
   */
  private void addItems(ChangeSet cs, List<ChangeFeedItem> out) {
    List<ChangeEvent> accepted = new ArrayList<>();
    for (ChangeEvent e : cs.events()) {
      if (filter.accepts(e)) {
        accepted.add(e);
      }
    }
    if (accepted.isEmpty()) {
      return;
    }
    if (filter.txMarkers() && isNew(cs.lsn(), ConsumerOffset.TX_BEGIN)) {
      out.add(new ChangeFeedItem.TxBegin(cs.lsn(), cs.txId(), cs.commitTsMicros()));
    }
    for (ChangeEvent e : accepted) {
      if (isNew(cs.lsn(), e.index())) {
        out.add(e);
      }
    }
    if (filter.txMarkers() && isNew(cs.lsn(), ConsumerOffset.TX_END)) {
      Map<String, Integer> perEntity = new LinkedHashMap<>();
      for (ChangeEvent e : cs.events()) {
        perEntity.merge(e.entity(), 1, Integer::sum);
      }
      out.add(new ChangeFeedItem.TxEnd(cs.lsn(), cs.txId(), cs.events().size(), perEntity));
    }
  }

  private boolean isNew(long lsn, int index) {
    return after.isBefore(new ConsumerOffset(lsn, index));
  }

  @Override
  public CompletionStage<?> whenMore() {
    return store.lsnAfter(next - 1);
  }
}
