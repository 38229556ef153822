package io.ormdb.protocol.change;

import java.util.Map;
import java.util.Objects;

/**
 * What a change feed delivers, in LSN order: row changes, optionally framed by transaction markers
 * (Debezium's BEGIN/END transaction metadata).
 */
public sealed interface ChangeFeedItem
    permits ChangeEvent, ChangeFeedItem.TxBegin, ChangeFeedItem.TxEnd {

  long lsn();

  /** Opens a committed batch. */
  record TxBegin(long lsn, long txId, long commitTsMicros) implements ChangeFeedItem {}

  /**
   * Closes a committed batch.
   *
   * @param eventCount events in the batch
   * @param eventsPerEntity events per entity (Debezium's data_collections)
   */
  record TxEnd(long lsn, long txId, int eventCount, Map<String, Integer> eventsPerEntity)
      implements ChangeFeedItem {
    public TxEnd {
      eventsPerEntity = Map.copyOf(Objects.requireNonNull(eventsPerEntity, "eventsPerEntity"));
    }
  }
}
