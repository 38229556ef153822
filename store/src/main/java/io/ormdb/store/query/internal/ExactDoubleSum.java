package io.ormdb.store.query.internal;

import java.math.BigDecimal;

/**
 * The exact sum of doubles, rounded once when read: the result does not depend on the order of the
 * additions, so every access path (row scan in identity order, index order, column segments in slot
 * order) gives the same float sum to the last bit.
 *
 * <p>The running sum is kept as a few non-overlapping doubles whose exact total is the exact sum
 * (two-sum error-free transformations, no allocation per addition). Should a partial overflow, the
 * state moves to an exact {@link BigDecimal}. Infinities and NaN are summed apart, as plain
 * doubles, and dominate the result as they do in a naive sum.
 */
public final class ExactDoubleSum {
  private double[] partials = new double[4];
  private int n;
  private BigDecimal big;
  private double special;
  private boolean sawSpecial;

  public void add(double x) {
    if (!Double.isFinite(x)) {
      special += x;
      sawSpecial = true;
      return;
    }
    if (big != null) {
      big = big.add(new BigDecimal(x));
      return;
    }
    int i = 0;
    for (int j = 0; j < n; j++) {
      double y = partials[j];
      if (Math.abs(x) < Math.abs(y)) {
        double t = x;
        x = y;
        y = t;
      }
      double hi = x + y;
      if (!Double.isFinite(hi)) {
        // partials[0..i) are settled, partials[j+1..n) not yet visited; x and y are in flight
        BigDecimal b = new BigDecimal(x).add(new BigDecimal(y));
        for (int k = 0; k < i; k++) {
          b = b.add(new BigDecimal(partials[k]));
        }
        for (int k = j + 1; k < n; k++) {
          b = b.add(new BigDecimal(partials[k]));
        }
        big = b;
        n = 0;
        return;
      }
      double lo = y - (hi - x);
      if (lo != 0.0) {
        partials[i++] = lo;
      }
      x = hi;
    }
    if (i == partials.length) {
      partials = java.util.Arrays.copyOf(partials, partials.length * 2);
    }
    partials[i++] = x;
    n = i;
  }

  /** Adds everything {@code other} holds. */
  public void addAll(ExactDoubleSum other) {
    if (other.sawSpecial) {
      special += other.special;
      sawSpecial = true;
    }
    if (other.big != null) {
      toBig();
      big = big.add(other.big);
    }
    for (int j = 0; j < other.n; j++) {
      add(other.partials[j]);
    }
  }

  private void toBig() {
    BigDecimal b = BigDecimal.ZERO;
    for (int j = 0; j < n; j++) {
      b = b.add(new BigDecimal(partials[j]));
    }
    big = big == null ? b : big.add(b);
    n = 0;
  }

  /** The exact sum rounded to the nearest double (infinity when it is out of range). */
  public double value() {
    if (sawSpecial) {
      return special;
    }
    if (big == null && n <= 1) {
      return n == 0 ? 0.0 : partials[0];
    }
    BigDecimal b = big == null ? BigDecimal.ZERO : big;
    for (int j = 0; j < n; j++) {
      b = b.add(new BigDecimal(partials[j]));
    }
    return b.doubleValue();
  }
}
