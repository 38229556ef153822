package io.ormdb.protocol;

/**
 * The one nesting limit of the languages: the schema and query parsers, the JSON checker and the
 * query engine (for filters built in code) refuse anything nested deeper, with an error naming the
 * limit, instead of running out of stack. 256 levels is far beyond what a person writes; what is
 * deeper is generated, and it is refused before it can hurt.
 */
public final class Nesting {
  private Nesting() {}

  /** Parentheses, {@code !}/{@code not}, nested rows, JSON arrays and objects, filter operators. */
  public static final int MAX_LEVELS = 256;

  /** {@code "<what> nested too deeply (more than 256 levels)"}. */
  public static String tooDeep(String what) {
    return what + " nested too deeply (more than " + MAX_LEVELS + " levels)";
  }
}
