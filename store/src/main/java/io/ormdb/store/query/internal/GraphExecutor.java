package io.ormdb.store.query.internal;

import io.ormdb.protocol.result.Column;
import io.ormdb.protocol.result.EntityBlock;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.query.Deadline;
import io.ormdb.store.query.QueryBudget;
import io.ormdb.store.view.FieldSlot;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a planned graph query against one view through the {@link GraphSteps}: the root page, then
 * each include level with one batched lookup for all of that level's parents (two for
 * many-to-many), then per-parent filter, order, keyset start, offset and limit, then projection
 * into columnar blocks. Distributed callers run the same steps with the reads spread over shards.
 */
public final class GraphExecutor {
  private GraphExecutor() {}

  public static QueryResult execute(
      ReadView view, ResolvedQuery rq, QueryPlan plan, QueryBudget budget, ExecStats stats) {
    return execute(view, rq, plan, budget, stats, Deadline.NONE);
  }

  /**
   * Like {@link #execute(ReadView, ResolvedQuery, QueryPlan, QueryBudget, ExecStats)}, stopped with
   * TIMEOUT once {@code deadline} has passed.
   */
  public static QueryResult execute(
      ReadView view,
      ResolvedQuery rq,
      QueryPlan plan,
      QueryBudget budget,
      ExecStats stats,
      Deadline deadline) {
    GraphSteps steps = new GraphSteps(rq, plan, budget, deadline);
    int n = rq.levels().size();
    GraphSteps.Fetched candidates = steps.rootCandidates(view, null);
    GraphSteps.RootPage page = steps.rootPage(candidates.rows(), candidates.rowsRead());
    stats.rowsRead[0] = page.rowsRead();
    stats.rowsOut[0] = page.rows().size();
    List<List<Row>> rows = new ArrayList<>(n);
    List<GraphSteps.Attached> attached = new ArrayList<>(n);
    rows.add(page.rows());
    attached.add(null);
    for (int i = 1; i < n; i++) {
      Level level = rq.levels().get(i);
      List<Row> parents = rows.get(level.parent());
      GraphSteps.Fetched first = steps.fetch(view, i, 0, steps.parentKeys(i, parents), null);
      GraphSteps.Fetched second = null;
      if (steps.hops(i) == 2) {
        second = steps.fetch(view, i, 1, steps.edgeKeys(i, first.rows()), null);
      }
      stats.rowsRead[i] = first.rowsRead() + (second == null ? 0 : second.rowsRead());
      stats.joined(i, first.strategy(), second == null ? null : second.strategy());
      GraphSteps.Attached out =
          steps.attach(i, parents, first.rows(), second == null ? null : second.rows());
      rows.add(out.rows());
      attached.add(out);
      stats.rowsOut[i] = out.rows().size();
    }
    List<GraphSteps.AggregateValues> aggregates = new ArrayList<>(rq.aggregates().size());
    for (AggregateGroup g : rq.aggregates()) {
      int k = g.index();
      List<Row> parents = rows.get(g.level());
      GraphSteps.Fetched first =
          steps.aggregateFetch(view, k, 0, steps.aggregateKeys(k, parents), null);
      GraphSteps.Fetched second = null;
      if (steps.aggregateHops(k) == 2) {
        second = steps.aggregateFetch(view, k, 1, steps.aggregateEdgeKeys(k, first.rows()), null);
      }
      stats.aggregateRowsRead[k] =
          first.rows().size() + (second == null ? 0 : second.rows().size());
      stats.aggregateJoined(k, first.strategy(), second == null ? null : second.strategy());
      aggregates.add(
          steps.aggregate(k, parents, first.rows(), second == null ? null : second.rows()));
    }
    return steps.assemble(page, attached, aggregates, view.lsn());
  }

  static EntityBlock block(Level level, List<Row> rows) {
    return block(level, rows, List.of());
  }

  /** The block of {@code rows} with their fields, then {@code extra} columns (aggregates). */
  static EntityBlock block(Level level, List<Row> rows, List<Column> extra) {
    int n = rows.size();
    List<String> fields = level.fields();
    int width = fields.size();
    Value[] ids = new Value[n];
    Long[] versions = new Long[n];
    Value[][] values = new Value[width][n];
    FieldSlot[] slots = new FieldSlot[width];
    for (int f = 0; f < width; f++) {
      slots[f] = new FieldSlot(fields.get(f));
    }
    // row by row: each row's values are read while they are in cache, not once per column
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      ids[i] = r.id();
      versions[i] = r.version();
      for (int f = 0; f < width; f++) {
        values[f][i] = slots[f].of(r);
      }
    }
    Column[] columns = new Column[width + extra.size()];
    for (int f = 0; f < width; f++) {
      columns[f] = new Column(fields.get(f), List.of(values[f]));
    }
    for (int e = 0; e < extra.size(); e++) {
      columns[width + e] = extra.get(e);
    }
    return new EntityBlock(
        level.path(), level.entity().name(), List.of(ids), List.of(versions), List.of(columns));
  }
}
