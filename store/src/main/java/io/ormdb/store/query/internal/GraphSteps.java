package io.ormdb.store.query.internal;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.result.Column;
import io.ormdb.protocol.result.EdgeBlock;
import io.ormdb.protocol.result.EntityBlock;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.LinkFields;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.filter.FilterEvaluator;
import io.ormdb.store.query.Deadline;
import io.ormdb.store.query.QueryBudget;
import io.ormdb.store.view.FieldSlot;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Predicate;

/**
 * The steps of a graph query, separable so that the reads can happen in different places (one view
 * here, or entity shards each reading their own partition of the same snapshot) while ordering,
 * paging, cursors and assembly stay in one implementation:
 *
 * <ol>
 *   <li>{@link #rootCandidates}: the root rows a source owns, filtered, after the cursor, sorted by
 *       the root order and cut to the first {@code offset + limit + 1} (all of them without a
 *       limit) — the union over disjoint sources contains the global page;
 *   <li>{@link #rootPage}: merges candidates of all sources into the root page;
 *   <li>for each include level, {@link #fetch} for each hop (one for one-to-x, two for
 *       many-to-many: edge rows, then targets), restricted to what a source owns; the last hop also
 *       applies the include's filter;
 *   <li>{@link #attach}: per-parent order, keyset start, offset and limit, edges;
 *   <li>{@link #assemble}: the columnar result.
 * </ol>
 *
 * The read steps ({@link #rootCandidates}, {@link #fetch}) are stateless and thread-safe; the merge
 * steps count the entity and edge budget, so one instance serves one execution. Every step checks
 * the execution's {@link Deadline} when it starts, and every {@value Deadline#CHECK_EVERY} rows it
 * reads or parents it joins.
 */
public final class GraphSteps {
  private final ResolvedQuery rq;
  private final QueryPlan plan;
  private final QueryBudget budget;
  private final Deadline deadline;
  private long entities;
  private long edgeCount;

  public GraphSteps(ResolvedQuery rq, QueryPlan plan, QueryBudget budget) {
    this(rq, plan, budget, Deadline.NONE);
  }

  public GraphSteps(ResolvedQuery rq, QueryPlan plan, QueryBudget budget, Deadline deadline) {
    this.rq = rq;
    this.plan = plan;
    this.budget = budget;
    this.deadline = deadline;
  }

  public ResolvedQuery resolved() {
    return rq;
  }

  /**
   * The identities the root reads when its access path is the primary key (an identity equality or
   * IN list), else null: a partitioned executor asks only the sources that own them.
   */
  public List<Value> rootIdentities() {
    AccessPlan access = plan.root();
    if (access.access() != AccessPlan.Access.PRIMARY_KEY) {
      return null;
    }
    Filter c = Conjuncts.of(rq.root().filter()).get(access.keyConjuncts().get(0));
    if (c instanceof Filter.Compare cmp) {
      return List.of(cmp.value());
    }
    List<Value> ids = new ArrayList<>();
    for (Value v : ((Filter.In) c).values()) {
      if (!v.isNull()) {
        ids.add(v);
      }
    }
    return ids;
  }

  public QueryPlan plan() {
    return plan;
  }

  /** Rows read by a read step, and how they were found. */
  public record Fetched(List<Row> rows, String strategy, long rowsRead) {}

  /** The root page and whether rows remain after it. */
  public record RootPage(List<Row> rows, boolean hasMore, long rowsRead) {}

  /** One include level's distinct rows (in first-seen order) and its edges. */
  public record Attached(List<Row> rows, EdgeBlock edges) {}

  // ---- root --------------------------------------------------------------------------------

  /**
   * The root rows {@code owns} accepts (all rows when null), filtered, strictly after the root
   * cursor, sorted by the root order, at most {@code offset + limit + 1} of them when a limit is
   * set.
   */
  public Fetched rootCandidates(ReadView view, Predicate<Value> owns) {
    deadline.check();
    Level root = rq.root();
    List<Filter> conj = Conjuncts.of(root.filter());
    List<Value> after = root.cursor() == null ? null : root.cursor().values();
    Iterator<Row> rows = RowReader.open(view, root.entity().name(), plan.root(), conj, after);
    if (owns != null) {
      rows = owned(rows, owns);
    }
    if (deadline != Deadline.NONE) {
      rows = checked(rows, deadline);
    }
    Filter filter = root.filter();
    long read = -1;
    if (root.order().hasRelated()) {
      // the related keys' values are read for all matching rows at once, before any is compared
      List<Row> matching = new ArrayList<>();
      read = 0;
      while (rows.hasNext()) {
        Row r = rows.next();
        read++;
        if (FilterEvaluator.matches(filter, r::get)) {
          matching.add(r);
        }
      }
      rows =
          RelatedKeys.attach(view, rq.schema(), root.order().keys(), matching, deadline).iterator();
      filter = null;
    }
    Paging.Page top =
        Paging.top(
            rows,
            filter,
            root.order(),
            plan.root().orderedKeys(),
            after,
            root.offset(),
            root.limit());
    List<Row> out = top.rows();
    if (root.limit() > 0) {
      long cap = (long) root.offset() + root.limit() + 1;
      if (out.size() > cap) {
        out = new ArrayList<>(out.subList(0, (int) cap));
      }
    }
    return new Fetched(out, plan.root().access().name(), read >= 0 ? read : top.rowsRead());
  }

  /**
   * The root page from the candidates of every source (each source's own {@link #rootCandidates};
   * the sources must be disjoint and together cover the entity).
   */
  public RootPage rootPage(Collection<Row> candidates, long rowsRead) {
    Level root = rq.root();
    List<Row> sorted = new ArrayList<>(candidates);
    sorted.sort(root.order());
    Paging.Page page = Paging.cut(sorted, root.offset(), root.limit(), rowsRead);
    countEntities(page.rows().size());
    return new RootPage(page.rows(), page.hasMore(), rowsRead);
  }

  // ---- includes ----------------------------------------------------------------------------

  /** How many batched lookups include level {@code level} takes: 1, or 2 for many-to-many. */
  public int hops(int level) {
    return plan.joins().get(level).second() == null ? 1 : 2;
  }

  /** The hop's description: which entity, by which field, whether that field is the identity. */
  public JoinPlan.Hop hop(int level, int hop) {
    JoinPlan join = plan.joins().get(level);
    return hop == 0 ? join.first() : join.second();
  }

  /**
   * The keys the first hop of {@code level} looks up: the distinct non-null key values of the
   * parent rows, sorted.
   */
  public SortedSet<Value> parentKeys(int level, Collection<Row> parents) {
    return JoinExecutor.keys(new ArrayList<>(parents), plan.joins().get(level).parentKeyField());
  }

  /** The keys the second hop of a many-to-many level looks up, from the first hop's edge rows. */
  public SortedSet<Value> edgeKeys(int level, Collection<Row> edgeRows) {
    return JoinExecutor.keys(new ArrayList<>(edgeRows), plan.joins().get(level).edgeKeyField());
  }

  /**
   * One batched lookup of hop {@code hop} of include level {@code level}: the rows {@code owns}
   * accepts (all when null) whose hop field is one of {@code keys}. The last hop also applies the
   * include's filter.
   */
  public Fetched fetch(
      ReadView view, int level, int hop, SortedSet<Value> keys, Predicate<Value> owns) {
    deadline.check();
    JoinPlan join = plan.joins().get(level);
    JoinPlan.Hop h = hop(level, hop);
    String from =
        hop == 0
            ? rq.levels().get(rq.levels().get(level).parent()).entity().name()
            : join.first().entity();
    SortedSet<Value> sorted = keys.comparator() == Values.ORDER ? keys : SortedKeys.of(keys);
    JoinExecutor.Fetched f =
        JoinExecutor.fetch(view, h, sorted, fanout(view, h.entity(), from), deadline);
    boolean last = hop == hops(level) - 1;
    Level lv = rq.levels().get(level);
    // the last hop's rows are checked against what of the filter reads them alone; edge rows
    // against what reads only link fields
    Filter filter = last ? lv.targetFilter() : lv.links().edge();
    List<Row> out;
    if (owns == null && filter == null) {
      out = f.rows();
    } else {
      out = new ArrayList<>(f.rows().size());
      for (Row r : f.rows()) {
        if ((owns == null || owns.test(r.id()))
            && (filter == null
                || FilterEvaluator.matches(filter, last ? r::get : LinkedRow.edgeLookup(r)))) {
          out.add(r);
        }
      }
    }
    RowOrder order = rq.levels().get(level).order();
    if (last && order.hasRelated()) {
      out = RelatedKeys.attach(view, rq.schema(), order.keys(), out, deadline);
    }
    return new Fetched(out, f.strategy(), f.rowsRead());
  }

  private static long fanout(ReadView view, String entity, String parentEntity) {
    long children = view.count(entity);
    long parents = Math.max(1, view.count(parentEntity));
    return Math.max(1, (children + parents - 1) / parents);
  }

  /**
   * Joins include level {@code level} to its parents: {@code first} and {@code second} are the rows
   * of its hops from every source ({@code second} null for one hop), already filtered by {@link
   * #fetch}. Applies per-parent order, keyset start, offset and limit.
   */
  public Attached attach(
      int level, Collection<Row> parents, Collection<Row> first, Collection<Row> second) {
    deadline.check();
    Level lv = rq.levels().get(level);
    JoinPlan join = plan.joins().get(level);
    boolean toMany = lv.relation().cardinality().toMany();
    Map<Value, List<Row>> firstByKey = group(first, join.first().field());
    Map<Value, List<Row>> secondByKey =
        second == null ? null : group(second, join.second().field());

    // A child found by its own foreign key to the parent's identity belongs to one parent only:
    // no de-duplication needed (many-to-one and many-to-many children may repeat).
    boolean childrenUnique =
        secondByKey == null
            && !join.first().byIdentity()
            && join.parentKeyField().equals(rq.levels().get(lv.parent()).entity().identityField());
    Map<Value, Row> distinct = childrenUnique ? null : new LinkedHashMap<>();
    List<Row> unique = childrenUnique ? new ArrayList<>(first.size()) : null;
    List<EdgeBlock.Edge> edges = new ArrayList<>();
    List<EdgeBlock.ParentPage> pages = new ArrayList<>();
    CursorCodec.Position cursor = lv.cursor();
    java.util.Comparator<Row> order = lv.order().slotted();
    List<String> selectedLinks = lv.links().selected();
    @SuppressWarnings("unchecked")
    List<Value>[] linkValues = selectedLinks.isEmpty() ? null : new List[selectedLinks.size()];
    FieldSlot[] linkSlots = new FieldSlot[selectedLinks.size()];
    for (int l = 0; l < selectedLinks.size(); l++) {
      linkValues[l] = new ArrayList<>();
      linkSlots[l] = new FieldSlot(selectedLinks.get(l));
    }
    FieldSlot parentKey = new FieldSlot(join.parentKeyField());
    int joined = 0;
    for (Row parent : parents) {
      if (++joined % Deadline.CHECK_EVERY == 0) {
        deadline.check();
      }
      Value key = parentKey.of(parent);
      if (key.isNull()) {
        continue;
      }
      List<Row> candidates;
      if (secondByKey == null) {
        candidates = firstByKey.getOrDefault(Values.hashKey(key), List.of());
      } else if (lv.links().used()) {
        candidates =
            links(lv, join, firstByKey.getOrDefault(Values.hashKey(key), List.of()), secondByKey);
      } else {
        candidates = new ArrayList<>();
        Set<Value> seen = new HashSet<>();
        for (Row edge : firstByKey.getOrDefault(Values.hashKey(key), List.of())) {
          Value k2 = edge.get(join.edgeKeyField());
          if (k2.isNull()) {
            continue;
          }
          for (Row r : secondByKey.getOrDefault(Values.hashKey(k2), List.of())) {
            if (seen.add(Values.hashKey(r.id()))) {
              candidates.add(r);
            }
          }
        }
      }
      if (candidates.isEmpty()) {
        continue;
      }
      candidates.sort(order);
      if (cursor != null && Values.compare(cursor.parentId(), parent.id()) == 0) {
        List<Row> kept = new ArrayList<>();
        for (Row r : candidates) {
          if (lv.order().compareToPosition(r, cursor.values()) > 0) {
            kept.add(r);
          }
        }
        candidates = kept;
      }
      Paging.Page page = Paging.cut(candidates, lv.offset(), toMany ? lv.limit() : 1, 0);
      List<Row> pageRows = page.rows();
      for (int i = 0; i < pageRows.size(); i++) {
        Row child = pageRows.get(i);
        edges.add(new EdgeBlock.Edge(parent.id(), child.id()));
        if (linkValues != null) {
          for (int l = 0; l < linkValues.length; l++) {
            linkValues[l].add(linkSlots[l].of(child));
          }
          child = LinkedRow.target(child);
        }
        if (childrenUnique) {
          unique.add(child);
          countEntities(1);
        } else if (distinct.putIfAbsent(child.id(), child) == null) {
          countEntities(1);
        }
      }
      countEdges(page.rows().size());
      if (toMany && page.hasMore() && !page.rows().isEmpty()) {
        Row last = page.rows().get(page.rows().size() - 1);
        pages.add(
            new EdgeBlock.ParentPage(
                parent.id(),
                CursorCodec.encode(
                    new CursorCodec.Position(
                        lv.fingerprint(), parent.id(), lv.order().position(last)))));
      }
    }
    List<Column> links = new ArrayList<>(selectedLinks.size());
    for (int l = 0; l < selectedLinks.size(); l++) {
      links.add(new Column(LinkFields.field(selectedLinks.get(l)), linkValues[l]));
    }
    return new Attached(
        childrenUnique ? unique : new ArrayList<>(distinct.values()),
        new EdgeBlock(lv.path(), toMany, edges, pages, links));
  }

  /**
   * The links of one parent of a many-to-many level that reads link fields: each target its edge
   * rows lead to, once, as a {@link LinkedRow} with the values of one edge row — among the edge
   * rows to it whose link passes the level's remaining filter, the one with the smallest identity.
   * A target with no such edge row is left out.
   */
  private static List<Row> links(
      Level lv, JoinPlan join, List<Row> edgeRows, Map<Value, List<Row>> targetsByKey) {
    Filter pairFilter = lv.links().pair();
    Map<Value, Row> chosen = new LinkedHashMap<>();
    for (Row edge : edgeRows) {
      Value k2 = edge.get(join.edgeKeyField());
      if (k2.isNull()) {
        continue;
      }
      for (Row target : targetsByKey.getOrDefault(Values.hashKey(k2), List.of())) {
        Row link = LinkedRow.of(target, edge);
        if (pairFilter != null && !FilterEvaluator.matches(pairFilter, link::get)) {
          continue;
        }
        chosen.merge(
            Values.hashKey(target.id()),
            link,
            (a, b) -> Values.compare(LinkedRow.edge(a).id(), LinkedRow.edge(b).id()) <= 0 ? a : b);
      }
    }
    return new ArrayList<>(chosen.values());
  }

  /** Rows by {@link Values#hashKey} of {@code field} (the join's key fields share one type). */
  private static Map<Value, List<Row>> group(Collection<Row> rows, String field) {
    Map<Value, List<Row>> byKey = new HashMap<>();
    FieldSlot slot = new FieldSlot(field);
    // Rows read through an index on the key arrive in runs of one key: a row whose key equals the
    // previous row's joins that run's list without a hash lookup.
    Value runKey = null;
    List<Row> run = null;
    for (Row r : rows) {
      Value k = slot.of(r);
      if (k.isNull()) {
        continue;
      }
      if (run == null || !k.equals(runKey)) {
        runKey = k;
        run = byKey.computeIfAbsent(Values.hashKey(k), x -> new ArrayList<>(4));
      }
      run.add(r);
    }
    return byKey;
  }

  // ---- aggregates over relations -----------------------------------------------------------

  /** The values of one aggregate group for the rows of its level: {@code columns[a][row]}. */
  public record AggregateValues(int group, Value[][] columns) {}

  /** How many batched lookups aggregate group {@code group} takes: 1, or 2 for many-to-many. */
  public int aggregateHops(int group) {
    return plan.aggregateJoins().get(group).second() == null ? 1 : 2;
  }

  /** The hop's description for aggregate group {@code group}. */
  public JoinPlan.Hop aggregateHop(int group, int hop) {
    JoinPlan join = plan.aggregateJoins().get(group);
    return hop == 0 ? join.first() : join.second();
  }

  /**
   * The keys the first hop of aggregate group {@code group} looks up: the distinct non-null key
   * values of its level's rows, sorted.
   */
  public SortedSet<Value> aggregateKeys(int group, Collection<Row> rows) {
    return JoinExecutor.keys(
        new ArrayList<>(rows), plan.aggregateJoins().get(group).parentKeyField());
  }

  /** The keys the second hop of a many-to-many aggregate group looks up, from its edge rows. */
  public SortedSet<Value> aggregateEdgeKeys(int group, Collection<Row> edgeRows) {
    return JoinExecutor.keys(
        new ArrayList<>(edgeRows), plan.aggregateJoins().get(group).edgeKeyField());
  }

  /**
   * One batched lookup of hop {@code hop} of aggregate group {@code group}: the rows {@code owns}
   * accepts (all when null) whose hop field is one of {@code keys}. The aggregates' own filters
   * apply in {@link #aggregate}.
   */
  public Fetched aggregateFetch(
      ReadView view, int group, int hop, SortedSet<Value> keys, Predicate<Value> owns) {
    deadline.check();
    AggregateGroup g = rq.aggregates().get(group);
    JoinPlan join = plan.aggregateJoins().get(group);
    JoinPlan.Hop h = aggregateHop(group, hop);
    String from = hop == 0 ? rq.levels().get(g.level()).entity().name() : join.first().entity();
    SortedSet<Value> sorted = keys.comparator() == Values.ORDER ? keys : SortedKeys.of(keys);
    JoinExecutor.Fetched f =
        JoinExecutor.fetch(view, h, sorted, fanout(view, h.entity(), from), deadline);
    List<Row> out = f.rows();
    if (owns != null) {
      out = new ArrayList<>(f.rows().size());
      for (Row r : f.rows()) {
        if (owns.test(r.id())) {
          out.add(r);
        }
      }
    }
    return new Fetched(out, f.strategy(), f.rowsRead());
  }

  /**
   * The values of aggregate group {@code group} for each of {@code rows} (its level's rows, in the
   * order their block lists them), from the rows of its hops from every source ({@code second} null
   * for one hop). Every related row counts against the entity budget.
   */
  public AggregateValues aggregate(
      int group, List<Row> rows, Collection<Row> first, Collection<Row> second) {
    deadline.check();
    AggregateGroup g = rq.aggregates().get(group);
    JoinPlan join = plan.aggregateJoins().get(group);
    countEntities(first.size() + (second == null ? 0 : second.size()));
    Map<Value, List<Row>> firstByKey = group(first, join.first().field());
    Map<Value, List<Row>> secondByKey =
        second == null ? null : group(second, join.second().field());
    List<AggregateGroup.Bound> aggs = g.aggregates();
    int width = aggs.size();
    FieldSlot[] slots = new FieldSlot[width];
    for (int a = 0; a < width; a++) {
      slots[a] = aggs.get(a).field() == null ? null : new FieldSlot(aggs.get(a).field());
    }
    Value[][] columns = new Value[width][rows.size()];
    FieldSlot parentKey = new FieldSlot(join.parentKeyField());
    int joined = 0;
    for (int r = 0; r < rows.size(); r++) {
      if (++joined % Deadline.CHECK_EVERY == 0) {
        deadline.check();
      }
      Value key = parentKey.of(rows.get(r));
      List<Row> related;
      if (key.isNull()) {
        related = List.of();
      } else if (secondByKey == null) {
        related = firstByKey.getOrDefault(Values.hashKey(key), List.of());
      } else {
        related = new ArrayList<>();
        Set<Value> seen = new HashSet<>();
        for (Row edge : firstByKey.getOrDefault(Values.hashKey(key), List.of())) {
          Value k2 = edge.get(join.edgeKeyField());
          if (k2.isNull()) {
            continue;
          }
          for (Row t : secondByKey.getOrDefault(Values.hashKey(k2), List.of())) {
            if (seen.add(Values.hashKey(t.id()))) {
              related.add(t);
            }
          }
        }
      }
      for (int a = 0; a < width; a++) {
        AggregateGroup.Bound b = aggs.get(a);
        AggregateAccumulator acc =
            new AggregateAccumulator(b.function(), b.type(), b.description(), g.target().name());
        for (Row x : related) {
          if (b.filter() != null && !FilterEvaluator.matches(b.filter(), x::get)) {
            continue;
          }
          if (slots[a] == null) {
            acc.addRow();
          } else {
            Value v = slots[a].of(x);
            if (!v.isNull()) {
              acc.add(v);
            }
          }
        }
        columns[a][r] = acc.result();
      }
    }
    return new AggregateValues(group, columns);
  }

  // ---- result ------------------------------------------------------------------------------

  /**
   * The columnar result: {@code levels.get(i)} holds include level {@code i} (entry 0, the root, is
   * ignored and may be null).
   */
  public QueryResult assemble(RootPage root, List<Attached> levels, long lsn) {
    return assemble(root, levels, List.of(), lsn);
  }

  /**
   * The columnar result with the aggregate columns of every group ({@code aggregates}, one entry
   * per group of {@link ResolvedQuery#aggregates()}, each from {@link #aggregate} over the rows of
   * its level as {@code levels} holds them); INTERNAL when a group is missing.
   */
  public QueryResult assemble(
      RootPage root, List<Attached> levels, List<AggregateValues> aggregates, long lsn) {
    if (aggregates.size() != rq.aggregates().size()) {
      throw new OrmDbException(
          ErrorCode.INTERNAL,
          "the query has "
              + rq.aggregates().size()
              + " aggregate groups but "
              + aggregates.size()
              + " were computed");
    }
    int n = rq.levels().size();
    EntityBlock[] blocks = new EntityBlock[n];
    EdgeBlock[] edges = new EdgeBlock[n - 1];
    for (Level level : rq.levels()) {
      List<Row> rows = level.isRoot() ? root.rows() : levels.get(level.index()).rows();
      Column[] extra = new Column[rq.aggregateColumns(level.index())];
      for (AggregateValues values : aggregates) {
        AggregateGroup g = rq.aggregates().get(values.group());
        if (g.level() != level.index()) {
          continue;
        }
        for (int a = 0; a < g.aggregates().size(); a++) {
          AggregateGroup.Bound b = g.aggregates().get(a);
          extra[b.column()] = new Column(b.label(), List.of(values.columns()[a]));
        }
      }
      blocks[level.blockOrder()] = GraphExecutor.block(level, rows, List.of(extra));
      if (!level.isRoot()) {
        edges[level.blockOrder() - 1] = levels.get(level.index()).edges();
      }
    }
    String next = null;
    if (root.hasMore() && !root.rows().isEmpty()) {
      Row last = root.rows().get(root.rows().size() - 1);
      Level r = rq.root();
      next =
          CursorCodec.encode(
              new CursorCodec.Position(r.fingerprint(), null, r.order().position(last)));
    }
    return new QueryResult(List.of(blocks), List.of(edges), root.hasMore(), next, lsn);
  }

  private void countEntities(long n) {
    entities += n;
    if (entities > budget.maxEntities()) {
      throw new OrmDbException(
          ErrorCode.BUDGET_EXCEEDED,
          "query exceeds its entity budget: more than "
              + budget.maxEntities()
              + " entities (root and includes together"
              + (rq.aggregates().isEmpty() ? "" : ", with the related rows its aggregates read")
              + ")");
    }
  }

  private void countEdges(long n) {
    edgeCount += n;
    if (edgeCount > budget.maxEdges()) {
      throw new OrmDbException(
          ErrorCode.BUDGET_EXCEEDED,
          "query exceeds its edge budget: more than " + budget.maxEdges() + " edges");
    }
  }

  /** {@code in}, checking {@code deadline} every {@value Deadline#CHECK_EVERY} rows. */
  static Iterator<Row> checked(Iterator<Row> in, Deadline deadline) {
    return new Iterator<>() {
      private int read;

      @Override
      public boolean hasNext() {
        return in.hasNext();
      }

      @Override
      public Row next() {
        if (++read % Deadline.CHECK_EVERY == 0) {
          deadline.check();
        }
        return in.next();
      }
    };
  }

  private static Iterator<Row> owned(Iterator<Row> in, Predicate<Value> owns) {
    return new Iterator<>() {
      private Row next = advance();

      private Row advance() {
        while (in.hasNext()) {
          Row r = in.next();
          if (owns.test(r.id())) {
            return r;
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Row next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        Row r = next;
        next = advance();
        return r;
      }
    };
  }
}
