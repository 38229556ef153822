package io.ormdb.store.query.internal;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.filter.LikePattern;
import io.ormdb.store.view.KeyRange;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/** Opens the row stream an {@link AccessPlan} describes, taking literals from the conjuncts. */
public final class RowReader {
  private RowReader() {}

  /**
   * @param cursorValues the root cursor's sort-key values (to bound an ordered index scan), or null
   */
  public static Iterator<Row> open(
      ReadView view, String entity, AccessPlan plan, List<Filter> conj, List<Value> cursorValues) {
    switch (plan.access()) {
      case PRIMARY_KEY:
        return byIdentity(view, entity, conj.get(plan.keyConjuncts().get(0)));
      case SCAN:
        return scan(view, entity, plan, conj, cursorValues);
      case INDEX_IN:
        return byIndexIn(view, entity, plan, (Filter.In) conj.get(plan.keyConjuncts().get(0)));
      default:
        return view.indexScan(
            entity, plan.index(), range(plan, conj, cursorValues), plan.descending());
    }
  }

  private static Iterator<Row> scan(
      ReadView view, String entity, AccessPlan plan, List<Filter> conj, List<Value> cursorValues) {
    KeyRange.Bound lower = bound(conj, plan.lowerConjunct(), Filter.Op.GE);
    KeyRange.Bound upper = bound(conj, plan.upperConjunct(), Filter.Op.LE);
    if (cursorValues != null && plan.cursorKey() >= 0) {
      Value v = cursorValues.get(plan.cursorKey());
      if (!v.isNull()) {
        // the page starts at the cursor's row (paging skips it and anything before it)
        KeyRange.Bound c = new KeyRange.Bound(v, true);
        if (plan.descending()) {
          upper = upper == null || Values.compare(v, upper.value()) < 0 ? c : upper;
        } else {
          lower = lower == null || Values.compare(v, lower.value()) > 0 ? c : lower;
        }
      }
    }
    if (lower == null && upper == null && !plan.descending()) {
      return view.scan(entity);
    }
    return view.scan(entity, lower, upper, plan.descending());
  }

  private static KeyRange.Bound bound(List<Filter> conj, int i, Filter.Op inclusiveOp) {
    if (i < 0) {
      return null;
    }
    Filter.Compare c = (Filter.Compare) conj.get(i);
    return new KeyRange.Bound(c.value(), c.op() == inclusiveOp);
  }

  private static Iterator<Row> byIdentity(ReadView view, String entity, Filter c) {
    if (c instanceof Filter.Compare cmp) {
      return view.get(entity, cmp.value()).map(List::of).orElse(List.of()).iterator();
    }
    TreeSet<Value> ids = new TreeSet<>(Values::compare);
    for (Value v : ((Filter.In) c).values()) {
      if (!v.isNull()) {
        ids.add(v);
      }
    }
    if (ids.isEmpty()) {
      return Collections.emptyIterator();
    }
    return view.getAll(entity, new ArrayList<>(ids)).iterator();
  }

  /** The rows of every listed (non-null) value through the index, value after value. */
  private static Iterator<Row> byIndexIn(
      ReadView view, String entity, AccessPlan plan, Filter.In in) {
    TreeSet<Value> values = new TreeSet<>(Values::compare);
    for (Value v : in.values()) {
      if (!v.isNull()) {
        values.add(v);
      }
    }
    Iterator<Value> next = values.iterator();
    return new Iterator<>() {
      private Iterator<Row> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && next.hasNext()) {
          KeyRange equal = new KeyRange(List.of(next.next()), null, null);
          current = view.indexScan(entity, plan.index(), equal, false);
        }
        return current.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  static KeyRange range(AccessPlan plan, List<Filter> conj, List<Value> cursorValues) {
    List<Value> equal = new ArrayList<>();
    for (int i : plan.keyConjuncts()) {
      equal.add(((Filter.Compare) conj.get(i)).value());
    }
    KeyRange.Bound lower = null;
    KeyRange.Bound upper = null;
    if (plan.lowerConjunct() >= 0) {
      Filter.Compare c = (Filter.Compare) conj.get(plan.lowerConjunct());
      lower = new KeyRange.Bound(c.value(), c.op() == Filter.Op.GE);
    }
    if (plan.upperConjunct() >= 0) {
      Filter.Compare c = (Filter.Compare) conj.get(plan.upperConjunct());
      upper = new KeyRange.Bound(c.value(), c.op() == Filter.Op.LE);
    }
    if (plan.likeConjunct() >= 0) {
      String prefix =
          LikePattern.literalPrefix(((Filter.Like) conj.get(plan.likeConjunct())).pattern());
      lower = new KeyRange.Bound(new Value.Str(prefix), true);
      String next = successor(prefix);
      upper = next == null ? null : new KeyRange.Bound(new Value.Str(next), false);
    }
    if (cursorValues != null && plan.cursorKey() >= 0 && lower == null) {
      Value v = cursorValues.get(plan.cursorKey());
      if (!v.isNull()) {
        lower = new KeyRange.Bound(v, true);
      }
    }
    return new KeyRange(equal, lower, upper);
  }

  /**
   * The smallest string greater, in code point order ({@link Values#compareText}), than every
   * string starting with {@code prefix}, or null when there is none.
   */
  static String successor(String prefix) {
    int[] cps = prefix.codePoints().toArray();
    int n = cps.length;
    if (n > 0 && Character.isHighSurrogate((char) cps[n - 1]) && cps[n - 1] <= 0xFFFF) {
      // an unpaired high surrogate at the end: strings starting with the prefix may pair it
      cps[n - 1] = Character.toCodePoint((char) cps[n - 1], Character.MAX_LOW_SURROGATE);
    }
    while (n > 0) {
      if (cps[n - 1] < Character.MAX_CODE_POINT) {
        cps[n - 1]++;
        if (Character.isLowSurrogate((char) cps[n - 1])
            && cps[n - 1] <= 0xFFFF
            && n > 1
            && Character.isHighSurrogate((char) cps[n - 2])
            && cps[n - 2] <= 0xFFFF) {
          // after an unpaired high surrogate a low one would pair with it: no string holds
          // these code points, and the next that can follow it is U+E000
          cps[n - 1] = 0xE000;
        }
        return new String(cps, 0, n);
      }
      n--;
    }
    return null;
  }
}
