package io.ormdb.store.columnar.internal;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.query.internal.AggregateAccumulator;
import io.ormdb.store.query.internal.ExactDoubleSum;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * Per-group aggregate state in primitive arrays, one implementation per function and column kind.
 * Each accumulates the selected slots of one segment ({@code sel[0..m)} offsets, {@code gid[i]}
 * their groups) and finally hands a group's partial state to an {@link AggregateAccumulator}, which
 * applies the result rules shared with the row scan.
 */
final class Aggregators {
  private Aggregators() {}

  abstract static class Agg {
    int capacity;

    final void ensure(int groups) {
      if (groups > capacity) {
        int c = Math.max(groups, Math.max(16, capacity * 2));
        grow(c);
        capacity = c;
      }
    }

    abstract void grow(int c);

    abstract void accumulate(int seg, int[] sel, int[] gid, int m);

    abstract void finish(int g, AggregateAccumulator acc);
  }

  static boolean isNull(long[] nb, int off) {
    return (nb[off >>> 6] & (1L << off)) != 0;
  }

  /** count() */
  static final class CountRows extends Agg {
    long[] n = new long[0];

    @Override
    void grow(int c) {
      n = Arrays.copyOf(n, c);
    }

    @Override
    void accumulate(int seg, int[] sel, int[] gid, int m) {
      for (int i = 0; i < m; i++) {
        n[gid[i]]++;
      }
    }

    @Override
    void finish(int g, AggregateAccumulator acc) {
      acc.addCountPartial(n[g]);
    }
  }

  /** count(field) */
  static final class CountValues extends Agg {
    final Column col;
    long[] n = new long[0];

    CountValues(Column col) {
      this.col = col;
    }

    @Override
    void grow(int c) {
      n = Arrays.copyOf(n, c);
    }

    @Override
    void accumulate(int seg, int[] sel, int[] gid, int m) {
      long[] nb = col.nulls[seg];
      for (int i = 0; i < m; i++) {
        if (!isNull(nb, sel[i])) {
          n[gid[i]]++;
        }
      }
    }

    @Override
    void finish(int g, AggregateAccumulator acc) {
      acc.addCountPartial(n[g]);
    }
  }

  /** sum / avg of int32 and int64: exact, with a BigDecimal carry only on overflow. */
  static final class LongSum extends Agg {
    final LongColumn col;
    long[] n = new long[0];
    long[] sum = new long[0];
    BigDecimal[] carry = new BigDecimal[0];

    LongSum(LongColumn col) {
      this.col = col;
    }

    @Override
    void grow(int c) {
      n = Arrays.copyOf(n, c);
      sum = Arrays.copyOf(sum, c);
      carry = Arrays.copyOf(carry, c);
    }

    @Override
    void accumulate(int seg, int[] sel, int[] gid, int m) {
      long[] nb = col.nulls[seg];
      long[] d = col.data[seg];
      for (int i = 0; i < m; i++) {
        int off = sel[i];
        if (isNull(nb, off)) {
          continue;
        }
        int g = gid[i];
        long x = d[off];
        long s = sum[g];
        long r = s + x;
        if (((s ^ r) & (x ^ r)) < 0) {
          BigDecimal c = carry[g] == null ? BigDecimal.ZERO : carry[g];
          carry[g] = c.add(BigDecimal.valueOf(s)).add(BigDecimal.valueOf(x));
          sum[g] = 0;
        } else {
          sum[g] = r;
        }
        n[g]++;
      }
    }

    @Override
    void finish(int g, AggregateAccumulator acc) {
      acc.addIntegralPartial(n[g], sum[g], carry[g]);
    }
  }

  /** sum / avg of float32 and float64: exact until the end. */
  static final class DoubleSum extends Agg {
    final DoubleColumn col;
    long[] n = new long[0];
    ExactDoubleSum[] sums = new ExactDoubleSum[0];

    DoubleSum(DoubleColumn col) {
      this.col = col;
    }

    @Override
    void grow(int c) {
      n = Arrays.copyOf(n, c);
      sums = Arrays.copyOf(sums, c);
    }

    @Override
    void accumulate(int seg, int[] sel, int[] gid, int m) {
      long[] nb = col.nulls[seg];
      double[] d = col.data[seg];
      for (int i = 0; i < m; i++) {
        int off = sel[i];
        if (isNull(nb, off)) {
          continue;
        }
        int g = gid[i];
        ExactDoubleSum s = sums[g];
        if (s == null) {
          s = sums[g] = new ExactDoubleSum();
        }
        s.add(d[off]);
        n[g]++;
      }
    }

    @Override
    void finish(int g, AggregateAccumulator acc) {
      acc.addFloatingPartial(n[g], sums[g]);
    }
  }

  /** sum / avg of decimals. */
  static final class DecimalSum extends Agg {
    final ValueColumn col;
    long[] n = new long[0];
    BigDecimal[] sums = new BigDecimal[0];

    DecimalSum(ValueColumn col) {
      this.col = col;
    }

    @Override
    void grow(int c) {
      n = Arrays.copyOf(n, c);
      sums = Arrays.copyOf(sums, c);
    }

    @Override
    void accumulate(int seg, int[] sel, int[] gid, int m) {
      long[] nb = col.nulls[seg];
      Value[] d = col.data[seg];
      for (int i = 0; i < m; i++) {
        int off = sel[i];
        if (isNull(nb, off)) {
          continue;
        }
        int g = gid[i];
        BigDecimal x = d[off].asDecimal();
        sums[g] = sums[g] == null ? x : sums[g].add(x);
        n[g]++;
      }
    }

    @Override
    void finish(int g, AggregateAccumulator acc) {
      acc.addDecimalPartial(n[g], sums[g]);
    }
  }

  /** min / max of long-coded values. */
  static final class LongExtreme extends Agg {
    final LongColumn col;
    final boolean max;
    long[] n = new long[0];
    long[] ext = new long[0];

    LongExtreme(LongColumn col, boolean max) {
      this.col = col;
      this.max = max;
    }

    @Override
    void grow(int c) {
      n = Arrays.copyOf(n, c);
      ext = Arrays.copyOf(ext, c);
    }

    @Override
    void accumulate(int seg, int[] sel, int[] gid, int m) {
      long[] nb = col.nulls[seg];
      long[] d = col.data[seg];
      for (int i = 0; i < m; i++) {
        int off = sel[i];
        if (isNull(nb, off)) {
          continue;
        }
        int g = gid[i];
        long x = d[off];
        if (n[g]++ == 0 || (max ? x > ext[g] : x < ext[g])) {
          ext[g] = x;
        }
      }
    }

    @Override
    void finish(int g, AggregateAccumulator acc) {
      acc.addExtremePartial(n[g], n[g] == 0 ? null : LongColumn.decode(col.type, ext[g]));
    }
  }

  /** min / max of doubles, in {@link Double#compare} order (as the row scan compares them). */
  static final class DoubleExtreme extends Agg {
    final DoubleColumn col;
    final boolean max;
    long[] n = new long[0];
    double[] ext = new double[0];

    DoubleExtreme(DoubleColumn col, boolean max) {
      this.col = col;
      this.max = max;
    }

    @Override
    void grow(int c) {
      n = Arrays.copyOf(n, c);
      ext = Arrays.copyOf(ext, c);
    }

    @Override
    void accumulate(int seg, int[] sel, int[] gid, int m) {
      long[] nb = col.nulls[seg];
      double[] d = col.data[seg];
      for (int i = 0; i < m; i++) {
        int off = sel[i];
        if (isNull(nb, off)) {
          continue;
        }
        int g = gid[i];
        double x = d[off];
        if (n[g]++ == 0) {
          ext[g] = x;
        } else {
          int c = Double.compare(x, ext[g]);
          if (max ? c > 0 : c < 0) {
            ext[g] = x;
          }
        }
      }
    }

    @Override
    void finish(int g, AggregateAccumulator acc) {
      acc.addExtremePartial(n[g], n[g] == 0 ? null : DoubleColumn.decode(col.type, ext[g]));
    }
  }

  /** min / max of dictionary codes, compared by their values. */
  static final class DictExtreme extends Agg {
    final DictColumn col;
    final Value[] dict;
    final boolean max;
    long[] n = new long[0];
    int[] ext = new int[0];

    DictExtreme(DictColumn col, Value[] dict, boolean max) {
      this.col = col;
      this.dict = dict;
      this.max = max;
    }

    @Override
    void grow(int c) {
      n = Arrays.copyOf(n, c);
      ext = Arrays.copyOf(ext, c);
    }

    @Override
    void accumulate(int seg, int[] sel, int[] gid, int m) {
      long[] nb = col.nulls[seg];
      int[] d = col.codes[seg];
      for (int i = 0; i < m; i++) {
        int off = sel[i];
        if (isNull(nb, off)) {
          continue;
        }
        int g = gid[i];
        int x = d[off];
        if (n[g]++ == 0) {
          ext[g] = x;
        } else if (x != ext[g]) {
          int c = Values.compare(dict[x], dict[ext[g]]);
          if (max ? c > 0 : c < 0) {
            ext[g] = x;
          }
        }
      }
    }

    @Override
    void finish(int g, AggregateAccumulator acc) {
      acc.addExtremePartial(n[g], n[g] == 0 ? null : dict[ext[g]]);
    }
  }

  /** min / max of boxed values. */
  static final class ValueExtreme extends Agg {
    final ValueColumn col;
    final boolean max;
    long[] n = new long[0];
    Value[] ext = new Value[0];

    ValueExtreme(ValueColumn col, boolean max) {
      this.col = col;
      this.max = max;
    }

    @Override
    void grow(int c) {
      n = Arrays.copyOf(n, c);
      ext = Arrays.copyOf(ext, c);
    }

    @Override
    void accumulate(int seg, int[] sel, int[] gid, int m) {
      long[] nb = col.nulls[seg];
      Value[] d = col.data[seg];
      for (int i = 0; i < m; i++) {
        int off = sel[i];
        if (isNull(nb, off)) {
          continue;
        }
        int g = gid[i];
        Value x = d[off];
        if (n[g]++ == 0) {
          ext[g] = x;
        } else {
          int c = Values.compare(x, ext[g]);
          if (max ? c > 0 : c < 0) {
            ext[g] = x;
          }
        }
      }
    }

    @Override
    void finish(int g, AggregateAccumulator acc) {
      acc.addExtremePartial(n[g], ext[g]);
    }
  }
}
