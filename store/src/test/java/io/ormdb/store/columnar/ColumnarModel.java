package io.ormdb.store.columnar;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.AggregateQuery.Aggregation;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.EnumDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.query.QueryEngine;
import io.ormdb.store.query.internal.RowScanAggregateSource;
import io.ormdb.store.view.ReadView;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A family of random schemas, mutation batches and aggregate queries for the columnar tests, and
 * the comparison of the store's aggregate path with a plain row scan at the same view.
 */
final class ColumnarModel {
  static final String[] STRINGS = {"", "a", "ab", "abc", "b", "ba", "c", "A"};
  static final String[] VARIANTS = {"RED", "GREEN", "BLUE"};
  static final double[] DOUBLES = {
    0.0, -0.0, 0.1, 0.2, 0.3, 1.5, -2.25, 1e300, -1e300, 1e-300, 3.0, Double.NaN, 7.0, 1e17
  };

  final Random rnd;
  final SchemaBundle schema;
  final Map<String, Set<Long>> live = new LinkedHashMap<>();
  private final QueryEngine rowScan = new QueryEngine(0, new RowScanAggregateSource());

  ColumnarModel(Random rnd) {
    this.rnd = rnd;
    List<EntityDef> entities = new ArrayList<>();
    int n = 1 + rnd.nextInt(2);
    for (int e = 0; e < n; e++) {
      List<FieldDef> fs = new ArrayList<>();
      fs.add(FieldDef.of("id", FieldType.of(ValueType.INT64)));
      fs.add(maybe(FieldDef.of("n", FieldType.of(ValueType.INT32))));
      fs.add(maybe(FieldDef.of("s", FieldType.of(ValueType.STRING))));
      if (rnd.nextBoolean()) {
        fs.add(maybe(FieldDef.of("big", FieldType.of(ValueType.INT64))));
      }
      if (rnd.nextBoolean()) {
        fs.add(maybe(FieldDef.of("f", FieldType.of(ValueType.FLOAT64))));
      }
      if (rnd.nextBoolean()) {
        fs.add(maybe(FieldDef.of("h", FieldType.of(ValueType.FLOAT32))));
      }
      if (rnd.nextBoolean()) {
        fs.add(maybe(FieldDef.of("d", FieldType.decimal(12, 2))));
      }
      if (rnd.nextBoolean()) {
        fs.add(maybe(FieldDef.of("b", FieldType.of(ValueType.BOOL))));
      }
      if (rnd.nextBoolean()) {
        fs.add(maybe(FieldDef.of("ts", FieldType.of(ValueType.TIMESTAMP))));
      }
      if (rnd.nextBoolean()) {
        fs.add(maybe(FieldDef.of("c", FieldType.enumType("Color"))));
      }
      if (rnd.nextInt(3) == 0) {
        fs.add(FieldDef.of("t", FieldType.arrayOf(ValueType.INT32)).asOptional());
      }
      entities.add(new EntityDef("E" + e, "id", fs, rnd.nextInt(3) == 0, List.of()));
      live.put("E" + e, new TreeSet<>());
    }
    schema =
        new SchemaBundle(
            1,
            List.of(new EnumDef("Color", List.of(VARIANTS))),
            entities,
            List.of(),
            List.of(),
            List.of(),
            List.of());
  }

  private FieldDef maybe(FieldDef f) {
    return rnd.nextBoolean() ? f.asOptional() : f;
  }

  Value value(FieldDef f) {
    if (f.optional() && rnd.nextInt(5) == 0) {
      return Value.NULL;
    }
    if (f.type().array()) {
      List<Value> el = new ArrayList<>();
      for (int i = rnd.nextInt(3); i > 0; i--) {
        el.add(new Value.Int32(rnd.nextInt(3)));
      }
      return new Value.Array(ValueType.INT32, el);
    }
    switch (f.type().base()) {
      case INT32:
        return new Value.Int32(rnd.nextInt(10) - 3);
      case INT64:
        return new Value.Int64(
            rnd.nextInt(4) == 0
                ? Long.MAX_VALUE / 3 - rnd.nextInt(5)
                : rnd.nextInt(4) == 0 ? Long.MIN_VALUE / 3 : rnd.nextInt(1000) - 500);
      case FLOAT64:
        return new Value.Float64(
            rnd.nextInt(3) == 0 ? rnd.nextGaussian() : DOUBLES[rnd.nextInt(DOUBLES.length)]);
      case FLOAT32:
        return new Value.Float32((float) DOUBLES[rnd.nextInt(DOUBLES.length)]);
      case DECIMAL:
        return new Value.Decimal(BigDecimal.valueOf(rnd.nextInt(2000) - 1000, 2));
      case BOOL:
        return new Value.Bool(rnd.nextBoolean());
      case TIMESTAMP:
        return new Value.Timestamp(1_700_000_000_000_000L + rnd.nextInt(5) * 1_000_000L);
      case ENUM:
        return new Value.Enum(VARIANTS[rnd.nextInt(VARIANTS.length)]);
      case STRING:
        return new Value.Str(STRINGS[rnd.nextInt(STRINGS.length)]);
      default:
        throw new IllegalStateException("no generator for " + f.type());
    }
  }

  /** A literal for comparisons with {@code f}: usually of its type, sometimes another or null. */
  Value literal(FieldDef f) {
    if (rnd.nextInt(15) == 0) {
      return Value.NULL;
    }
    Value v = value(f.asOptional().withDefault(null));
    while (v.isNull()) {
      v = value(f);
    }
    if (v instanceof Value.Int32 i && rnd.nextInt(4) == 0) {
      return new Value.Int64(i.value());
    }
    return v;
  }

  /** A batch that a store must accept: inserts of new ids, updates and deletes of live ones. */
  MutationBatch batch() {
    List<Mutation> ms = new ArrayList<>();
    Map<String, Set<Long>> touched = new LinkedHashMap<>();
    for (int i = 1 + rnd.nextInt(6); i > 0; i--) {
      EntityDef e = schema.entities().get(rnd.nextInt(schema.entities().size()));
      Set<Long> ids = live.get(e.name());
      Set<Long> t = touched.computeIfAbsent(e.name(), k -> new TreeSet<>());
      int kind = rnd.nextInt(10);
      if (kind < 5 || ids.isEmpty()) {
        long id = rnd.nextInt(5000);
        if (ids.contains(id) || !t.add(id)) {
          continue;
        }
        Map<String, Value> row = new LinkedHashMap<>();
        for (FieldDef f : e.fields()) {
          row.put(f.name(), f.name().equals("id") ? new Value.Int64(id) : value(f));
        }
        ms.add(new Mutation.Insert(e.name(), row));
        ids.add(id);
      } else {
        long id = pick(ids);
        if (!t.add(id)) {
          continue;
        }
        if (kind < 8) {
          Map<String, Value> data = new LinkedHashMap<>();
          for (int k = 1 + rnd.nextInt(2); k > 0; k--) {
            FieldDef f = e.fields().get(1 + rnd.nextInt(e.fields().size() - 1));
            data.put(f.name(), value(f));
          }
          ms.add(new Mutation.Update(e.name(), new Value.Int64(id), data, 0));
        } else {
          ms.add(new Mutation.Delete(e.name(), new Value.Int64(id), 0));
          ids.remove(id);
        }
      }
    }
    return new MutationBatch(ms);
  }

  private long pick(Set<Long> ids) {
    int k = rnd.nextInt(ids.size());
    for (long id : ids) {
      if (k-- == 0) {
        return id;
      }
    }
    throw new IllegalStateException();
  }

  Filter filter(EntityDef e, int depth) {
    FieldDef f = e.fields().get(rnd.nextInt(e.fields().size()));
    int kind = rnd.nextInt(depth > 0 ? 11 : 6);
    switch (kind) {
      case 0:
      case 1:
        return f.type().array()
            ? new Filter.IsNull(f.name(), rnd.nextBoolean())
            : new Filter.Compare(f.name(), Filter.Op.values()[rnd.nextInt(6)], literal(f));
      case 2:
        if (f.type().array()) {
          return new Filter.IsNull(f.name(), false);
        }
        List<Value> vs = new ArrayList<>();
        for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
          vs.add(literal(f));
        }
        return new Filter.In(f.name(), vs, rnd.nextInt(3) == 0);
      case 3:
        return new Filter.IsNull(f.name(), rnd.nextBoolean());
      case 4:
        return new Filter.Like("s", rnd.nextBoolean() ? "a%" : "%b%", rnd.nextInt(3) == 0);
      case 5:
        return rnd.nextInt(4) == 0
            ? new Filter.Const(rnd.nextBoolean())
            : new Filter.Compare("n", Filter.Op.values()[rnd.nextInt(6)], literal(f("n", e)));
      case 6:
      case 7:
        return new Filter.And(operands(e, depth));
      case 8:
      case 9:
        return new Filter.Or(operands(e, depth));
      default:
        return new Filter.Not(filter(e, depth - 1));
    }
  }

  private static FieldDef f(String name, EntityDef e) {
    return e.field(name).orElseThrow();
  }

  private List<Filter> operands(EntityDef e, int depth) {
    List<Filter> out = new ArrayList<>();
    for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
      out.add(filter(e, depth - 1));
    }
    return out;
  }

  AggregateQuery aggregate() {
    EntityDef e = schema.entities().get(rnd.nextInt(schema.entities().size()));
    List<String> groupBy = new ArrayList<>();
    for (int g = rnd.nextInt(3); g > 0; g--) {
      String f = e.fields().get(rnd.nextInt(e.fields().size())).name();
      if (!groupBy.contains(f) && (rnd.nextBoolean() || !f.equals("id"))) {
        groupBy.add(f);
      }
    }
    List<FieldDef> numeric =
        e.fields().stream().filter(f -> !f.type().array() && f.type().base().isNumeric()).toList();
    List<Aggregation> aggs = new ArrayList<>();
    for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
      AggregateQuery.Function fn = AggregateQuery.Function.values()[rnd.nextInt(5)];
      FieldDef any = e.fields().get(rnd.nextInt(e.fields().size()));
      String field;
      switch (fn) {
        case COUNT:
          field = rnd.nextBoolean() ? null : any.name();
          break;
        case SUM:
        case AVG:
          field = numeric.get(rnd.nextInt(numeric.size())).name();
          break;
        default:
          field = any.name();
      }
      aggs.add(new Aggregation(fn, field));
    }
    Filter filter = rnd.nextInt(4) == 0 ? null : filter(e, 3);
    return new AggregateQuery(e.name(), aggs, filter, groupBy, null);
  }

  /** Runs {@code q} at {@code view} through {@code engine} and through a row scan; same outcome. */
  void check(QueryEngine engine, ReadView view, AggregateQuery q) {
    Object expected = outcome(rowScan, view, q);
    Object actual = outcome(engine, view, q);
    assertThat(actual).as("%s at lsn %d", q, view.lsn()).isEqualTo(expected);
  }

  private static Object outcome(QueryEngine engine, ReadView view, AggregateQuery q) {
    try {
      AggregateResult r = engine.aggregate(view, q, Map.of());
      return List.of(r.entity(), r.columns(), r.rows(), r.snapshotLsn());
    } catch (OrmDbException e) {
      return e.code() + ": " + e.getMessage();
    }
  }
}
