package io.ormdb.protocol.lang.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.lang.FilterPrinter;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.EnumDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.Masking;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.PolicyDef;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random valid bundles survive print → parse unchanged, and printing is stable. */
class SchemaRoundTripTest {

  @Property(tries = 300)
  void printThenParseGivesTheSameBundle(@ForAll("bundles") SchemaBundle bundle) {
    String text = SchemaPrinter.print(bundle);
    SchemaBundle parsed = SchemaParser.parse(text);
    assertThat(parsed).as(text).isEqualTo(bundle);
    assertThat(SchemaPrinter.print(parsed)).isEqualTo(text);
  }

  @Provide
  Arbitrary<SchemaBundle> bundles() {
    return Arbitraries.randomValue(r -> new Gen(r).bundle());
  }

  /** Builds one random bundle that satisfies every rule of the schema checker. */
  static final class Gen {
    private static final List<String> ENTITY_NAMES =
        List.of("User", "Post", "order", "Ünï", "T_1", "index", "Tag");
    private static final List<String> FIELD_NAMES =
        List.of("name", "age", "order", "in", "createdAt", "x_1", "desc", "relation", "now");
    private static final List<String> VARIANTS =
        List.of("a", "b", "null", "now", "uuid", "order", "V_1", "true");
    private static final List<ValueType> SCALARS =
        List.of(
            ValueType.BOOL,
            ValueType.INT32,
            ValueType.INT64,
            ValueType.FLOAT32,
            ValueType.FLOAT64,
            ValueType.DECIMAL,
            ValueType.STRING,
            ValueType.BYTES,
            ValueType.TIMESTAMP,
            ValueType.DATE,
            ValueType.UUID,
            ValueType.JSON,
            ValueType.ENUM);

    private final Random r;
    private final List<EnumDef> enums = new ArrayList<>();
    private final Map<String, List<FieldDef>> fields = new LinkedHashMap<>();
    private final Map<String, FieldType> idType = new LinkedHashMap<>();
    private int counter;
    private final Set<String> usedNames = new java.util.HashSet<>();

    /** The generated default name half of the time (when still free), else a fresh custom one. */
    private String objectName(String generated) {
      String name = r.nextBoolean() && !usedNames.contains(generated) ? generated : "c" + counter++;
      usedNames.add(name);
      return name;
    }

    Gen(Random r) {
      this.r = r;
    }

    private <T> T pick(List<T> xs) {
      return xs.get(r.nextInt(xs.size()));
    }

    private <T> List<T> sample(List<T> xs, int n) {
      List<T> copy = new ArrayList<>(xs);
      Collections.shuffle(copy, r);
      return new ArrayList<>(copy.subList(0, Math.min(n, copy.size())));
    }

    SchemaBundle bundle() {
      for (String name : sample(List.of("Color", "Mood"), r.nextInt(3))) {
        enums.add(new EnumDef(name, sample(VARIANTS, 1 + r.nextInt(4))));
      }
      List<String> entities = sample(ENTITY_NAMES, 1 + r.nextInt(4));
      for (String e : entities) {
        FieldType id =
            pick(
                List.of(
                    FieldType.of(ValueType.UUID),
                    FieldType.of(ValueType.INT64),
                    FieldType.of(ValueType.STRING)));
        idType.put(e, id);
        List<FieldDef> fs = new ArrayList<>();
        fs.add(
            new FieldDef(
                "id",
                id,
                false,
                id.base() == ValueType.UUID && r.nextBoolean() ? new DefaultValue.AutoUuid() : null,
                r.nextInt(5) == 0,
                false,
                Sensitivity.PUBLIC,
                null));
        for (String f : sample(FIELD_NAMES, r.nextInt(5))) {
          fs.add(randomField(f));
        }
        fields.put(e, fs);
      }
      List<RelationDef> relations = new ArrayList<>();
      for (int i = 0; i < r.nextInt(4); i++) {
        relations.add(relation(entities, i));
      }
      List<ConstraintDef> constraints = new ArrayList<>();
      List<IndexDef> indexes = new ArrayList<>();
      List<EntityDef> entityDefs = new ArrayList<>();
      for (String e : entities) {
        int checks = 0;
        for (int i = 0; i < r.nextInt(4); i++) {
          int kind = r.nextInt(3);
          if (kind == 0) {
            List<String> fs = sample(names(e), 1 + r.nextInt(2));
            String name = objectName(e + "_" + String.join("_", fs) + "_key");
            constraints.add(new ConstraintDef.Unique(name, e, fs));
          } else if (kind == 1) {
            checks++;
            Filter f = filter(e, 3, false);
            String name = objectName(e + "_check_" + checks);
            constraints.add(new ConstraintDef.Check(name, e, f, FilterPrinter.print(f)));
          } else {
            String target = pick(entities);
            OnDelete od = pick(List.of(OnDelete.values()));
            String field = "fk" + counter++;
            fields
                .get(e)
                .add(
                    new FieldDef(
                        field,
                        idType.get(target),
                        od == OnDelete.SET_NULL || r.nextBoolean(),
                        null,
                        false,
                        false,
                        Sensitivity.PUBLIC,
                        null));
            String name = objectName(e + "_" + field + "_fkey");
            constraints.add(new ConstraintDef.ForeignKey(name, e, field, target, "id", od));
          }
        }
        for (int i = 0; i < r.nextInt(3); i++) {
          List<String> fs = sample(names(e), 1 + r.nextInt(2));
          String name = objectName(e + "_" + String.join("_", fs) + "_idx");
          indexes.add(
              new IndexDef(name, e, fs, pick(List.of(IndexDef.Kind.values())), r.nextBoolean()));
        }
      }
      for (String e : entities) {
        List<OrderSpec> order = new ArrayList<>();
        for (String f : sample(names(e), r.nextInt(3))) {
          order.add(
              new OrderSpec(
                  f,
                  pick(List.of(OrderSpec.Direction.values())),
                  pick(List.of(OrderSpec.Nulls.values()))));
        }
        entityDefs.add(new EntityDef(e, "id", fields.get(e), r.nextBoolean(), order));
      }
      List<PolicyDef> policies = new ArrayList<>();
      for (int i = 0; i < r.nextInt(3); i++) {
        String e = pick(entities);
        Set<PolicyDef.Operation> ops = EnumSet.noneOf(PolicyDef.Operation.class);
        ops.addAll(sample(List.of(PolicyDef.Operation.values()), 1 + r.nextInt(4)));
        policies.add(
            new PolicyDef(
                "p" + i,
                e,
                pick(List.of(PolicyDef.Kind.values())),
                ops,
                filter(e, 2, true),
                r.nextBoolean() ? null : "admin:" + i));
      }
      // the parser returns relations grouped by source entity, in entity order
      List<RelationDef> grouped = new ArrayList<>();
      for (String e : entities) {
        for (RelationDef rd : relations) {
          if (rd.fromEntity().equals(e)) {
            grouped.add(rd);
          }
        }
      }
      return new SchemaBundle(0, enums, entityDefs, grouped, constraints, indexes, policies);
    }

    private List<String> names(String entity) {
      List<String> out = new ArrayList<>();
      for (FieldDef f : fields.get(entity)) {
        out.add(f.name());
      }
      return out;
    }

    private RelationDef relation(List<String> entities, int i) {
      String s = pick(entities);
      String t = pick(entities);
      String name = "rel" + i;
      String key = "k" + counter++;
      Cardinality c = pick(List.of(Cardinality.values()));
      OnDelete od = pick(List.of(OnDelete.values()));
      switch (c) {
        case MANY_TO_ONE:
          fields.get(s).add(keyField(key, idType.get(t), od));
          return new RelationDef(name, s, t, c, key, "id", od, null, null, null);
        case ONE_TO_MANY:
          fields.get(t).add(keyField(key, idType.get(s), od));
          return new RelationDef(name, s, t, c, "id", key, od, null, null, null);
        case ONE_TO_ONE:
          // the key of a one-to-one relation is unique
          fields.get(t).add(keyField(key, idType.get(s), od).asUnique());
          return new RelationDef(name, s, t, c, "id", key, od, null, null, null);
        default:
          String edge = pick(entities);
          String ef = "e" + counter++;
          String et = "e" + counter++;
          fields.get(edge).add(keyField(ef, idType.get(s), OnDelete.CASCADE));
          fields.get(edge).add(keyField(et, idType.get(t), OnDelete.CASCADE));
          return new RelationDef(
              name,
              s,
              t,
              c,
              "id",
              "id",
              od == OnDelete.SET_NULL ? OnDelete.CASCADE : od,
              edge,
              ef,
              et);
      }
    }

    private FieldDef keyField(String name, FieldType type, OnDelete od) {
      return new FieldDef(
          name,
          type,
          od == OnDelete.SET_NULL || r.nextInt(4) == 0,
          null,
          false,
          r.nextBoolean(),
          Sensitivity.PUBLIC,
          null);
    }

    private FieldDef randomField(String name) {
      ValueType base = pick(SCALARS);
      if (base == ValueType.ENUM && enums.isEmpty()) {
        base = ValueType.STRING;
      }
      boolean array = r.nextInt(5) == 0;
      FieldType type;
      if (base == ValueType.DECIMAL) {
        int p = 1 + r.nextInt(38);
        type = new FieldType(base, array, p, r.nextInt(p + 1), null);
      } else if (base == ValueType.ENUM) {
        type = new FieldType(base, array, 0, 0, pick(enums).name());
      } else {
        type = new FieldType(base, array, 0, 0, null);
      }
      boolean optional = r.nextBoolean();
      DefaultValue dv = null;
      int d = r.nextInt(4);
      if (d == 0) {
        dv = new DefaultValue.Literal(array ? array(type) : value(type));
      } else if (d == 1 && optional) {
        dv = new DefaultValue.Literal(Value.NULL);
      } else if (d == 2 && !array && (base == ValueType.TIMESTAMP || base == ValueType.DATE)) {
        dv = new DefaultValue.Now();
      } else if (d == 2 && !array && base == ValueType.UUID) {
        dv = new DefaultValue.AutoUuid();
      }
      Sensitivity s = pick(List.of(Sensitivity.values()));
      Masking m = null;
      if (s != Sensitivity.PUBLIC && r.nextBoolean()) {
        m =
            pick(
                List.of(
                    new Masking.Omit(),
                    new Masking.Nullify(),
                    new Masking.Hash(),
                    new Masking.Redact("x\"y\\" + r.nextInt(9)),
                    new Masking.Partial(
                        r.nextInt(6), r.nextBoolean(), pick(List.of('*', '#', '\'', '"')))));
      }
      return new FieldDef(name, type, optional, dv, r.nextInt(4) == 0, r.nextInt(4) == 0, s, m);
    }

    private Value array(FieldType type) {
      List<Value> out = new ArrayList<>();
      for (int i = 0; i < r.nextInt(4); i++) {
        out.add(value(type));
      }
      return new Value.Array(type.base(), out);
    }

    private Value value(FieldType t) {
      switch (t.base()) {
        case BOOL:
          return r.nextBoolean() ? Value.TRUE : Value.FALSE;
        case INT32:
          return new Value.Int32(r.nextInt());
        case INT64:
          return new Value.Int64(r.nextLong());
        case FLOAT32:
          return new Value.Float32((r.nextInt(200_000) - 100_000) / 8f);
        case FLOAT64:
          return new Value.Float64(r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20));
        case DECIMAL:
          BigInteger unscaled = new BigInteger(Math.min(t.precision() * 3, 120), r);
          while (unscaled.toString().length() > t.precision()) {
            unscaled = unscaled.divide(BigInteger.TEN);
          }
          BigDecimal bd = new BigDecimal(r.nextBoolean() ? unscaled : unscaled.negate(), t.scale());
          return new Value.Decimal(bd);
        case STRING:
          return new Value.Str(randomString());
        case BYTES:
          byte[] b = new byte[r.nextInt(5)];
          r.nextBytes(b);
          return new Value.Bytes(b);
        case TIMESTAMP:
          return new Value.Timestamp((long) (r.nextDouble() * 2e17) - 5_000_000_000_000_000L);
        case DATE:
          return new Value.Date(r.nextInt(1_000_000) - 500_000);
        case UUID:
          return new Value.Uuid(r.nextLong(), r.nextLong());
        case JSON:
          return new Value.Json("{\"k\": " + r.nextInt() + "}");
        default:
          EnumDef e =
              enums.stream().filter(x -> x.name().equals(t.enumName())).findFirst().orElseThrow();
          return new Value.Enum(pick(e.variants()));
      }
    }

    private String randomString() {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.nextInt(8); i++) {
        sb.append(
            pick(List.of('a', 'Z', ' ', '"', '\'', '\\', '\n', '\t', 'é', '\u0001', '%', '€')));
      }
      return sb.toString();
    }

    private Filter filter(String entity, int depth, boolean attributes) {
      List<String> names = names(entity);
      int k = r.nextInt(depth == 0 ? 5 : 9);
      String f = pick(names);
      Filter.Op op = pick(List.of(Filter.Op.values()));
      switch (k) {
        case 0:
          return new Filter.Compare(
              f,
              op,
              pick(
                  List.of(
                      Value.of(r.nextLong()),
                      Value.of(randomString()),
                      Value.of(r.nextDouble()),
                      Value.TRUE,
                      new Value.Decimal(BigDecimal.valueOf(r.nextInt(), 2)))));
        case 1:
          return new Filter.In(
              f, List.of(Value.of((long) r.nextInt(9)), Value.of("s")), r.nextBoolean());
        case 2:
          return new Filter.IsNull(f, r.nextBoolean());
        case 3:
          return new Filter.Like(f, randomString(), r.nextBoolean());
        case 4:
          return attributes
              ? new Filter.AttrCompare(f, op, pick(List.of("user.id", "tenant", "org.team.id")))
              : new Filter.Const(r.nextBoolean());
        case 5:
        case 6:
          List<Filter> ops = new ArrayList<>();
          for (int i = 0; i < 2 + r.nextInt(2); i++) {
            ops.add(filter(entity, depth - 1, attributes));
          }
          return k == 5 ? new Filter.And(ops) : new Filter.Or(ops);
        default:
          return new Filter.Not(filter(entity, depth - 1, attributes));
      }
    }
  }
}
