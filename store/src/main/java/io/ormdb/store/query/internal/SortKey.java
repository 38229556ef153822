package io.ormdb.store.query.internal;

/**
 * One key of a level's effective order.
 *
 * @param field the field
 * @param descending whether larger values come first
 * @param nullsFirst whether nulls come before every value (by default: when ascending)
 */
public record SortKey(String field, boolean descending, boolean nullsFirst) {
  /** A key with the default placement of nulls: smaller than every value. */
  public SortKey(String field, boolean descending) {
    this(field, descending, !descending);
  }

  /** Whether nulls go where they sort by default (first ascending, last descending). */
  public boolean defaultNulls() {
    return nullsFirst != descending;
  }

  /**
   * {@code field asc}, {@code field desc}, with {@code nulls first} or {@code nulls last} after it
   * when nulls do not go where they do by default (cursors fingerprint this text, so a cursor of an
   * order without placements stays valid).
   */
  @Override
  public String toString() {
    return field
        + (descending ? " desc" : " asc")
        + (defaultNulls() ? "" : nullsFirst ? " nulls first" : " nulls last");
  }
}
