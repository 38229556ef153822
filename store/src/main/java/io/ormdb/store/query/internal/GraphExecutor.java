package io.ormdb.store.query.internal;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.result.Column;
import io.ormdb.protocol.result.EdgeBlock;
import io.ormdb.protocol.result.EntityBlock;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.filter.FilterEvaluator;
import io.ormdb.store.query.QueryBudget;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Runs a planned graph query against one view: the root page, then each include level with one
 * batched lookup for all of that level's parents, then per-parent filter, order, keyset start,
 * offset and limit, then projection into columnar blocks.
 */
public final class GraphExecutor {
  private final ReadView view;
  private final ResolvedQuery rq;
  private final QueryPlan plan;
  private final QueryBudget budget;
  private final ExecStats stats;
  private long entities;
  private long edgeCount;

  private GraphExecutor(
      ReadView view, ResolvedQuery rq, QueryPlan plan, QueryBudget budget, ExecStats stats) {
    this.view = view;
    this.rq = rq;
    this.plan = plan;
    this.budget = budget;
    this.stats = stats;
  }

  public static QueryResult execute(
      ReadView view, ResolvedQuery rq, QueryPlan plan, QueryBudget budget, ExecStats stats) {
    return new GraphExecutor(view, rq, plan, budget, stats).run();
  }

  private QueryResult run() {
    int n = rq.levels().size();
    List<List<Row>> rows = new ArrayList<>(n);
    List<EdgeBlock> edgeBlocks = new ArrayList<>(n);

    Level root = rq.root();
    List<Filter> conj = Conjuncts.of(root.filter());
    List<Value> after = root.cursor() == null ? null : root.cursor().values();
    Paging.Page page =
        Paging.page(
            RowReader.open(view, root.entity().name(), plan.root(), conj, after),
            root.filter(),
            root.order(),
            plan.root().orderedKeys(),
            after,
            root.offset(),
            root.limit());
    stats.rowsRead[0] = page.rowsRead();
    stats.rowsOut[0] = page.rows().size();
    countEntities(page.rows().size());
    rows.add(page.rows());
    edgeBlocks.add(null);

    for (int i = 1; i < n; i++) {
      Level level = rq.levels().get(i);
      IncludeOutput out = include(level, plan.joins().get(i), rows.get(level.parent()));
      rows.add(out.rows);
      edgeBlocks.add(out.block);
      stats.rowsOut[i] = out.rows.size();
    }

    EntityBlock[] blocks = new EntityBlock[n];
    EdgeBlock[] edges = new EdgeBlock[n - 1];
    for (Level level : rq.levels()) {
      blocks[level.blockOrder()] = block(level, rows.get(level.index()));
      if (!level.isRoot()) {
        edges[level.blockOrder() - 1] = edgeBlocks.get(level.index());
      }
    }
    String next = null;
    if (page.hasMore() && !page.rows().isEmpty()) {
      Row last = page.rows().get(page.rows().size() - 1);
      next =
          CursorCodec.encode(
              new CursorCodec.Position(root.fingerprint(), null, root.order().position(last)));
    }
    return new QueryResult(List.of(blocks), List.of(edges), page.hasMore(), next, view.lsn());
  }

  private record IncludeOutput(List<Row> rows, EdgeBlock block) {}

  private IncludeOutput include(Level level, JoinPlan join, List<Row> parents) {
    boolean toMany = level.relation().cardinality().toMany();
    TreeSet<Value> keys = JoinExecutor.keys(parents, join.parentKeyField());
    String parentEntity = rq.levels().get(level.parent()).entity().name();
    JoinExecutor.Fetched first =
        JoinExecutor.fetch(view, join.first(), keys, fanout(join.first().entity(), parentEntity));
    JoinExecutor.Fetched second = null;
    if (join.second() != null) {
      List<Row> edgeRows = new ArrayList<>();
      first.byKey().values().forEach(edgeRows::addAll);
      second =
          JoinExecutor.fetch(
              view,
              join.second(),
              JoinExecutor.keys(edgeRows, join.edgeKeyField()),
              fanout(join.second().entity(), join.first().entity()));
    }
    stats.rowsRead[level.index()] = first.rowsRead() + (second == null ? 0 : second.rowsRead());
    stats.join[level.index()] =
        first.strategy() + (second == null ? "" : " then " + second.strategy());

    // The include filter is checked once per fetched row, not once per parent.
    Map<Value, List<Row>> targets = second == null ? first.byKey() : second.byKey();
    Map<Row, Boolean> passes = new java.util.IdentityHashMap<>();
    for (List<Row> list : targets.values()) {
      for (Row r : list) {
        passes.put(r, FilterEvaluator.matches(level.filter(), r::get));
      }
    }

    Map<Value, Row> distinct = new LinkedHashMap<>();
    List<EdgeBlock.Edge> edges = new ArrayList<>();
    List<EdgeBlock.ParentPage> pages = new ArrayList<>();
    CursorCodec.Position cursor = level.cursor();
    for (Row parent : parents) {
      Value key = parent.get(join.parentKeyField());
      if (key.isNull()) {
        continue;
      }
      List<Row> candidates = new ArrayList<>();
      if (second == null) {
        for (Row r : first.byKey().getOrDefault(key, List.of())) {
          if (passes.get(r)) {
            candidates.add(r);
          }
        }
      } else {
        Map<Value, Boolean> seen = new LinkedHashMap<>();
        for (Row edge : first.byKey().getOrDefault(key, List.of())) {
          Value k2 = edge.get(join.edgeKeyField());
          if (k2.isNull()) {
            continue;
          }
          for (Row r : second.byKey().getOrDefault(k2, List.of())) {
            if (passes.get(r) && seen.put(r.id(), Boolean.TRUE) == null) {
              candidates.add(r);
            }
          }
        }
      }
      if (candidates.isEmpty()) {
        continue;
      }
      candidates.sort(level.order());
      if (cursor != null
          && io.ormdb.protocol.value.Values.compare(cursor.parentId(), parent.id()) == 0) {
        List<Row> kept = new ArrayList<>();
        for (Row r : candidates) {
          if (level.order().compareToPosition(r, cursor.values()) > 0) {
            kept.add(r);
          }
        }
        candidates = kept;
      }
      Paging.Page page = Paging.cut(candidates, level.offset(), toMany ? level.limit() : 1, 0);
      for (Row child : page.rows()) {
        edges.add(new EdgeBlock.Edge(parent.id(), child.id()));
        if (distinct.putIfAbsent(child.id(), child) == null) {
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
                        level.fingerprint(), parent.id(), level.order().position(last)))));
      }
    }
    return new IncludeOutput(
        new ArrayList<>(distinct.values()), new EdgeBlock(level.path(), toMany, edges, pages));
  }

  private long fanout(String entity, String parentEntity) {
    long children = view.count(entity);
    long parents = Math.max(1, view.count(parentEntity));
    return Math.max(1, (children + parents - 1) / parents);
  }

  private void countEntities(long n) {
    entities += n;
    if (entities > budget.maxEntities()) {
      throw new OrmDbException(
          ErrorCode.BUDGET_EXCEEDED,
          "query exceeds its entity budget: more than "
              + budget.maxEntities()
              + " entities (root and includes together)");
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

  static EntityBlock block(Level level, List<Row> rows) {
    List<Value> ids = new ArrayList<>(rows.size());
    List<Long> versions = new ArrayList<>(rows.size());
    for (Row r : rows) {
      ids.add(r.id());
      versions.add(r.version());
    }
    List<Column> columns = new ArrayList<>(level.fields().size());
    for (String f : level.fields()) {
      List<Value> values = new ArrayList<>(rows.size());
      for (Row r : rows) {
        values.add(r.get(f));
      }
      columns.add(new Column(f, values));
    }
    return new EntityBlock(level.path(), level.entity().name(), ids, versions, columns);
  }
}
