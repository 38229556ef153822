package io.ormdb.store.query.internal;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.query.Deadline;
import io.ormdb.store.view.FieldSlot;
import io.ormdb.store.view.KeyRange;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;

/**
 * Runs one batched lookup ({@link JoinPlan.Hop}) for all keys of a level at once: never one read
 * per parent. Strategies:
 *
 * <ul>
 *   <li>{@code pk-batch}: the keys are identities: one getAll;
 *   <li>{@code index-merge}: one ordered scan of an index on the key field, from the smallest to
 *       the largest key, keeping rows whose key is one of the (sorted) keys — the batched form of a
 *       nested loop over the index; a single key is one equality scan;
 *   <li>{@code hash}: one scan of the whole entity probing the set of keys; chosen, as in the
 *       original, for more than 100 parent keys or more than 1,000 expected rows, when those rows
 *       are at least half of the entity anyway (or when no ordered index exists).
 * </ul>
 */
public final class JoinExecutor {
  static final int HASH_PARENTS = 100;
  static final long HASH_CHILDREN = 1_000;

  private JoinExecutor() {}

  /**
   * The rows whose key is one of the keys (in the order the strategy read them: identity order,
   * index order, or entity order), and the strategy used. Grouping by key is left to the caller,
   * which groups once (by parent) instead of twice.
   */
  public record Fetched(List<Row> rows, String strategy, long rowsRead) {}

  /** The strategy {@link #fetch} will use for {@code keys} keys. */
  public static String strategy(JoinPlan.Hop hop, long keys, long estimatedRows, long entityRows) {
    if (hop.byIdentity()) {
      return "pk-batch";
    }
    if (keys <= 1 && hop.eqIndex() != null) {
      return "index-merge";
    }
    boolean big = keys > HASH_PARENTS || estimatedRows > HASH_CHILDREN;
    if (hop.rangeIndex() != null && !(big && estimatedRows * 2 >= entityRows)) {
      return "index-merge";
    }
    return "hash";
  }

  public static Fetched fetch(ReadView view, JoinPlan.Hop hop, SortedSet<Value> keys, long fanout) {
    return fetch(view, hop, keys, fanout, Deadline.NONE);
  }

  /** Like {@link #fetch(ReadView, JoinPlan.Hop, SortedSet, long)}, checking {@code deadline}. */
  public static Fetched fetch(
      ReadView view, JoinPlan.Hop hop, SortedSet<Value> keys, long fanout, Deadline deadline) {
    if (keys.isEmpty()) {
      return new Fetched(List.of(), strategy(hop, 0, 0, 0), 0);
    }
    long entityRows = view.count(hop.entity());
    String strategy = strategy(hop, keys.size(), keys.size() * fanout, entityRows);
    if (strategy.equals("pk-batch")) {
      List<Row> rows = view.getAll(hop.entity(), new ArrayList<>(keys));
      return new Fetched(rows, strategy, rows.size());
    }
    long read = 0;
    Iterator<Row> it;
    if (strategy.equals("hash")) {
      it = view.scan(hop.entity());
    } else if (keys.size() == 1) {
      it =
          view.indexScan(
              hop.entity(),
              hop.rangeIndex() != null ? hop.rangeIndex() : hop.eqIndex(),
              KeyRange.eq(keys.first()),
              false);
    } else {
      // only the entries of the wanted keys, not every entry between the smallest and largest
      it = view.indexScanIn(hop.entity(), hop.rangeIndex(), keys);
    }
    // keep rows whose key is wanted (by Values.hashKey: the join's key fields share one type, so
    // hashing is exact)
    Set<Value> wanted = new HashSet<>(keys.size() * 2);
    for (Value k : keys) {
      wanted.add(Values.hashKey(k));
    }
    List<Row> out = new ArrayList<>();
    FieldSlot slot = new FieldSlot(hop.field());
    while (it.hasNext()) {
      Row r = it.next();
      if (++read % Deadline.CHECK_EVERY == 0) {
        deadline.check();
      }
      Value k = slot.of(r);
      if (!k.isNull() && wanted.contains(Values.hashKey(k))) {
        out.add(r);
      }
    }
    return new Fetched(out, strategy, read);
  }

  /** The distinct non-null values of {@code field} over {@code rows}, sorted. */
  public static SortedKeys keys(List<Row> rows, String field) {
    FieldSlot slot = new FieldSlot(field);
    List<Value> values = new ArrayList<>(rows.size());
    for (Row r : rows) {
      values.add(slot.of(r));
    }
    return SortedKeys.of(values);
  }
}
