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
 * so no two distinct rows compare equal. Nulls sort first ascending and last descending.
 */
public final class RowOrder implements Comparator<Row> {
  private final List<SortKey> keys;

  public RowOrder(List<SortKey> keys) {
    this.keys = List.copyOf(keys);
  }

  public List<SortKey> keys() {
    return keys;
  }

  @Override
  public int compare(Row a, Row b) {
    for (SortKey k : keys) {
      int c = Values.compare(a.get(k.field()), b.get(k.field()));
      if (c != 0) {
        return k.descending() ? -c : c;
      }
    }
    return 0;
  }

  /**
   * This order as a comparator for one thread that reads the sort fields by slot ({@link
   * FieldSlot}); make one per sort loop.
   */
  public Comparator<Row> slotted() {
    int n = keys.size();
    FieldSlot[] slots = new FieldSlot[n];
    boolean[] descending = new boolean[n];
    for (int i = 0; i < n; i++) {
      slots[i] = new FieldSlot(keys.get(i).field());
      descending[i] = keys.get(i).descending();
    }
    return (a, b) -> {
      for (int i = 0; i < n; i++) {
        int c = Values.compare(slots[i].of(a), slots[i].of(b));
        if (c != 0) {
          return descending[i] ? -c : c;
        }
      }
      return 0;
    };
  }

  /** Compares a row with a position (the sort-key values of a row, as kept in a cursor). */
  public int compareToPosition(Row row, List<Value> position) {
    for (int i = 0; i < keys.size(); i++) {
      SortKey k = keys.get(i);
      int c = Values.compare(row.get(k.field()), position.get(i));
      if (c != 0) {
        return k.descending() ? -c : c;
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
