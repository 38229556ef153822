package io.ormdb.store.query.internal;

/** One key of a level's effective order. */
public record SortKey(String field, boolean descending) {
  @Override
  public String toString() {
    return field + (descending ? " desc" : " asc");
  }
}
