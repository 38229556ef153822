package io.ormdb.store.columnar.internal;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.value.Value;
import java.util.Map;

/**
 * Conjuncts of a filter evaluated over a whole segment's selection at once, on primitive data: null
 * tests on any column, comparisons of long and double columns with a literal of the column's own
 * type, and equality of dictionary columns. A row passes exactly when the conjunct is TRUE in the
 * three-valued logic of {@link io.ormdb.store.filter.FilterEvaluator} (a comparison with null is
 * never true). Anything else is left to the per-slot evaluator.
 */
final class Predicates {
  private Predicates() {}

  /** Narrows {@code sel[0..m)} (segment offsets) in place; returns the new count. */
  interface Pred {
    int filter(int seg, int[] sel, int m);
  }

  static Pred compile(Filter f, Map<String, Column> cols) {
    if (f instanceof Filter.IsNull n) {
      Column col = cols.get(n.field());
      if (col == null) {
        return null;
      }
      boolean wantNull = !n.negated();
      return (seg, sel, m) -> {
        long[] nb = col.nulls[seg];
        int k = 0;
        for (int i = 0; i < m; i++) {
          if (Aggregators.isNull(nb, sel[i]) == wantNull) {
            sel[k++] = sel[i];
          }
        }
        return k;
      };
    }
    if (!(f instanceof Filter.Compare c)) {
      return null;
    }
    Column col = cols.get(c.field());
    Value lit = c.value();
    if (col == null || lit.isNull() || lit.type() != col.type || col.field.type().array()) {
      return null;
    }
    Filter.Op op = c.op();
    if (col instanceof LongColumn lc) {
      long x = LongColumn.encode(col.type, lit);
      return (seg, sel, m) -> {
        long[] nb = lc.nulls[seg];
        long[] d = lc.data[seg];
        int k = 0;
        for (int i = 0; i < m; i++) {
          int off = sel[i];
          if (!Aggregators.isNull(nb, off) && op.test(Long.compare(d[off], x))) {
            sel[k++] = off;
          }
        }
        return k;
      };
    }
    if (col instanceof DoubleColumn dc) {
      double x = lit.asDouble();
      return (seg, sel, m) -> {
        long[] nb = dc.nulls[seg];
        double[] d = dc.data[seg];
        int k = 0;
        for (int i = 0; i < m; i++) {
          int off = sel[i];
          if (!Aggregators.isNull(nb, off) && op.test(Double.compare(d[off], x))) {
            sel[k++] = off;
          }
        }
        return k;
      };
    }
    if (col instanceof DictColumn dc && (op == Filter.Op.EQ || op == Filter.Op.NE)) {
      int code = -1;
      Value[] dict = dc.dictionary();
      for (int i = 0; i < dict.length && dict[i] != null; i++) {
        if (dict[i].equals(lit)) {
          code = i;
          break;
        }
      }
      int want = code;
      boolean eq = op == Filter.Op.EQ;
      return (seg, sel, m) -> {
        long[] nb = dc.nulls[seg];
        int[] d = dc.codes[seg];
        int k = 0;
        for (int i = 0; i < m; i++) {
          int off = sel[i];
          if (!Aggregators.isNull(nb, off) && (d[off] == want) == eq) {
            sel[k++] = off;
          }
        }
        return k;
      };
    }
    return null;
  }
}
