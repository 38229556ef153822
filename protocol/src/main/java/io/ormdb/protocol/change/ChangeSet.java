package io.ormdb.protocol.change;

import java.util.List;

/**
 * One committed batch as the changelog stores it: one entry per batch, global gap-free LSN in
 * commit order, with the before/after image of every changed row.
 */
public record ChangeSet(
    long lsn, long txId, long schemaVersion, long commitTsMicros, List<ChangeEvent> events) {
  public ChangeSet {
    events = List.copyOf(events);
  }
}
