package io.ormdb.store.query.internal;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.filter.FilterEvaluator;
import io.ormdb.store.query.AggregateSource;
import io.ormdb.store.query.ColumnBatch;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The default aggregate input: rows read through the view (through an index when the filter allows,
 * chosen by the same planner as graph queries), filtered, and cut into column batches.
 */
public final class RowScanAggregateSource implements AggregateSource {
  static final int BATCH = 1024;

  @Override
  public void scan(
      ReadView view,
      EntityDef entity,
      Filter filter,
      List<String> columns,
      Consumer<ColumnBatch> sink) {
    List<Filter> conj = Conjuncts.of(filter);
    AccessPlan plan = AggregateExecutor.access(view, entity, filter);
    Iterator<Row> rows = RowReader.open(view, entity.name(), plan, conj, null);
    List<Value[]> batch = newBatch(columns.size());
    int n = 0;
    while (rows.hasNext()) {
      Row row = rows.next();
      if (!FilterEvaluator.matches(filter, row::get)) {
        continue;
      }
      for (int c = 0; c < columns.size(); c++) {
        batch.get(c)[n] = row.get(columns.get(c));
      }
      if (++n == BATCH) {
        sink.accept(new ColumnBatch(n, batch));
        batch = newBatch(columns.size());
        n = 0;
      }
    }
    if (n > 0) {
      sink.accept(new ColumnBatch(n, batch));
    }
  }

  private static List<Value[]> newBatch(int columns) {
    List<Value[]> b = new ArrayList<>(columns);
    for (int c = 0; c < columns; c++) {
      b.add(new Value[BATCH]);
    }
    return b;
  }
}
