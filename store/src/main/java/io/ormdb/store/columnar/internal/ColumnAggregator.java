package io.ormdb.store.columnar.internal;

import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.AggregateQuery.Aggregation;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.filter.FilterEvaluator;
import io.ormdb.store.query.internal.AggregateAccumulator;
import io.ormdb.store.query.internal.AggregateExecutor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Runs one validated aggregate over an entity's columns as a view at {@code lsn} sees them, one
 * segment at a time: select the visible slots, narrow them with the vectorizable conjuncts of the
 * filter, then with the rest of the filter evaluated per slot, assign group ids, and accumulate.
 * Results follow the row scan's rules exactly (they are produced by the same {@link
 * AggregateAccumulator}s, and groups are ordered by {@link AggregateExecutor#compareKeys}).
 */
public final class ColumnAggregator {
  private ColumnAggregator() {}

  public static AggregateResult run(
      EntityColumns ec,
      EntityColumns.Published p,
      long lsn,
      EntityDef entity,
      AggregateQuery q,
      Filter filter) {
    Column[] groupCols = new Column[q.groupBy().size()];
    for (int i = 0; i < groupCols.length; i++) {
      groupCols[i] = ec.byName.get(q.groupBy().get(i));
    }
    int na = q.aggregations().size();
    Aggregators.Agg[] aggs = new Aggregators.Agg[na];
    ValueType[] types = new ValueType[na];
    for (int i = 0; i < na; i++) {
      Aggregation a = q.aggregations().get(i);
      if (a.field() == null) {
        aggs[i] = new Aggregators.CountRows();
        continue;
      }
      Column col = ec.byName.get(a.field());
      types[i] = entity.field(a.field()).orElseThrow().type().base();
      aggs[i] = agg(a.function(), col);
    }
    List<Predicates.Pred> preds = new ArrayList<>();
    List<Filter> residual = new ArrayList<>();
    boolean none = false;
    if (filter != null) {
      List<Filter> conjuncts = new ArrayList<>();
      flatten(filter, conjuncts);
      for (Filter f : conjuncts) {
        if (f instanceof Filter.Const k) {
          none |= !k.value();
          continue;
        }
        Predicates.Pred pred = Predicates.compile(f, ec.byName);
        if (pred != null) {
          preds.add(pred);
        } else {
          residual.add(f);
        }
      }
    }
    Filter rest = residual.isEmpty() ? null : residual.size() == 1 ? residual.get(0) : null;
    if (residual.size() > 1) {
      rest = new Filter.And(residual);
    }
    Grouper grouper = groupCols.length == 0 ? null : new Grouper(groupCols);
    int size = none ? 0 : p.size();
    int[] sel = new int[Math.min(Column.SEG, Math.max(size, 1))];
    int[] gid = new int[sel.length];
    SlotRow row = new SlotRow(ec);
    for (Aggregators.Agg a : aggs) {
      a.ensure(1);
    }
    for (int seg = 0; (long) seg * Column.SEG < size; seg++) {
      int first = seg * Column.SEG;
      int n = Math.min(Column.SEG, size - first);
      long[] cr = ec.created[seg];
      long[] de = ec.deleted[seg];
      int m = 0;
      for (int off = 0; off < n; off++) {
        if (cr[off] <= lsn && lsn < de[off]) {
          sel[m++] = off;
        }
      }
      for (Predicates.Pred pred : preds) {
        m = pred.filter(seg, sel, m);
      }
      if (rest != null) {
        int kept = 0;
        for (int i = 0; i < m; i++) {
          row.slot = first + sel[i];
          if (FilterEvaluator.matches(rest, row)) {
            sel[kept++] = sel[i];
          }
        }
        m = kept;
      }
      if (m == 0) {
        continue;
      }
      int groups = 1;
      if (grouper == null) {
        Arrays.fill(gid, 0, m, 0);
      } else {
        grouper.assign(seg, sel, m, gid);
        groups = grouper.groups();
      }
      for (Aggregators.Agg a : aggs) {
        a.ensure(groups);
        a.accumulate(seg, sel, gid, m);
      }
    }
    int groups = grouper == null ? 1 : grouper.groups();
    List<List<Value>> keys = new ArrayList<>(groups);
    Integer[] order = new Integer[groups];
    for (int g = 0; g < groups; g++) {
      keys.add(grouper == null ? List.of() : grouper.key(g));
      order[g] = g;
    }
    Arrays.sort(order, (x, y) -> AggregateExecutor.compareKeys(keys.get(x), keys.get(y)));
    List<String> labels = new ArrayList<>(q.groupBy());
    for (Aggregation a : q.aggregations()) {
      labels.add(a.label());
    }
    List<List<Value>> rows = new ArrayList<>(groups);
    for (int g : order) {
      AggregateAccumulator[] accs = AggregateExecutor.newAccumulators(q, types, entity);
      List<Value> out = new ArrayList<>(keys.get(g));
      for (int i = 0; i < na; i++) {
        aggs[i].finish(g, accs[i]);
        out.add(accs[i].result());
      }
      rows.add(out);
    }
    return new AggregateResult(entity.name(), labels, rows, lsn);
  }

  private static Aggregators.Agg agg(AggregateQuery.Function fn, Column col) {
    switch (fn) {
      case COUNT:
        return new Aggregators.CountValues(col);
      case SUM:
      case AVG:
        if (col instanceof LongColumn lc) {
          return new Aggregators.LongSum(lc);
        }
        if (col instanceof DoubleColumn dc) {
          return new Aggregators.DoubleSum(dc);
        }
        return new Aggregators.DecimalSum((ValueColumn) col);
      case MIN:
      case MAX:
        boolean max = fn == AggregateQuery.Function.MAX;
        if (col instanceof LongColumn lc) {
          return new Aggregators.LongExtreme(lc, max);
        }
        if (col instanceof DoubleColumn dc) {
          return new Aggregators.DoubleExtreme(dc, max);
        }
        if (col instanceof DictColumn dc) {
          return new Aggregators.DictExtreme(dc, dc.dictionary(), max);
        }
        return new Aggregators.ValueExtreme((ValueColumn) col, max);
      default:
        throw new IllegalStateException("unknown function " + fn);
    }
  }

  private static void flatten(Filter f, List<Filter> out) {
    if (f instanceof Filter.And and) {
      for (Filter o : and.operands()) {
        flatten(o, out);
      }
    } else {
      out.add(f);
    }
  }

  /** A slot read as a row for the general filter path. */
  private static final class SlotRow implements Function<String, Value> {
    private final EntityColumns ec;
    int slot;

    SlotRow(EntityColumns ec) {
      this.ec = ec;
    }

    @Override
    public Value apply(String field) {
      Column c = ec.byName.get(field);
      return c == null ? Value.NULL : c.get(slot);
    }
  }
}
