package io.ormdb.store.query.internal;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.view.FieldSlot;
import io.ormdb.store.view.KeyRange;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
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

  public static Fetched fetch(ReadView view, JoinPlan.Hop hop, TreeSet<Value> keys, long fanout) {
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
      read++;
      Value k = slot.of(r);
      if (!k.isNull() && wanted.contains(Values.hashKey(k))) {
        out.add(r);
      }
    }
    return new Fetched(out, strategy, read);
  }

  /** The distinct non-null values of {@code field} over {@code rows}, sorted. */
  public static TreeSet<Value> keys(List<Row> rows, String field) {
    FieldSlot slot = new FieldSlot(field);
    List<Value> values = new ArrayList<>(rows.size());
    for (Row r : rows) {
      values.add(slot.of(r));
    }
    return sortedKeys(values);
  }

  /**
   * The distinct non-null {@code values}, sorted by {@link Values#ORDER}. Values that arrive in
   * ascending order (keys of parents read in key order, or a key list sent already sorted) are
   * built into the set in one linear pass instead of a sorted insert each.
   */
  public static TreeSet<Value> sortedKeys(List<Value> values) {
    List<Value> ascending = new ArrayList<>(values.size());
    TreeSet<Value> keys = null;
    for (Value v : values) {
      if (v.isNull()) {
        continue;
      }
      if (keys != null) {
        keys.add(v);
        continue;
      }
      int c = ascending.isEmpty() ? 1 : Values.compare(v, ascending.get(ascending.size() - 1));
      if (c > 0) {
        ascending.add(v);
      } else if (c < 0) {
        // out of order: fall back to sorted inserts
        keys = new TreeSet<>(Values.ORDER);
        keys.addAll(ascending);
        keys.add(v);
      }
    }
    return keys != null ? keys : new TreeSet<>(new Ascending(ascending));
  }

  /** Distinct values already in {@link Values#ORDER}; only what copying into a TreeSet reads. */
  private static final class Ascending extends java.util.AbstractSet<Value>
      implements java.util.SortedSet<Value> {
    private final List<Value> values;

    Ascending(List<Value> values) {
      this.values = values;
    }

    @Override
    public java.util.Comparator<? super Value> comparator() {
      return Values.ORDER;
    }

    @Override
    public Iterator<Value> iterator() {
      return values.iterator();
    }

    @Override
    public int size() {
      return values.size();
    }

    @Override
    public java.util.SortedSet<Value> subSet(Value from, Value to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.util.SortedSet<Value> headSet(Value to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.util.SortedSet<Value> tailSet(Value from) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Value first() {
      return values.get(0);
    }

    @Override
    public Value last() {
      return values.get(values.size() - 1);
    }
  }
}
