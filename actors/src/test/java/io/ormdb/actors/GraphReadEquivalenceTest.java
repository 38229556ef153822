package io.ormdb.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * For random schemas, data and graph queries, the actor path (planner, executor, entity shards over
 * 1, 3 and 8 partitions) answers exactly what {@link OrmStore#query} answers at the same LSN.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphReadEquivalenceTest {
  static final String[] STRINGS = {"", "a", "ab", "abc", "b", "ba", "bab", "c"};

  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  @Test
  void actorPathEqualsStoreQueryForRandomGraphs() {
    long seed = Long.getLong("ormdb.model.seed", System.nanoTime());
    Random rnd = new Random(seed);
    int compared = 0;
    int nonEmpty = 0;
    int errorsCompared = 0;
    for (int model = 0; model < 6; model++) {
      SchemaBundle schema = randomSchema(rnd, model + 1);
      try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
        store.applySchema(schema);
        store.commit(randomData(rnd, schema));
        ActorSettings base = ActorSettings.create(testKit.system());
        List<TestDb> dbs = new ArrayList<>();
        for (int p : new int[] {1, 3, 8}) {
          dbs.add(new TestDb(testKit.system(), store, base.withPartitions(p), false));
        }
        for (int i = 0; i < 60; i++) {
          GraphQuery q = randomQuery(rnd, schema);
          QueryResult expected;
          try {
            expected = store.query(q);
          } catch (OrmDbException e) {
            for (TestDb db : dbs) {
              Message.Response r = db.call(id -> new Message.Query(id, 0, q));
              assertThat(r).isInstanceOf(Message.Error.class);
              assertThat(((Message.Error) r).code()).isEqualTo(e.code().code());
            }
            errorsCompared++;
            continue;
          }
          for (TestDb db : dbs) {
            QueryResult actual =
                TestDb.ok(db.call(id -> new Message.Query(id, 0, q)), Message.QueryReply.class)
                    .result();
            assertThat(actual)
                .as("seed %d, %d partitions: %s", seed, db.actors.settings().partitions(), q)
                .isEqualTo(expected);
            compared++;
          }
          nonEmpty += expected.totalRows() > 0 ? 1 : 0;
          if (expected.nextCursor() != null) {
            GraphQuery next =
                new GraphQuery(
                    q.rootEntity(),
                    q.fields(),
                    q.filter(),
                    q.orderBy(),
                    new Pagination(q.pagination().limit(), 0, expected.nextCursor()),
                    q.includes(),
                    null);
            QueryResult actual =
                TestDb.ok(
                        dbs.get(2).call(id -> new Message.Query(id, 0, next)),
                        Message.QueryReply.class)
                    .result();
            assertThat(actual).as("seed %d, next page of %s", seed, q).isEqualTo(store.query(next));
            compared++;
          }
        }
      }
    }
    System.out.printf(
        "graph read equivalence: %d results compared (%d non-empty queries), %d errors compared%n",
        compared, nonEmpty, errorsCompared);
    assertThat(compared).isGreaterThan(500);
    assertThat(nonEmpty).isGreaterThan(50);
  }

  // ---- a small random model: entities E0..En-1, each child with a foreign key to a parent ------

  static SchemaBundle randomSchema(Random rnd, long version) {
    int n = 2 + rnd.nextInt(3);
    List<EntityDef> entities = new ArrayList<>();
    List<RelationDef> relations = new ArrayList<>();
    List<IndexDef> indexes = new ArrayList<>();
    for (int e = 0; e < n; e++) {
      List<FieldDef> fs = new ArrayList<>();
      fs.add(FieldDef.of("id", FieldType.of(ValueType.INT64)));
      fs.add(FieldDef.of("n0", FieldType.of(ValueType.INT32)).asOptional());
      fs.add(FieldDef.of("s0", FieldType.of(ValueType.STRING)));
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
    return new SchemaBundle(version, List.of(), entities, relations, List.of(), indexes, List.of());
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
            : Value.of((long) rnd.nextInt(f.name().equals("n0") ? 10 : 200) - 3);
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

  static List<OrderSpec> randomOrder(Random rnd, EntityDef e) {
    List<OrderSpec> out = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (int i = rnd.nextInt(3); i > 0; i--) {
      String f = e.fields().get(rnd.nextInt(e.fields().size())).name();
      if (used.add(f)) {
        out.add(rnd.nextBoolean() ? OrderSpec.asc(f) : OrderSpec.desc(f));
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
        randomOrder(rnd, root),
        new Pagination(
            rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(8),
            rnd.nextInt(3) == 0 ? rnd.nextInt(4) : 0,
            null),
        includes,
        null);
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
      String p = path.isEmpty() ? rel.name() : path + "." + rel.name();
      out.add(
          new Include(
              p,
              List.of(),
              rnd.nextInt(3) == 0 ? randomFilter(rnd, target, 1) : null,
              randomOrder(rnd, target),
              new Pagination(
                  rnd.nextInt(2) == 0 ? 0 : 1 + rnd.nextInt(3),
                  rnd.nextInt(4) == 0 ? 1 : 0,
                  null)));
      addIncludes(rnd, schema, target, p, depth + 1, out);
    }
  }
}
