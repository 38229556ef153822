package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ormdb.actors.connection.ConnectionActor;
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
import io.ormdb.protocol.schema.Computed;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.LinkFields;
import io.ormdb.protocol.schema.Masking;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.OrmStore;
import io.ormdb.store.query.FieldMasker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/**
 * For random schemas, data and reads, the embedded API on the caller's thread ({@link OrmDb#query},
 * {@link OrmDb#aggregate}) and a connection actor ({@link OrmDb#connect}) answer exactly what the
 * store answers at the same LSN: graph queries with includes (over many-to-many relations with link
 * fields selected, filtered on and ordered by), next pages of the root and of an include,
 * aggregates (standalone, and over relations at any level of a graph query), errors (by code), and
 * — for a session of a lower clearance — the store's answer masked for it, or the same refusal. The
 * data is written through {@link OrmDb#mutate} (the write path of 1, 3 and 8 partitions). Messages
 * are serialized ({@code serialize-messages}). Sessions read graph queries on their own thread in
 * even models (a slice no read overruns) and as store tasks in odd ones ({@code inline-read-slice =
 * 0}); each model checks which path answered.
 */
class GraphReadEquivalenceTest {
  static final String[] STRINGS = {
    "", "a", "ab", "abc", "b", "ba", "bab", "c", "\ue000", "\ud83d\ude00", "a\ud83c\udf89"
  };
  static final Sensitivity[] CLEARANCES = {Sensitivity.PUBLIC, Sensitivity.INTERNAL};
  private static final AtomicLong IDS = new AtomicLong();

  /** What the three paths compare: the store's answer, OrmDb's, and sessions'. */
  private int compared;

  private int nonEmpty;
  private int linked;
  private int aggregated;
  private int errorsCompared;
  private int masked;
  private int rootPages;
  private int includePages;
  private int sessionQueries;
  private int sessionAnswers;
  private int inlineCompared;

  @Test
  void theEmbeddedApiAndASessionAnswerWhatTheStoreAnswersForRandomReads() throws Exception {
    long seed = Long.getLong("ormdb.model.seed", System.nanoTime());
    Random rnd = new Random(seed);
    int[] partitions = {1, 3, 8};
    for (int model = 0; model < 6; model++) {
      int p = partitions[model % 3];
      boolean inline = model % 2 == 0;
      ActorSystem<Void> system =
          ActorSystem.create(
              Behaviors.empty(),
              "equivalence",
              ConfigFactory.parseString(
                      "ormdb.partitions = "
                          + p
                          + "\normdb.actors.inline-read-slice = "
                          + (inline ? "1m" : "0")
                          + "\npekko.actor.serialize-messages = on\npekko.loglevel = WARNING")
                  .withFallback(ConfigFactory.load()));
      try {
        OrmDb db = OrmDb.get(system);
        SchemaBundle schema = randomSchema(rnd, 1);
        db.store().applySchema(schema);
        db.mutate(randomData(rnd, schema)).toCompletableFuture().join();
        Paths paths = new Paths(system, db, rnd);
        for (int i = 0; i < 60; i++) {
          String where = "seed " + seed + ", " + p + " partitions, model " + model;
          compareQuery(paths, randomQuery(rnd, schema), where, true);
          compareAggregate(paths, randomAggregate(rnd, schema), where);
        }
        if (inline) {
          // every query that was read (all answers, some errors) read on the session's thread;
          // refusals of the checks before any read are not reads
          assertThat(db.sessionThreadReads())
              .as("session queries answered on the session's thread")
              .isBetween((long) sessionAnswers, (long) sessionQueries);
          inlineCompared += sessionAnswers;
        } else {
          assertThat(db.sessionThreadReads()).as("every session query a store task").isZero();
        }
        sessionQueries = 0;
        sessionAnswers = 0;
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
    System.out.printf(
        "read equivalence: %d answers compared (%d non-empty queries, %d with link fields, %d with"
            + " aggregates over relations), %d errors, %d masked, next pages of %d roots and %d"
            + " includes; %d session queries on the session's thread%n",
        compared,
        nonEmpty,
        linked,
        aggregated,
        errorsCompared,
        masked,
        rootPages,
        includePages,
        inlineCompared);
    assertThat(compared).isGreaterThan(1_000);
    assertThat(nonEmpty).isGreaterThan(50);
    assertThat(linked).as("answers with link values").isGreaterThan(5);
    assertThat(aggregated).isGreaterThan(20);
    assertThat(masked).isGreaterThan(50);
    assertThat(errorsCompared).isPositive();
    assertThat(rootPages).isPositive();
    assertThat(includePages).isPositive();
    assertThat(inlineCompared).isGreaterThan(200);
  }

  /** The three ways to read: the store, the embedded API on this thread, a session. */
  private static final class Paths {
    final ActorSystem<Void> system;
    final OrmDb db;
    final OrmStore store;
    final ActorRef<ConnectionActor.Command> session;
    final Map<Sensitivity, ActorRef<ConnectionActor.Command>> lower = new LinkedHashMap<>();
    final Random rnd;

    Paths(ActorSystem<Void> system, OrmDb db, Random rnd) {
      this.system = system;
      this.db = db;
      this.store = db.store();
      this.session = db.connect();
      this.rnd = rnd;
      for (Sensitivity s : CLEARANCES) {
        lower.put(s, db.connect(s));
      }
    }

    Message.Response ask(
        ActorRef<ConnectionActor.Command> to, java.util.function.LongFunction<Message.Request> r) {
      long id = IDS.incrementAndGet();
      Message.Response answer =
          AskPattern.<ConnectionActor.Command, Message.Response>ask(
                  to,
                  replyTo -> new ConnectionActor.Request(r.apply(id), replyTo),
                  Duration.ofSeconds(30),
                  system.scheduler())
              .toCompletableFuture()
              .join();
      assertThat(answer.requestId()).isEqualTo(id);
      return answer;
    }
  }

  /** The value, or the error code of the OrmDbException it threw or failed with. */
  private static Object outcome(Supplier<Object> call) {
    try {
      return call.get();
    } catch (CompletionException e) {
      return ((OrmDbException) e.getCause()).code();
    } catch (OrmDbException e) {
      return e.code();
    }
  }

  private static Object outcome(Message.Response r) {
    if (r instanceof Message.Error e) {
      return ErrorCode.fromCode(e.code());
    } else if (r instanceof Message.QueryReply q) {
      return q.result();
    }
    return ((Message.AggregateReply) r).result();
  }

  private void countSessionQuery(Object outcome) {
    sessionQueries++;
    sessionAnswers += outcome instanceof ErrorCode ? 0 : 1;
  }

  /** Compares the answers to {@code q}, then (when {@code follow}) to its next pages. */
  private void compareQuery(Paths paths, GraphQuery q, String where, boolean follow) {
    Object expected = outcome(() -> paths.store.query(q));
    long callerReads = paths.db.callerThreadReads();
    Object embedded = outcome(() -> paths.db.query(q).toCompletableFuture().join());
    assertThat(paths.db.callerThreadReads()).as("read on this thread").isEqualTo(callerReads + 1);
    Object session = outcome(paths.ask(paths.session, id -> new Message.Query(id, 0, q)));
    countSessionQuery(session);
    assertThat(embedded).as("%s, OrmDb.query %s", where, q).isEqualTo(expected);
    assertThat(session).as("%s, session %s", where, q).isEqualTo(expected);
    compared += 2;
    if (expected instanceof ErrorCode) {
      errorsCompared++;
      return;
    }
    io.ormdb.protocol.result.QueryResult result = (io.ormdb.protocol.result.QueryResult) expected;
    nonEmpty += result.totalRows() > 0 ? 1 : 0;
    linked +=
        result.edges().stream().anyMatch(e -> !e.links().isEmpty() && !e.edges().isEmpty()) ? 1 : 0;
    boolean aggregates =
        !q.aggregates().isEmpty() || q.includes().stream().anyMatch(i -> !i.aggregates().isEmpty());
    aggregated += aggregates && result.totalRows() > 0 ? 1 : 0;
    Sensitivity clearance = CLEARANCES[paths.rnd.nextInt(CLEARANCES.length)];
    Object lower;
    try {
      FieldMasker.checkQuery(q, paths.store.schema(), clearance);
      lower = FieldMasker.mask(result, paths.store.schema(), clearance);
      masked++;
    } catch (OrmDbException e) {
      lower = e.code();
    }
    Object lowerSession =
        outcome(paths.ask(paths.lower.get(clearance), id -> new Message.Query(id, 0, q)));
    assertThat(lowerSession)
        .as("%s, session of clearance %s: %s", where, clearance, q)
        .isEqualTo(lower);
    countSessionQuery(lowerSession);
    compared++;
    if (!follow) {
      return;
    }
    if (result.nextCursor() != null) {
      GraphQuery next =
          new GraphQuery(
              q.rootEntity(),
              q.fields(),
              q.filter(),
              q.orderBy(),
              new Pagination(q.pagination().limit(), 0, result.nextCursor()),
              q.includes(),
              null,
              q.aggregates());
      compareQuery(paths, next, where + ", next page", false);
      rootPages++;
    }
    for (EdgeBlock edges : result.edges()) {
      if (!edges.pages().isEmpty()) {
        compareQuery(
            paths, nextIncludePage(q, edges), where + ", next page of " + edges.path(), false);
        includePages++;
        break;
      }
    }
  }

  /** {@code q} with the include of {@code edges} starting after its first parent's page. */
  private static GraphQuery nextIncludePage(GraphQuery q, EdgeBlock edges) {
    List<Include> includes = new ArrayList<>();
    for (Include i : q.includes()) {
      includes.add(
          i.path().equals(edges.path())
              ? new Include(
                  i.path(),
                  i.fields(),
                  i.filter(),
                  i.orderBy(),
                  new Pagination(i.pagination().limit(), 0, edges.pages().get(0).nextCursor()),
                  i.aggregates())
              : i);
    }
    return new GraphQuery(
        q.rootEntity(),
        q.fields(),
        q.filter(),
        q.orderBy(),
        q.pagination(),
        includes,
        null,
        q.aggregates());
  }

  private void compareAggregate(Paths paths, AggregateQuery a, String where) {
    Object expected = outcome(() -> paths.store.aggregate(a));
    Object embedded = outcome(() -> paths.db.aggregate(a).toCompletableFuture().join());
    Object session = outcome(paths.ask(paths.session, id -> new Message.Aggregate(id, 0, a)));
    assertThat(embedded).as("%s, OrmDb.aggregate %s", where, a).isEqualTo(expected);
    assertThat(session).as("%s, session %s", where, a).isEqualTo(expected);
    compared += 2;
    if (expected instanceof ErrorCode) {
      errorsCompared++;
      return;
    }
    Sensitivity clearance = CLEARANCES[paths.rnd.nextInt(CLEARANCES.length)];
    Object lower;
    try {
      FieldMasker.checkAggregate(a, paths.store.schema(), clearance);
      lower = expected;
    } catch (OrmDbException e) {
      lower = e.code();
    }
    assertThat(
            outcome(paths.ask(paths.lower.get(clearance), id -> new Message.Aggregate(id, 0, a))))
        .as("%s, session of clearance %s: %s", where, clearance, a)
        .isEqualTo(lower);
    compared++;
  }

  // ---- a small random model: entities E0..En-1, each child with a foreign key to a parent ------

  /**
   * Entities with an int64 id, an optional int32 {@code n0}, a string {@code s0}, computed fields
   * over them ({@code c0} and {@code t0} virtual, sometimes {@code k0} stored) and, past the first,
   * a foreign key to an earlier entity; {@code s0} (and sometimes {@code n0}) is sensitive, and so
   * are the computed fields that read them.
   */
  static SchemaBundle randomSchema(Random rnd, long version) {
    int n = 2 + rnd.nextInt(3);
    List<EntityDef> entities = new ArrayList<>();
    List<RelationDef> relations = new ArrayList<>();
    List<IndexDef> indexes = new ArrayList<>();
    Masking[] masks = {
      new Masking.Nullify(),
      new Masking.Omit(),
      new Masking.Hash(),
      new Masking.Redact("x"),
      new Masking.Partial(1, rnd.nextBoolean(), '*')
    };
    for (int e = 0; e < n; e++) {
      List<FieldDef> fs = new ArrayList<>();
      fs.add(FieldDef.of("id", FieldType.of(ValueType.INT64)));
      FieldDef n0 = FieldDef.of("n0", FieldType.of(ValueType.INT32)).asOptional();
      if (rnd.nextInt(3) == 0) {
        n0 = n0.withSecurity(Sensitivity.SENSITIVE, masks[rnd.nextInt(masks.length)]);
      }
      fs.add(n0);
      fs.add(
          FieldDef.of("s0", FieldType.of(ValueType.STRING))
              .withSecurity(
                  rnd.nextBoolean() ? Sensitivity.INTERNAL : Sensitivity.SENSITIVE,
                  masks[rnd.nextInt(masks.length)]));
      // computed fields, as sensitive as what they read: c0 virtual, k0 stored (and indexed)
      fs.add(
          FieldDef.of("c0", FieldType.of(ValueType.INT64))
              .asOptional()
              .withComputed(
                  Computed.virtual(
                      Expr.call(
                          "+",
                          Expr.call("*", Expr.field("n0"), Expr.literal(2L)),
                          Expr.literal(1L)))));
      fs.add(
          FieldDef.of("t0", FieldType.of(ValueType.STRING))
              .withComputed(
                  Computed.virtual(
                      new Expr.If(
                          new Filter.IsNull("n0", false),
                          Expr.field("s0"),
                          Expr.call("+", Expr.field("s0"), Expr.literal("!"))))));
      if (rnd.nextBoolean()) {
        FieldDef k0 =
            FieldDef.of("k0", FieldType.of(ValueType.INT64))
                .withComputed(
                    Computed.stored(
                        Expr.call(
                            "-",
                            Expr.call("coalesce", Expr.field("n0"), Expr.literal(0L)),
                            Expr.literal(1L))));
        fs.add(rnd.nextBoolean() ? k0.asIndexed() : k0);
      }
      if (e > 0) {
        int parent = rnd.nextInt(e);
        fs.add(FieldDef.of("ref" + parent, FieldType.of(ValueType.INT64)).asOptional());
        relations.add(
            RelationDef.oneToMany(
                "kids" + e, "E" + parent, "id", "E" + e, "ref" + parent, OnDelete.CASCADE));
        relations.add(
            RelationDef.manyToOne("up" + parent, "E" + e, "ref" + parent, "E" + parent, "id"));
      }
      entities.add(new EntityDef("E" + e, "id", fs, false, List.of()));
      if (rnd.nextBoolean()) {
        indexes.add(
            new IndexDef("E" + e + "_n0", "E" + e, List.of("n0"), IndexDef.Kind.BTREE, false));
      }
    }
    // an edge entity L between two of them: its n0 and s0 are the link fields of a many-to-many
    // relation each way (pairs may repeat), masked as the fields they are
    int a = rnd.nextInt(n);
    int b = (a + 1 + rnd.nextInt(n - 1)) % n;
    FieldDef n0 = FieldDef.of("n0", FieldType.of(ValueType.INT32)).asOptional();
    if (rnd.nextInt(3) == 0) {
      n0 = n0.withSecurity(Sensitivity.SENSITIVE, masks[rnd.nextInt(masks.length)]);
    }
    entities.add(
        new EntityDef(
            "L",
            "id",
            List.of(
                FieldDef.of("id", FieldType.of(ValueType.INT64)),
                FieldDef.of("ref" + a, FieldType.of(ValueType.INT64)).asOptional(),
                FieldDef.of("ref" + b, FieldType.of(ValueType.INT64)).asOptional(),
                n0,
                FieldDef.of("s0", FieldType.of(ValueType.STRING))
                    .withSecurity(
                        rnd.nextBoolean() ? Sensitivity.INTERNAL : Sensitivity.SENSITIVE,
                        masks[rnd.nextInt(masks.length)])),
            false,
            List.of()));
    relations.add(
        RelationDef.manyToMany(
            "many" + b, "E" + a, "id", "E" + b, "id", "L", "ref" + a, "ref" + b));
    relations.add(
        RelationDef.manyToMany(
            "mrev" + a, "E" + b, "id", "E" + a, "id", "L", "ref" + b, "ref" + a));
    return new SchemaBundle(version, List.of(), entities, relations, List.of(), indexes, List.of());
  }

  /**
   * {@code target} with, for a many-to-many {@code rel}, its link fields as fields named {@code
   * @name}, so that random selects, filters and orders name them too.
   */
  static EntityDef withLinks(SchemaBundle schema, EntityDef target, RelationDef rel) {
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
    return new EntityDef(target.name(), target.identityField(), fs, false, List.of());
  }

  static MutationBatch randomData(Random rnd, SchemaBundle schema) {
    List<Mutation> inserts = new ArrayList<>();
    Map<String, List<Long>> ids = new LinkedHashMap<>();
    for (EntityDef e : schema.entities()) {
      int count = rnd.nextInt(5) == 0 ? rnd.nextInt(3) : 5 + rnd.nextInt(40);
      Set<Long> mine = new HashSet<>();
      while (mine.size() < count) {
        mine.add((long) 1 + rnd.nextInt(200));
      }
      for (long id : mine) {
        Map<String, Value> r = new LinkedHashMap<>();
        r.put("id", Value.of(id));
        r.put("n0", rnd.nextInt(5) == 0 ? Value.NULL : Value.of(rnd.nextInt(10) - 3));
        r.put("s0", Value.of(STRINGS[rnd.nextInt(STRINGS.length)]));
        for (FieldDef f : e.fields()) {
          if (f.name().startsWith("ref")) {
            List<Long> parents = ids.get("E" + f.name().substring(3));
            r.put(
                f.name(),
                parents.isEmpty() || rnd.nextInt(6) == 0
                    ? Value.NULL
                    : Value.of(parents.get(rnd.nextInt(parents.size()))));
          }
        }
        inserts.add(new Mutation.Insert(e.name(), r));
      }
      ids.put(e.name(), new ArrayList<>(mine));
    }
    return new MutationBatch(inserts);
  }

  static Filter randomFilter(Random rnd, EntityDef e, int depth) {
    FieldDef f = e.fields().get(rnd.nextInt(e.fields().size()));
    Value lit =
        f.type().base() == ValueType.STRING
            ? Value.of(STRINGS[rnd.nextInt(STRINGS.length)])
            : Value.of((long) rnd.nextInt(f.name().endsWith("n0") ? 10 : 200) - 3);
    switch (rnd.nextInt(depth > 0 ? 7 : 4)) {
      case 0:
      case 1:
        return new Filter.Compare(f.name(), Filter.Op.values()[rnd.nextInt(6)], lit);
      case 2:
        return new Filter.In(f.name(), List.of(lit), rnd.nextInt(3) == 0);
      case 3:
        return new Filter.IsNull(f.name(), rnd.nextBoolean());
      case 4:
        return new Filter.And(
            List.of(randomFilter(rnd, e, depth - 1), randomFilter(rnd, e, depth - 1)));
      case 5:
        return new Filter.Or(
            List.of(randomFilter(rnd, e, depth - 1), randomFilter(rnd, e, depth - 1)));
      default:
        return new Filter.Not(randomFilter(rnd, e, depth - 1));
    }
  }

  /** Keys on fields of {@code e} and, through its many-to-one relations, of related rows. */
  static List<OrderSpec> randomOrder(Random rnd, SchemaBundle schema, EntityDef e) {
    List<OrderSpec> out = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (int i = rnd.nextInt(3); i > 0; i--) {
      String f = e.fields().get(rnd.nextInt(e.fields().size())).name();
      for (RelationDef r : schema.relationsFrom(e.name())) {
        if (!r.cardinality().toMany() && rnd.nextInt(3) == 0) {
          EntityDef target = schema.entity(r.toEntity()).orElseThrow();
          f = r.name() + "." + target.fields().get(rnd.nextInt(target.fields().size())).name();
          break;
        }
      }
      if (used.add(f)) {
        OrderSpec key = rnd.nextBoolean() ? OrderSpec.asc(f) : OrderSpec.desc(f);
        int placement = rnd.nextInt(3);
        out.add(placement == 0 ? key : placement == 1 ? key.nullsFirst() : key.nullsLast());
      }
    }
    return out;
  }

  static GraphQuery randomQuery(Random rnd, SchemaBundle schema) {
    EntityDef root = schema.entities().get(rnd.nextInt(schema.entities().size()));
    List<Include> includes = new ArrayList<>();
    addIncludes(rnd, schema, root, "", 1, includes);
    return new GraphQuery(
        root.name(),
        List.of(),
        rnd.nextInt(4) == 0 ? null : randomFilter(rnd, root, 2),
        randomOrder(rnd, schema, root),
        new Pagination(
            rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(8),
            rnd.nextInt(3) == 0 ? rnd.nextInt(4) : 0,
            null),
        includes,
        null,
        randomRelationAggregates(rnd, schema, root));
  }

  /**
   * None, one or two aggregates over the to-many relations of {@code e}, some filtered; sum and avg
   * of s0 are refused (not a number) and compared as errors, aggregates of a masked field as
   * refusals for a lower clearance.
   */
  static List<RelationAggregate> randomRelationAggregates(
      Random rnd, SchemaBundle schema, EntityDef e) {
    List<RelationDef> toMany =
        schema.relationsFrom(e.name()).stream().filter(r -> r.cardinality().toMany()).toList();
    List<RelationAggregate> out = new ArrayList<>();
    if (toMany.isEmpty() || rnd.nextBoolean()) {
      return out;
    }
    AggregateQuery.Function[] functions = AggregateQuery.Function.values();
    for (int i = rnd.nextInt(2); i >= 0; i--) {
      RelationDef rel = toMany.get(rnd.nextInt(toMany.size()));
      AggregateQuery.Function fn = functions[rnd.nextInt(functions.length)];
      String field =
          fn == AggregateQuery.Function.COUNT && rnd.nextBoolean()
              ? null
              : (rnd.nextInt(5) == 0 ? "s0" : (rnd.nextInt(3) == 0 ? "c0" : "n0"));
      out.add(
          new RelationAggregate(
              "agg" + i,
              fn,
              rel.name(),
              field,
              rnd.nextInt(3) == 0
                  ? randomFilter(rnd, schema.entity(rel.toEntity()).orElseThrow(), 1)
                  : null));
    }
    return out;
  }

  static AggregateQuery randomAggregate(Random rnd, SchemaBundle schema) {
    EntityDef e = schema.entities().get(rnd.nextInt(schema.entities().size()));
    List<AggregateQuery.Aggregation> aggs = new ArrayList<>();
    aggs.add(new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, null));
    AggregateQuery.Function[] functions = AggregateQuery.Function.values();
    for (int i = rnd.nextInt(3); i > 0; i--) {
      // sum and avg of s0 are refused (not a number): compared as errors
      String field = rnd.nextInt(4) == 0 ? "s0" : (rnd.nextInt(3) == 0 ? "c0" : "n0");
      aggs.add(new AggregateQuery.Aggregation(functions[rnd.nextInt(functions.length)], field));
    }
    List<String> groupBy = new ArrayList<>();
    if (rnd.nextBoolean()) {
      groupBy.add(List.of("n0", "s0", "t0").get(rnd.nextInt(3)));
    }
    return new AggregateQuery(
        e.name(), aggs, rnd.nextInt(3) == 0 ? null : randomFilter(rnd, e, 1), groupBy, null);
  }

  private static void addIncludes(
      Random rnd, SchemaBundle schema, EntityDef from, String path, int depth, List<Include> out) {
    if (depth > 3) {
      return;
    }
    for (RelationDef rel : schema.relationsFrom(from.name())) {
      if (rnd.nextInt(depth == 1 ? 2 : 3) != 0) {
        continue;
      }
      EntityDef target = schema.entity(rel.toEntity()).orElseThrow();
      EntityDef linked = withLinks(schema, target, rel);
      List<String> fields = new ArrayList<>();
      if (linked != target && rnd.nextInt(3) != 0) {
        for (FieldDef f : linked.fields()) {
          if (rnd.nextBoolean()) {
            fields.add(f.name());
          }
        }
      }
      String p = path.isEmpty() ? rel.name() : path + "." + rel.name();
      out.add(
          new Include(
              p,
              fields,
              rnd.nextInt(3) == 0 ? randomFilter(rnd, linked, 1) : null,
              randomOrder(rnd, schema, linked),
              new Pagination(
                  rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(2), rnd.nextInt(4) == 0 ? 1 : 0, null),
              randomRelationAggregates(rnd, schema, target)));
      addIncludes(rnd, schema, target, p, depth + 1, out);
    }
  }
}
