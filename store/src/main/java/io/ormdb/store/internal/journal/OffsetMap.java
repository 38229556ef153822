package io.ormdb.store.internal.journal;

import io.ormdb.store.internal.engine.Engine;
import io.ormdb.store.journal.ConsumerOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * Named change-feed consumer offsets in the map {@code offsets} (name → {@code "lsn:index"}),
 * written through the committer so a commit is durable before its future completes.
 */
public final class OffsetMap {
  private final Engine engine;
  private final MVMap<String, String> offsets;

  public OffsetMap(Engine engine, MVStore store) {
    this.engine = engine;
    this.offsets = store.openMap("offsets");
  }

  public CompletableFuture<Void> commit(String name, ConsumerOffset offset) {
    return engine.writeDurably(
        () -> {
          offsets.put(name, offset.lsn() + ":" + offset.index());
          return null;
        });
  }

  public Optional<ConsumerOffset> get(String name) {
    String s = offsets.get(name);
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
    for (String name : offsets.keySet()) {
      ConsumerOffset o = get(name).orElseThrow();
      long needed = o.index() == ConsumerOffset.TX_END ? o.lsn() + 1 : Math.max(1, o.lsn());
      min = Math.min(min, needed);
    }
    return min;
  }

  public CompletableFuture<Void> remove(String name) {
    return engine.writeDurably(
        () -> {
          offsets.remove(name);
          return null;
        });
  }
}
