package io.ormdb.store.query.internal;

/**
 * How one include level finds its rows: parent rows' {@code parentKeyField} values are looked up in
 * one batch ({@code first}); for many-to-many the edge rows found that way give, through {@code
 * edgeKeyField}, the keys of a second batched lookup ({@code second}) of the targets.
 */
public record JoinPlan(String parentKeyField, Hop first, String edgeKeyField, Hop second) {

  /**
   * One batched lookup: rows of {@code entity} whose {@code field} equals one of a set of keys.
   *
   * @param byIdentity {@code field} is the identity: use getAll
   * @param rangeIndex an ordered index whose first field is {@code field} (for a merge scan), or
   *     null
   * @param eqIndex an index that serves equality on {@code field} alone, or null
   */
  public record Hop(
      String entity, String field, boolean byIdentity, String rangeIndex, String eqIndex) {}
}
