package io.ormdb.protocol.lang.schema;

import io.ormdb.protocol.Suggestions;
import io.ormdb.protocol.lang.ParseException;
import io.ormdb.protocol.lang.ParseException.Problem;
import io.ormdb.protocol.lang.internal.ExpressionParser.NameRef;
import io.ormdb.protocol.lang.internal.Token;
import io.ormdb.protocol.lang.schema.SchemaSyntax.CheckNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.DefaultNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.EntityNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.EnumNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.FieldNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.ForeignKeyNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.IndexNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.OrderNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.PolicyNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.RelationNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.TypeNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.UniqueNode;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.EnumDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.PolicyDef;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a {@link SchemaSyntax} into a {@link SchemaBundle}, collecting every semantic problem with
 * its position, and throws them together. See {@code docs/schema-language.md} for each rule.
 */
final class SchemaChecker {
  static final Map<String, ValueType> SCALARS = new LinkedHashMap<>();

  static {
    for (ValueType t :
        List.of(
            ValueType.BOOL,
            ValueType.INT32,
            ValueType.INT64,
            ValueType.FLOAT32,
            ValueType.FLOAT64,
            ValueType.STRING,
            ValueType.BYTES,
            ValueType.TIMESTAMP,
            ValueType.DATE,
            ValueType.UUID,
            ValueType.JSON)) {
      SCALARS.put(t.displayName(), t);
    }
  }

  private final SchemaSyntax syntax;
  private final List<Problem> problems = new ArrayList<>();
  private final Map<String, EnumNode> enums = new LinkedHashMap<>();
  private final Map<String, EntityNode> entities = new LinkedHashMap<>();

  /** Well-typed fields per entity, in order. */
  private final Map<String, Map<String, FieldDef>> fields = new HashMap<>();

  /** The identity field per entity, when it has exactly one. */
  private final Map<String, String> identity = new HashMap<>();

  private final Map<String, Token> objectNames = new HashMap<>();

  /** Per foreign key "Holder.field->Referenced.field", the first relation using it. */
  private final Map<String, String[]> keyRules = new HashMap<>();

  SchemaChecker(SchemaSyntax syntax) {
    this.syntax = syntax;
  }

  SchemaBundle check() {
    declare();
    List<EnumDef> enumDefs = new ArrayList<>();
    for (EnumNode e : syntax.enums) {
      enumDefs.add(enumDef(e));
    }
    for (EntityNode e : syntax.entities) {
      resolveFields(e);
    }
    List<EntityDef> entityDefs = new ArrayList<>();
    List<RelationDef> relations = new ArrayList<>();
    List<ConstraintDef> constraints = new ArrayList<>();
    List<IndexDef> indexes = new ArrayList<>();
    for (EntityNode e : syntax.entities) {
      String name = e.name.value();
      List<OrderSpec> order = new ArrayList<>();
      for (OrderNode o : e.order) {
        if (knownField(name, o.field)) {
          order.add(new OrderSpec(o.field.value(), o.direction));
        }
      }
      entityDefs.add(
          new EntityDef(
              name,
              identity.getOrDefault(name, ""),
              new ArrayList<>(fields.get(name).values()),
              e.softDelete != null,
              order));
      Set<String> memberNames = new HashSet<>(fields.get(name).keySet());
      for (RelationNode r : e.relations) {
        if (!memberNames.add(r.name.value())) {
          problem(
              r.name,
              fields.get(name).containsKey(r.name.value())
                  ? "relation '" + r.name.value() + "' clashes with a field of entity " + name
                  : "duplicate relation '" + r.name.value() + "' in entity " + name);
          continue;
        }
        RelationDef rd = relation(e, r);
        if (rd != null) {
          relations.add(rd);
        }
      }
      int checks = 0;
      for (Object c : e.constraints) {
        ConstraintDef cd;
        if (c instanceof UniqueNode u) {
          cd = unique(e, u);
        } else if (c instanceof CheckNode ch) {
          checks++;
          cd = check(e, ch, checks);
        } else {
          cd = foreignKey(e, (ForeignKeyNode) c);
        }
        if (cd != null) {
          constraints.add(cd);
        }
      }
      for (IndexNode i : e.indexes) {
        IndexDef id = index(e, i);
        if (id != null) {
          indexes.add(id);
        }
      }
    }
    List<PolicyDef> policies = new ArrayList<>();
    Map<String, Token> policyNames = new HashMap<>();
    for (PolicyNode p : syntax.policies) {
      PolicyDef pd = policy(p, policyNames);
      if (pd != null) {
        policies.add(pd);
      }
    }
    if (!problems.isEmpty()) {
      throw new ParseException(problems);
    }
    return new SchemaBundle(0, enumDefs, entityDefs, relations, constraints, indexes, policies);
  }

  private void problem(Token at, String detail) {
    problems.add(new Problem(at.line(), at.column(), detail));
  }

  private static String pos(Token t) {
    return t.line() + ":" + t.column();
  }

  // ---- names ----

  private void declare() {
    Map<String, Token> typeNames = new HashMap<>();
    for (EnumNode e : syntax.enums) {
      declareType(e.name, typeNames, "enum");
      enums.putIfAbsent(e.name.value(), e);
    }
    for (EntityNode e : syntax.entities) {
      declareType(e.name, typeNames, "entity");
      entities.putIfAbsent(e.name.value(), e);
    }
  }

  private void declareType(Token name, Map<String, Token> seen, String what) {
    String n = name.value();
    Token first = seen.putIfAbsent(n, name);
    if (first != null) {
      problem(
          name, "duplicate " + what + " '" + n + "' (first declared at line " + pos(first) + ")");
    } else if (SCALARS.containsKey(n) || n.equals("decimal")) {
      problem(name, "'" + n + "' is a built-in type and cannot name an " + what);
    }
  }

  private EnumDef enumDef(EnumNode e) {
    Map<String, Token> seen = new HashMap<>();
    List<String> variants = new ArrayList<>();
    for (Token v : e.variants) {
      if (seen.putIfAbsent(v.value(), v) != null) {
        problem(v, "duplicate variant '" + v.value() + "' in enum " + e.name.value());
      } else {
        variants.add(v.value());
      }
    }
    if (e.variants.isEmpty()) {
      problem(e.name, "enum " + e.name.value() + " has no variants");
    }
    return new EnumDef(e.name.value(), variants);
  }

  private void declareObjectName(Token at, String name) {
    Token first = objectNames.putIfAbsent(name, at);
    if (first != null) {
      problem(
          at,
          "duplicate constraint or index name '"
              + name
              + "' (first used at line "
              + pos(first)
              + ")");
    }
  }

  // ---- fields ----

  private void resolveFields(EntityNode e) {
    String entity = e.name.value();
    Map<String, FieldDef> out = new LinkedHashMap<>();
    Map<String, Token> seen = new HashMap<>();
    Token idToken = null;
    String idField = null;
    for (FieldNode f : e.fields) {
      String name = f.name.value();
      Token first = seen.putIfAbsent(name, f.name);
      if (first != null) {
        problem(
            f.name,
            "duplicate field '"
                + name
                + "' in entity "
                + entity
                + " (first declared at line "
                + pos(first)
                + ")");
        continue;
      }
      FieldType type = type(f.type);
      boolean optional = f.type.optional;
      if (f.id != null) {
        if (idToken != null) {
          problem(
              f.id,
              "entity "
                  + entity
                  + " has more than one @id field ('"
                  + idField
                  + "' and '"
                  + name
                  + "')");
        } else {
          idToken = f.id;
          idField = name;
          if (optional) {
            problem(f.id, "the identity field '" + name + "' cannot be optional");
          }
          if (f.type.array) {
            problem(f.id, "the identity field '" + name + "' cannot be an array");
          }
        }
      }
      Sensitivity sensitivity = f.sensitivity == null ? Sensitivity.PUBLIC : f.sensitivity;
      if (f.mask != null && sensitivity == Sensitivity.PUBLIC) {
        problem(
            f.mask,
            "@mask needs a sensitivity above public: add @sensitive(..) to field '" + name + "'");
      }
      if (type == null) {
        continue;
      }
      DefaultValue dv = f.defaultValue == null ? null : defaultValue(f, type, optional);
      out.put(
          name,
          new FieldDef(
              name, type, optional, dv, f.unique != null, f.index != null, sensitivity, f.masking));
    }
    if (idToken == null) {
      problem(e.name, "entity " + entity + " has no identity field (mark one field with @id)");
    } else if (out.containsKey(idField)) {
      identity.put(entity, idField);
    }
    fields.put(entity, out);
  }

  private FieldType type(TypeNode t) {
    String n = t.name.value();
    if (!t.name.quoted() && n.equals("decimal")) {
      int p = parseInt(t.precision);
      int s = parseInt(t.scale);
      if (p < 1 || p > 38 || s < 0 || s > p) {
        problem(
            t.precision,
            "decimal(" + p + ", " + s + "): precision must be 1..38 and scale 0..precision");
        return null;
      }
      return new FieldType(ValueType.DECIMAL, t.array, p, s, null);
    }
    ValueType scalar = t.name.quoted() ? null : SCALARS.get(n);
    if (scalar != null) {
      return new FieldType(scalar, t.array, 0, 0, null);
    }
    if (enums.containsKey(n)) {
      return new FieldType(ValueType.ENUM, t.array, 0, 0, n);
    }
    if (entities.containsKey(n)) {
      problem(
          t.name,
          "'"
              + n
              + "' is an entity, not a field type: link to it with a relation"
              + " (relation <name>: many to one "
              + n
              + " by <keyField>)");
      return null;
    }
    List<String> candidates = new ArrayList<>(SCALARS.keySet());
    candidates.add("decimal");
    candidates.addAll(enums.keySet());
    problem(t.name, "unknown type '" + n + "'" + Suggestions.didYouMean(n, candidates));
    return null;
  }

  private static int parseInt(Token t) {
    try {
      return Integer.parseInt(t.text());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private DefaultValue defaultValue(FieldNode f, FieldType type, boolean optional) {
    DefaultNode d = f.defaultValue;
    String field = f.name.value();
    if (d.name != null) {
      String n = d.name.value();
      if (type.base() == ValueType.ENUM && !type.array()) {
        return variant(d.name, n, type.enumName())
            ? new DefaultValue.Literal(new Value.Enum(n))
            : null;
      }
      if (!d.name.quoted() && n.equals("now")) {
        if ((type.base() == ValueType.TIMESTAMP || type.base() == ValueType.DATE)
            && !type.array()) {
          return new DefaultValue.Now();
        }
        problem(
            d.name,
            "@default(now) needs a timestamp or date field, but '"
                + field
                + "' is "
                + type.render());
        return null;
      }
      if (!d.name.quoted() && n.equals("uuid")) {
        if (type.base() == ValueType.UUID && !type.array()) {
          return new DefaultValue.AutoUuid();
        }
        problem(
            d.name, "@default(uuid) needs a uuid field, but '" + field + "' is " + type.render());
        return null;
      }
      problem(
          d.name,
          "unknown default '"
              + n
              + "': write a literal, now or uuid"
              + Suggestions.didYouMean(n, List.of("now", "uuid")));
      return null;
    }
    Value v = d.literal;
    if (v.isNull()) {
      if (!optional) {
        problem(
            d.literalToken,
            "@default(null) needs an optional field, but '" + field + "' is required");
        return null;
      }
      return new DefaultValue.Literal(Value.NULL);
    }
    Value converted;
    if (type.array()) {
      converted = null;
      if (v instanceof Value.Array a) {
        List<Value> out = new ArrayList<>();
        for (Value element : a.elements()) {
          Value c = element.isNull() ? Value.NULL : convert(element, null, type);
          if (c == null) {
            out = null;
            break;
          }
          out.add(c);
        }
        if (out != null) {
          converted = new Value.Array(type.base(), out);
        }
      }
    } else {
      converted = v instanceof Value.Array ? null : convert(v, d.literalText, type);
    }
    if (converted == null) {
      if (type.base() == ValueType.ENUM && v instanceof Value.Str s && !type.array()) {
        variant(d.literalToken, s.value(), type.enumName());
        return null;
      }
      problem(d.literalToken, "default " + d.literalText + " is not a valid " + type.render());
      return null;
    }
    return new DefaultValue.Literal(converted);
  }

  private boolean variant(Token at, String variant, String enumName) {
    EnumNode e = enums.get(enumName);
    List<String> variants = new ArrayList<>();
    for (Token v : e.variants) {
      variants.add(v.value());
    }
    if (!variants.contains(variant)) {
      problem(
          at,
          "unknown variant '"
              + variant
              + "' of enum "
              + enumName
              + Suggestions.didYouMean(variant, variants));
      return false;
    }
    return true;
  }

  /** {@code v} as a value of the scalar {@code type}, or null when it does not fit. */
  private Value convert(Value v, String text, FieldType type) {
    try {
      switch (type.base()) {
        case BOOL:
          return v instanceof Value.Bool ? v : null;
        case INT32:
          return v instanceof Value.Int64 l && l.value() == (int) l.value()
              ? new Value.Int32((int) l.value())
              : null;
        case INT64:
          return v instanceof Value.Int64 ? v : null;
        case FLOAT32:
          if (!isNumber(v)) {
            return null;
          }
          float f =
              text != null
                  ? Float.parseFloat(text.replaceAll("\\s+", "").replaceAll("m$", ""))
                  : (float) v.asDouble();
          return Float.isFinite(f) ? new Value.Float32(f) : null;
        case FLOAT64:
          return isNumber(v) ? new Value.Float64(v.asDouble()) : null;
        case DECIMAL:
          if (!isNumber(v)) {
            return null;
          }
          BigDecimal bd =
              text != null
                  ? new BigDecimal(text.replaceAll("\\s+", "").replaceAll("m$", ""))
                  : v.asDecimal();
          bd = bd.setScale(type.scale(), RoundingMode.UNNECESSARY);
          return bd.precision() - bd.scale() <= type.precision() - type.scale()
              ? new Value.Decimal(bd)
              : null;
        case STRING:
          return v instanceof Value.Str ? v : null;
        case BYTES:
          if (v instanceof Value.Bytes) {
            return v;
          }
          // the older form, kept so existing schemas still parse: a string of hex digits
          if (v instanceof Value.Str s) {
            String hex = s.value().startsWith("0x") ? s.value().substring(2) : s.value();
            return new Value.Bytes(HexFormat.of().parseHex(hex));
          }
          return null;
        case TIMESTAMP:
          if (v instanceof Value.Str s) {
            return Value.Timestamp.of(Instant.parse(s.value()));
          }
          return v instanceof Value.Int64 l ? new Value.Timestamp(l.value()) : null;
        case DATE:
          return v instanceof Value.Str s ? Value.Date.of(LocalDate.parse(s.value())) : null;
        case UUID:
          return v instanceof Value.Str s ? Value.Uuid.of(UUID.fromString(s.value())) : null;
        case JSON:
          return v instanceof Value.Str s ? new Value.Json(s.value()) : null;
        case ENUM:
          if (v instanceof Value.Str s) {
            EnumNode e = enums.get(type.enumName());
            for (Token t : e.variants) {
              if (t.value().equals(s.value())) {
                return new Value.Enum(s.value());
              }
            }
          }
          return null;
        default:
          return null;
      }
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean isNumber(Value v) {
    return v instanceof Value.Int64 || v instanceof Value.Float64 || v instanceof Value.Decimal;
  }

  // ---- references ----

  private boolean knownField(String entity, Token field) {
    Map<String, FieldDef> fs = fields.get(entity);
    if (fs.containsKey(field.value())) {
      return true;
    }
    if (isDeclared(entity, field.value())) {
      return false; // declared but ill-typed: already reported
    }
    problem(
        field,
        "unknown field '"
            + field.value()
            + "' on entity "
            + entity
            + Suggestions.didYouMean(field.value(), fs.keySet()));
    return false;
  }

  private boolean isDeclared(String entity, String field) {
    for (FieldNode f : entities.get(entity).fields) {
      if (f.name.value().equals(field)) {
        return true;
      }
    }
    return false;
  }

  private String knownEntity(Token name, String role) {
    String n = name.value();
    if (entities.containsKey(n)) {
      return n;
    }
    if (enums.containsKey(n)) {
      problem(name, "'" + n + "' is an enum, not an entity");
      return null;
    }
    problem(
        name, "unknown entity '" + n + "'" + role + Suggestions.didYouMean(n, entities.keySet()));
    return null;
  }

  private boolean isKeyTarget(String entity, String field) {
    if (field.equals(identity.get(entity))) {
      return true;
    }
    FieldDef f = fields.get(entity).get(field);
    return f != null && f.unique();
  }

  private static boolean sameKeyType(FieldType a, FieldType b) {
    return a.base() == b.base()
        && !a.array()
        && !b.array()
        && a.precision() == b.precision()
        && a.scale() == b.scale()
        && java.util.Objects.equals(a.enumName(), b.enumName());
  }

  private void keyTypes(Token at, String what, String e1, String f1, String e2, String f2) {
    FieldType a = fields.get(e1).get(f1).type();
    FieldType b = fields.get(e2).get(f2).type();
    if (!sameKeyType(a, b)) {
      problem(
          at,
          "key types differ in "
              + what
              + ": "
              + e1
              + "."
              + f1
              + " is "
              + a.render()
              + ", "
              + e2
              + "."
              + f2
              + " is "
              + b.render());
    }
  }

  private RelationDef relation(EntityNode e, RelationNode r) {
    String source = e.name.value();
    String rel = "relation '" + r.name.value() + "'";
    String target = knownEntity(r.target, " in " + rel);
    Cardinality card = r.cardinality;
    boolean m2m = card == Cardinality.MANY_TO_MANY;
    if (m2m && r.through == null) {
      problem(
          r.name,
          "many-to-many "
              + rel
              + " needs an edge entity: through <Edge>(<keyToThis>, <keyToTarget>)");
      return null;
    }
    if (!m2m && r.through != null) {
      problem(r.through, "'through' is only for many-to-many relations");
      return null;
    }
    if (m2m && r.by != null) {
      problem(r.by, "a many-to-many relation has no 'by' key: its keys are on the edge entity");
      return null;
    }
    if (!m2m && r.by == null && r.fromField == null) {
      problem(r.name, rel + " needs a key: 'by <field>' or '(<fieldHere> -> <fieldOfTarget>)'");
      return null;
    }
    if (target == null) {
      return null;
    }
    String srcId = identity.get(source);
    String tgtId = identity.get(target);
    Token fromTok = r.fromField;
    Token toTok = r.toField;
    String from = fromTok == null ? null : fromTok.value();
    String to = toTok == null ? null : toTok.value();
    if (r.by != null) {
      String by = r.by.value();
      if (card == Cardinality.MANY_TO_ONE) {
        from = by;
        fromTok = r.by;
        to = tgtId;
      } else if (card == Cardinality.ONE_TO_MANY) {
        from = srcId;
        to = by;
        toTok = r.by;
      } else {
        boolean onSource = fields.get(source).containsKey(by) && !by.equals(srcId);
        boolean onTarget = fields.get(target).containsKey(by) && !by.equals(tgtId);
        if (onSource && onTarget) {
          problem(
              r.by,
              "the key '"
                  + by
                  + "' of "
                  + rel
                  + " is ambiguous: both "
                  + source
                  + " and "
                  + target
                  + " have it; write ("
                  + by
                  + " -> ...) or (... -> "
                  + by
                  + ")");
          return null;
        } else if (onSource) {
          from = by;
          fromTok = r.by;
          to = tgtId;
        } else if (onTarget) {
          from = srcId;
          to = by;
          toTok = r.by;
        } else {
          Set<String> candidates = new HashSet<>(fields.get(source).keySet());
          candidates.addAll(fields.get(target).keySet());
          problem(
              r.by,
              "unknown key field '"
                  + by
                  + "' of "
                  + rel
                  + ": neither "
                  + source
                  + " nor "
                  + target
                  + " has it"
                  + Suggestions.didYouMean(by, candidates));
          return null;
        }
      }
    } else if (m2m && from == null) {
      from = srcId;
      to = tgtId;
    }
    if (from == null || to == null) {
      return null; // an identity is missing: reported on its entity
    }
    boolean ok = fromTok == null || knownField(source, fromTok);
    ok &= toTok == null || knownField(target, toTok);
    if (!ok || !fields.get(source).containsKey(from) || !fields.get(target).containsKey(to)) {
      return null;
    }
    OnDelete onDelete =
        r.onDelete != null ? r.onDelete : (m2m ? OnDelete.CASCADE : OnDelete.RESTRICT);
    String edge = null;
    String edgeFrom = null;
    String edgeTo = null;
    if (m2m) {
      if (!isKeyTarget(source, from) || !isKeyTarget(target, to)) {
        String bad = !isKeyTarget(source, from) ? source + "." + from : target + "." + to;
        problem(
            r.name,
            rel + " must use identity or @unique fields as keys, but " + bad + " is neither");
        return null;
      }
      edge = knownEntity(r.through, " in " + rel);
      if (edge == null) {
        return null;
      }
      boolean edgeOk = knownField(edge, r.edgeFromField) & knownField(edge, r.edgeToField);
      if (!edgeOk) {
        return null;
      }
      edgeFrom = r.edgeFromField.value();
      edgeTo = r.edgeToField.value();
      keyTypes(r.edgeFromField, rel, edge, edgeFrom, source, from);
      keyTypes(r.edgeToField, rel, edge, edgeTo, target, to);
      if (onDelete == OnDelete.SET_NULL) {
        problem(r.onDeleteToken, "on delete set null does not apply to many-to-many relations");
      }
    } else {
      String holderEntity;
      String holderField;
      boolean referencedOk;
      String referenced;
      if (card == Cardinality.MANY_TO_ONE
          || (card == Cardinality.ONE_TO_ONE && !from.equals(srcId))) {
        holderEntity = source;
        holderField = from;
        referencedOk = isKeyTarget(target, to);
        referenced = target + "." + to;
      } else {
        holderEntity = target;
        holderField = to;
        referencedOk = isKeyTarget(source, from);
        referenced = source + "." + from;
      }
      if (!referencedOk) {
        problem(
            r.name,
            rel
                + " must reference an identity or @unique field, but "
                + referenced
                + " is neither");
        return null;
      }
      if (card == Cardinality.ONE_TO_ONE && !isKeyTarget(holderEntity, holderField)) {
        problem(
            r.name,
            rel
                + " is one to one, so its key "
                + holderEntity
                + "."
                + holderField
                + " must be @unique (or the identity): otherwise several "
                + holderEntity
                + " rows could refer to the same "
                + (holderEntity.equals(source) ? target : source)
                + " row");
        return null;
      }
      keyTypes(r.name, rel, source, from, target, to);
      String key =
          holderEntity.equals(source)
              ? source + "." + from + "->" + target + "." + to
              : target + "." + to + "->" + source + "." + from;
      String[] first =
          keyRules.putIfAbsent(key, new String[] {source + "." + r.name.value(), onDelete.name()});
      if (first != null && !first[1].equals(onDelete.name())) {
        problem(
            r.onDeleteToken != null ? r.onDeleteToken : r.name,
            rel
                + " uses the key "
                + holderEntity
                + "."
                + holderField
                + " like relation "
                + first[0]
                + " but says on delete "
                + rule(onDelete)
                + " where it says "
                + rule(OnDelete.valueOf(first[1]))
                + "; make them agree");
      }
      if (onDelete == OnDelete.SET_NULL && !fields.get(holderEntity).get(holderField).optional()) {
        problem(
            r.onDeleteToken,
            "on delete set null needs an optional key, but "
                + holderEntity
                + "."
                + holderField
                + " is required");
      }
    }
    return new RelationDef(
        r.name.value(), source, target, card, from, to, onDelete, edge, edgeFrom, edgeTo);
  }

  private static String rule(OnDelete d) {
    return d.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

  // ---- constraints and indexes ----

  private List<String> fieldList(String entity, List<Token> tokens, String what) {
    List<String> out = new ArrayList<>();
    boolean ok = true;
    for (Token t : tokens) {
      if (out.contains(t.value())) {
        problem(t, "field '" + t.value() + "' appears twice in " + what);
        ok = false;
      } else if (!knownField(entity, t)) {
        ok = false;
      }
      out.add(t.value());
    }
    return ok ? out : null;
  }

  private ConstraintDef unique(EntityNode e, UniqueNode u) {
    String entity = e.name.value();
    List<String> fs = fieldList(entity, u.fields, "a unique constraint");
    if (fs == null) {
      return null;
    }
    String name = u.name != null ? u.name.value() : entity + "_" + String.join("_", fs) + "_key";
    declareObjectName(u.name != null ? u.name : u.keyword, name);
    return new ConstraintDef.Unique(name, entity, fs);
  }

  private IndexDef index(EntityNode e, IndexNode i) {
    String entity = e.name.value();
    List<String> fs = fieldList(entity, i.fields, "an index");
    if (fs == null) {
      return null;
    }
    String name = i.name != null ? i.name.value() : entity + "_" + String.join("_", fs) + "_idx";
    declareObjectName(i.name != null ? i.name : i.keyword, name);
    return new IndexDef(name, entity, fs, i.kind, i.unique);
  }

  private ConstraintDef check(EntityNode e, CheckNode c, int ordinal) {
    String entity = e.name.value();
    boolean ok = true;
    for (NameRef ref : c.fieldRefs) {
      ok &= knownField(entity, ref.token());
    }
    for (NameRef ref : c.attributeRefs) {
      problem(
          ref.token(),
          "session attributes ($" + ref.name() + ") can only be used in policies, not in checks");
      ok = false;
    }
    String name = c.name != null ? c.name.value() : entity + "_check_" + ordinal;
    declareObjectName(c.name != null ? c.name : c.keyword, name);
    return ok ? new ConstraintDef.Check(name, entity, c.expression, c.source) : null;
  }

  private ConstraintDef foreignKey(EntityNode e, ForeignKeyNode fk) {
    String entity = e.name.value();
    String name = fk.name != null ? fk.name.value() : entity + "_" + fk.field.value() + "_fkey";
    declareObjectName(fk.name != null ? fk.name : fk.keyword, name);
    boolean ok = knownField(entity, fk.field);
    String ref = knownEntity(fk.references, " in a foreign key");
    if (!ok || ref == null) {
      return null;
    }
    String refField;
    if (fk.referencedField != null) {
      if (!knownField(ref, fk.referencedField)) {
        return null;
      }
      refField = fk.referencedField.value();
    } else {
      refField = identity.get(ref);
      if (refField == null) {
        return null;
      }
    }
    if (!isKeyTarget(ref, refField)) {
      problem(
          fk.references,
          "a foreign key must reference an identity or @unique field, but "
              + ref
              + "."
              + refField
              + " is neither");
      return null;
    }
    keyTypes(fk.field, "foreign key " + name, entity, fk.field.value(), ref, refField);
    if (fk.onDelete == OnDelete.SET_NULL && !fields.get(entity).get(fk.field.value()).optional()) {
      problem(
          fk.field,
          "on delete set null needs an optional key, but "
              + entity
              + "."
              + fk.field.value()
              + " is required");
    }
    return new ConstraintDef.ForeignKey(name, entity, fk.field.value(), ref, refField, fk.onDelete);
  }

  // ---- policies ----

  private PolicyDef policy(PolicyNode p, Map<String, Token> names) {
    String entity = knownEntity(p.entity, " in policy '" + p.name.value() + "'");
    if (entity == null) {
      return null;
    }
    Token first = names.putIfAbsent(entity + "." + p.name.value(), p.name);
    if (first != null) {
      problem(
          p.name,
          "duplicate policy '"
              + p.name.value()
              + "' on entity "
              + entity
              + " (first declared at line "
              + pos(first)
              + ")");
      return null;
    }
    boolean ok = true;
    for (NameRef ref : p.fieldRefs) {
      ok &= knownField(entity, ref.token());
    }
    return ok
        ? new PolicyDef(p.name.value(), entity, p.kind, p.operations, p.using, p.bypass)
        : null;
  }
}
