package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Expr;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.query.RelationAggregate;
import io.ormdb.protocol.result.EdgeBlock;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.Computed;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.LinkFields;
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
 * fields, some nullable, computed fields over them — virtual or stored, some indexed —, one-to-many
 * and many-to-one relations or one-to-one relations both ways over a unique key, often a
 * many-to-many relation both ways through an edge entity with link fields and repeated pairs,
 * random indexes), random rows, and random graph queries (link fields selected, filtered on and
 * ordered by in includes over the many-to-many relations), cursor walks and aggregates, each
 * answered by the {@link QueryEngine} and by {@link ReferenceEvaluator}; the answers must be equal.
 * The seed is printed on failure.
 *
 * <p>{@code -Dormdb.model.ops=100000} for a long run, {@code -Dormdb.model.seed=...} to replay.
 * Subclasses override {@link #viewFactory()} to run it against another storage engine.
 */
class QueryModelTest {
  /**
   * Strings for the random rows and literals: ASCII, and characters on both sides of where UTF-16
   * and code point order disagree (U+E000, U+FFFD, and the supplementary U+1F389 and U+1F600).
   */
  static final String[] STRINGS = {
    "",
    "a",
    "ab",
    "abc",
    "b",
    "ba",
    "bab",
    "c",
    "a%",
    "A",
    "\ue000",
    "\ufffd",
    "\ud83d\ude00",
    "a\ud83d\ude00",
    "\ud83c\udf89b",
    "b\ue000"
  };

  static final String[] PATTERNS = {
    "a%", "ab%", "%b", "_b%", "a", "%", "b_", "%a%", "A%", "\ud83d\ude00%", "a_", "_", "%\ue000"
  };

  protected ViewFactory viewFactory() {
    return ViewFactory.IN_MEMORY;
  }

  /** Whether {@link #commit} can apply mutation batches to the system under test. */
  protected boolean writable() {
    return false;
  }

  /**
   * Commits {@code batch} to the system under test behind {@code m.view} and returns a fresh view
   * of the committed state; throws the store's {@link OrmDbException} when the batch is refused.
   */
  protected ReadView commit(Model m, MutationBatch batch) {
    throw new UnsupportedOperationException("this view factory cannot write");
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
    assertThat(
            counts.queries + counts.walks + counts.aggregates + counts.committed + counts.refused)
        .isGreaterThanOrEqualTo(ops);
    assertThat(counts.queries).isGreaterThan(ops / 2);
    assertThat(counts.linked).as("queries returning link fields").isPositive();
    assertThat(counts.aggregates).isPositive();
    assertThat(counts.walks).isPositive();
    if (writable()) {
      assertThat(counts.committed).as("committed batches").isGreaterThan(ops / 20);
      assertThat(counts.refused).as("refused batches").isPositive();
      assertThat(counts.shapesCommitted)
          .as("committed batches with arithmetic sets or writes through relations")
          .isGreaterThan(ops / 200);
      assertThat(counts.shapesRefused).as("refused ones").isPositive();
    }
  }

  static final class Counts {
    int queries;
    int walks;
    int aggregates;
    int nonEmpty;
    int linked;
    int committed;
    int refused;
    int shapesCommitted;
    int shapesRefused;
  }

  /** Whether {@code batch} holds an arithmetic set or a write through a relation. */
  private static boolean hasWriteShapes(MutationBatch batch) {
    for (Mutation m : batch.mutations()) {
      if ((m instanceof Mutation.Insert i && !i.writes().isEmpty())
          || (m instanceof Mutation.Update u && (!u.exprs().isEmpty() || !u.writes().isEmpty()))
          || m instanceof Mutation.UpdateMany) {
        return true;
      }
    }
    return false;
  }

  private void run(Random rnd, int ops, Counts counts) {
    QueryEngine engine = new QueryEngine();
    Model m = null;
    for (int op = 0; op < ops; op++) {
      if (op % 40 == 0) {
        m = new Model(rnd, op / 40 + 1);
        m.open(viewFactory());
      }
      if (writable() && rnd.nextInt(100) < 15) {
        checkBatch(m, op, counts);
        continue;
      }
      int kind = rnd.nextInt(100);
      if (kind < 70) {
        GraphQuery q = m.randomQuery(false);
        if (checkQuery(engine, m, q, op)) {
          counts.linked++;
        }
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

  /**
   * A random mutation batch goes to the system under test and to the model; the model predicts
   * whether it commits (foreign keys, duplicate ids, missing rows) and, if so, the rows after it
   * (cascading deletes included). The queries that follow compare the two states.
   */
  private void checkBatch(Model m, int op, Counts counts) {
    MutationBatch batch = m.randomBatch();
    Map<String, List<Map<String, Value>>> expected = m.apply(batch);
    ReadView after = null;
    OrmDbException refused = null;
    try {
      after = commit(m, batch);
    } catch (OrmDbException e) {
      refused = e;
    }
    if (expected == null) {
      assertThat(refused)
          .as("op %d: the model refuses %s but the store committed it", op, batch)
          .isNotNull();
      assertThat(refused.code())
          .as("op %d: %s", op, refused.getMessage())
          .isIn(ErrorCode.CONSTRAINT_VIOLATION, ErrorCode.NOT_FOUND, ErrorCode.CONFLICT);
      counts.refused++;
      counts.shapesRefused += hasWriteShapes(batch) ? 1 : 0;
    } else {
      assertThat(refused)
          .as("op %d: the model commits %s but the store refused it", op, batch)
          .isNull();
      m.rows.clear();
      m.rows.putAll(expected);
      m.view = after;
      counts.committed++;
      counts.shapesCommitted += hasWriteShapes(batch) ? 1 : 0;
    }
  }

  /** Whether the result holds link values (of a many-to-many include). */
  private static boolean checkQuery(QueryEngine engine, Model m, GraphQuery q, int op) {
    QueryResult r;
    try {
      r = engine.query(m.view, q, Map.of(), QueryBudget.UNLIMITED);
    } catch (RuntimeException e) {
      throw new AssertionError("op " + op + ": " + q + " threw " + e, e);
    }
    ReferenceEvaluator.Answer expected = m.reference().query(q);
    assertThat(r.root().ids()).as("op %d root ids of %s", op, q).isEqualTo(expected.rootIds());
    assertThat(r.hasMore()).as("op %d hasMore of %s", op, q).isEqualTo(expected.hasMore());
    assertThat(ResultObjects.toMaps(r))
        .as("op %d objects of %s", op, q)
        .isEqualTo(expected.objects());
    return r.edges().stream().anyMatch(e -> !e.links().isEmpty() && !e.edges().isEmpty());
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
    QueryResult r;
    try {
      r = engine.query(m.view, q, Map.of(), QueryBudget.UNLIMITED);
    } catch (RuntimeException e) {
      throw new AssertionError("op " + op + ": " + q + " threw " + e, e);
    }
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
        boolean oneToOne = rnd.nextInt(3) == 0;
        FieldDef key = FieldDef.of(fk, FieldType.of(ValueType.INT64)).asOptional();
        fields.get(child).add(oneToOne ? key.asUnique() : key);
        if (oneToOne) {
          relations.add(
              new RelationDef(
                  "one" + child,
                  "E" + parent,
                  "E" + child,
                  Cardinality.ONE_TO_ONE,
                  "id",
                  fk,
                  OnDelete.CASCADE,
                  null,
                  null,
                  null));
          relations.add(
              new RelationDef(
                  "up" + parent,
                  "E" + child,
                  "E" + parent,
                  Cardinality.ONE_TO_ONE,
                  fk,
                  "id",
                  OnDelete.CASCADE,
                  null,
                  null,
                  null));
        } else {
          relations.add(
              RelationDef.oneToMany(
                  "kids" + child, "E" + parent, "id", "E" + child, fk, OnDelete.CASCADE));
          relations.add(RelationDef.manyToOne("up" + parent, "E" + child, fk, "E" + parent, "id"));
        }
      }
      for (int e = 0; e < n; e++) {
        addComputed(fields.get(e));
      }
      // Often an edge entity L between two of them, with link fields and no unique pair (a pair
      // may repeat), and a many-to-many relation each way through it.
      if (rnd.nextInt(3) != 0) {
        int a = rnd.nextInt(n);
        int b = (a + 1 + rnd.nextInt(n - 1)) % n;
        List<FieldDef> fs = new ArrayList<>();
        fs.add(FieldDef.of("id", FieldType.of(ValueType.INT64)));
        fs.add(FieldDef.of("ref" + a, FieldType.of(ValueType.INT64)).asOptional());
        fs.add(FieldDef.of("ref" + b, FieldType.of(ValueType.INT64)).asOptional());
        fs.add(maybe(FieldDef.of("n0", FieldType.of(ValueType.INT32))));
        fs.add(maybe(FieldDef.of("s0", FieldType.of(ValueType.STRING))));
        fields.add(fs);
        relations.add(
            RelationDef.manyToMany(
                "many" + b, "E" + a, "id", "E" + b, "id", "L", "ref" + a, "ref" + b));
        relations.add(
            RelationDef.manyToMany(
                "mrev" + a, "E" + b, "id", "E" + a, "id", "L", "ref" + b, "ref" + a));
      }
      for (int e = 0; e < fields.size(); e++) {
        String name = e < n ? "E" + e : "L";
        List<FieldDef> fs = fields.get(e);
        List<OrderSpec> defaultOrder = new ArrayList<>();
        if (rnd.nextInt(4) == 0) {
          FieldDef f = fs.get(1 + rnd.nextInt(fs.size() - 1));
          defaultOrder.add(orderKey(rnd, f.name()));
        }
        entities.add(new EntityDef(name, "id", fs, false, defaultOrder));
        int idx = rnd.nextInt(4);
        for (int i = 0; i < idx; i++) {
          List<String> key = new ArrayList<>();
          int width = 1 + rnd.nextInt(2);
          for (int k = 0; k < width; k++) {
            FieldDef f = fs.get(1 + rnd.nextInt(fs.size() - 1));
            if (!key.contains(f.name()) && !f.isVirtual()) {
              key.add(f.name());
            }
          }
          if (key.isEmpty()) {
            continue;
          }
          boolean hash = rnd.nextInt(4) == 0;
          indexes.add(
              new IndexDef(
                  name + "_x" + i,
                  name,
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
          for (FieldDef f : writable(e)) {
            r.put(f.name(), f.name().equals("id") ? Value.of(id) : randomValue(f));
          }
          // Foreign keys reference existing parent rows (or null), as any real store enforces;
          // a unique key (one-to-one) never refers to a parent twice.
          for (FieldDef f : e.fields()) {
            if (f.name().startsWith("ref")) {
              List<Map<String, Value>> parents = rows.get("E" + f.name().substring(3));
              Value v =
                  parents.isEmpty() || rnd.nextInt(6) == 0
                      ? Value.NULL
                      : parents.get(rnd.nextInt(parents.size())).get("id");
              if (f.unique() && !v.isNull() && taken(list, f.name(), v)) {
                v = Value.NULL;
              }
              r.put(f.name(), v);
            }
          }
          list.add(r);
        }
        rows.put(e.name(), list);
      }
    }

    /** Opens the system under test on the rows, their computed fields computed by the reference. */
    void open(ViewFactory factory) {
      view = factory.open(schema, reference().rows());
    }

    /** The fields a write may give: all but the computed ones. */
    static List<FieldDef> writable(EntityDef e) {
      return e.fields().stream().filter(f -> !f.isComputed()).toList();
    }

    /**
     * Adds 0-3 computed fields over the int ({@code n*}) and string ({@code s*}) fields, and over
     * the computed fields before them: {@code c*} int64, {@code t*} string, some stored.
     */
    private void addComputed(List<FieldDef> fs) {
      int count = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(4);
      for (int i = 0; i < count; i++) {
        List<String> ints = new ArrayList<>();
        List<String> strs = new ArrayList<>();
        for (FieldDef f : fs) {
          if (f.name().startsWith("n") || f.name().startsWith("c")) {
            ints.add(f.name());
          } else if (f.name().startsWith("s") || f.name().startsWith("t")) {
            strs.add(f.name());
          }
        }
        boolean text = rnd.nextBoolean();
        Expr x = text ? textExpr(ints, strs, 2) : intExpr(ints, strs, 2);
        boolean stored = rnd.nextInt(3) == 0;
        FieldDef f =
            FieldDef.of(
                    (text ? "t" : "c") + i, FieldType.of(text ? ValueType.STRING : ValueType.INT64))
                .asOptional()
                .withComputed(new Computed(x, stored));
        fs.add(stored && rnd.nextBoolean() ? f.asIndexed() : f);
      }
    }

    private Expr intExpr(List<String> ints, List<String> strs, int depth) {
      int k = rnd.nextInt(depth > 0 ? 8 : 2);
      switch (k) {
        case 0:
          return Expr.field(ints.get(rnd.nextInt(ints.size())));
        case 1:
          return Expr.literal((long) rnd.nextInt(7) - 2);
        case 2:
        case 3:
          return Expr.call(
              List.of("+", "-", "*", "/", "%").get(rnd.nextInt(5)),
              intExpr(ints, strs, depth - 1),
              intExpr(ints, strs, depth - 1));
        case 4:
          return Expr.call("-", intExpr(ints, strs, depth - 1));
        case 5:
          return Expr.call("coalesce", intExpr(ints, strs, depth - 1), Expr.literal(0L));
        default:
          return new Expr.If(
              condition(ints, strs),
              intExpr(ints, strs, depth - 1),
              intExpr(ints, strs, depth - 1));
      }
    }

    private Expr textExpr(List<String> ints, List<String> strs, int depth) {
      int k = rnd.nextInt(depth > 0 ? 6 : 2);
      switch (k) {
        case 0:
          return Expr.field(strs.get(rnd.nextInt(strs.size())));
        case 1:
          return Expr.literal(STRINGS[rnd.nextInt(STRINGS.length)]);
        case 2:
        case 3:
          return Expr.call("+", textExpr(ints, strs, depth - 1), textExpr(ints, strs, depth - 1));
        case 4:
          return Expr.call(
              "coalesce", textExpr(ints, strs, depth - 1), textExpr(ints, strs, depth - 1));
        default:
          return new Expr.If(
              condition(ints, strs),
              textExpr(ints, strs, depth - 1),
              textExpr(ints, strs, depth - 1));
      }
    }

    private Filter condition(List<String> ints, List<String> strs) {
      switch (rnd.nextInt(3)) {
        case 0:
          return new Filter.Compare(
              ints.get(rnd.nextInt(ints.size())),
              Filter.Op.values()[rnd.nextInt(6)],
              Value.of((long) rnd.nextInt(7) - 3));
        case 1:
          return new Filter.IsNull(strs.get(rnd.nextInt(strs.size())), rnd.nextBoolean());
        default:
          return new Filter.Like(
              strs.get(rnd.nextInt(strs.size())), PATTERNS[rnd.nextInt(PATTERNS.length)], false);
      }
    }

    /**
     * 1–4 random inserts, updates and deletes — some with arithmetic sets, connects, disconnects,
     * nested updates and deletes — about one in four batches should be refused.
     */
    MutationBatch randomBatch() {
      List<Mutation> ms = new ArrayList<>();
      int n = 1 + rnd.nextInt(4);
      for (int i = 0; i < n; i++) {
        EntityDef e = schema.entities().get(rnd.nextInt(schema.entities().size()));
        List<Map<String, Value>> existing = rows.get(e.name());
        int kind = rnd.nextInt(18);
        if (kind >= 10 && !existing.isEmpty()) {
          ms.add(writeShape(e, existing, 10 + (kind - 10) % 4));
          continue;
        }
        kind = kind % 10;
        if (kind < 4 || existing.isEmpty()) {
          Map<String, Value> r = new LinkedHashMap<>();
          long id =
              rnd.nextInt(12) == 0 && !existing.isEmpty()
                  ? existing.get(rnd.nextInt(existing.size())).get("id").asLong() // duplicate id
                  : 100 + rnd.nextInt(100_000);
          for (FieldDef f : writable(e)) {
            r.put(f.name(), f.name().equals("id") ? Value.of(id) : writeValue(f));
          }
          ms.add(rnd.nextInt(4) == 0 ? withNested(e, r) : new Mutation.Insert(e.name(), r));
        } else if (kind < 8) {
          Value id =
              rnd.nextInt(15) == 0
                  ? Value.of(999_999L)
                  : existing.get(rnd.nextInt(existing.size())).get("id");
          Map<String, Value> data = new LinkedHashMap<>();
          int fields = 1 + rnd.nextInt(2);
          for (int k = 0; k < fields; k++) {
            List<FieldDef> ws = writable(e);
            FieldDef f = ws.get(1 + rnd.nextInt(ws.size() - 1));
            data.put(f.name(), writeValue(f));
          }
          ms.add(new Mutation.Update(e.name(), id, data, 0));
        } else {
          Value id =
              rnd.nextInt(15) == 0
                  ? Value.of(999_999L)
                  : existing.get(rnd.nextInt(existing.size())).get("id");
          ms.add(new Mutation.Delete(e.name(), id, 0));
        }
      }
      return new MutationBatch(ms);
    }

    /**
     * A write shape: an arithmetic update or updateMany ({@code kind} 10), an update with a write
     * through one of its relations (11, 12: connect, disconnect, nested update or delete), or an
     * insert that connects a related row (13).
     */
    private Mutation writeShape(EntityDef e, List<Map<String, Value>> existing, int kind) {
      Value id =
          rnd.nextInt(15) == 0
              ? Value.of(999_999L)
              : existing.get(rnd.nextInt(existing.size())).get("id");
      // writes through many-to-many relations (edge rows, link fields) are WriteShapesTest's
      List<RelationDef> rels =
          schema.relationsFrom(e.name()).stream()
              .filter(r -> r.cardinality() != Cardinality.MANY_TO_MANY)
              .toList();
      if (kind == 10 || rels.isEmpty()) {
        Map<String, io.ormdb.protocol.mutation.Expr> exprs = arithmetic(e);
        if (rnd.nextBoolean()) {
          return new Mutation.Update(e.name(), id, Map.of(), 0, exprs, List.of());
        }
        return new Mutation.UpdateMany(e.name(), randomFilter(e, 1), Map.of(), exprs);
      }
      RelationDef r = rels.get(rnd.nextInt(rels.size()));
      if (kind == 13) {
        Map<String, Value> row = new LinkedHashMap<>();
        for (FieldDef f : writable(e)) {
          row.put(
              f.name(),
              f.name().equals("id") ? Value.of(100L + rnd.nextInt(100_000)) : writeValue(f));
        }
        if (!keyOnTarget(r)) {
          row.remove(r.fromField()); // set by the connect
        }
        Mutation.NestedWrite w =
            new Mutation.NestedWrite(
                r.name(), List.of(), List.of(targetKey(r)), List.of(), List.of(), List.of());
        return new Mutation.Insert(e.name(), row, List.of(), Map.of(), List.of(w), null);
      }
      Mutation.NestedWrite w;
      int op = rnd.nextInt(4);
      // a connect, and any write through a to-many relation, names its row; through a to-one
      // relation the others may name the row connected now (an empty key)
      Map<String, io.ormdb.protocol.mutation.Expr> key =
          op == 0 || r.cardinality().toMany() || rnd.nextBoolean() ? targetKey(r) : Map.of();
      List<Map<String, io.ormdb.protocol.mutation.Expr>> keys = List.of(key);
      switch (op) {
        case 0:
          w = new Mutation.NestedWrite(r.name(), List.of(), keys, List.of(), List.of(), List.of());
          break;
        case 1:
          w = new Mutation.NestedWrite(r.name(), List.of(), List.of(), keys, List.of(), List.of());
          break;
        case 2:
          EntityDef target = entity(r.toEntity());
          w =
              new Mutation.NestedWrite(
                  r.name(),
                  List.of(),
                  List.of(),
                  List.of(),
                  List.of(new Mutation.NestedUpdate(key, arithmetic(target), List.of())),
                  List.of());
          break;
        default:
          w = new Mutation.NestedWrite(r.name(), List.of(), List.of(), List.of(), List.of(), keys);
          break;
      }
      // the row's own fields too, but not the key a write through a to-one relation sets
      Map<String, Value> data = new LinkedHashMap<>();
      if (rnd.nextBoolean()) {
        FieldDef f = writable(e).get(1 + rnd.nextInt(writable(e).size() - 1));
        if (!f.name().startsWith("ref")) {
          data.put(f.name(), writeValue(f));
        }
      }
      return new Mutation.Update(e.name(), id, data, 0, Map.of(), List.of(w));
    }

    /** The key of a row of the relation's target: an existing one, mostly. */
    private Map<String, io.ormdb.protocol.mutation.Expr> targetKey(RelationDef r) {
      List<Map<String, Value>> targets = rows.get(r.toEntity());
      Value id =
          targets.isEmpty() || rnd.nextInt(10) == 0
              ? Value.of(888_888L)
              : targets.get(rnd.nextInt(targets.size())).get("id");
      return Map.of("id", io.ormdb.protocol.mutation.Expr.of(id));
    }

    /** 1–2 arithmetic sets of int fields: {@code n0 + 3}, {@code n1 * 1000000000}, ... */
    private Map<String, io.ormdb.protocol.mutation.Expr> arithmetic(EntityDef e) {
      Map<String, io.ormdb.protocol.mutation.Expr> out = new LinkedHashMap<>();
      List<FieldDef> ints = new ArrayList<>();
      for (FieldDef f : writable(e)) {
        if (f.name().startsWith("n")) {
          ints.add(f);
        }
      }
      int count = 1 + rnd.nextInt(Math.min(2, ints.size()));
      for (int i = 0; i < count; i++) {
        FieldDef f = ints.get(rnd.nextInt(ints.size()));
        io.ormdb.protocol.mutation.Expr.Op op =
            io.ormdb.protocol.mutation.Expr.Op.values()[rnd.nextInt(4)];
        long k =
            rnd.nextInt(12) == 0
                ? 1_000_000_000L // overflows int32 times anything above 2
                : rnd.nextInt(7)
                    - (op == io.ormdb.protocol.mutation.Expr.Op.DIV
                        ? 1
                        : 3); // / 0 is refused, -1 too
        out.put(
            f.name(),
            new io.ormdb.protocol.mutation.Expr.Arith(
                op,
                io.ormdb.protocol.mutation.Expr.field(f.name()),
                io.ormdb.protocol.mutation.Expr.of(Value.of(k))));
      }
      return out;
    }

    /**
     * {@code x} computed against {@code row} as the store does for an int32 field (null in, null
     * out), or null when the store must refuse it (overflow, division by zero).
     */
    private static Value compute(Map<String, Value> row, io.ormdb.protocol.mutation.Expr x) {
      io.ormdb.protocol.mutation.Expr.Arith a = (io.ormdb.protocol.mutation.Expr.Arith) x;
      Value v = row.get(((io.ormdb.protocol.mutation.Expr.Field) a.left()).name());
      if (v.isNull()) {
        return Value.NULL;
      }
      long l = v.asLong();
      long r = ((io.ormdb.protocol.mutation.Expr.Literal) a.right()).value().asLong();
      long out;
      switch (a.op()) {
        case ADD:
          out = l + r;
          break;
        case SUB:
          out = l - r;
          break;
        case MUL:
          out = l * r;
          break;
        default:
          if (r == 0) {
            return null;
          }
          out = l / r;
          break;
      }
      return out < Integer.MIN_VALUE || out > Integer.MAX_VALUE ? null : Value.of((int) out);
    }

    /** {@code exprs} computed against {@code row}, or null when the store must refuse one. */
    private static Map<String, Value> computeAll(
        Map<String, Value> row, Map<String, io.ormdb.protocol.mutation.Expr> exprs) {
      Map<String, Value> out = new LinkedHashMap<>();
      for (Map.Entry<String, io.ormdb.protocol.mutation.Expr> x : exprs.entrySet()) {
        Value v = compute(row, x.getValue());
        if (v == null) {
          return null;
        }
        out.put(x.getKey(), v);
      }
      return out;
    }

    /**
     * Applies a write through relation {@code w.relation()} of {@code row} (of {@code entity}) to
     * {@code state} as the store does; false when a real store must refuse it.
     */
    private boolean nestedWrite(
        Map<String, List<Map<String, Value>>> state,
        String entity,
        Map<String, Value> row,
        Mutation.NestedWrite w) {
      RelationDef r = schema.relation(entity, w.relation()).orElseThrow();
      List<Map<String, Value>> targets = state.get(r.toEntity());
      List<Map<String, Value>> own = state.get(entity);
      for (Map<String, io.ormdb.protocol.mutation.Expr> k : w.connect()) {
        Map<String, Value> t = find(targets, key(k));
        if (t == null) {
          return false; // NOT_FOUND
        }
        if (keyOnTarget(r)) {
          Map<String, Value> set = Map.of(r.toField(), row.get(r.fromField()));
          if (!uniqueKeysFree(targets, r.toEntity(), set, t)) {
            return false;
          }
          t.putAll(set);
        } else {
          Map<String, Value> set = Map.of(r.fromField(), t.get(r.toField()));
          if (!uniqueKeysFree(own, entity, set, row)) {
            return false;
          }
          row.putAll(set);
        }
      }
      for (Map<String, io.ormdb.protocol.mutation.Expr> k : w.disconnect()) {
        if (keyOnTarget(r)) {
          List<Map<String, Value>> hits = new ArrayList<>();
          if (k.isEmpty()) {
            for (Map<String, Value> t : targets) {
              if (connected(row.get(r.fromField()), t.get(r.toField()))) {
                hits.add(t);
              }
            }
          } else {
            Map<String, Value> t = find(targets, key(k));
            if (t == null) {
              return false;
            }
            if (connected(row.get(r.fromField()), t.get(r.toField()))) {
              hits.add(t);
            }
          }
          hits.forEach(t -> t.put(r.toField(), Value.NULL));
        } else {
          if (!k.isEmpty()) {
            Map<String, Value> t = find(targets, key(k));
            if (t == null) {
              return false;
            }
            if (!connected(row.get(r.fromField()), t.get(r.toField()))) {
              continue;
            }
          }
          row.put(r.fromField(), Value.NULL);
        }
      }
      for (Mutation.NestedUpdate u : w.update()) {
        Map<String, Value> t = connectedTarget(targets, r, row, u.where());
        if (t == null) {
          return false;
        }
        Map<String, Value> set = computeAll(t, u.set());
        if (set == null) {
          return false;
        }
        t.putAll(set);
      }
      for (Map<String, io.ormdb.protocol.mutation.Expr> k : w.delete()) {
        Map<String, Value> t = connectedTarget(targets, r, row, k);
        if (t == null) {
          return false;
        }
        cascadeDelete(state, r.toEntity(), t.get("id"));
      }
      return true;
    }

    /** The target row {@code k} names that is connected to {@code row}, or null. */
    private static Map<String, Value> connectedTarget(
        List<Map<String, Value>> targets,
        RelationDef r,
        Map<String, Value> row,
        Map<String, io.ormdb.protocol.mutation.Expr> k) {
      if (k.isEmpty()) {
        for (Map<String, Value> t : targets) {
          if (connected(row.get(r.fromField()), t.get(r.toField()))) {
            return t;
          }
        }
        return null;
      }
      Map<String, Value> t = find(targets, key(k));
      return t != null && connected(row.get(r.fromField()), t.get(r.toField())) ? t : null;
    }

    private static boolean connected(Value a, Value b) {
      return a != null && b != null && !a.isNull() && !b.isNull() && Values.compare(a, b) == 0;
    }

    private static Value key(Map<String, io.ormdb.protocol.mutation.Expr> k) {
      return ((io.ormdb.protocol.mutation.Expr.Literal) k.get("id")).value();
    }

    /**
     * The insert of {@code row} with related rows nested in it: a new parent through the row's
     * many-to-one relation (inserted first; it sets the row's key), or new children through one of
     * its one-to-many relations (their keys come from the row).
     */
    private Mutation.Insert withNested(EntityDef e, Map<String, Value> row) {
      List<RelationDef> rels =
          schema.relationsFrom(e.name()).stream()
              .filter(r -> r.cardinality() != Cardinality.MANY_TO_MANY)
              .toList();
      if (rels.isEmpty()) {
        return new Mutation.Insert(e.name(), row);
      }
      RelationDef r = rels.get(rnd.nextInt(rels.size()));
      EntityDef target = schema.entity(r.toEntity()).orElseThrow();
      List<Mutation.Insert> nested = new ArrayList<>();
      int count = r.cardinality().toMany() ? 1 + rnd.nextInt(2) : 1;
      for (int i = 0; i < count; i++) {
        Map<String, Value> t = new LinkedHashMap<>();
        for (FieldDef f : writable(target)) {
          t.put(
              f.name(),
              f.name().equals("id") ? Value.of(100L + rnd.nextInt(100_000)) : writeValue(f));
        }
        if (keyOnTarget(r)) {
          t.remove(r.toField()); // set from the row
        }
        nested.add(new Mutation.Insert("", t));
      }
      Map<String, Value> data = new LinkedHashMap<>(row);
      if (!keyOnTarget(r)) {
        data.remove(r.fromField()); // set from the new parent
      }
      return new Mutation.Insert(
          e.name(), data, List.of(new Mutation.NestedInsert(r.name(), nested)));
    }

    /**
     * Applies an insert and its nested rows to {@code state} as the store does: rows a to-one
     * relation refers to first, then the row, then its to-many children; false when a real store
     * must refuse it.
     */
    private boolean insert(
        Map<String, List<Map<String, Value>>> state, String entity, Mutation.Insert ins) {
      Map<String, Value> data = new LinkedHashMap<>(ins.data());
      for (Mutation.NestedInsert n : ins.nested()) {
        RelationDef r = schema.relation(entity, n.relation()).orElseThrow();
        if (!keyOnTarget(r)) {
          Mutation.Insert parent = n.rows().get(0);
          if (!insert(state, r.toEntity(), parent)) {
            return false;
          }
          data.put(r.fromField(), parent.data().get(r.toField()));
        }
      }
      for (Mutation.NestedWrite w : ins.writes()) {
        RelationDef r = schema.relation(entity, w.relation()).orElseThrow();
        if (!keyOnTarget(r)) {
          Map<String, Value> t = find(state.get(r.toEntity()), key(w.connect().get(0)));
          if (t == null) {
            return false;
          }
          data.put(r.fromField(), t.get(r.toField()));
        }
      }
      List<Map<String, Value>> list = state.get(entity);
      if (find(list, data.get("id")) != null
          || !refsExist(state, entity, data)
          || !uniqueKeysFree(list, entity, data, null)) {
        return false;
      }
      list.add(data);
      for (Mutation.NestedWrite w : ins.writes()) {
        RelationDef r = schema.relation(entity, w.relation()).orElseThrow();
        if (keyOnTarget(r) && !nestedWrite(state, entity, data, w)) {
          return false;
        }
      }
      for (Mutation.NestedInsert n : ins.nested()) {
        RelationDef r = schema.relation(entity, n.relation()).orElseThrow();
        if (keyOnTarget(r)) {
          for (Mutation.Insert child : n.rows()) {
            Map<String, Value> c = new LinkedHashMap<>(child.data());
            c.put(r.toField(), data.get(r.fromField()));
            if (!insert(
                state, r.toEntity(), new Mutation.Insert(r.toEntity(), c, child.nested()))) {
              return false;
            }
          }
        }
      }
      return true;
    }

    private Value writeValue(FieldDef f) {
      if (f.name().startsWith("ref")) {
        List<Map<String, Value>> parents = rows.get("E" + f.name().substring(3));
        int pick = rnd.nextInt(10);
        if (pick == 0) {
          return Value.of(777_777L); // no such parent
        }
        return parents.isEmpty() || pick < 3
            ? Value.NULL
            : parents.get(rnd.nextInt(parents.size())).get("id");
      }
      return randomValue(f);
    }

    /** The rows after {@code batch}, or null when a real store must refuse it. */
    Map<String, List<Map<String, Value>>> apply(MutationBatch batch) {
      Map<String, List<Map<String, Value>>> next = new LinkedHashMap<>();
      rows.forEach(
          (k, v) -> {
            List<Map<String, Value>> copy = new ArrayList<>();
            v.forEach(r -> copy.add(new LinkedHashMap<>(r)));
            next.put(k, copy);
          });
      for (Mutation mu : batch.mutations()) {
        List<Map<String, Value>> list = next.get(mu.entity());
        if (mu instanceof Mutation.Insert ins) {
          if (!insert(next, mu.entity(), ins)) {
            return null;
          }
        } else if (mu instanceof Mutation.Update up) {
          Map<String, Value> row = find(list, up.id());
          if (row == null) {
            return null;
          }
          Map<String, Value> data = new LinkedHashMap<>(up.data());
          Map<String, Value> computed = computeAll(row, up.exprs());
          if (computed == null) {
            return null;
          }
          data.putAll(computed);
          if (!refsExist(next, mu.entity(), data)
              || !uniqueKeysFree(list, mu.entity(), data, row)) {
            return null;
          }
          row.putAll(data);
          for (Mutation.NestedWrite w : up.writes()) {
            if (!nestedWrite(next, mu.entity(), row, w)) {
              return null;
            }
          }
        } else if (mu instanceof Mutation.UpdateMany um) {
          for (Map<String, Value> row : list) {
            // the filter may read computed fields: the reference computes them for the row
            Map<String, Value> read =
                ReferenceEvaluator.withComputed(schema, Map.of(mu.entity(), List.of(row)))
                    .get(mu.entity())
                    .get(0);
            if (ReferenceEvaluator.matches(um.filter(), read)) {
              Map<String, Value> computed = computeAll(row, um.exprs());
              if (computed == null) {
                return null;
              }
              row.putAll(computed);
            }
          }
        } else {
          Mutation.Delete del = (Mutation.Delete) mu;
          if (find(list, del.id()) == null) {
            return null;
          }
          cascadeDelete(next, mu.entity(), del.id());
        }
      }
      return next;
    }

    private boolean refsExist(
        Map<String, List<Map<String, Value>>> state, String entity, Map<String, Value> data) {
      for (Map.Entry<String, Value> f : data.entrySet()) {
        if (f.getKey().startsWith("ref") && !f.getValue().isNull()) {
          String parent = "E" + f.getKey().substring(3);
          if (find(state.get(parent), f.getValue()) == null) {
            return false;
          }
        }
      }
      return true;
    }

    private void cascadeDelete(
        Map<String, List<Map<String, Value>>> state, String entity, Value id) {
      List<Map<String, Value>> list = state.get(entity);
      if (!list.removeIf(r -> Values.compare(r.get("id"), id) == 0)) {
        return;
      }
      for (RelationDef r : schema.relationsFrom(entity)) {
        if (r.cardinality() == Cardinality.MANY_TO_MANY) {
          // deleting either side removes its edge rows
          state
              .get(r.edgeEntity())
              .removeIf(
                  edge -> {
                    Value ref = edge.get(r.edgeFromField());
                    return ref != null && !ref.isNull() && Values.compare(ref, id) == 0;
                  });
          continue;
        }
        if (!keyOnTarget(r)) {
          continue;
        }
        List<Value> children = new ArrayList<>();
        for (Map<String, Value> child : state.get(r.toEntity())) {
          Value ref = child.get(r.toField());
          if (ref != null && !ref.isNull() && Values.compare(ref, id) == 0) {
            children.add(child.get("id"));
          }
        }
        for (Value c : children) {
          cascadeDelete(state, r.toEntity(), c);
        }
      }
    }

    /**
     * Whether the relation's key is on its target's rows (one-to-many, one-to-one from the parent).
     */
    private static boolean keyOnTarget(RelationDef r) {
      return r.cardinality() == Cardinality.ONE_TO_MANY
          || (r.cardinality() == Cardinality.ONE_TO_ONE && !r.toField().equals("id"));
    }

    /** Whether a row of {@code list} other than {@code self} already holds key value {@code v}. */
    private static boolean taken(List<Map<String, Value>> list, String field, Value v) {
      for (Map<String, Value> r : list) {
        Value o = r.get(field);
        if (o != null && !o.isNull() && Values.compare(o, v) == 0) {
          return true;
        }
      }
      return false;
    }

    /**
     * Whether the unique fields {@code data} sets are free in {@code list}, except in {@code self}
     * (the row being updated): a real store refuses the mutation otherwise.
     */
    private boolean uniqueKeysFree(
        List<Map<String, Value>> list,
        String entity,
        Map<String, Value> data,
        Map<String, Value> self) {
      for (FieldDef f : entity(entity).fields()) {
        Value v = data.get(f.name());
        if (!f.unique() || v == null || v.isNull()) {
          continue;
        }
        for (Map<String, Value> r : list) {
          Value o = r.get(f.name());
          if (r != self && o != null && !o.isNull() && Values.compare(o, v) == 0) {
            return false;
          }
        }
      }
      return true;
    }

    private static Map<String, Value> find(List<Map<String, Value>> list, Value id) {
      for (Map<String, Value> r : list) {
        if (Values.compare(r.get("id"), id) == 0) {
          return r;
        }
      }
      return null;
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
        String f =
            rnd.nextInt(3) == 0
                ? relatedPath(e, 1 + rnd.nextInt(2))
                : e.fields().get(rnd.nextInt(e.fields().size())).name();
        if (used.add(f)) {
          out.add(orderKey(rnd, f));
        }
      }
      return out;
    }

    /**
     * A field of a row reached through up to {@code hops} to-one relations ({@code up0.s1}, {@code
     * one2.up0.n0}), or a field of {@code e} when it has no to-one relation.
     */
    String relatedPath(EntityDef e, int hops) {
      List<RelationDef> toOne = new ArrayList<>();
      for (RelationDef r : schema.relationsFrom(e.name())) {
        if (!r.cardinality().toMany()) {
          toOne.add(r);
        }
      }
      if (hops == 0 || toOne.isEmpty()) {
        return e.fields().get(rnd.nextInt(e.fields().size())).name();
      }
      RelationDef r = toOne.get(rnd.nextInt(toOne.size()));
      return r.name() + "." + relatedPath(entity(r.toEntity()), hops - 1);
    }

    /** A key on {@code field}: either direction, nulls placed by default, first or last. */
    static OrderSpec orderKey(Random rnd, String field) {
      OrderSpec key = rnd.nextBoolean() ? OrderSpec.asc(field) : OrderSpec.desc(field);
      switch (rnd.nextInt(3)) {
        case 0:
          return key.nullsFirst();
        case 1:
          return key.nullsLast();
        default:
          return key;
      }
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
          null,
          randomRelationAggregates(root));
    }

    /**
     * Up to three aggregates over the to-many relations of {@code e} (none when it has none), some
     * filtered: count of rows or of a field's values, sum and avg of an int field, min and max of
     * any field.
     */
    List<RelationAggregate> randomRelationAggregates(EntityDef e) {
      List<RelationDef> toMany =
          schema.relationsFrom(e.name()).stream().filter(r -> r.cardinality().toMany()).toList();
      List<RelationAggregate> out = new ArrayList<>();
      if (toMany.isEmpty() || rnd.nextInt(3) == 0) {
        return out;
      }
      int n = 1 + rnd.nextInt(3);
      for (int i = 0; i < n; i++) {
        RelationDef rel = toMany.get(rnd.nextInt(toMany.size()));
        EntityDef target = entity(rel.toEntity());
        AggregateQuery.Function fn = AggregateQuery.Function.values()[rnd.nextInt(5)];
        FieldDef any = target.fields().get(rnd.nextInt(target.fields().size()));
        String field;
        switch (fn) {
          case COUNT:
            field = rnd.nextBoolean() ? null : any.name();
            break;
          case SUM:
          case AVG:
            field =
                "n"
                    + rnd.nextInt(
                        (int)
                            target.fields().stream()
                                .filter(f -> f.type().base() == ValueType.INT32)
                                .count());
            break;
          default:
            field = any.name();
        }
        out.add(
            new RelationAggregate(
                "agg" + i,
                fn,
                rel.name(),
                field,
                rnd.nextInt(3) == 0 ? randomFilter(target, 1) : null));
      }
      return out;
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
        // over a many-to-many relation, the link fields (@n0, ...) are fields like the target's
        EntityDef linked = withLinks(target, rel);
        String p = path.isEmpty() ? rel.name() : path + "." + rel.name();
        int limit = rnd.nextInt(2) == 0 ? 0 : 1 + rnd.nextInt(3);
        int offset = rnd.nextInt(4) == 0 ? 1 : 0;
        out.add(
            new Include(
                p,
                randomFields(linked),
                rnd.nextInt(linked == target ? 3 : 2) == 0 ? randomFilter(linked, 2) : null,
                randomOrder(linked),
                new Pagination(limit, offset, null),
                randomRelationAggregates(target)));
        addIncludes(target, p, depth + 1, out);
      }
    }

    /**
     * {@code target} with, for a many-to-many {@code rel}, the link fields of its edge entity as
     * fields named {@code @name}, so that random selects, filters and orders pick them too.
     */
    EntityDef withLinks(EntityDef target, RelationDef rel) {
      List<FieldDef> links = LinkFields.of(schema, rel);
      if (links.isEmpty()) {
        return target;
      }
      List<FieldDef> fs = new ArrayList<>(target.fields());
      for (FieldDef f : links) {
        fs.add(
            new FieldDef(
                LinkFields.ref(f.name()),
                f.type(),
                f.optional(),
                f.defaultValue(),
                f.unique(),
                f.indexed(),
                f.sensitivity(),
                f.masking()));
      }
      return new EntityDef(
          target.name(), target.identityField(), fs, target.softDelete(), target.defaultOrder());
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
          e.fields().stream()
              .filter(f -> f.type().base() == ValueType.INT32 || f.name().startsWith("c"))
              .toList();
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
