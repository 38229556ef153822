package io.ormdb.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The arithmetic of the report: medians, spreads and ratios. */
final class Stats {
  private Stats() {}

  /** The median; for an even count the mean of the two middle values. NaN when empty. */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2.0;
  }

  /** (max − min) ÷ median, in percent: how far the repetitions disagree. NaN when empty. */
  static double spreadPercent(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double m = median(values);
    return m == 0 ? 0 : (Collections.max(values) - Collections.min(values)) / m * 100.0;
  }

  /**
   * ORMDB's throughput divided by the other system's: above 1 ORMDB is faster. NaN when either is
   * missing or the other is zero.
   */
  static double ratio(double ormdb, double other) {
    if (Double.isNaN(ormdb) || Double.isNaN(other) || other == 0) {
      return Double.NaN;
    }
    return ormdb / other;
  }

  /**
   * Bytes written per committed batch: {@code bytes ÷ commits}. NaN when nothing was committed or
   * the bytes were not counted (negative).
   */
  static double perCommit(long bytes, long commits) {
    if (commits <= 0 || bytes < 0) {
      return Double.NaN;
    }
    return (double) bytes / commits;
  }
}
