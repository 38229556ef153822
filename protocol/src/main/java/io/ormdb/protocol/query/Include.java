package io.ormdb.protocol.query;

import java.util.List;
import java.util.Objects;

/**
 * A relation to load with the root rows, by dotted path from the root ({@code posts}, {@code
 * posts.comments}); a nested path's parent path must be included too.
 *
 * <p>Over a many-to-many relation, {@code fields}, {@code filter} and {@code orderBy} may also name
 * the relation's link fields — the fields of its edge rows, which belong to one parent–child link —
 * with {@code @} before the name ({@link #link}): {@code Include.of("cast").select("name",
 * link("list_order")).orderBy(OrderSpec.asc(link("list_order")).nullsLast()).limit(5)}. Link values
 * come back per edge ({@code EdgeBlock.links}), only for the link fields {@code fields} names.
 *
 * @param fields the target's fields to return (none named = all), and the link fields to return
 * @param filter keeps only matching children; may be null
 * @param orderBy order of children within each parent
 * @param pagination applied per parent: limit / cursor per parent
 * @param aggregates aggregates over relations of the target, one column each next to {@code fields}
 */
public record Include(
    String path,
    List<String> fields,
    Filter filter,
    List<OrderSpec> orderBy,
    Pagination pagination,
    List<RelationAggregate> aggregates) {
  public Include {
    Objects.requireNonNull(path, "path");
    fields = fields == null ? List.of() : List.copyOf(fields);
    orderBy = orderBy == null ? List.of() : List.copyOf(orderBy);
    pagination = pagination == null ? Pagination.NONE : pagination;
    aggregates = aggregates == null ? List.of() : List.copyOf(aggregates);
  }

  /** An include without aggregates. */
  public Include(
      String path,
      List<String> fields,
      Filter filter,
      List<OrderSpec> orderBy,
      Pagination pagination) {
    this(path, fields, filter, orderBy, pagination, List.of());
  }

  /** What starts the name of a link field: {@code @list_order}. */
  public static final String LINK_MARKER = "@";

  public static Include of(String path) {
    return new Include(path, List.of(), null, List.of(), Pagination.NONE);
  }

  /**
   * How fields, filters and order keys of an include name the link field {@code field} of its
   * many-to-many relation: {@code "@" + field}.
   */
  public static String link(String field) {
    return LINK_MARKER + field;
  }

  /** This include returning only {@code names} (fields of the target, and link fields). */
  public Include select(String... names) {
    return new Include(path, List.of(names), filter, orderBy, pagination, aggregates);
  }

  /** This include keeping only the children that match {@code f}. */
  public Include where(Filter f) {
    return new Include(path, fields, f, orderBy, pagination, aggregates);
  }

  /** This include ordering each parent's children by {@code specs}. */
  public Include orderBy(OrderSpec... specs) {
    return new Include(path, fields, filter, List.of(specs), pagination, aggregates);
  }

  /** This include returning at most {@code limit} children per parent. */
  public Include limit(int limit) {
    return new Include(
        path,
        fields,
        filter,
        orderBy,
        new Pagination(limit, pagination.offset(), pagination.cursor()),
        aggregates);
  }

  /** This include with {@code more} aggregates after its own. */
  public Include withAggregates(RelationAggregate... more) {
    List<RelationAggregate> all = new java.util.ArrayList<>(aggregates);
    all.addAll(List.of(more));
    return new Include(path, fields, filter, orderBy, pagination, all);
  }

  /** The depth of this include: 1 for {@code posts}, 2 for {@code posts.comments}. */
  public int depth() {
    int d = 1;
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '.') {
        d++;
      }
    }
    return d;
  }

  /** The parent path, or "" for a first-level include. */
  public String parentPath() {
    int i = path.lastIndexOf('.');
    return i < 0 ? "" : path.substring(0, i);
  }

  /** The last segment: the relation name navigated from the parent. */
  public String relationName() {
    return path.substring(path.lastIndexOf('.') + 1);
  }
}
