package io.ormdb.store.query.internal;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.RelationDef;
import java.util.List;

/**
 * One resolved level of a graph query: the root ({@code path} "") or one include.
 *
 * @param index position in {@link ResolvedQuery#levels()}: parents always come before children
 * @param blockOrder position of this level's block in the result (query order)
 * @param relation the relation navigated from the parent level, null for the root
 * @param parent index of the parent level, -1 for the root
 * @param fields the fields to return (never empty: "all" is expanded)
 * @param filter the bound filter, or null
 * @param filterShape the filter's shape (no literals)
 * @param order the effective order, identity last
 * @param cursor the decoded cursor, or null
 * @param fingerprint the fingerprint cursors of this level carry
 * @param links what the level reads of the edge rows of its many-to-many relation ({@link
 *     Links#NONE} when it reads no link field)
 */
public record Level(
    int index,
    int blockOrder,
    String path,
    EntityDef entity,
    RelationDef relation,
    int parent,
    List<String> fields,
    Filter filter,
    String filterShape,
    RowOrder order,
    int limit,
    int offset,
    CursorCodec.Position cursor,
    long fingerprint,
    Links links) {

  /** A level that reads no link field. */
  public Level(
      int index,
      int blockOrder,
      String path,
      EntityDef entity,
      RelationDef relation,
      int parent,
      List<String> fields,
      Filter filter,
      String filterShape,
      RowOrder order,
      int limit,
      int offset,
      CursorCodec.Position cursor,
      long fingerprint) {
    this(
        index,
        blockOrder,
        path,
        entity,
        relation,
        parent,
        fields,
        filter,
        filterShape,
        order,
        limit,
        offset,
        cursor,
        fingerprint,
        Links.NONE);
  }

  /**
   * The link fields ({@code @name}) a level over a many-to-many relation reads, and its filter
   * split by what each part reads: a link's row is its edge row with its target row, and each
   * conjunct is checked as soon as the rows it reads are known.
   *
   * @param selected the link fields returned, {@code @name}, in select order
   * @param edge the conjuncts over link fields only, checked on the edge rows as they are read; or
   *     null
   * @param target the conjuncts over the target's fields only, checked on the target rows as they
   *     are read; or null
   * @param pair the other conjuncts, checked on each link; or null
   * @param used whether the level reads link fields at all (in its select, filter or order): its
   *     children are then links, each with the values of one edge row
   */
  public record Links(
      List<String> selected, Filter edge, Filter target, Filter pair, boolean used) {
    public static final Links NONE = new Links(List.of(), null, null, null, false);

    public Links {
      selected = List.copyOf(selected);
    }
  }

  /** The filter the rows of the level's target are checked against as they are read. */
  public Filter targetFilter() {
    return links.used() ? links.target() : filter;
  }

  public boolean isRoot() {
    return parent < 0;
  }

  public int depth() {
    if (path.isEmpty()) {
      return 0;
    }
    int d = 1;
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '.') {
        d++;
      }
    }
    return d;
  }

  /**
   * This level with another query's literals: its bound filter (of the same shape) and what it
   * reads of edge rows, page and cursor; everything resolved from the shape is kept.
   */
  Level rebound(Filter filter, Links links, int limit, int offset, CursorCodec.Position cursor) {
    return new Level(
        index,
        blockOrder,
        path,
        entity,
        relation,
        parent,
        fields,
        filter,
        filterShape,
        order,
        limit,
        offset,
        cursor,
        fingerprint,
        links);
  }

  /** The part of the shape that decides planning (and so the plan cache key). */
  String planShape() {
    return path
        + ":"
        + entity.name()
        // not the returned fields: a plan (access path and joins) does not depend on them
        + " where["
        + filterShape
        + "] order"
        + order.keys()
        + (limit > 0 ? " limit" : "")
        + (offset > 0 ? " offset" : "")
        + (cursor != null ? " cursor" : "");
  }
}
