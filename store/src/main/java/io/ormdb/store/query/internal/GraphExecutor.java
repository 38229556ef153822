package io.ormdb.store.query.internal;

import io.ormdb.protocol.result.Column;
import io.ormdb.protocol.result.EntityBlock;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
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
    GraphSteps steps = new GraphSteps(rq, plan, budget);
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
      stats.join[i] = first.strategy() + (second == null ? "" : " then " + second.strategy());
      GraphSteps.Attached out =
          steps.attach(i, parents, first.rows(), second == null ? null : second.rows());
      rows.add(out.rows());
      attached.add(out);
      stats.rowsOut[i] = out.rows().size();
    }
    return steps.assemble(page, attached, view.lsn());
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
      FieldSlot slot = new FieldSlot(f);
      for (Row r : rows) {
        values.add(slot.of(r));
      }
      columns.add(new Column(f, values));
    }
    return new EntityBlock(level.path(), level.entity().name(), ids, versions, columns);
  }
}
