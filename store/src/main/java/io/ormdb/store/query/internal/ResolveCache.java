package io.ormdb.store.query.internal;

import io.ormdb.protocol.Nesting;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.query.RelationAggregate;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.filter.FilterBinder;
import io.ormdb.store.query.QueryBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolved queries by shape: a query whose shape (everything but its literals: filter values, like
 * patterns, limit, offset and cursor) was resolved before against the same schema and depth budget
 * is not resolved again; the earlier resolution is {@linkplain #rebind rebound} to its literals —
 * its filters bound and type-checked, its cursors decoded and checked — which gives what {@link
 * QueryResolver#resolve} would. Everything else (names, relations, selects, order keys, aggregates,
 * the plan cache key) depends only on the shape, and every error it can raise was raised when the
 * shape was first resolved, so a cached shape is a valid one. When a rebound filter's shape differs
 * from the cached one (a literal that changes the shape, such as a {@code like} pattern with or
 * without an indexable prefix), the query is resolved in full.
 *
 * <p>Thread-safe. Holds at most {@code capacity} shapes; when full it is emptied (shapes in use
 * come back at their next query). Rebinding costs a walk of the query's filters; resolving also
 * checks the names, selects and aggregates and builds the messages and the plan key.
 */
public final class ResolveCache {
  private final int capacity;
  private final ConcurrentHashMap<Object, Entry> entries = new ConcurrentHashMap<>();

  /** A cache of at most {@code capacity} shapes; 0 disables it. */
  public ResolveCache(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0");
    }
    this.capacity = capacity;
  }

  /** What {@link QueryResolver#resolve} returns for these arguments. */
  public ResolvedQuery resolve(
      SchemaBundle schema, GraphQuery q, Map<String, Value> attributes, QueryBudget budget) {
    if (capacity == 0) {
      return QueryResolver.resolve(schema, q, attributes, budget);
    }
    Object key;
    try {
      key = shape(q);
    } catch (TooDeep deep) {
      return QueryResolver.resolve(schema, q, attributes, budget); // which refuses it
    }
    Entry e = entries.get(key);
    if (e != null && e.schema == schema && e.maxDepth == budget.maxDepth()) {
      ResolvedQuery rq = rebind(e, q, attributes);
      if (rq != null) {
        return rq;
      }
    }
    ResolvedQuery rq = QueryResolver.resolve(schema, q, attributes, budget);
    if (entries.size() >= capacity) {
      entries.clear();
    }
    entries.put(key, new Entry(schema, budget.maxDepth(), rq));
    return rq;
  }

  /** How many shapes are cached now. */
  public int size() {
    return entries.size();
  }

  /** A resolution, with the contexts its filters are bound under (for their error messages). */
  private static final class Entry {
    final SchemaBundle schema;
    final int maxDepth;
    final ResolvedQuery resolved;
    final String[] levelContexts;
    final String[][] aggregateContexts;

    Entry(SchemaBundle schema, int maxDepth, ResolvedQuery resolved) {
      this.schema = schema;
      this.maxDepth = maxDepth;
      this.resolved = resolved;
      List<Level> levels = resolved.levels();
      levelContexts = new String[levels.size()];
      for (Level l : levels) {
        levelContexts[l.index()] = "filter" + of(l);
      }
      List<AggregateGroup> groups = resolved.aggregates();
      aggregateContexts = new String[groups.size()][];
      for (AggregateGroup g : groups) {
        String[] contexts = new String[g.aggregates().size()];
        for (int i = 0; i < contexts.length; i++) {
          contexts[i] =
              "select"
                  + of(levels.get(g.level()))
                  + ": aggregate "
                  + g.aggregates().get(i).description()
                  + ", where";
        }
        aggregateContexts[g.index()] = contexts;
      }
    }

    private static String of(Level l) {
      return l.isRoot() ? "" : " of include '" + l.path() + "'";
    }
  }

  /**
   * {@code e}'s resolution with {@code q}'s literals, or null when a filter of {@code q} binds to
   * another shape than the cached one. Throws what {@link QueryResolver#resolve} throws for a
   * literal that does not fit its field or a cursor that does not belong to the query.
   */
  private static ResolvedQuery rebind(Entry e, GraphQuery q, Map<String, Value> attributes) {
    ResolvedQuery t = e.resolved;
    SchemaBundle schema = t.schema();
    List<Level> levels = new ArrayList<>(t.levels().size());
    for (Level l : t.levels()) {
      Filter filter;
      Pagination page;
      if (l.isRoot()) {
        filter = q.filter();
        page = q.pagination();
      } else {
        Include inc = q.includes().get(l.blockOrder() - 1);
        filter = inc.filter();
        page = inc.pagination();
      }
      Filter bound =
          FilterBinder.bind(
              filter, l.entity(), l.relation(), schema, attributes, e.levelContexts[l.index()]);
      if (bound != l.filter() && !Conjuncts.shape(bound).equals(l.filterShape())) {
        return null;
      }
      // a level that reads link fields splits its filter by the rows each conjunct reads
      Level.Links links =
          l.links() == Level.Links.NONE
              ? Level.Links.NONE
              : QueryResolver.links(l.links().selected(), bound, true);
      CursorCodec.Position cursor =
          QueryResolver.cursor(page.cursor(), l.path(), l.fingerprint(), l.order().keys().size());
      levels.add(l.rebound(bound, links, page.limit(), page.offset(), cursor));
    }
    List<AggregateGroup> groups = new ArrayList<>(t.aggregates().size());
    for (AggregateGroup g : t.aggregates()) {
      Level l = t.levels().get(g.level());
      List<RelationAggregate> source =
          l.isRoot() ? q.aggregates() : q.includes().get(l.blockOrder() - 1).aggregates();
      List<AggregateGroup.Bound> bounds = new ArrayList<>(g.aggregates().size());
      for (int i = 0; i < g.aggregates().size(); i++) {
        AggregateGroup.Bound b = g.aggregates().get(i);
        Filter f = source.get(b.column()).filter();
        Filter bound =
            f == null
                ? null
                : FilterBinder.bind(
                    f, g.target(), schema, attributes, e.aggregateContexts[g.index()][i]);
        bounds.add(
            new AggregateGroup.Bound(
                b.column(), b.label(), b.description(), b.function(), b.field(), b.type(), bound));
      }
      groups.add(new AggregateGroup(g.index(), g.level(), g.relation(), g.target(), bounds));
    }
    return new ResolvedQuery(schema, levels, t.shapeKey(), groups);
  }

  // ---- shapes: a query without its literals, compared by value ----

  /** The shape of {@code q}: equal for two queries that differ in literals only. */
  static Object shape(GraphQuery q) {
    List<Object> includes = new ArrayList<>(q.includes().size());
    for (Include inc : q.includes()) {
      includes.add(
          new IncludeShape(
              inc.path(),
              inc.fields(),
              shape(inc.filter()),
              inc.orderBy(),
              page(inc.pagination()),
              aggregates(inc.aggregates())));
    }
    return new QueryShape(
        q.rootEntity(),
        q.fields(),
        shape(q.filter()),
        q.orderBy(),
        page(q.pagination()),
        includes,
        aggregates(q.aggregates()));
  }

  private record QueryShape(
      String root,
      List<String> fields,
      Object filter,
      List<OrderSpec> orderBy,
      int page,
      List<Object> includes,
      List<Object> aggregates) {}

  private record IncludeShape(
      String path,
      List<String> fields,
      Object filter,
      List<OrderSpec> orderBy,
      int page,
      List<Object> aggregates) {}

  private record AggregateShape(
      String label,
      io.ormdb.protocol.query.AggregateQuery.Function function,
      String relation,
      String field,
      Object filter) {}

  private record CompareShape(String field, Filter.Op op, boolean isNull) {}

  private record InShape(String field, boolean negated) {}

  private record LikeShape(String field, boolean negated, boolean prefix) {}

  private record ListShape(boolean and, List<Object> operands) {}

  private record NotShape(Object operand) {}

  /** Which of limit, offset and cursor are given: they decide the plan and the cursors. */
  private static int page(Pagination p) {
    return (p.limit() > 0 ? 1 : 0) | (p.offset() > 0 ? 2 : 0) | (p.cursor() != null ? 4 : 0);
  }

  private static List<Object> aggregates(List<RelationAggregate> aggs) {
    if (aggs.isEmpty()) {
      return List.of();
    }
    List<Object> out = new ArrayList<>(aggs.size());
    for (RelationAggregate a : aggs) {
      out.add(
          new AggregateShape(a.label(), a.function(), a.relation(), a.field(), shape(a.filter())));
    }
    return out;
  }

  /** A filter nested deeper than a query may nest: not cached, resolving refuses it. */
  private static final class TooDeep extends RuntimeException {
    static final TooDeep INSTANCE = new TooDeep();

    private TooDeep() {
      super(null, null, false, false);
    }
  }

  private static Object shape(Filter f) {
    return shape(f, 0);
  }

  /**
   * A filter without its literals. Filters without literals (is null, constants, comparisons with
   * session attributes) and kinds this method does not know are their own shape.
   */
  private static Object shape(Filter f, int depth) {
    if (depth > Nesting.MAX_LEVELS) {
      throw TooDeep.INSTANCE;
    }
    if (f instanceof Filter.Compare c) {
      return new CompareShape(c.field(), c.op(), c.value().isNull());
    } else if (f instanceof Filter.In in) {
      return new InShape(in.field(), in.negated());
    } else if (f instanceof Filter.Like l) {
      return new LikeShape(l.field(), l.negated(), Conjuncts.isIndexablePrefix(l));
    } else if (f instanceof Filter.And and) {
      return new ListShape(true, operands(and.operands(), depth));
    } else if (f instanceof Filter.Or or) {
      return new ListShape(false, operands(or.operands(), depth));
    } else if (f instanceof Filter.Not not) {
      return new NotShape(shape(not.operand(), depth + 1));
    }
    return f; // null, IsNull, Const, AttrCompare: no literal values
  }

  private static List<Object> operands(List<Filter> operands, int depth) {
    List<Object> out = new ArrayList<>(operands.size());
    for (Filter o : operands) {
      out.add(shape(o, depth + 1));
    }
    return out;
  }
}
