package io.ormdb.store.query.internal;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.view.KeyRange;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

  /** Fetched rows grouped by their key value, and the strategy used. */
  public record Fetched(Map<Value, List<Row>> byKey, String strategy, long rowsRead) {}

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

  public static Fetched fetch(ReadView view, JoinPlan.Hop hop, TreeSet<Value> keys, long fanout) {
    // keyed by Values.hashKey: the join's key fields share one type, so hashing is exact
    Map<Value, List<Row>> byKey = new HashMap<>();
    if (keys.isEmpty()) {
      return new Fetched(byKey, strategy(hop, 0, 0, 0), 0);
    }
    long entityRows = view.count(hop.entity());
    String strategy = strategy(hop, keys.size(), keys.size() * fanout, entityRows);
    long read = 0;
    if (strategy.equals("pk-batch")) {
      for (Row r : view.getAll(hop.entity(), new ArrayList<>(keys))) {
        read++;
        byKey.computeIfAbsent(Values.hashKey(r.id()), k -> new ArrayList<>()).add(r);
      }
      return new Fetched(byKey, strategy, read);
    }
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
      it =
          view.indexScan(
              hop.entity(),
              hop.rangeIndex(),
              new KeyRange(
                  List.of(),
                  new KeyRange.Bound(keys.first(), true),
                  new KeyRange.Bound(keys.last(), true)),
              false);
    }
    Set<Value> wanted = new HashSet<>(keys.size() * 2);
    for (Value k : keys) {
      wanted.add(Values.hashKey(k));
    }
    while (it.hasNext()) {
      Row r = it.next();
      read++;
      Value k = r.get(hop.field());
      if (!k.isNull()) {
        Value hk = Values.hashKey(k);
        if (wanted.contains(hk)) {
          byKey.computeIfAbsent(hk, x -> new ArrayList<>()).add(r);
        }
      }
    }
    return new Fetched(byKey, strategy, read);
  }

  /** The distinct non-null values of {@code field} over {@code rows}, sorted. */
  public static TreeSet<Value> keys(List<Row> rows, String field) {
    TreeSet<Value> keys = new TreeSet<>(Values::compare);
    for (Row r : rows) {
      Value v = r.get(field);
      if (!v.isNull()) {
        keys.add(v);
      }
    }
    return keys;
  }
}
