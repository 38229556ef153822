package io.ormdb.cdc.live;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Closed ranges of values, each with an owner, and the owners whose ranges hold a value: an
 * interval tree in sorted arrays (ranges by low end; each subtree knows its highest high end),
 * built once and never changed. A lookup costs O(log n) plus the ranges it finds. The values of all
 * ranges and of every lookup must be of one comparable kind (see {@link #kind(Value)}): {@link
 * Values#compare} is a total order within a kind.
 */
final class RangeIndex<T> {
  /** A range: {@code low} or {@code high} null means unbounded on that side; both ends included. */
  record Range<T>(Value low, Value high, T owner) {}

  private final Value[] lows;
  private final Value[] highs;
  private final Value[] maxHighs; // per subtree (the middle of a slice is its root); null = +inf
  private final List<T> owners;

  RangeIndex(List<Range<T>> ranges) {
    List<Range<T>> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparing(Range::low, RangeIndex::compareLow));
    int n = sorted.size();
    lows = new Value[n];
    highs = new Value[n];
    maxHighs = new Value[n];
    owners = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      lows[i] = sorted.get(i).low();
      highs[i] = sorted.get(i).high();
      owners.add(sorted.get(i).owner());
    }
    if (n > 0) {
      maxHigh(0, n);
    }
  }

  int size() {
    return owners.size();
  }

  /** Hands every owner whose range holds {@code v} (not null) to {@code to}. */
  void forEachHolding(Value v, Consumer<? super T> to) {
    find(v, 0, owners.size(), to);
  }

  private void find(Value v, int from, int to, Consumer<? super T> out) {
    while (from < to) {
      int mid = (from + to) >>> 1;
      if (!atMostHigh(v, maxHighs[mid])) {
        return; // every range of the slice ends below v
      }
      find(v, from, mid, out);
      if (!atLeastLow(v, lows[mid])) {
        return; // this range and those after it start above v
      }
      if (atMostHigh(v, highs[mid])) {
        out.accept(owners.get(mid));
      }
      from = mid + 1;
    }
  }

  /** Fills {@link #maxHighs} for the non-empty slice [from, to); its highest high end. */
  private Value maxHigh(int from, int to) {
    int mid = (from + to) >>> 1;
    Value m = highs[mid];
    if (from < mid) {
      m = higher(m, maxHigh(from, mid));
    }
    if (mid + 1 < to) {
      m = higher(m, maxHigh(mid + 1, to));
    }
    maxHighs[mid] = m;
    return m;
  }

  /** The higher of two high ends (null = unbounded). */
  private static Value higher(Value a, Value b) {
    if (a == null || b == null) {
      return null;
    }
    return Values.compare(a, b) >= 0 ? a : b;
  }

  private static boolean atMostHigh(Value v, Value high) {
    return high == null || Values.compare(v, high) <= 0;
  }

  private static boolean atLeastLow(Value v, Value low) {
    return low == null || Values.compare(v, low) >= 0;
  }

  private static int compareLow(Value a, Value b) {
    if (a == null || b == null) {
      return a == b ? 0 : (a == null ? -1 : 1);
    }
    return Values.compare(a, b);
  }

  /**
   * The kind of a value for ranges: the numeric types compare with each other, strings with enum
   * values, every other scalar type with itself; null for values no range is kept for (null,
   * arrays, JSON).
   */
  static Object kind(Value v) {
    if (v == null || v.isNull()) {
      return null;
    }
    var t = v.type();
    if (t.isNumeric()) {
      return "numeric";
    }
    return switch (t) {
      case STRING, ENUM -> "string";
      case NULL, ARRAY, JSON -> null;
      default -> t;
    };
  }
}
