package io.ormdb.store.internal.journal;

import io.ormdb.store.internal.file.LoggedMap;
import io.ormdb.store.internal.file.StoreMaps;
import io.ormdb.store.journal.ConsumerOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Named change-feed consumer offsets in the map {@code offsets} (name → {@code "lsn:index"}),
 * written through the committer so a commit is durable before its future completes.
 */
public final class OffsetMap {
  private final DurableWrites writes;
  private final LoggedMap<String, String> offsets;

  public OffsetMap(DurableWrites writes, StoreMaps maps) {
    this.writes = writes;
    this.offsets = maps.offsets;
  }

  public CompletableFuture<Void> commit(String name, ConsumerOffset offset) {
    return writes.writeDurably(
        () -> {
          offsets.put(name, offset.lsn() + ":" + offset.index());
          return null;
        });
  }

  public Optional<ConsumerOffset> get(String name) {
    String s = offsets.map().get(name);
    if (s == null) {
      return Optional.empty();
    }
    int colon = s.indexOf(':');
    return Optional.of(
        new ConsumerOffset(
            Long.parseLong(s.substring(0, colon)), Integer.parseInt(s.substring(colon + 1))));
  }

  /**
   * The oldest LSN a named consumer still needs: the change set of its stored offset unless the
   * offset is that set's end marker, else the next one; {@link Long#MAX_VALUE} without consumers.
   */
  public long oldestNeeded() {
    long min = Long.MAX_VALUE;
    for (String name : offsets.map().keySet()) {
      ConsumerOffset o = get(name).orElseThrow();
      long needed = o.index() == ConsumerOffset.TX_END ? o.lsn() + 1 : Math.max(1, o.lsn());
      min = Math.min(min, needed);
    }
    return min;
  }

  public CompletableFuture<Void> remove(String name) {
    return writes.writeDurably(
        () -> {
          offsets.remove(name);
          return null;
        });
  }
}
