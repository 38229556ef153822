package io.ormdb.protocol.result;

import io.ormdb.protocol.value.Value;
import java.util.List;

/**
 * Aggregate rows: each row holds the group-by values, then the aggregates, matching {@code
 * columns}. Without group by there is exactly one row.
 */
public record AggregateResult(
    String entity, List<String> columns, List<List<Value>> rows, long snapshotLsn) {
  public AggregateResult {
    columns = List.copyOf(columns);
    rows = rows.stream().map(List::copyOf).toList();
  }
}
