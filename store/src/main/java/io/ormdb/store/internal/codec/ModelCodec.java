package io.ormdb.store.internal.codec;

import io.ormdb.protocol.query.Expr;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.Computed;
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
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Binary encoding of the schema model (bundles, filters) for the catalog's history. Tags are
 * stable: add new ones, never renumber.
 */
public final class ModelCodec {
  private ModelCodec() {}

  private static final int FORMAT = 1;

  public static void writeBundle(SchemaBundle s, Buf out) {
    out.put(FORMAT).putVarLong(s.version());
    out.putVarInt(s.enums().size());
    for (EnumDef e : s.enums()) {
      out.putString(e.name());
      strings(out, e.variants());
    }
    out.putVarInt(s.entities().size());
    for (EntityDef e : s.entities()) {
      out.putString(e.name()).putString(e.identityField()).put(e.softDelete() ? 1 : 0);
      out.putVarInt(e.fields().size());
      for (FieldDef f : e.fields()) {
        writeField(f, out);
      }
      out.putVarInt(e.defaultOrder().size());
      for (OrderSpec o : e.defaultOrder()) {
        // direction in bit 0, nulls placement above it: a catalog written before placements
        // existed reads as DEFAULT
        out.putString(o.field()).put(o.direction().ordinal() | (o.nulls().ordinal() << 1));
      }
    }
    out.putVarInt(s.relations().size());
    for (RelationDef r : s.relations()) {
      out.putString(r.name()).putString(r.fromEntity()).putString(r.toEntity());
      out.put(r.cardinality().ordinal()).putString(r.fromField()).putString(r.toField());
      out.put(r.onDelete().ordinal());
      nullable(out, r.edgeEntity());
      nullable(out, r.edgeFromField());
      nullable(out, r.edgeToField());
    }
    out.putVarInt(s.constraints().size());
    for (ConstraintDef c : s.constraints()) {
      if (c instanceof ConstraintDef.Unique u) {
        out.put(1).putString(u.name()).putString(u.entity());
        strings(out, u.fields());
      } else if (c instanceof ConstraintDef.ForeignKey fk) {
        out.put(2).putString(fk.name()).putString(fk.entity()).putString(fk.field());
        out.putString(fk.references()).putString(fk.referencedField());
        out.put(fk.onDelete().ordinal());
      } else {
        ConstraintDef.Check ck = (ConstraintDef.Check) c;
        out.put(3).putString(ck.name()).putString(ck.entity());
        writeFilter(ck.expression(), out);
        nullable(out, ck.source());
      }
    }
    out.putVarInt(s.indexes().size());
    for (IndexDef i : s.indexes()) {
      out.putString(i.name()).putString(i.entity());
      strings(out, i.fields());
      out.put(i.kind().ordinal()).put(i.unique() ? 1 : 0);
    }
    out.putVarInt(s.policies().size());
    for (PolicyDef p : s.policies()) {
      out.putString(p.name()).putString(p.entity()).put(p.kind().ordinal());
      out.putVarInt(p.operations().size());
      for (PolicyDef.Operation op : p.operations()) {
        out.put(op.ordinal());
      }
      writeFilter(p.using(), out);
      nullable(out, p.bypassCapability());
    }
  }

  public static SchemaBundle readBundle(Buf.In in) {
    int format = in.get();
    if (format != FORMAT) {
      throw new IllegalStateException("unknown schema format " + format);
    }
    long version = in.getVarLong();
    int n = in.getVarInt();
    List<EnumDef> enums = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      enums.add(new EnumDef(in.getString(), strings(in)));
    }
    n = in.getVarInt();
    List<EntityDef> entities = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = in.getString();
      String identity = in.getString();
      boolean soft = in.get() == 1;
      int nf = in.getVarInt();
      List<FieldDef> fields = new ArrayList<>(nf);
      for (int j = 0; j < nf; j++) {
        fields.add(readField(in));
      }
      int no = in.getVarInt();
      List<OrderSpec> order = new ArrayList<>(no);
      for (int j = 0; j < no; j++) {
        String field = in.getString();
        int b = in.get();
        order.add(
            new OrderSpec(
                field, OrderSpec.Direction.values()[b & 1], OrderSpec.Nulls.values()[b >>> 1]));
      }
      entities.add(new EntityDef(name, identity, fields, soft, order));
    }
    n = in.getVarInt();
    List<RelationDef> relations = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = in.getString();
      String from = in.getString();
      String to = in.getString();
      Cardinality card = Cardinality.values()[in.get()];
      String fromField = in.getString();
      String toField = in.getString();
      OnDelete od = OnDelete.values()[in.get()];
      relations.add(
          new RelationDef(
              name,
              from,
              to,
              card,
              fromField,
              toField,
              od,
              nullable(in),
              nullable(in),
              nullable(in)));
    }
    n = in.getVarInt();
    List<ConstraintDef> constraints = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int tag = in.get();
      if (tag == 1) {
        constraints.add(new ConstraintDef.Unique(in.getString(), in.getString(), strings(in)));
      } else if (tag == 2) {
        constraints.add(
            new ConstraintDef.ForeignKey(
                in.getString(),
                in.getString(),
                in.getString(),
                in.getString(),
                in.getString(),
                OnDelete.values()[in.get()]));
      } else {
        String name = in.getString();
        String entity = in.getString();
        Filter f = readFilter(in);
        constraints.add(new ConstraintDef.Check(name, entity, f, nullable(in)));
      }
    }
    n = in.getVarInt();
    List<IndexDef> indexes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = in.getString();
      String entity = in.getString();
      List<String> fields = strings(in);
      IndexDef.Kind kind = IndexDef.Kind.values()[in.get()];
      indexes.add(new IndexDef(name, entity, fields, kind, in.get() == 1));
    }
    n = in.getVarInt();
    List<PolicyDef> policies = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = in.getString();
      String entity = in.getString();
      PolicyDef.Kind kind = PolicyDef.Kind.values()[in.get()];
      int no = in.getVarInt();
      Set<PolicyDef.Operation> ops = EnumSet.noneOf(PolicyDef.Operation.class);
      for (int j = 0; j < no; j++) {
        ops.add(PolicyDef.Operation.values()[in.get()]);
      }
      Filter using = readFilter(in);
      policies.add(new PolicyDef(name, entity, kind, ops, using, nullable(in)));
    }
    return new SchemaBundle(version, enums, entities, relations, constraints, indexes, policies);
  }

  private static void writeField(FieldDef f, Buf out) {
    out.putString(f.name());
    FieldType t = f.type();
    out.put(t.base().ordinal())
        .put(t.array() ? 1 : 0)
        .putVarInt(t.precision())
        .putVarInt(t.scale());
    nullable(out, t.enumName());
    out.put(f.optional() ? 1 : 0).put(f.unique() ? 1 : 0).put(f.indexed() ? 1 : 0);
    DefaultValue d = f.defaultValue();
    if (d == null) {
      out.put(0);
    } else if (d instanceof DefaultValue.Literal l) {
      out.put(1);
      ValueCodec.write(l.value(), out);
    } else if (d instanceof DefaultValue.Now) {
      out.put(2);
    } else {
      out.put(3);
    }
    out.put(f.sensitivity().ordinal());
    Masking m = f.masking();
    // the masking's tag; COMPUTED set in it when a computation follows the field (a catalog
    // written before computed fields existed never sets it)
    int computed = f.computed() == null ? 0 : COMPUTED;
    if (m == null) {
      out.put(computed);
    } else if (m instanceof Masking.Omit) {
      out.put(1 | computed);
    } else if (m instanceof Masking.Nullify) {
      out.put(2 | computed);
    } else if (m instanceof Masking.Redact r) {
      out.put(3 | computed).putString(r.replacement());
    } else if (m instanceof Masking.Partial p) {
      out.put(4 | computed)
          .putVarInt(p.visibleChars())
          .put(p.fromEnd() ? 1 : 0)
          .putVarInt(p.maskChar());
    } else {
      out.put(5 | computed);
    }
    if (f.computed() != null) {
      out.put(f.computed().stored() ? 1 : 0);
      writeExpr(f.computed().expression(), out);
    }
  }

  /** Set in a field's masking tag when the field is computed. */
  private static final int COMPUTED = 0x10;

  static void writeExpr(Expr e, Buf out) {
    if (e instanceof Expr.Field f) {
      out.put(1).putString(f.name());
    } else if (e instanceof Expr.Literal l) {
      out.put(2);
      ValueCodec.write(l.value(), out);
    } else if (e instanceof Expr.Call c) {
      out.put(3).putString(c.function()).putVarInt(c.args().size());
      c.args().forEach(a -> writeExpr(a, out));
    } else {
      Expr.If i = (Expr.If) e;
      out.put(4);
      writeFilter(i.condition(), out);
      writeExpr(i.then(), out);
      writeExpr(i.otherwise(), out);
    }
  }

  static Expr readExpr(Buf.In in) {
    int tag = in.get();
    switch (tag) {
      case 1:
        return new Expr.Field(in.getString());
      case 2:
        return new Expr.Literal(ValueCodec.read(in));
      case 3:
        {
          String function = in.getString();
          int n = in.getVarInt();
          List<Expr> args = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            args.add(readExpr(in));
          }
          return new Expr.Call(function, args);
        }
      default:
        {
          Filter condition = readFilter(in);
          Expr then = readExpr(in);
          return new Expr.If(condition, then, readExpr(in));
        }
    }
  }

  private static FieldDef readField(Buf.In in) {
    String name = in.getString();
    ValueType base = ValueType.values()[in.get()];
    boolean array = in.get() == 1;
    int precision = in.getVarInt();
    int scale = in.getVarInt();
    FieldType type = new FieldType(base, array, precision, scale, nullable(in));
    boolean optional = in.get() == 1;
    boolean unique = in.get() == 1;
    boolean indexed = in.get() == 1;
    int dt = in.get();
    DefaultValue d =
        switch (dt) {
          case 0 -> null;
          case 1 -> new DefaultValue.Literal(ValueCodec.read(in));
          case 2 -> new DefaultValue.Now();
          default -> new DefaultValue.AutoUuid();
        };
    Sensitivity sens = Sensitivity.values()[in.get()];
    int tag = in.get();
    int mt = tag & ~COMPUTED;
    Masking m =
        switch (mt) {
          case 0 -> null;
          case 1 -> new Masking.Omit();
          case 2 -> new Masking.Nullify();
          case 3 -> new Masking.Redact(in.getString());
          case 4 -> new Masking.Partial(in.getVarInt(), in.get() == 1, (char) in.getVarInt());
          default -> new Masking.Hash();
        };
    Computed computed = null;
    if ((tag & COMPUTED) != 0) {
      boolean stored = in.get() == 1;
      computed = new Computed(readExpr(in), stored);
    }
    return new FieldDef(name, type, optional, d, unique, indexed, sens, m, computed);
  }

  static void writeFilter(Filter f, Buf out) {
    if (f instanceof Filter.Compare c) {
      out.put(1).putString(c.field()).put(c.op().ordinal());
      ValueCodec.write(c.value(), out);
    } else if (f instanceof Filter.In in) {
      out.put(2).putString(in.field()).put(in.negated() ? 1 : 0).putVarInt(in.values().size());
      for (Value v : in.values()) {
        ValueCodec.write(v, out);
      }
    } else if (f instanceof Filter.IsNull n) {
      out.put(3).putString(n.field()).put(n.negated() ? 1 : 0);
    } else if (f instanceof Filter.Like l) {
      out.put(4).putString(l.field()).putString(l.pattern()).put(l.negated() ? 1 : 0);
    } else if (f instanceof Filter.And a) {
      out.put(5).putVarInt(a.operands().size());
      a.operands().forEach(o -> writeFilter(o, out));
    } else if (f instanceof Filter.Or o) {
      out.put(6).putVarInt(o.operands().size());
      o.operands().forEach(x -> writeFilter(x, out));
    } else if (f instanceof Filter.Not n) {
      out.put(7);
      writeFilter(n.operand(), out);
    } else if (f instanceof Filter.AttrCompare a) {
      out.put(8).putString(a.field()).put(a.op().ordinal()).putString(a.attribute());
    } else {
      out.put(9).put(((Filter.Const) f).value() ? 1 : 0);
    }
  }

  static Filter readFilter(Buf.In in) {
    int tag = in.get();
    switch (tag) {
      case 1:
        {
          String field = in.getString();
          Filter.Op op = Filter.Op.values()[in.get()];
          return new Filter.Compare(field, op, ValueCodec.read(in));
        }
      case 2:
        {
          String field = in.getString();
          boolean neg = in.get() == 1;
          int n = in.getVarInt();
          List<Value> values = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            values.add(ValueCodec.read(in));
          }
          return new Filter.In(field, values, neg);
        }
      case 3:
        return new Filter.IsNull(in.getString(), in.get() == 1);
      case 4:
        return new Filter.Like(in.getString(), in.getString(), in.get() == 1);
      case 5:
      case 6:
        {
          int n = in.getVarInt();
          List<Filter> ops = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            ops.add(readFilter(in));
          }
          return tag == 5 ? new Filter.And(ops) : new Filter.Or(ops);
        }
      case 7:
        return new Filter.Not(readFilter(in));
      case 8:
        return new Filter.AttrCompare(in.getString(), Filter.Op.values()[in.get()], in.getString());
      default:
        return new Filter.Const(in.get() == 1);
    }
  }

  private static void strings(Buf out, List<String> items) {
    out.putVarInt(items.size());
    for (String s : items) {
      out.putString(s);
    }
  }

  private static List<String> strings(Buf.In in) {
    int n = in.getVarInt();
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(in.getString());
    }
    return out;
  }

  private static void nullable(Buf out, String s) {
    if (s == null) {
      out.put(0);
    } else {
      out.put(1).putString(s);
    }
  }

  private static String nullable(Buf.In in) {
    return in.get() == 0 ? null : in.getString();
  }
}
