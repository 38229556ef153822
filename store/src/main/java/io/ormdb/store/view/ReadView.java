package io.ormdb.store.view;

import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

/**
 * A consistent, read-only view of the database at one committed changelog position. Every call on
 * one view sees the same state, however many commits happen meanwhile; views never block writers.
 * Soft-deleted and deleted rows are invisible. Close it to release the snapshot.
 *
 * <p>This is the boundary between the storage engine (which implements it over MVStore) and the
 * query engine (which reads only through it).
 */
public interface ReadView extends AutoCloseable {

  /** The LSN this view reads at: every batch with a smaller or equal LSN is visible. */
  long lsn();

  /** The schema in force at {@link #lsn()}. */
  SchemaBundle schema();

  /** The row of {@code entity} with identity {@code id}, if live. */
  Optional<Row> get(String entity, Value id);

  /** Rows for several ids at once (missing ids are skipped), in the order of {@code ids}. */
  List<Row> getAll(String entity, List<Value> ids);

  /** All live rows of {@code entity}, in identity order. */
  Iterator<Row> scan(String entity);

  /**
   * Live rows of {@code entity} whose identity lies between {@code lower} and {@code upper} (either
   * null = unbounded), in identity order, or the reverse when {@code descending}. Bound values are
   * compared after conversion to the identity type. The default filters {@link #scan(String)};
   * storage implementations seek to the bound instead.
   */
  default Iterator<Row> scan(
      String entity, KeyRange.Bound lower, KeyRange.Bound upper, boolean descending) {
    java.util.List<Row> out = new java.util.ArrayList<>();
    Iterator<Row> all = scan(entity);
    while (all.hasNext()) {
      Row r = all.next();
      if (lower != null) {
        int c = io.ormdb.protocol.value.Values.compare(r.id(), lower.value());
        if (c < 0 || (c == 0 && !lower.inclusive())) {
          continue;
        }
      }
      if (upper != null) {
        int c = io.ormdb.protocol.value.Values.compare(r.id(), upper.value());
        if (c > 0 || (c == 0 && !upper.inclusive())) {
          continue;
        }
      }
      out.add(r);
    }
    if (descending) {
      java.util.Collections.reverse(out);
    }
    return out.iterator();
  }

  /**
   * Every index available on {@code entity}: those the schema declares plus the implicit ones
   * (unique fields and unique constraints, indexed fields, foreign-key fields of relations), each
   * with a stable name. Identity lookups use {@link #get}, not an index.
   */
  List<IndexDef> indexes(String entity);

  /**
   * Rows whose key in {@code index} lies in {@code range}, in index key order (then identity
   * order), or the reverse when {@code descending}. For HASH indexes only an equality range on all
   * key fields is allowed (else IllegalArgumentException).
   */
  Iterator<Row> indexScan(String entity, String index, KeyRange range, boolean descending);

  /**
   * Rows whose first key field in the ordered {@code index} equals one of {@code keys}, in index
   * key order: the batched lookup of an include's rows for many parent keys at once. This default
   * runs one equality scan per key; the store's view reads all of them in one forward pass that
   * seeks over the entries between wanted keys.
   */
  default Iterator<Row> indexScanIn(String entity, String index, SortedSet<Value> keys) {
    List<Row> out = new java.util.ArrayList<>();
    for (Value k : keys) {
      indexScan(entity, index, new KeyRange(List.of(k), null, null), false)
          .forEachRemaining(out::add);
    }
    return out.iterator();
  }

  /** The number of live rows of {@code entity} (exact or a close estimate; for planning). */
  long count(String entity);

  @Override
  void close();
}
