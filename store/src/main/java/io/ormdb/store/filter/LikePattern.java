package io.ormdb.store.filter;

/**
 * SQL LIKE matching: {@code %} matches any run of characters, {@code _} exactly one (a code point:
 * a supplementary character such as U+1F600 is one, not its two UTF-16 surrogates), and {@code \}
 * makes the next character literal. Case-sensitive. Linear-time greedy matching with backtracking
 * to the last {@code %} only (no exponential blow-up).
 */
public final class LikePattern {
  private LikePattern() {}

  public static boolean matches(String pattern, String text) {
    int p = 0;
    int t = 0;
    int starP = -1;
    int starT = -1;
    int pn = pattern.length();
    int tn = text.length();
    while (t < tn) {
      if (p < pn) {
        char c = pattern.charAt(p);
        if (c == '%') {
          starP = ++p;
          starT = t;
          continue;
        }
        if (c == '\\' && p + 1 < pn) {
          if (pattern.charAt(p + 1) == text.charAt(t)) {
            p += 2;
            t++;
            continue;
          }
        } else if (c == '_') {
          p++;
          t += Character.charCount(text.codePointAt(t));
          continue;
        } else if (c == text.charAt(t)) {
          p++;
          t++;
          continue;
        }
      }
      if (starP < 0) {
        return false;
      }
      p = starP;
      t = ++starT;
    }
    while (p < pn && pattern.charAt(p) == '%') {
      p++;
    }
    return p == pn;
  }

  /**
   * The literal prefix of a pattern (up to its first wildcard), usable for an index range scan; ""
   * when the pattern starts with a wildcard.
   */
  public static String literalPrefix(String pattern) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '%' || c == '_') {
        break;
      }
      if (c == '\\' && i + 1 < pattern.length()) {
        c = pattern.charAt(++i);
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** Whether the pattern is a literal prefix followed by a single trailing {@code %}. */
  public static boolean isPrefixPattern(String pattern) {
    String prefix = literalPrefix(pattern);
    int raw = 0;
    for (int n = 0; n < prefix.length(); n++) {
      raw += pattern.charAt(raw) == '\\' ? 2 : 1;
    }
    return pattern.length() == raw + 1 && pattern.charAt(raw) == '%';
  }
}
