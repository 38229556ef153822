package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.result.EdgeBlock;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.view.ReadView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Model-based randomized test: random schemas of one family (2-4 entities with int and string
 * fields, some nullable, one-to-many and many-to-one relations, random indexes), random rows, and
 * random graph queries, cursor walks and aggregates, each answered by the {@link QueryEngine} and
 * by {@link ReferenceEvaluator}; the answers must be equal. The seed is printed on failure.
 *
 * <p>{@code -Dormdb.model.ops=100000} for a long run, {@code -Dormdb.model.seed=...} to replay.
 * Subclasses override {@link #viewFactory()} to run it against another storage engine.
 */
class QueryModelTest {
  static final String[] STRINGS = {"", "a", "ab", "abc", "b", "ba", "bab", "c", "a%", "A"};
  static final String[] PATTERNS = {"a%", "ab%", "%b", "_b%", "a", "%", "b_", "%a%", "A%"};

  protected ViewFactory viewFactory() {
    return ViewFactory.IN_MEMORY;
  }

  @Test
  void randomQueriesAgreeWithTheReference() {
    long seed = Long.getLong("ormdb.model.seed", System.nanoTime());
    int ops = Integer.getInteger("ormdb.model.ops", 2_500);
    Counts counts = new Counts();
    try {
      run(new Random(seed), ops, counts);
    } catch (Throwable t) {
      throw new AssertionError(
          "model test failed; replay with -Dormdb.model.seed=" + seed + ": " + t.getMessage(), t);
    }
    assertThat(counts.queries + counts.walks + counts.aggregates).isGreaterThanOrEqualTo(ops);
    assertThat(counts.queries).isGreaterThan(ops / 2);
    assertThat(counts.aggregates).isPositive();
    assertThat(counts.walks).isPositive();
  }

  static final class Counts {
    int queries;
    int walks;
    int aggregates;
    int nonEmpty;
  }

  private void run(Random rnd, int ops, Counts counts) {
    QueryEngine engine = new QueryEngine();
    Model m = null;
    for (int op = 0; op < ops; op++) {
      if (op % 40 == 0) {
        m = new Model(rnd, op / 40 + 1);
        m.open(viewFactory());
      }
      int kind = rnd.nextInt(100);
      if (kind < 70) {
        GraphQuery q = m.randomQuery(false);
        checkQuery(engine, m, q, op);
        counts.queries++;
      } else if (kind < 85) {
        checkWalk(engine, m, op);
        counts.walks++;
      } else {
        AggregateQuery q = m.randomAggregate();
        List<List<Value>> expected = m.reference().aggregate(q);
        List<List<Value>> actual = engine.aggregate(m.view, q, Map.of()).rows();
        assertThat(actual).as("op %d: %s", op, q).isEqualTo(expected);
        counts.aggregates++;
      }
    }
  }

  private static void checkQuery(QueryEngine engine, Model m, GraphQuery q, int op) {
    QueryResult r = engine.query(m.view, q, Map.of(), QueryBudget.UNLIMITED);
    ReferenceEvaluator.Answer expected = m.reference().query(q);
    assertThat(r.root().ids()).as("op %d root ids of %s", op, q).isEqualTo(expected.rootIds());
    assertThat(r.hasMore()).as("op %d hasMore of %s", op, q).isEqualTo(expected.hasMore());
    assertThat(ResultObjects.toMaps(r))
        .as("op %d objects of %s", op, q)
        .isEqualTo(expected.objects());
  }

  /** Follows root cursors to the end, then one include's per-parent cursor. */
  private static void checkWalk(QueryEngine engine, Model m, int op) {
    GraphQuery base = m.randomQuery(true);
    int limit = 1 + m.rnd.nextInt(4);
    GraphQuery.Builder b =
        GraphQuery.from(base.rootEntity()).where(base.filter()).page(Pagination.limit(limit));
    base.orderBy().forEach(b::orderBy);
    base.includes().forEach(b::include);
    GraphQuery q = b.build();
    ReferenceEvaluator.Answer all =
        m.reference()
            .query(
                new GraphQuery(
                    q.rootEntity(), q.fields(), q.filter(), q.orderBy(), null, q.includes(), null));
    List<Value> seen = new ArrayList<>();
    QueryResult r = engine.query(m.view, q, Map.of(), QueryBudget.UNLIMITED);
    seen.addAll(r.root().ids());
    int pages = 1;
    while (r.hasMore()) {
      assertThat(r.nextCursor()).isNotNull();
      GraphQuery next =
          new GraphQuery(
              q.rootEntity(),
              q.fields(),
              q.filter(),
              q.orderBy(),
              Pagination.after(r.nextCursor(), limit),
              q.includes(),
              null);
      r = engine.query(m.view, next, Map.of(), QueryBudget.UNLIMITED);
      seen.addAll(r.root().ids());
      assertThat(++pages).as("op %d: too many pages", op).isLessThan(200);
    }
    assertThat(seen).as("op %d: walk of %s", op, q).isEqualTo(all.rootIds());

    // Per-parent cursor of the first to-many include at depth 1 that was cut.
    QueryResult first = engine.query(m.view, withRootUnpaged(q), Map.of(), QueryBudget.UNLIMITED);
    for (Include inc : q.includes()) {
      EdgeBlock eb = first.edges(inc.path());
      if (inc.depth() != 1 || eb.pages().isEmpty()) {
        continue;
      }
      EdgeBlock.ParentPage page = eb.pages().get(m.rnd.nextInt(eb.pages().size()));
      List<Value> firstChildren = children(eb, page.parentId());
      Include cont =
          new Include(
              inc.path(),
              inc.fields(),
              inc.filter(),
              inc.orderBy(),
              Pagination.after(page.nextCursor(), inc.pagination().limit()));
      List<Include> incs = new ArrayList<>();
      for (Include other : q.includes()) {
        incs.add(other.path().equals(inc.path()) ? cont : other);
      }
      GraphQuery again =
          new GraphQuery(q.rootEntity(), q.fields(), q.filter(), q.orderBy(), null, incs, null);
      List<Value> rest =
          children(
              engine.query(m.view, again, Map.of(), QueryBudget.UNLIMITED).edges(inc.path()),
              page.parentId());
      // Reference: all children of that parent (no per-parent limit), after the first page.
      Include unlimited =
          new Include(inc.path(), inc.fields(), inc.filter(), inc.orderBy(), Pagination.NONE);
      List<Value> allChildren = m.reference().children(q.rootEntity(), page.parentId(), unlimited);
      int from = allChildren.indexOf(firstChildren.get(firstChildren.size() - 1)) + 1;
      List<Value> expected =
          allChildren.subList(from, Math.min(allChildren.size(), from + inc.pagination().limit()));
      assertThat(rest).as("op %d: include cursor of %s", op, inc).isEqualTo(expected);
      break;
    }
  }

  private static GraphQuery withRootUnpaged(GraphQuery q) {
    return new GraphQuery(
        q.rootEntity(), q.fields(), q.filter(), q.orderBy(), null, q.includes(), null);
  }

  private static List<Value> children(EdgeBlock eb, Value parent) {
    List<Value> out = new ArrayList<>();
    for (EdgeBlock.Edge e : eb.edges()) {
      if (Values.compare(e.from(), parent) == 0) {
        out.add(e.to());
      }
    }
    return out;
  }

  /** One random schema with random rows. */
  static final class Model {
    final Random rnd;
    final SchemaBundle schema;
    final Map<String, List<Map<String, Value>>> rows = new LinkedHashMap<>();
    ReadView view;

    Model(Random rnd, long version) {
      this.rnd = rnd;
      int n = 2 + rnd.nextInt(3);
      List<EntityDef> entities = new ArrayList<>();
      List<RelationDef> relations = new ArrayList<>();
      List<IndexDef> indexes = new ArrayList<>();
      List<List<FieldDef>> fields = new ArrayList<>();
      for (int e = 0; e < n; e++) {
        List<FieldDef> fs = new ArrayList<>();
        fs.add(FieldDef.of("id", FieldType.of(ValueType.INT64)));
        int ints = 1 + rnd.nextInt(2);
        for (int i = 0; i < ints; i++) {
          fs.add(maybe(FieldDef.of("n" + i, FieldType.of(ValueType.INT32))));
        }
        int strs = 1 + rnd.nextInt(2);
        for (int i = 0; i < strs; i++) {
          fs.add(maybe(FieldDef.of("s" + i, FieldType.of(ValueType.STRING))));
        }
        fields.add(fs);
      }
      for (int child = 1; child < n; child++) {
        int parent = rnd.nextInt(child);
        String fk = "ref" + parent;
        if (fields.get(child).stream().noneMatch(f -> f.name().equals(fk))) {
          fields.get(child).add(FieldDef.of(fk, FieldType.of(ValueType.INT64)).asOptional());
        }
        relations.add(
            RelationDef.oneToMany(
                "kids" + child, "E" + parent, "id", "E" + child, fk, OnDelete.CASCADE));
        relations.add(RelationDef.manyToOne("up" + parent, "E" + child, fk, "E" + parent, "id"));
      }
      for (int e = 0; e < n; e++) {
        List<FieldDef> fs = fields.get(e);
        List<OrderSpec> defaultOrder = new ArrayList<>();
        if (rnd.nextInt(4) == 0) {
          FieldDef f = fs.get(1 + rnd.nextInt(fs.size() - 1));
          defaultOrder.add(rnd.nextBoolean() ? OrderSpec.asc(f.name()) : OrderSpec.desc(f.name()));
        }
        entities.add(new EntityDef("E" + e, "id", fs, false, defaultOrder));
        int idx = rnd.nextInt(4);
        for (int i = 0; i < idx; i++) {
          List<String> key = new ArrayList<>();
          int width = 1 + rnd.nextInt(2);
          for (int k = 0; k < width; k++) {
            String f = fs.get(1 + rnd.nextInt(fs.size() - 1)).name();
            if (!key.contains(f)) {
              key.add(f);
            }
          }
          boolean hash = rnd.nextInt(4) == 0;
          indexes.add(
              new IndexDef(
                  "E" + e + "_x" + i,
                  "E" + e,
                  key,
                  hash ? IndexDef.Kind.HASH : IndexDef.Kind.BTREE,
                  false));
        }
      }
      schema =
          new SchemaBundle(version, List.of(), entities, relations, List.of(), indexes, List.of());
      for (EntityDef e : entities) {
        List<Map<String, Value>> list = new ArrayList<>();
        int count = rnd.nextInt(5) == 0 ? rnd.nextInt(3) : rnd.nextInt(25);
        Set<Long> ids = new HashSet<>();
        while (ids.size() < count) {
          ids.add((long) 1 + rnd.nextInt(60));
        }
        for (long id : ids) {
          Map<String, Value> r = new LinkedHashMap<>();
          for (FieldDef f : e.fields()) {
            r.put(f.name(), f.name().equals("id") ? Value.of(id) : randomValue(f));
          }
          list.add(r);
        }
        rows.put(e.name(), list);
      }
    }

    void open(ViewFactory factory) {
      view = factory.open(schema, rows);
    }

    ReferenceEvaluator reference() {
      return new ReferenceEvaluator(schema, rows);
    }

    private FieldDef maybe(FieldDef f) {
      return rnd.nextBoolean() ? f.asOptional() : f;
    }

    private Value randomValue(FieldDef f) {
      if (f.optional() && rnd.nextInt(5) == 0) {
        return Value.NULL;
      }
      if (f.name().startsWith("ref")) {
        return Value.of((long) 1 + rnd.nextInt(62));
      }
      if (f.type().base() == ValueType.INT32) {
        return Value.of(rnd.nextInt(10) - 3);
      }
      return Value.of(STRINGS[rnd.nextInt(STRINGS.length)]);
    }

    private Value literal(FieldDef f) {
      if (rnd.nextInt(15) == 0) {
        return Value.NULL;
      }
      if (f.type().base() == ValueType.STRING) {
        return Value.of(STRINGS[rnd.nextInt(STRINGS.length)]);
      }
      long v =
          f.name().equals("id") || f.name().startsWith("ref")
              ? 1 + rnd.nextInt(62)
              : rnd.nextInt(10) - 3;
      return rnd.nextBoolean() ? Value.of(v) : Value.of((int) v);
    }

    EntityDef entity(String name) {
      return schema.entity(name).orElseThrow();
    }

    Filter randomFilter(EntityDef e, int depth) {
      int k = rnd.nextInt(depth > 0 ? 10 : 6);
      FieldDef f = e.fields().get(rnd.nextInt(e.fields().size()));
      switch (k) {
        case 0:
        case 1:
          return new Filter.Compare(f.name(), Filter.Op.values()[rnd.nextInt(6)], literal(f));
        case 2:
          List<Value> vs = new ArrayList<>();
          int n = rnd.nextInt(4);
          for (int i = 0; i < n; i++) {
            vs.add(literal(f));
          }
          return new Filter.In(f.name(), vs, rnd.nextInt(3) == 0);
        case 3:
          return new Filter.IsNull(f.name(), rnd.nextBoolean());
        case 4:
          if (f.type().base() == ValueType.STRING) {
            return new Filter.Like(
                f.name(), PATTERNS[rnd.nextInt(PATTERNS.length)], rnd.nextInt(4) == 0);
          }
          return new Filter.Compare(f.name(), Filter.Op.EQ, literal(f));
        case 5:
          return rnd.nextInt(3) == 0
              ? new Filter.Const(rnd.nextBoolean())
              : new Filter.Compare(f.name(), Filter.Op.GE, literal(f));
        case 6:
        case 7:
          return new Filter.And(operands(e, depth));
        case 8:
          return new Filter.Or(operands(e, depth));
        default:
          return new Filter.Not(randomFilter(e, depth - 1));
      }
    }

    private List<Filter> operands(EntityDef e, int depth) {
      List<Filter> out = new ArrayList<>();
      int n = 1 + rnd.nextInt(3);
      for (int i = 0; i < n; i++) {
        out.add(randomFilter(e, depth - 1));
      }
      return out;
    }

    List<OrderSpec> randomOrder(EntityDef e) {
      List<OrderSpec> out = new ArrayList<>();
      Set<String> used = new HashSet<>();
      int n = rnd.nextInt(3);
      for (int i = 0; i < n; i++) {
        String f = e.fields().get(rnd.nextInt(e.fields().size())).name();
        if (used.add(f)) {
          out.add(rnd.nextBoolean() ? OrderSpec.asc(f) : OrderSpec.desc(f));
        }
      }
      return out;
    }

    List<String> randomFields(EntityDef e) {
      if (rnd.nextBoolean()) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (FieldDef f : e.fields()) {
        if (rnd.nextBoolean()) {
          out.add(f.name());
        }
      }
      return out;
    }

    GraphQuery randomQuery(boolean forWalk) {
      EntityDef root = schema.entities().get(rnd.nextInt(schema.entities().size()));
      Filter filter = rnd.nextInt(5) == 0 ? null : randomFilter(root, 3);
      int limit = rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(6);
      int offset = rnd.nextInt(3) == 0 ? rnd.nextInt(4) : 0;
      List<Include> includes = new ArrayList<>();
      addIncludes(root, "", 1, includes);
      return new GraphQuery(
          root.name(),
          randomFields(root),
          filter,
          randomOrder(root),
          forWalk ? null : new Pagination(limit, offset, null),
          includes,
          null);
    }

    private void addIncludes(EntityDef from, String path, int depth, List<Include> out) {
      if (depth > 3) {
        return;
      }
      for (RelationDef rel : schema.relationsFrom(from.name())) {
        if (rnd.nextInt(depth == 1 ? 2 : 3) != 0) {
          continue;
        }
        EntityDef target = entity(rel.toEntity());
        String p = path.isEmpty() ? rel.name() : path + "." + rel.name();
        int limit = rnd.nextInt(2) == 0 ? 0 : 1 + rnd.nextInt(3);
        int offset = rnd.nextInt(4) == 0 ? 1 : 0;
        out.add(
            new Include(
                p,
                randomFields(target),
                rnd.nextInt(3) == 0 ? randomFilter(target, 2) : null,
                randomOrder(target),
                new Pagination(limit, offset, null)));
        addIncludes(target, p, depth + 1, out);
      }
    }

    AggregateQuery randomAggregate() {
      EntityDef e = schema.entities().get(rnd.nextInt(schema.entities().size()));
      List<String> groupBy = new ArrayList<>();
      int g = rnd.nextInt(3);
      for (int i = 0; i < g; i++) {
        String f = e.fields().get(1 + rnd.nextInt(e.fields().size() - 1)).name();
        if (!groupBy.contains(f)) {
          groupBy.add(f);
        }
      }
      List<AggregateQuery.Aggregation> aggs = new ArrayList<>();
      int n = 1 + rnd.nextInt(3);
      List<FieldDef> ints =
          e.fields().stream().filter(f -> f.type().base() == ValueType.INT32).toList();
      for (int i = 0; i < n; i++) {
        AggregateQuery.Function fn = AggregateQuery.Function.values()[rnd.nextInt(5)];
        FieldDef any = e.fields().get(rnd.nextInt(e.fields().size()));
        String field;
        switch (fn) {
          case COUNT:
            field = rnd.nextBoolean() ? null : any.name();
            break;
          case SUM:
          case AVG:
            field = ints.get(rnd.nextInt(ints.size())).name();
            break;
          default:
            field = any.name();
        }
        aggs.add(new AggregateQuery.Aggregation(fn, field));
      }
      Filter filter = rnd.nextInt(3) == 0 ? null : randomFilter(e, 2);
      return new AggregateQuery(e.name(), aggs, filter, groupBy, null);
    }
  }
}
