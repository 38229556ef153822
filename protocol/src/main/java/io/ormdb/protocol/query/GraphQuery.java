package io.ormdb.protocol.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A graph query: root rows of one entity, filtered, ordered and paginated, with related rows
 * included by relation path, all answered in one round trip at one snapshot.
 *
 * @param rootEntity the entity of the root rows
 * @param fields root fields to return (empty = all)
 * @param filter root filter; may be null
 * @param orderBy root order; empty = the entity's default order, then identity
 * @param pagination root page
 * @param includes relation paths to load
 * @param readOptions snapshot or as-of
 * @param aggregates aggregates over relations of the root, one column each next to {@code fields}
 */
public record GraphQuery(
    String rootEntity,
    List<String> fields,
    Filter filter,
    List<OrderSpec> orderBy,
    Pagination pagination,
    List<Include> includes,
    ReadOptions readOptions,
    List<RelationAggregate> aggregates) {
  public GraphQuery {
    Objects.requireNonNull(rootEntity, "rootEntity");
    fields = fields == null ? List.of() : List.copyOf(fields);
    orderBy = orderBy == null ? List.of() : List.copyOf(orderBy);
    pagination = pagination == null ? Pagination.NONE : pagination;
    includes = includes == null ? List.of() : List.copyOf(includes);
    readOptions = readOptions == null ? ReadOptions.DEFAULT : readOptions;
    aggregates = aggregates == null ? List.of() : List.copyOf(aggregates);
  }

  /** A query without aggregates at the root. */
  public GraphQuery(
      String rootEntity,
      List<String> fields,
      Filter filter,
      List<OrderSpec> orderBy,
      Pagination pagination,
      List<Include> includes,
      ReadOptions readOptions) {
    this(rootEntity, fields, filter, orderBy, pagination, includes, readOptions, List.of());
  }

  public static Builder from(String rootEntity) {
    return new Builder(rootEntity);
  }

  /** A fluent builder for Java callers. */
  public static final class Builder {
    private final String root;
    private final List<String> fields = new ArrayList<>();
    private Filter filter;
    private final List<OrderSpec> orderBy = new ArrayList<>();
    private Pagination pagination = Pagination.NONE;
    private final List<Include> includes = new ArrayList<>();
    private ReadOptions readOptions = ReadOptions.DEFAULT;
    private final List<RelationAggregate> aggregates = new ArrayList<>();

    private Builder(String root) {
      this.root = root;
    }

    public Builder select(String... names) {
      fields.addAll(List.of(names));
      return this;
    }

    /** Adds aggregates over relations of the root, returned as columns next to the fields. */
    public Builder aggregate(RelationAggregate... more) {
      aggregates.addAll(List.of(more));
      return this;
    }

    public Builder where(Filter f) {
      this.filter = f;
      return this;
    }

    public Builder orderBy(OrderSpec... specs) {
      orderBy.addAll(List.of(specs));
      return this;
    }

    public Builder page(Pagination p) {
      this.pagination = p;
      return this;
    }

    public Builder limit(int limit) {
      this.pagination = new Pagination(limit, pagination.offset(), pagination.cursor());
      return this;
    }

    public Builder include(String path) {
      includes.add(Include.of(path));
      return this;
    }

    public Builder include(Include include) {
      includes.add(include);
      return this;
    }

    public Builder readOptions(ReadOptions options) {
      this.readOptions = options;
      return this;
    }

    public GraphQuery build() {
      return new GraphQuery(
          root, fields, filter, orderBy, pagination, includes, readOptions, aggregates);
    }
  }
}
