package io.ormdb.store.query.internal;

import io.ormdb.protocol.schema.RelationDef;
import java.util.List;

/**
 * One key of a level's effective order.
 *
 * @param field the field, or for a related row's field the path to it ({@code person.last_name}):
 *     the name its values are read under
 * @param descending whether larger values come first
 * @param nullsFirst whether nulls come before every value (by default: when ascending)
 * @param via the to-one relations the path follows, in order; empty for the level's own field
 * @param leaf the field of the row the relations lead to ({@code field} itself when {@code via} is
 *     empty)
 */
public record SortKey(
    String field, boolean descending, boolean nullsFirst, List<RelationDef> via, String leaf) {
  public SortKey {
    via = List.copyOf(via);
  }

  /** A key on the level's own field. */
  public SortKey(String field, boolean descending, boolean nullsFirst) {
    this(field, descending, nullsFirst, List.of(), field);
  }

  /**
   * A key on the level's own field with the default placement of nulls: smaller than every value.
   */
  public SortKey(String field, boolean descending) {
    this(field, descending, !descending);
  }

  /** Whether the key is a related row's field, read through {@link #via}. */
  public boolean related() {
    return !via.isEmpty();
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
