package io.ormdb.protocol.query;

/**
 * A page request. With a {@code cursor}, the page starts right after the row the cursor points at
 * (keyset pagination: stable under concurrent inserts) and {@code offset} must be 0. Cursors are
 * opaque strings returned in results; one is valid only for the query shape that produced it.
 *
 * @param limit the maximum number of rows (for an include: per parent); 0 means no limit
 * @param offset rows to skip before the page (0 when a cursor is given)
 * @param cursor an opaque keyset cursor from a previous result, or null
 */
public record Pagination(int limit, int offset, String cursor) {
  public Pagination {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + limit);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    }
  }

  public static final Pagination NONE = new Pagination(0, 0, null);

  public static Pagination limit(int limit) {
    return new Pagination(limit, 0, null);
  }

  public static Pagination after(String cursor, int limit) {
    return new Pagination(limit, 0, cursor);
  }
}
