package io.ormdb.store.query.internal;

import java.util.List;

/**
 * How the root rows (or an aggregate's input) are read. Literal values are not part of a plan: the
 * plan names the positions of the top-level conjuncts ({@link Conjuncts#of}) they come from, so one
 * plan serves every query of the same shape.
 *
 * @param index the index used, or null
 * @param keyConjuncts conjuncts giving the identity values (PRIMARY_KEY) or the equal index prefix
 * @param lowerConjunct conjunct giving the lower bound on the index field after the prefix, or -1
 * @param upperConjunct conjunct giving the upper bound, or -1
 * @param likeConjunct a prefix LIKE giving both bounds, or -1
 * @param orderedKeys how many leading keys of the level's order the access path already yields
 * @param descending whether the index is read backwards
 * @param cursorKey the order key whose cursor value can bound the index scan, or -1
 * @param pushed rendering of the conditions the access path applies
 * @param selectivity the estimated fraction of rows the access path reads
 */
public record AccessPlan(
    Access access,
    String index,
    List<Integer> keyConjuncts,
    int lowerConjunct,
    int upperConjunct,
    int likeConjunct,
    int orderedKeys,
    boolean descending,
    int cursorKey,
    String pushed,
    double selectivity) {
  public AccessPlan {
    keyConjuncts = List.copyOf(keyConjuncts);
  }

  /**
   * Whether the rows are looked up by identity values or an equal index prefix ({@code ==} or
   * {@code in}; a range may follow it), rather than read by a range or a scan of the whole entity.
   */
  public boolean looksUpKeys() {
    return access == Access.PRIMARY_KEY || !keyConjuncts.isEmpty();
  }

  /** The access paths, as explain names them. */
  public enum Access {
    /** get / getAll by identity. */
    PRIMARY_KEY("primary-key"),
    /** An equality prefix of an index. */
    INDEX_EQ("index-eq"),
    /**
     * An {@code in} list on the index's first field: one equal range per listed value, in value
     * order.
     */
    INDEX_IN("index-in"),
    /** An equality prefix (possibly empty) and a range or a LIKE prefix on the next field. */
    INDEX_RANGE("index-range"),
    /** A whole index read in order so that sorting is not needed and a limit stops early. */
    INDEX_ORDER("index-order"),
    /** Every row, in identity order. */
    SCAN("scan");

    private final String label;

    Access(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }
}
