package io.ormdb.protocol;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" suggestions for misspelled names, by edit distance. */
public final class Suggestions {
  private Suggestions() {}

  /**
   * The candidate closest to {@code name}, if it is close enough to be a plausible typo: at most 2
   * edits for names of 5+ characters, 1 edit for shorter ones (case differences count as half).
   */
  public static Optional<String> closest(String name, Collection<String> candidates) {
    String best = null;
    double bestDistance = Double.MAX_VALUE;
    for (String c : candidates) {
      double d = distance(name, c);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    double allowed = name.length() >= 5 ? 2 : 1;
    return best != null && bestDistance <= allowed && bestDistance > 0
        ? Optional.of(best)
        : Optional.empty();
  }

  /** {@code " (did you mean 'x'?)"} or "" — ready to append to an error message. */
  public static String didYouMean(String name, Collection<String> candidates) {
    return closest(name, candidates).map(s -> " (did you mean '" + s + "'?)").orElse("");
  }

  /** Damerau-Levenshtein (optimal string alignment) distance; a case-only change costs 0.5. */
  static double distance(String a, String b) {
    int n = a.length();
    int m = b.length();
    double[][] d = new double[n + 1][m + 1];
    for (int i = 0; i <= n; i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= m; j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= n; i++) {
      for (int j = 1; j <= m; j++) {
        char ca = a.charAt(i - 1);
        char cb = b.charAt(j - 1);
        double cost =
            ca == cb ? 0 : (Character.toLowerCase(ca) == Character.toLowerCase(cb) ? 0.5 : 1);
        double v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && ca == b.charAt(j - 2) && a.charAt(i - 2) == cb) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[n][m];
  }
}
