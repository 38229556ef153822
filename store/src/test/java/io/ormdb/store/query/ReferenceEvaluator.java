package io.ormdb.store.query;

import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Expr;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.RelationAggregate;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.value.Values;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The simplest possible answer to a query, for model tests: full scans, sort everything, nested
 * loops, no indexes, no cursors; an aggregate over a relation scans the related entity once per
 * row.
 *
 * <p>An include over a many-to-many relation scans the edge rows for each parent: each target they
 * lead to is one child, with the values of one edge row under {@code @name} — of the edge rows that
 * lead to it and pass the include's filter (read with those values), the one with the smallest
 * identity.
 */
final class ReferenceEvaluator {
  private final SchemaBundle schema;
  private final Map<String, List<Map<String, Value>>> rows;
  private List<RelationAggregate> rootAggregates = List.of();

  /**
   * @param rows the rows of each entity, with the fields writes give (computed fields, if given,
   *     are computed again here)
   */
  ReferenceEvaluator(SchemaBundle schema, Map<String, List<Map<String, Value>>> rows) {
    this.schema = schema;
    this.rows = withComputed(schema, rows);
  }

  /** The rows as this reference reads them: with every computed field computed. */
  Map<String, List<Map<String, Value>>> rows() {
    return rows;
  }

  /**
   * Copies of the rows with their computed fields, computed plainly here: each as soon as the
   * computed fields it reads are, integers as BigInteger (a result beyond int64 is null), a
   * division or remainder by zero null, null operands giving null, text joined.
   */
  static Map<String, List<Map<String, Value>>> withComputed(
      SchemaBundle schema, Map<String, List<Map<String, Value>>> rows) {
    Map<String, List<Map<String, Value>>> out = new LinkedHashMap<>();
    rows.forEach(
        (entity, list) -> {
          EntityDef e = schema.entity(entity).orElseThrow();
          List<FieldDef> computed = e.fields().stream().filter(FieldDef::isComputed).toList();
          if (computed.isEmpty()) {
            out.put(entity, list);
            return;
          }
          List<Map<String, Value>> copies = new ArrayList<>();
          for (Map<String, Value> r : list) {
            Map<String, Value> c = new LinkedHashMap<>(r);
            List<FieldDef> todo = new ArrayList<>(computed);
            todo.forEach(f -> c.remove(f.name()));
            while (!todo.isEmpty()) {
              for (java.util.Iterator<FieldDef> it = todo.iterator(); it.hasNext(); ) {
                FieldDef f = it.next();
                boolean ready =
                    Expr.fieldsOf(f.computed().expression()).stream()
                        .allMatch(
                            n ->
                                c.containsKey(n)
                                    || !todo.stream().anyMatch(t -> t.name().equals(n)));
                if (ready) {
                  c.put(f.name(), declared(compute(f.computed().expression(), c), f));
                  it.remove();
                }
              }
            }
            copies.add(c);
          }
          out.put(entity, copies);
        });
    return out;
  }

  private static Value declared(Value v, FieldDef f) {
    if (v.isNull()) {
      return v;
    }
    return switch (f.type().base()) {
      case INT64 -> new Value.Int64(v.asLong());
      case STRING -> new Value.Str(v.asString());
      default -> v;
    };
  }

  private static Value compute(Expr e, Map<String, Value> row) {
    if (e instanceof Expr.Field f) {
      return row.getOrDefault(f.name(), Value.NULL);
    }
    if (e instanceof Expr.Literal l) {
      return l.value();
    }
    if (e instanceof Expr.If i) {
      return matches(i.condition(), row) ? compute(i.then(), row) : compute(i.otherwise(), row);
    }
    Expr.Call c = (Expr.Call) e;
    List<Value> args = new ArrayList<>();
    for (Expr a : c.args()) {
      args.add(compute(a, row));
    }
    if (c.function().equals("coalesce")) {
      return args.stream().filter(v -> !v.isNull()).findFirst().orElse(Value.NULL);
    }
    if (args.stream().anyMatch(Value::isNull)) {
      return Value.NULL;
    }
    if (args.get(0) instanceof Value.Str a) {
      return new Value.Str(a.value() + args.get(1).asString());
    }
    java.math.BigInteger x = java.math.BigInteger.valueOf(args.get(0).asLong());
    if (c.args().size() == 1) {
      return int64(x.negate());
    }
    java.math.BigInteger y = java.math.BigInteger.valueOf(args.get(1).asLong());
    switch (c.function()) {
      case "+":
        return int64(x.add(y));
      case "-":
        return int64(x.subtract(y));
      case "*":
        return int64(x.multiply(y));
      default:
        if (y.signum() == 0) {
          return Value.NULL;
        }
        return int64(c.function().equals("/") ? x.divide(y) : x.remainder(y));
    }
  }

  private static Value int64(java.math.BigInteger v) {
    return v.bitLength() < 64 ? new Value.Int64(v.longValue()) : Value.NULL;
  }

  record Answer(List<Value> rootIds, List<Map<String, Object>> objects, boolean hasMore) {}

  Answer query(GraphQuery q) {
    rootAggregates = q.aggregates();
    EntityDef e = schema.entity(q.rootEntity()).orElseThrow();
    List<Map<String, Value>> all = ordered(e, q.filter(), q.orderBy());
    int from = Math.min(q.pagination().offset(), all.size());
    int to =
        q.pagination().limit() > 0
            ? Math.min(from + q.pagination().limit(), all.size())
            : all.size();
    List<Value> ids = new ArrayList<>();
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Map<String, Value> r : all.subList(from, to)) {
      ids.add(r.get(e.identityField()));
      objects.add(object(e, "", r, q.fields(), q.includes()));
    }
    return new Answer(ids, objects, to < all.size());
  }

  /** Rows of {@code e} that match, in the query order (requested or default, then identity). */
  List<Map<String, Value>> ordered(EntityDef e, Filter filter, List<OrderSpec> order) {
    List<Map<String, Value>> out = new ArrayList<>();
    for (Map<String, Value> r : rows.getOrDefault(e.name(), List.of())) {
      if (matches(filter, r)) {
        out.add(r);
      }
    }
    out.sort(comparator(e, order));
    return out;
  }

  Comparator<Map<String, Value>> comparator(EntityDef e, List<OrderSpec> order) {
    List<OrderSpec> specs = new ArrayList<>(order.isEmpty() ? e.defaultOrder() : order);
    specs.add(OrderSpec.asc(e.identityField()));
    return (a, b) -> {
      for (OrderSpec s : specs) {
        Value x = value(e, a, s.field());
        Value y = value(e, b, s.field());
        boolean desc = s.direction() == OrderSpec.Direction.DESC;
        if (x.isNull() || y.isNull()) {
          if (x.isNull() && y.isNull()) {
            continue;
          }
          // by default null is the smallest value: first ascending, last descending
          boolean nullsFirst =
              s.nulls() == OrderSpec.Nulls.DEFAULT ? !desc : s.nulls() == OrderSpec.Nulls.FIRST;
          return x.isNull() == nullsFirst ? -1 : 1;
        }
        int c = compare(x, y);
        if (c != 0) {
          return desc ? -c : c;
        }
      }
      return 0;
    };
  }

  /**
   * The value a row of {@code e} has for an order key: its field, or for a path ({@code up0.s1})
   * the field of the row each relation leads to — the one with the smallest identity among those
   * whose key matches (null when none does, or the key is null).
   */
  Value value(EntityDef e, Map<String, Value> row, String path) {
    String[] names = path.split("\\.");
    EntityDef at = e;
    Map<String, Value> r = row;
    for (int i = 0; i < names.length - 1 && r != null; i++) {
      RelationDef rel = schema.relation(at.name(), names[i]).orElseThrow();
      EntityDef target = schema.entity(rel.toEntity()).orElseThrow();
      Value key = r.get(rel.fromField());
      Map<String, Value> next = null;
      if (!key.isNull()) {
        for (Map<String, Value> t : rows.getOrDefault(target.name(), List.of())) {
          if (compare(key, t.get(rel.toField())) == 0
              && (next == null
                  || compare(t.get(target.identityField()), next.get(target.identityField()))
                      < 0)) {
            next = t;
          }
        }
      }
      r = next;
      at = target;
    }
    return r == null ? Value.NULL : r.get(names[names.length - 1]);
  }

  private Map<String, Object> object(
      EntityDef e,
      String path,
      Map<String, Value> row,
      List<String> fields,
      List<Include> includes) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<String> names = fields.stream().filter(f -> !f.startsWith("@")).toList();
    if (names.isEmpty()) {
      names = e.fields().stream().map(f -> f.name()).toList();
    }
    for (String f : names) {
      m.put(f, Values.toJava(row.get(f)));
    }
    for (String f : fields) {
      if (f.startsWith("@")) {
        m.put(f, Values.toJava(row.get(f)));
      }
    }
    for (RelationAggregate a : aggregatesAt(path, includes)) {
      m.put(a.label(), Values.toJava(relationAggregate(e, row, a)));
    }
    for (Include inc : includes) {
      if (!inc.parentPath().equals(path)) {
        continue;
      }
      RelationDef rel = schema.relation(e.name(), inc.relationName()).orElseThrow();
      EntityDef target = schema.entity(rel.toEntity()).orElseThrow();
      List<Map<String, Value>> children = children(e, row, inc);
      boolean toMany = rel.cardinality().toMany();
      int from = Math.min(inc.pagination().offset(), children.size());
      int limit = toMany ? inc.pagination().limit() : 1;
      int to = limit > 0 ? Math.min(from + limit, children.size()) : children.size();
      List<Map<String, Object>> objs = new ArrayList<>();
      for (Map<String, Value> c : children.subList(from, to)) {
        objs.add(object(target, inc.path(), c, inc.fields(), includes));
      }
      m.put(inc.relationName(), toMany ? objs : (objs.isEmpty() ? null : objs.get(0)));
    }
    return m;
  }

  /** The aggregates over relations of the level at {@code path} of the current query. */
  private List<RelationAggregate> aggregatesAt(String path, List<Include> includes) {
    if (path.isEmpty()) {
      return rootAggregates;
    }
    for (Include inc : includes) {
      if (inc.path().equals(path)) {
        return inc.aggregates();
      }
    }
    return List.of();
  }

  /**
   * One aggregate over the rows related to {@code row} (through the edge rows for many-to-many,
   * each target once) that match its filter.
   */
  Value relationAggregate(EntityDef e, Map<String, Value> row, RelationAggregate a) {
    RelationDef rel = schema.relation(e.name(), a.relation()).orElseThrow();
    EntityDef target = schema.entity(rel.toEntity()).orElseThrow();
    Value key = row.get(rel.fromField());
    List<Value> targetKeys = new ArrayList<>();
    if (rel.cardinality() == Cardinality.MANY_TO_MANY) {
      for (Map<String, Value> edge : rows.getOrDefault(rel.edgeEntity(), List.of())) {
        if (!key.isNull() && Values.compare(key, edge.get(rel.edgeFromField())) == 0) {
          targetKeys.add(edge.get(rel.edgeToField()));
        }
      }
    } else {
      targetKeys.add(key);
    }
    List<Map<String, Value>> related = new ArrayList<>();
    for (Map<String, Value> c : rows.getOrDefault(target.name(), List.of())) {
      Value k = c.get(rel.toField());
      boolean linked = false;
      for (Value t : targetKeys) {
        linked |= !t.isNull() && !k.isNull() && Values.compare(t, k) == 0;
      }
      if (linked && matches(a.filter(), c)) {
        related.add(c);
      }
    }
    return aggregate(target, new AggregateQuery.Aggregation(a.function(), a.field()), related);
  }

  /** The ids of the children of one root row through a depth-1 include, in include order. */
  List<Value> children(String rootEntity, Value parentId, Include inc) {
    EntityDef e = schema.entity(rootEntity).orElseThrow();
    RelationDef rel = schema.relation(e.name(), inc.relationName()).orElseThrow();
    EntityDef target = schema.entity(rel.toEntity()).orElseThrow();
    Map<String, Value> parent = null;
    for (Map<String, Value> r : rows.getOrDefault(e.name(), List.of())) {
      if (Values.compare(r.get(e.identityField()), parentId) == 0) {
        parent = r;
      }
    }
    List<Value> out = new ArrayList<>();
    for (Map<String, Value> c : children(e, parent, inc)) {
      out.add(c.get(target.identityField()));
    }
    return out;
  }

  /**
   * The children of {@code row} (of {@code e}) through {@code inc}, filtered and in the include's
   * order, before its page: the target rows whose key matches; for many-to-many, each target an
   * edge row leads to once, as a copy holding under {@code @name} the fields of the edge row with
   * the smallest identity among those to it that pass the filter.
   */
  private List<Map<String, Value>> children(EntityDef e, Map<String, Value> row, Include inc) {
    RelationDef rel = schema.relation(e.name(), inc.relationName()).orElseThrow();
    EntityDef target = schema.entity(rel.toEntity()).orElseThrow();
    Value key = row.get(rel.fromField());
    List<Map<String, Value>> children = new ArrayList<>();
    if (rel.cardinality() != Cardinality.MANY_TO_MANY) {
      for (Map<String, Value> c : ordered(target, inc.filter(), inc.orderBy())) {
        if (!key.isNull() && Values.compare(key, c.get(rel.toField())) == 0) {
          children.add(c);
        }
      }
      return children;
    }
    EntityDef edge = schema.entity(rel.edgeEntity()).orElseThrow();
    Map<Value, Map<String, Value>> chosen = new TreeMap<>(Values.ORDER);
    Map<Value, Value> chosenEdge = new TreeMap<>(Values.ORDER);
    for (Map<String, Value> link : rows.getOrDefault(edge.name(), List.of())) {
      Value from = link.get(rel.edgeFromField());
      Value to = link.get(rel.edgeToField());
      if (key.isNull() || from.isNull() || to.isNull() || Values.compare(key, from) != 0) {
        continue;
      }
      for (Map<String, Value> t : rows.getOrDefault(target.name(), List.of())) {
        if (Values.compare(to, t.get(rel.toField())) != 0) {
          continue;
        }
        Map<String, Value> c = new LinkedHashMap<>(t);
        link.forEach((k, v) -> c.put("@" + k, v));
        if (!matches(inc.filter(), c)) {
          continue;
        }
        Value id = t.get(target.identityField());
        Value edgeId = link.get(edge.identityField());
        Value before = chosenEdge.get(id);
        if (before == null || compare(edgeId, before) < 0) {
          chosen.put(id, c);
          chosenEdge.put(id, edgeId);
        }
      }
    }
    children.addAll(chosen.values());
    children.sort(comparator(target, inc.orderBy()));
    return children;
  }

  List<List<Value>> aggregate(AggregateQuery q) {
    EntityDef e = schema.entity(q.entity()).orElseThrow();
    TreeMap<List<Value>, List<Map<String, Value>>> groups =
        new TreeMap<>(
            (a, b) -> {
              for (int i = 0; i < a.size(); i++) {
                int c = compare(a.get(i), b.get(i));
                if (c != 0) {
                  return c;
                }
              }
              return 0;
            });
    for (Map<String, Value> r : rows.getOrDefault(e.name(), List.of())) {
      if (matches(q.filter(), r)) {
        List<Value> key = q.groupBy().stream().map(r::get).toList();
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
      }
    }
    if (q.groupBy().isEmpty() && groups.isEmpty()) {
      groups.put(List.of(), List.of());
    }
    List<List<Value>> out = new ArrayList<>();
    groups.forEach(
        (key, members) -> {
          List<Value> row = new ArrayList<>(key);
          for (AggregateQuery.Aggregation a : q.aggregations()) {
            row.add(aggregate(e, a, members));
          }
          out.add(row);
        });
    return out;
  }

  private static Value aggregate(
      EntityDef e, AggregateQuery.Aggregation a, List<Map<String, Value>> members) {
    if (a.field() == null) {
      return new Value.Int64(members.size());
    }
    List<Value> vs = new ArrayList<>();
    for (Map<String, Value> r : members) {
      if (!r.get(a.field()).isNull()) {
        vs.add(r.get(a.field()));
      }
    }
    ValueType t = e.field(a.field()).orElseThrow().type().base();
    switch (a.function()) {
      case COUNT:
        return new Value.Int64(vs.size());
      case MIN:
        return vs.stream().min(ReferenceEvaluator::compare).orElse(Value.NULL);
      case MAX:
        return vs.stream().max(ReferenceEvaluator::compare).orElse(Value.NULL);
      default:
        break;
    }
    if (vs.isEmpty()) {
      return Value.NULL;
    }
    if (t != ValueType.INT32 && t != ValueType.INT64) {
      throw new UnsupportedOperationException("the reference sums integers only");
    }
    long sum = 0;
    for (Value v : vs) {
      sum = Math.addExact(sum, v.asLong());
    }
    if (a.function() == AggregateQuery.Function.SUM) {
      return new Value.Int64(sum);
    }
    return new Value.Float64(
        BigDecimal.valueOf(sum)
            .divide(BigDecimal.valueOf(vs.size()), MathContext.DECIMAL128)
            .doubleValue());
  }

  /** SQL three-valued filter evaluation, written out plainly. */
  static boolean matches(Filter f, Map<String, Value> row) {
    return f == null || Boolean.TRUE.equals(eval(f, row));
  }

  private static Boolean eval(Filter f, Map<String, Value> row) {
    if (f instanceof Filter.Compare c) {
      Value v = row.get(c.field());
      if (v.isNull() || c.value().isNull()) {
        return null;
      }
      int cmp = compare(v, c.value());
      switch (c.op()) {
        case EQ:
          return cmp == 0;
        case NE:
          return cmp != 0;
        case LT:
          return cmp < 0;
        case LE:
          return cmp <= 0;
        case GT:
          return cmp > 0;
        default:
          return cmp >= 0;
      }
    }
    if (f instanceof Filter.In in) {
      Value v = row.get(in.field());
      if (v.isNull()) {
        return null;
      }
      boolean unknown = false;
      for (Value c : in.values()) {
        if (c.isNull()) {
          unknown = true;
        } else if (Values.compare(v, c) == 0) {
          return !in.negated();
        }
      }
      return unknown ? null : in.negated();
    }
    if (f instanceof Filter.IsNull n) {
      return row.get(n.field()).isNull() != n.negated();
    }
    if (f instanceof Filter.Like l) {
      Value v = row.get(l.field());
      if (v.isNull()) {
        return null;
      }
      return likeRegex(l.pattern()).matcher(v.asString()).matches() != l.negated();
    }
    if (f instanceof Filter.And and) {
      Boolean result = true;
      for (Filter o : and.operands()) {
        Boolean b = eval(o, row);
        if (Boolean.FALSE.equals(b)) {
          return false;
        }
        if (b == null) {
          result = null;
        }
      }
      return result;
    }
    if (f instanceof Filter.Or or) {
      Boolean result = false;
      for (Filter o : or.operands()) {
        Boolean b = eval(o, row);
        if (Boolean.TRUE.equals(b)) {
          return true;
        }
        if (b == null) {
          result = null;
        }
      }
      return result;
    }
    if (f instanceof Filter.Not not) {
      Boolean b = eval(not.operand(), row);
      return b == null ? null : !b;
    }
    return ((Filter.Const) f).value();
  }

  private static Pattern likeRegex(String pattern) {
    StringBuilder re = new StringBuilder();
    int[] cps = pattern.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      int c = cps[i];
      if (c == '%') {
        re.append(".*");
      } else if (c == '_') {
        re.append('.'); // one code point
      } else {
        if (c == '\\' && i + 1 < cps.length) {
          c = cps[++i];
        }
        re.append(Pattern.quote(Character.toString(c)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  /**
   * The order of values, written out plainly: text by code point (the arrays of {@code
   * String.codePoints()} compared), everything else as {@link Values#compare}.
   */
  static int compare(Value a, Value b) {
    if (!a.isNull() && !b.isNull() && isText(a) && isText(b)) {
      return Arrays.compare(text(a).codePoints().toArray(), text(b).codePoints().toArray());
    }
    return Values.compare(a, b);
  }

  private static boolean isText(Value v) {
    return v instanceof Value.Str || v instanceof Value.Enum || v instanceof Value.Json;
  }

  private static String text(Value v) {
    return v instanceof Value.Json j ? j.text() : v.asString();
  }
}
