package io.ormdb.cdc.audit;

import io.ormdb.cdc.feed.ChangeFeed;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.store.journal.ConsumerOffset;
import java.util.List;

/**
 * Consecutive committed changes, in LSN order, that an audit sink hands to its destination as one
 * unit; {@link #last()} is the position committed once the destination made them durable.
 */
public record AuditBatch(List<ChangeEvent> events) {
  public AuditBatch {
    events = List.copyOf(events);
    if (events.isEmpty()) {
      throw new IllegalArgumentException("an audit batch has at least one change");
    }
  }

  /** The feed position of the batch's last change. */
  public ConsumerOffset last() {
    return ChangeFeed.offsetOf(events.get(events.size() - 1));
  }
}
