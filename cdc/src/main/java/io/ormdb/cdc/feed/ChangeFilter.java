package io.ormdb.cdc.feed;

import io.ormdb.protocol.change.ChangeEvent;
import java.util.Arrays;
import java.util.Set;

/**
 * Which changes a feed delivers.
 *
 * @param entities the entities to deliver (empty: all)
 * @param ops the operations to deliver (empty: all)
 * @param txMarkers whether to frame each change set that has at least one delivered event with a
 *     {@code TxBegin} and a {@code TxEnd} marker (the end marker counts all events of the change
 *     set, filtered or not: it describes the transaction)
 */
public record ChangeFilter(Set<String> entities, Set<ChangeEvent.Op> ops, boolean txMarkers) {
  public ChangeFilter {
    entities = entities == null ? Set.of() : Set.copyOf(entities);
    ops = ops == null ? Set.of() : Set.copyOf(ops);
  }

  /** Every change, no markers. */
  public static ChangeFilter all() {
    return new ChangeFilter(Set.of(), Set.of(), false);
  }

  public ChangeFilter withEntities(String... names) {
    return new ChangeFilter(Set.of(names), ops, txMarkers);
  }

  public ChangeFilter withOps(ChangeEvent.Op... operations) {
    return new ChangeFilter(entities, Set.copyOf(Arrays.asList(operations)), txMarkers);
  }

  public ChangeFilter withTxMarkers() {
    return new ChangeFilter(entities, ops, true);
  }

  public boolean accepts(ChangeEvent e) {
    return (entities.isEmpty() || entities.contains(e.entity()))
        && (ops.isEmpty() || ops.contains(e.op()));
  }
}
