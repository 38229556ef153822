package io.ormdb.store.query.internal;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.view.FieldSlot;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The total order of one level: the effective sort keys, the last of which is always the identity,
 * so no two distinct rows compare equal. A key on a related row's field reads the value {@link
 * RelatedKeys} attached to the row under the key's path. Each key puts nulls where it says ({@link
 * SortKey#nullsFirst}: by default first ascending and last descending) and compares other values by
 * {@link Values#compare}.
 */
public final class RowOrder implements Comparator<Row> {
  private final List<SortKey> keys;

  public RowOrder(List<SortKey> keys) {
    this.keys = List.copyOf(keys);
  }

  public List<SortKey> keys() {
    return keys;
  }

  /**
   * Whether a key is a related row's field: rows must carry its values ({@link RelatedKeys}) before
   * they are compared.
   */
  public boolean hasRelated() {
    for (SortKey k : keys) {
      if (k.related()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int compare(Row a, Row b) {
    for (SortKey k : keys) {
      int c = compare(k, a.get(k.field()), b.get(k.field()));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** Two values of key {@code k}, in its order. */
  static int compare(SortKey k, Value a, Value b) {
    boolean an = a.isNull();
    boolean bn = b.isNull();
    if (an || bn) {
      return an == bn ? 0 : (an == k.nullsFirst() ? -1 : 1);
    }
    int c = Values.compare(a, b);
    return k.descending() ? -c : c;
  }

  /**
   * This order as a comparator for one thread that reads the sort fields by slot ({@link
   * FieldSlot}); make one per sort loop.
   */
  public Comparator<Row> slotted() {
    int n = keys.size();
    FieldSlot[] slots = new FieldSlot[n];
    SortKey[] k = keys.toArray(new SortKey[0]);
    for (int i = 0; i < n; i++) {
      slots[i] = new FieldSlot(k[i].field());
    }
    return (a, b) -> {
      for (int i = 0; i < n; i++) {
        int c = compare(k[i], slots[i].of(a), slots[i].of(b));
        if (c != 0) {
          return c;
        }
      }
      return 0;
    };
  }

  /** Compares a row with a position (the sort-key values of a row, as kept in a cursor). */
  public int compareToPosition(Row row, List<Value> position) {
    for (int i = 0; i < keys.size(); i++) {
      SortKey k = keys.get(i);
      int c = compare(k, row.get(k.field()), position.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** The sort-key values of a row. */
  public List<Value> position(Row row) {
    List<Value> out = new ArrayList<>(keys.size());
    for (SortKey k : keys) {
      out.add(row.get(k.field()));
    }
    return out;
  }

  /** Whether two rows agree on the first {@code n} keys. */
  public boolean samePrefix(Row a, Row b, int n) {
    for (int i = 0; i < n; i++) {
      String f = keys.get(i).field();
      if (Values.compare(a.get(f), b.get(f)) != 0) {
        return false;
      }
    }
    return true;
  }
}
