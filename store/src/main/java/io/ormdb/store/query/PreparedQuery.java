package io.ormdb.store.query;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.query.internal.GraphSteps;
import io.ormdb.store.query.internal.JoinPlan;
import io.ormdb.store.query.internal.SortedKeys;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.function.Predicate;

/**
 * A resolved and planned graph query whose execution is split into steps, so that the reads can run
 * where the rows live (for example in entity shards that each own one partition of every entity)
 * while merging, ordering, paging, cursors and the columnar assembly stay in one place. {@link
 * QueryEngine#query} runs exactly these steps against a single view.
 *
 * <p>Steps, in order:
 *
 * <ol>
 *   <li>{@link #rootCandidates} in every source (a source reads only the rows its {@code owns}
 *       predicate accepts; the sources must be disjoint and together cover every row), then {@link
 *       #rootPage} over the union of their candidates;
 *   <li>for each include level {@code 1..levels()-1} (a level's parent always comes before it):
 *       {@link #fetch} of hop 0 with {@link #parentKeys} in every source, and for many-to-many
 *       levels ({@link #hops} = 2) {@link #fetch} of hop 1 with {@link #edgeKeys} of the union of
 *       the hop-0 rows; then {@link #attach} with the unions;
 *   <li>for each aggregate group {@code 0..aggregateGroups()-1} (the aggregates of one level over
 *       one relation): {@link #aggregateFetch} of hop 0 with {@link #aggregateKeys} of its level's
 *       rows ({@link #aggregateLevel}) in every source, for many-to-many ({@link #aggregateHops} =
 *       2) hop 1 with {@link #aggregateEdgeKeys}; then {@link #aggregate} with the unions;
 *   <li>{@link #assemble}.
 * </ol>
 *
 * <p>Every source must read at the same snapshot (the same LSN) for the result to be the one a
 * single view gives. A hop whose field is the identity ({@link #hopByIdentity}) only needs, in each
 * source, the keys that source owns; other hops need all keys everywhere.
 *
 * <p>The read steps are thread-safe and keep no state; the merge steps ({@link #rootPage}, {@link
 * #attach}) count the query's entity and edge budget (BUDGET_EXCEEDED), so use one instance per
 * execution for them. Instances come from {@link QueryEngine#prepare}.
 */
public final class PreparedQuery {
  private final GraphQuery query;
  private final GraphSteps steps;

  PreparedQuery(GraphQuery query, GraphSteps steps) {
    this.query = query;
    this.steps = steps;
  }

  /** Rows a read step returned and how many rows it read to find them. */
  public record Rows(List<Row> rows, long rowsRead) {
    public Rows {
      rows = List.copyOf(rows);
    }
  }

  /** The root page: its rows in order and whether more remain. */
  public static final class RootPage {
    private final GraphSteps.RootPage page;

    private RootPage(GraphSteps.RootPage page) {
      this.page = page;
    }

    public List<Row> rows() {
      return page.rows();
    }

    public boolean hasMore() {
      return page.hasMore();
    }
  }

  /** One include level joined to its parents: its distinct rows and its edges. */
  public static final class IncludePage {
    private final GraphSteps.Attached attached;

    private IncludePage(GraphSteps.Attached attached) {
      this.attached = attached;
    }

    public List<Row> rows() {
      return attached.rows();
    }
  }

  /** One aggregate group's values for the rows of its level. */
  public static final class AggregatePage {
    private final GraphSteps.AggregateValues values;

    private AggregatePage(GraphSteps.AggregateValues values) {
      this.values = values;
    }
  }

  /** The query as it was given. */
  public GraphQuery query() {
    return query;
  }

  /** The schema version the query was resolved against. */
  public long schemaVersion() {
    return steps.resolved().schema().version();
  }

  /** The number of levels: the root plus one per include. */
  public int levels() {
    return steps.resolved().levels().size();
  }

  /** The entity of level {@code level} (0 = the root). */
  public String entity(int level) {
    return steps.resolved().levels().get(level).entity().name();
  }

  /** The parent level of include level {@code level}. */
  public int parentLevel(int level) {
    return steps.resolved().levels().get(level).parent();
  }

  /** How many batched lookups include level {@code level} takes: 1, or 2 for many-to-many. */
  public int hops(int level) {
    return steps.hops(level);
  }

  /** The entity hop {@code hop} of include level {@code level} reads. */
  public String hopEntity(int level, int hop) {
    return steps.hop(level, hop).entity();
  }

  /** Whether hop {@code hop} of {@code level} looks rows up by their identity. */
  public boolean hopByIdentity(int level, int hop) {
    JoinPlan.Hop h = steps.hop(level, hop);
    return h.byIdentity();
  }

  /**
   * The root identities when the root is read by its primary key (identity equality or IN), else
   * null: only the partitions owning them can hold root rows.
   */
  public List<Value> rootIdentities() {
    return steps.rootIdentities();
  }

  /**
   * The root rows of {@code view} that {@code owns} accepts (null = all), filtered, after the
   * cursor, in the root order, cut to {@code offset + limit + 1} when the query has a limit.
   */
  public Rows rootCandidates(ReadView view, Predicate<Value> owns) {
    GraphSteps.Fetched f = steps.rootCandidates(view, owns);
    return new Rows(f.rows(), f.rowsRead());
  }

  /**
   * The whole result of a query without includes over {@code view}: its root rows that {@code owns}
   * accepts (null = all), paged and assembled (one step for the direct reads of primary keys), with
   * the root's aggregates over the related rows of the whole view. INTERNAL for a query with
   * includes.
   */
  public QueryResult rootsOnly(ReadView view, Predicate<Value> owns) {
    if (levels() != 1) {
      throw new OrmDbException(
          ErrorCode.INTERNAL, "rootsOnly answers queries without includes only");
    }
    RootPage root = rootPage(rootCandidates(view, owns).rows());
    List<IncludePage> none = new ArrayList<>(1);
    none.add(null);
    List<AggregatePage> aggregates = new ArrayList<>();
    for (int g = 0; g < aggregateGroups(); g++) {
      Rows first = aggregateFetch(view, g, 0, aggregateKeys(g, root.rows()), null);
      Rows second =
          aggregateHops(g) == 2
              ? aggregateFetch(view, g, 1, aggregateEdgeKeys(g, first.rows()), null)
              : null;
      aggregates.add(
          aggregate(g, root.rows(), first.rows(), second == null ? null : second.rows()));
    }
    return assemble(root, none, aggregates, view.lsn());
  }

  /** The root page from the candidates of every source. */
  public RootPage rootPage(Collection<Row> candidates) {
    return new RootPage(steps.rootPage(candidates, 0));
  }

  /** The keys hop 0 of {@code level} looks up for these parent rows. */
  public SortedSet<Value> parentKeys(int level, Collection<Row> parents) {
    return steps.parentKeys(level, parents);
  }

  /** The keys hop 1 of a many-to-many {@code level} looks up for these hop-0 (edge) rows. */
  public SortedSet<Value> edgeKeys(int level, Collection<Row> edgeRows) {
    return steps.edgeKeys(level, edgeRows);
  }

  /**
   * The distinct non-null {@code keys} as the sorted set {@link #fetch} takes (linear when they
   * arrive sorted, as the executor sends them).
   */
  public static SortedSet<Value> sortedKeys(List<Value> keys) {
    return SortedKeys.of(keys);
  }

  /**
   * The rows of {@code view} that {@code owns} accepts (null = all) and that hop {@code hop} of
   * include level {@code level} finds for {@code keys}; the last hop applies the include's filter.
   */
  public Rows fetch(
      ReadView view, int level, int hop, SortedSet<Value> keys, Predicate<Value> owns) {
    GraphSteps.Fetched f = steps.fetch(view, level, hop, keys, owns);
    return new Rows(f.rows(), f.rowsRead());
  }

  /**
   * Include level {@code level} joined to its parents (the rows of its parent level's page), from
   * the union of its hops' rows ({@code second} null for one hop).
   */
  public IncludePage attach(
      int level, Collection<Row> parents, Collection<Row> first, Collection<Row> second) {
    return new IncludePage(steps.attach(level, parents, first, second));
  }

  /** How many aggregate groups the query has: one per level and relation its aggregates read. */
  public int aggregateGroups() {
    return steps.resolved().aggregates().size();
  }

  /** The level whose rows aggregate group {@code group} is computed for. */
  public int aggregateLevel(int group) {
    return steps.resolved().aggregates().get(group).level();
  }

  /** How many batched lookups aggregate group {@code group} takes: 1, or 2 for many-to-many. */
  public int aggregateHops(int group) {
    return steps.aggregateHops(group);
  }

  /** The entity hop {@code hop} of aggregate group {@code group} reads. */
  public String aggregateHopEntity(int group, int hop) {
    return steps.aggregateHop(group, hop).entity();
  }

  /** Whether hop {@code hop} of aggregate group {@code group} looks rows up by their identity. */
  public boolean aggregateHopByIdentity(int group, int hop) {
    return steps.aggregateHop(group, hop).byIdentity();
  }

  /** The keys hop 0 of aggregate group {@code group} looks up for these rows of its level. */
  public SortedSet<Value> aggregateKeys(int group, Collection<Row> rows) {
    return steps.aggregateKeys(group, rows);
  }

  /** The keys hop 1 of a many-to-many aggregate group looks up for these hop-0 (edge) rows. */
  public SortedSet<Value> aggregateEdgeKeys(int group, Collection<Row> edgeRows) {
    return steps.aggregateEdgeKeys(group, edgeRows);
  }

  /**
   * The rows of {@code view} that {@code owns} accepts (null = all) and that hop {@code hop} of
   * aggregate group {@code group} finds for {@code keys}.
   */
  public Rows aggregateFetch(
      ReadView view, int group, int hop, SortedSet<Value> keys, Predicate<Value> owns) {
    GraphSteps.Fetched f = steps.aggregateFetch(view, group, hop, keys, owns);
    return new Rows(f.rows(), f.rowsRead());
  }

  /**
   * Aggregate group {@code group} for {@code rows}, the rows of its level in the order of their
   * block (the root page's rows, or the level's {@link IncludePage#rows()}), from the union of its
   * hops' rows ({@code second} null for one hop).
   */
  public AggregatePage aggregate(
      int group, List<Row> rows, Collection<Row> first, Collection<Row> second) {
    return new AggregatePage(steps.aggregate(group, rows, first, second));
  }

  /**
   * The columnar result read at {@code lsn}; {@code includes.get(i)} is include level {@code i}
   * (entry 0 is ignored). INTERNAL for a query with aggregates (use the form that takes their
   * pages).
   */
  public QueryResult assemble(RootPage root, List<IncludePage> includes, long lsn) {
    return assemble(root, includes, List.of(), lsn);
  }

  /**
   * The columnar result read at {@code lsn} with the aggregate columns: {@code aggregates.get(g)}
   * is aggregate group {@code g}.
   */
  public QueryResult assemble(
      RootPage root, List<IncludePage> includes, List<AggregatePage> aggregates, long lsn) {
    List<GraphSteps.Attached> attached = new ArrayList<>(includes.size());
    for (IncludePage p : includes) {
      attached.add(p == null ? null : p.attached);
    }
    List<GraphSteps.AggregateValues> values = new ArrayList<>(aggregates.size());
    for (AggregatePage p : aggregates) {
      values.add(p.values);
    }
    return steps.assemble(root.page, attached, values, lsn);
  }
}
