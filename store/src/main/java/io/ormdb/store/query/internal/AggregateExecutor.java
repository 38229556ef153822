package io.ormdb.store.query.internal;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.AggregateQuery.Aggregation;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.filter.FilterBinder;
import io.ormdb.store.query.AggregateSource;
import io.ormdb.store.query.ColumnBatch;
import io.ormdb.store.view.ReadView;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Count, sum, avg, min and max with an optional filter and GROUP BY, over column batches from an
 * {@link AggregateSource}.
 *
 * <p>Result types: count is int64; sum of int32/int64 is int64 and fails with INVALID_REQUEST when
 * it overflows (a result type that depends on the data would surprise clients); avg of integers is
 * float64 (the exact sum divided by the count, rounded once); sum and avg of float32/float64 are
 * float64; of decimals, decimal (avg rounded to 34 significant digits); min and max keep the
 * field's type. As in SQL, nulls are ignored, count is 0 and the others are null when no non-null
 * value was seen. Groups come out ordered by their group-by values (nulls first); without GROUP BY
 * there is exactly one row.
 */
public final class AggregateExecutor {
  private AggregateExecutor() {}

  public static AggregateResult run(
      ReadView view, AggregateQuery q, Map<String, Value> attributes, AggregateSource source) {
    EntityDef entity = QueryResolver.entity(view.schema(), q.entity());
    List<String> columns = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String g : q.groupBy()) {
      QueryResolver.field(entity, g, "group by");
      if (!seen.add(g)) {
        throw OrmDbException.invalid("group by: field '" + g + "' is listed twice");
      }
      columns.add(g);
    }
    int[] argColumn = new int[q.aggregations().size()];
    ValueType[] argType = new ValueType[q.aggregations().size()];
    for (int i = 0; i < q.aggregations().size(); i++) {
      Aggregation a = q.aggregations().get(i);
      String where = "aggregate " + a.label();
      if (a.field() == null) {
        if (a.function() != Function.COUNT) {
          throw OrmDbException.invalid(where + ": needs a field");
        }
        argColumn[i] = -1;
        continue;
      }
      FieldDef fd = QueryResolver.field(entity, a.field(), where);
      ValueType t = fd.type().base();
      if ((a.function() == Function.SUM || a.function() == Function.AVG)
          && (fd.type().array() || !t.isNumeric())) {
        throw OrmDbException.invalid(
            where
                + ": field "
                + entity.name()
                + "."
                + fd.name()
                + " is "
                + fd.type().render()
                + ", not a number");
      }
      argType[i] = t;
      int c = columns.indexOf(a.field());
      if (c < 0) {
        c = columns.size();
        columns.add(a.field());
      }
      argColumn[i] = c;
    }
    Filter filter = FilterBinder.bind(q.filter(), entity, view.schema(), attributes, "filter");

    int groups = q.groupBy().size();
    TreeMap<List<Value>, Accumulator[]> table = new TreeMap<>(AggregateExecutor::compareKeys);
    source.scan(
        view,
        entity,
        filter,
        columns,
        batch -> {
          for (int r = 0; r < batch.size(); r++) {
            List<Value> key = new ArrayList<>(groups);
            for (int g = 0; g < groups; g++) {
              key.add(batch.value(g, r));
            }
            Accumulator[] accs = table.computeIfAbsent(key, k -> newAccumulators(q, argType));
            accumulate(q, accs, argColumn, batch, r, entity);
          }
        });
    if (groups == 0 && table.isEmpty()) {
      table.put(List.of(), newAccumulators(q, argType));
    }
    List<String> labels = new ArrayList<>(q.groupBy());
    for (Aggregation a : q.aggregations()) {
      labels.add(a.label());
    }
    List<List<Value>> rows = new ArrayList<>(table.size());
    for (Map.Entry<List<Value>, Accumulator[]> e : table.entrySet()) {
      List<Value> row = new ArrayList<>(e.getKey());
      for (Accumulator acc : e.getValue()) {
        row.add(acc.result());
      }
      rows.add(row);
    }
    return new AggregateResult(entity.name(), labels, rows, view.lsn());
  }

  private static void accumulate(
      AggregateQuery q,
      Accumulator[] accs,
      int[] argColumn,
      ColumnBatch batch,
      int r,
      EntityDef entity) {
    for (int i = 0; i < accs.length; i++) {
      if (argColumn[i] < 0) {
        accs[i].count++;
        continue;
      }
      Value v = batch.value(argColumn[i], r);
      if (!v.isNull()) {
        accs[i].add(v, entity.name(), q.aggregations().get(i));
      }
    }
  }

  private static Accumulator[] newAccumulators(AggregateQuery q, ValueType[] types) {
    Accumulator[] accs = new Accumulator[types.length];
    for (int i = 0; i < types.length; i++) {
      accs[i] = new Accumulator(q.aggregations().get(i).function(), types[i]);
    }
    return accs;
  }

  static int compareKeys(List<Value> a, List<Value> b) {
    for (int i = 0; i < a.size(); i++) {
      int c = Values.compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** The running state of one aggregate in one group. */
  static final class Accumulator {
    final Function function;
    final ValueType type;
    long count;
    long longSum;
    double doubleSum;
    BigDecimal decimalSum = BigDecimal.ZERO;
    Value extreme;

    Accumulator(Function function, ValueType type) {
      this.function = function;
      this.type = type;
    }

    private boolean integral() {
      return type == ValueType.INT32 || type == ValueType.INT64;
    }

    void add(Value v, String entity, Aggregation a) {
      count++;
      switch (function) {
        case COUNT:
          break;
        case SUM:
        case AVG:
          if (integral()) {
            if (function == Function.SUM) {
              try {
                longSum = Math.addExact(longSum, v.asLong());
              } catch (ArithmeticException e) {
                throw OrmDbException.invalid(
                    "aggregate " + a.label() + " on entity " + entity + " overflows int64");
              }
            } else {
              decimalSum = decimalSum.add(BigDecimal.valueOf(v.asLong()));
            }
          } else if (type == ValueType.DECIMAL) {
            decimalSum = decimalSum.add(v.asDecimal());
          } else {
            doubleSum += v.asDouble();
          }
          break;
        case MIN:
          if (extreme == null || Values.compare(v, extreme) < 0) {
            extreme = v;
          }
          break;
        case MAX:
          if (extreme == null || Values.compare(v, extreme) > 0) {
            extreme = v;
          }
          break;
        default:
          throw new IllegalStateException("unknown function " + function);
      }
    }

    Value result() {
      switch (function) {
        case COUNT:
          return new Value.Int64(count);
        case MIN:
        case MAX:
          return extreme == null ? Value.NULL : extreme;
        default:
          break;
      }
      if (count == 0) {
        return Value.NULL;
      }
      BigDecimal n = BigDecimal.valueOf(count);
      if (function == Function.SUM) {
        if (integral()) {
          return new Value.Int64(longSum);
        }
        return type == ValueType.DECIMAL
            ? new Value.Decimal(decimalSum)
            : new Value.Float64(doubleSum);
      }
      if (integral()) {
        return new Value.Float64(decimalSum.divide(n, MathContext.DECIMAL128).doubleValue());
      }
      return type == ValueType.DECIMAL
          ? new Value.Decimal(decimalSum.divide(n, MathContext.DECIMAL128))
          : new Value.Float64(doubleSum / count);
    }
  }
}
