package io.ormdb.protocol.lang.schema;

import io.ormdb.protocol.OrmDbException;
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
import io.ormdb.protocol.schema.Computed;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.EnumDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.FieldValues;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.PolicyDef;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.SchemaProblem;
import io.ormdb.protocol.schema.SchemaProblem.Part;
import io.ormdb.protocol.schema.SchemaRules;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a {@link SchemaSyntax} into a {@link SchemaBundle} and checks it, collecting every problem
 * with its position, and throws them together.
 *
 * <p>It checks what only text can get wrong (type names, two {@code @id} fields, a default that is
 * not a literal, {@code now} or {@code uuid}, relation keys written with {@code by}), builds the
 * bundle as written, and checks that with {@link SchemaRules} — the rules every schema follows,
 * however it was made — placing each of their problems at the token that wrote the part it is
 * about. See {@code docs/schema-language.md} for each rule.
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

  /** The type of a field whose declared type is wrong (reported): any type serves. */
  private static final FieldType ILL_TYPED = FieldType.of(ValueType.STRING);

  private final SchemaSyntax syntax;
  private final List<Problem> problems = new ArrayList<>();

  /** The first declaration of each name. */
  private final Map<String, EnumNode> enums = new LinkedHashMap<>();

  private final Map<String, EntityNode> entities = new LinkedHashMap<>();

  /** The fields of each entity declaration, as built. */
  private final Map<EntityNode, List<FieldDef>> fields = new IdentityHashMap<>();

  /** The identity field of each entity declaration, when it has one. */
  private final Map<EntityNode, String> identity = new IdentityHashMap<>();

  /** The token of the {@code @id} of each entity declaration's identity. */
  private final Map<EntityNode, Token> identityTokens = new IdentityHashMap<>();

  /** "Entity.field" of the fields whose type is wrong (reported), typed {@link #ILL_TYPED}. */
  private final Set<String> illTyped = new HashSet<>();

  /** Where each declaration of the bundle was written. */
  private final Map<Object, Source> sources = new IdentityHashMap<>();

  /** Per scope and name, the name tokens of every declaration with that name. */
  private final Map<String, List<Token>> declarations = new HashMap<>();

  /** The enums, for converting defaults. */
  private SchemaBundle enumsOnly;

  /**
   * The edge entities declared by the link fields of a relation ({@code through E(a, b) { ... }}),
   * each with the entity and relation that declare it.
   */
  private final Map<EntityNode, ImplicitEdge> implicitEdges = new IdentityHashMap<>();

  private record ImplicitEdge(EntityNode owner, RelationNode relation) {}

  /** The tokens that wrote one declaration of the bundle, by the part they wrote. */
  private static final class Source {
    final Token name;

    /** What a repeat of its name would be a repeat of: {@code scope:name}. */
    final String declaration;

    final Map<Part, Token> parts = new EnumMap<>(Part.class);
    final Map<Part, List<Token>> lists = new EnumMap<>(Part.class);

    /** Per field (EXPRESSION) or session attribute (ATTRIBUTE), where it is first read. */
    final Map<Part, Map<String, Token>> refs = new EnumMap<>(Part.class);

    Source(Token name, String declaration) {
      this.name = name;
      this.declaration = declaration;
    }

    Source part(Part p, Token t) {
      if (t != null) {
        parts.put(p, t);
      }
      return this;
    }

    Source list(Part p, List<Token> tokens) {
      lists.put(p, tokens);
      return this;
    }

    Source refs(Part p, List<NameRef> names) {
      Map<String, Token> m = new HashMap<>();
      for (NameRef r : names) {
        m.putIfAbsent(r.name(), r.token());
      }
      refs.put(p, m);
      return this;
    }
  }

  SchemaChecker(SchemaSyntax syntax) {
    this.syntax = syntax;
  }

  SchemaBundle check() {
    List<EnumDef> enumDefs = new ArrayList<>();
    for (EnumNode e : syntax.enums) {
      enums.putIfAbsent(e.name.value(), e);
      List<String> variants = new ArrayList<>();
      for (Token v : e.variants) {
        variants.add(v.value());
      }
      EnumDef def = new EnumDef(e.name.value(), variants);
      source(def, e.name, "type", def.name()).list(Part.VARIANT, e.variants);
      enumDefs.add(def);
    }
    enumsOnly =
        new SchemaBundle(0, enumDefs, List.of(), List.of(), List.of(), List.of(), List.of());
    for (EntityNode e : syntax.entities) {
      entities.putIfAbsent(e.name.value(), e);
    }
    implicitEdges();
    for (int i = 0; i < syntax.entities.size(); i++) {
      fields(syntax.entities.get(i), i);
    }
    List<EntityDef> entityDefs = new ArrayList<>();
    List<RelationDef> relations = new ArrayList<>();
    List<ConstraintDef> constraints = new ArrayList<>();
    List<IndexDef> indexes = new ArrayList<>();
    for (EntityNode e : syntax.entities) {
      entityDefs.add(entity(e));
      for (RelationNode r : e.relations) {
        RelationDef rd = relation(e, r);
        if (rd != null) {
          relations.add(rd);
        }
      }
      int checks = 0;
      for (Object c : e.constraints) {
        if (c instanceof UniqueNode u) {
          constraints.add(unique(e, u));
        } else if (c instanceof CheckNode ch) {
          checks++;
          constraints.add(check(e, ch, checks));
        } else {
          constraints.add(foreignKey(e, (ForeignKeyNode) c));
        }
      }
      for (IndexNode i : e.indexes) {
        indexes.add(index(e, i));
      }
    }
    List<PolicyDef> policies = new ArrayList<>();
    for (PolicyNode p : syntax.policies) {
      policies.add(policy(p));
    }
    SchemaBundle bundle =
        new SchemaBundle(0, enumDefs, entityDefs, relations, constraints, indexes, policies);
    for (SchemaProblem p : SchemaRules.check(bundle)) {
      place(p);
    }
    if (!problems.isEmpty()) {
      throw new ParseException(problems);
    }
    return bundle;
  }

  private void problem(Token at, String detail) {
    problems.add(new Problem(at.line(), at.column(), detail));
  }

  private static String pos(Token t) {
    return t.line() + ":" + t.column();
  }

  /**
   * Records that {@code element}, named {@code name} in {@code scope} (names repeat within a
   * scope), was written at {@code at}.
   */
  private Source source(Object element, Token at, String scope, String name) {
    String declaration = scope + ":" + name;
    Source s = new Source(at, declaration);
    sources.put(element, s);
    declarations.computeIfAbsent(declaration, k -> new ArrayList<>()).add(at);
    return s;
  }

  // ---- placing the problems SchemaRules finds ----

  private void place(SchemaProblem p) {
    Source src = sources.get(p.element());
    if (src == null) {
      throw new IllegalStateException("no source for " + p);
    }
    if (p.part() == Part.KEY_TYPES && usesIllTyped(p.element())) {
      return; // the wrong type is reported where it is declared
    }
    if (p.part() == Part.REFERENCED_FIELD && !src.parts.containsKey(Part.REFERENCED_FIELD)) {
      return; // the referenced entity has no identity: reported on that entity
    }
    Token at;
    String detail = p.message();
    switch (p.part()) {
      case DUPLICATE -> {
        at = src.name;
        Token other = null;
        for (Token t : declarations.get(src.declaration)) {
          if (t != at && (other == null || before(t, other))) {
            other = t;
          }
        }
        if (other != null) {
          String verb = src.declaration.startsWith("object:") ? "used" : "declared";
          detail +=
              (before(other, at) ? " (first " : " (also ") + verb + " at line " + pos(other) + ")";
        }
      }
      case VARIANT, ORDER, FIELDS -> at = src.lists.get(p.part()).get(p.index());
      case EXPRESSION, ATTRIBUTE ->
          at =
              p.name() == null ? src.name : src.refs.get(p.part()).getOrDefault(p.name(), src.name);
      case COMPUTED, COMPUTED_ATTRIBUTE -> {
        Token whole = src.parts.getOrDefault(p.part(), src.name);
        at =
            p.name() == null
                ? whole
                : src.refs.getOrDefault(p.part(), Map.of()).getOrDefault(p.name(), whole);
      }
      case KEY_TYPES ->
          at =
              src.parts.getOrDefault(
                  p.index() == 0
                      ? Part.EDGE_FROM_FIELD
                      : (p.index() == 1 ? Part.EDGE_TO_FIELD : Part.KEY_TYPES),
                  src.name);
      default -> at = src.parts.getOrDefault(p.part(), src.name);
    }
    problem(at, detail);
  }

  private static boolean before(Token a, Token b) {
    return a.line() < b.line() || (a.line() == b.line() && a.column() < b.column());
  }

  private boolean usesIllTyped(Object element) {
    if (element instanceof RelationDef r) {
      return illTyped.contains(r.fromEntity() + "." + r.fromField())
          || illTyped.contains(r.toEntity() + "." + r.toField())
          || illTyped.contains(r.edgeEntity() + "." + r.edgeFromField())
          || illTyped.contains(r.edgeEntity() + "." + r.edgeToField());
    }
    ConstraintDef.ForeignKey fk = (ConstraintDef.ForeignKey) element;
    return illTyped.contains(fk.entity() + "." + fk.field())
        || illTyped.contains(fk.references() + "." + fk.referencedField());
  }

  // ---- edge entities declared by link fields ----

  /**
   * Declares the edge entity of every many-to-many relation written with link fields ({@code
   * through MovieCast(movie_id, person_id) { list_order int32? }}), after the declared entities:
   * its identity (an int64 {@code id}, unless a link field is marked {@code @id}), the two keys
   * typed as the fields they reference, the link fields, and {@code unique (a, b)}. An edge
   * declared both ways — as an entity too, or by the link fields of another relation — is refused.
   */
  private void implicitEdges() {
    List<EntityNode> declared = new ArrayList<>();
    for (EntityNode e : syntax.entities) {
      for (RelationNode r : e.relations) {
        if (r.linkFields == null) {
          continue;
        }
        String edge = r.through.value();
        EntityNode other = entities.get(edge);
        if (other != null) {
          ImplicitEdge first = implicitEdges.get(other);
          problem(
              r.through,
              first != null
                  ? "edge entity '"
                      + edge
                      + "' is declared twice: by the link fields of relation "
                      + first.owner().name.value()
                      + "."
                      + first.relation().name.value()
                      + " (line "
                      + pos(first.relation().linkOpen)
                      + ") and here; write this relation without '{ ... }'"
                  : "edge entity '"
                      + edge
                      + "' is declared twice: as entity "
                      + edge
                      + " (line "
                      + pos(other.name)
                      + ") and by the link fields of relation '"
                      + r.name.value()
                      + "' here; declare its link fields in the entity, or drop the entity");
          continue;
        }
        EntityNode node = new EntityNode();
        node.name = r.through;
        node.fields.addAll(r.linkFields);
        UniqueNode pair = new UniqueNode();
        pair.keyword = r.through;
        pair.fields.add(r.edgeFromField);
        pair.fields.add(r.edgeToField);
        node.constraints.add(pair);
        implicitEdges.put(node, new ImplicitEdge(e, r));
        entities.put(edge, node);
        declared.add(node);
      }
    }
    syntax.entities.addAll(declared);
  }

  /**
   * The fields an edge entity declared by link fields gets before them: its identity (unless a link
   * field is the identity) and its two keys. A link field that repeats one of their names is
   * refused.
   */
  private void edgeFields(EntityNode e, ImplicitEdge edge, int declaration, List<FieldDef> out) {
    RelationNode r = edge.relation();
    String entity = e.name.value();
    boolean ownIdentity = false;
    for (FieldNode f : e.fields) {
      ownIdentity |= f.id != null;
    }
    if (!ownIdentity) {
      FieldDef id = FieldDef.of("id", FieldType.of(ValueType.INT64));
      source(id, r.through, "field " + declaration, id.name());
      identity.put(e, id.name());
      identityTokens.put(e, r.through);
      out.add(id);
    }
    String target = r.target.value();
    EntityNode targetNode = entities.get(target);
    out.add(
        edgeKey(
            entity,
            r.edgeFromField,
            edge.owner(),
            r.fromField != null ? r.fromField.value() : identity.get(edge.owner()),
            declaration));
    if (r.edgeToField.value().equals(r.edgeFromField.value())) {
      problem(
          r.edgeToField,
          "the two keys of edge entity "
              + entity
              + " need different names, both are '"
              + r.edgeToField.value()
              + "'");
    } else {
      out.add(
          edgeKey(
              entity,
              r.edgeToField,
              targetNode,
              r.toField != null
                  ? r.toField.value()
                  : (targetNode == null ? null : identity.get(targetNode)),
              declaration));
    }
    for (FieldNode f : e.fields) {
      String n = f.name.value();
      if (n.equals(r.edgeFromField.value()) || n.equals(r.edgeToField.value())) {
        problem(
            f.name,
            "'"
                + n
                + "' is a key of edge entity "
                + entity
                + " (through "
                + entity
                + "("
                + r.edgeFromField.value()
                + ", "
                + r.edgeToField.value()
                + ")), not a link field");
      } else if (!ownIdentity && n.equals("id")) {
        problem(
            f.name,
            "'id' is the identity edge entity "
                + entity
                + " gets; mark this link field @id to make it the identity, or name it"
                + " differently");
      }
    }
  }

  /** An edge's key, typed as the field it references ({@code referenced} of {@code node}). */
  private FieldDef edgeKey(
      String entity, Token name, EntityNode node, String referenced, int declaration) {
    FieldDef ref = null;
    if (node != null && referenced != null) {
      for (FieldDef f : fields.getOrDefault(node, List.of())) {
        if (f.name().equals(referenced)) {
          ref = f;
          break;
        }
      }
    }
    FieldType type;
    if (ref == null || illTyped.contains(node.name.value() + "." + referenced)) {
      type = ILL_TYPED; // what it references is unknown or wrong: reported there
      illTyped.add(entity + "." + name.value());
    } else {
      type = ref.type();
    }
    FieldDef key = FieldDef.of(name.value(), type);
    source(key, name, "field " + declaration, key.name());
    return key;
  }

  // ---- entities and fields ----

  private void fields(EntityNode e, int declaration) {
    String entity = e.name.value();
    List<FieldDef> out = new ArrayList<>();
    ImplicitEdge edge = implicitEdges.get(e);
    if (edge != null) {
      edgeFields(e, edge, declaration, out);
    }
    for (FieldNode f : e.fields) {
      String name = f.name.value();
      if (edge != null
          && (name.equals(edge.relation().edgeFromField.value())
              || name.equals(edge.relation().edgeToField.value())
              || (name.equals("id") && f.id == null))) {
        continue; // refused in edgeFields
      }
      FieldType type = type(f.type);
      if (type == null) {
        type = ILL_TYPED;
        illTyped.add(entity + "." + name);
      }
      if (f.id != null) {
        if (identity.containsKey(e)) {
          problem(
              f.id,
              "entity "
                  + entity
                  + " has more than one @id field ('"
                  + identity.get(e)
                  + "' and '"
                  + name
                  + "')");
        } else {
          identity.put(e, name);
          identityTokens.put(e, f.id);
        }
      }
      DefaultValue dv =
          f.defaultValue == null || type == ILL_TYPED ? null : defaultValue(entity, f, type);
      if (f.stored != null && f.expression == null) {
        problem(
            f.stored,
            "@stored is for computed fields: write '" + name + " <type> = <expression> @stored'");
      }
      Computed computed =
          f.expression == null ? null : new Computed(f.expression, f.stored != null);
      FieldDef fd =
          new FieldDef(
              name,
              type,
              f.type.optional,
              dv,
              f.unique != null,
              f.index != null,
              f.sensitivity,
              f.masking,
              computed);
      DefaultNode d = f.defaultValue;
      List<NameRef> attributes = new ArrayList<>();
      for (Map.Entry<String, Token> a : attributeTokens(f).entrySet()) {
        attributes.add(new NameRef(a.getKey(), a.getValue()));
      }
      source(fd, f.name, "field " + declaration, name)
          .part(Part.DEFAULT, d == null ? null : (d.name != null ? d.name : d.literalToken))
          .part(Part.MASK, f.mask)
          .part(Part.COMPUTED, f.assign)
          .refs(Part.COMPUTED, computedRefs(f))
          .refs(Part.COMPUTED_ATTRIBUTE, attributes);
      out.add(fd);
    }
    fields.put(e, out);
  }

  /** The fields a computed field's expression reads, and its session attributes as {@code $a}. */
  private static List<NameRef> computedRefs(FieldNode f) {
    List<NameRef> out = new ArrayList<>(f.expressionRefs);
    for (NameRef a : f.expressionAttributes) {
      out.add(new NameRef("$" + a.name(), a.token()));
    }
    return out;
  }

  /** The {@code @} tokens of a field's attributes a computed field may not have, by name. */
  private static Map<String, Token> attributeTokens(FieldNode f) {
    Map<String, Token> out = new LinkedHashMap<>();
    if (f.id != null) {
      out.put("id", f.id);
    }
    if (f.unique != null) {
      out.put("unique", f.unique);
    }
    if (f.index != null) {
      out.put("index", f.index);
    }
    if (f.defaultValue != null) {
      out.put("default", f.defaultValue.at);
    }
    return out;
  }

  private EntityDef entity(EntityNode e) {
    String name = e.name.value();
    List<OrderSpec> order = new ArrayList<>();
    List<Token> orderTokens = new ArrayList<>();
    for (OrderNode o : e.order) {
      order.add(new OrderSpec(o.field.value(), o.direction, o.nulls));
      orderTokens.add(o.field);
    }
    EntityDef def =
        new EntityDef(
            name, identity.getOrDefault(e, ""), fields.get(e), e.softDelete != null, order);
    source(def, e.name, "type", name)
        .part(Part.IDENTITY, identityTokens.get(e))
        .list(Part.ORDER, orderTokens);
    return def;
  }

  /** The fields of the first declaration of {@code entity}, by name. */
  private Map<String, FieldDef> fieldsOf(String entity) {
    Map<String, FieldDef> out = new HashMap<>();
    for (FieldDef f : fields.get(entities.get(entity))) {
      out.putIfAbsent(f.name(), f);
    }
    return out;
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
    problem(t.name, SchemaRules.unknownType(n, candidates));
    return null;
  }

  private static int parseInt(Token t) {
    try {
      return Integer.parseInt(t.text());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The default as written: {@code now}, {@code uuid}, a variant name, or a literal converted to
   * the field's type — kept as written when it does not convert, for {@link SchemaRules} to report.
   */
  private DefaultValue defaultValue(String entity, FieldNode f, FieldType type) {
    DefaultNode d = f.defaultValue;
    if (d.name != null) {
      String n = d.name.value();
      if (type.base() == ValueType.ENUM && !type.array()) {
        return new DefaultValue.Literal(new Value.Enum(n));
      }
      if (!d.name.quoted() && n.equals("now")) {
        return new DefaultValue.Now();
      }
      if (!d.name.quoted() && n.equals("uuid")) {
        return new DefaultValue.AutoUuid();
      }
      problem(
          d.name,
          "unknown default '"
              + n
              + "': write a literal, now or uuid"
              + Suggestions.didYouMean(n, List.of("now", "uuid")));
      return null;
    }
    Value v = asWritten(d.literal, d.literalText, type);
    try {
      v = FieldValues.convert(enumsOnly, entity, FieldDef.of(f.name.value(), type), v);
    } catch (OrmDbException notValid) {
      // reported by SchemaRules
    }
    return new DefaultValue.Literal(v);
  }

  /**
   * What the schema language reads a default literal as, before it is converted: a number for a
   * decimal or float32 field is read from its text (exactly, not through a double), and a string of
   * hex digits for a bytes field (the older form, kept so existing schemas still parse) is bytes.
   */
  private static Value asWritten(Value v, String text, FieldType type) {
    if (!type.array()) {
      return asWritten(v, text, type.base());
    }
    if (!(v instanceof Value.Array a)) {
      return v;
    }
    List<Value> out = new ArrayList<>();
    for (Value element : a.elements()) {
      out.add(asWritten(element, null, type.base()));
    }
    try {
      return new Value.Array(type.base(), out);
    } catch (RuntimeException notThatForm) {
      return v;
    }
  }

  private static Value asWritten(Value v, String text, ValueType type) {
    try {
      if (type == ValueType.BYTES && v instanceof Value.Str s) {
        String hex = s.value().startsWith("0x") ? s.value().substring(2) : s.value();
        return new Value.Bytes(HexFormat.of().parseHex(hex));
      }
      if ((type == ValueType.DECIMAL || type == ValueType.FLOAT32)
          && text != null
          && (v instanceof Value.Float64 || v instanceof Value.Decimal)) {
        return new Value.Decimal(new BigDecimal(text.replaceAll("\\s+", "").replaceAll("m$", "")));
      }
    } catch (RuntimeException notThatForm) {
      // left as written
    }
    return v;
  }

  // ---- relations ----

  /**
   * The relation as written, its key resolved from {@code by}; null when the text cannot say what
   * its key is (reported, or an identity it needs is missing, reported on its entity).
   */
  private RelationDef relation(EntityNode e, RelationNode r) {
    String source = e.name.value();
    String rel = "relation '" + r.name.value() + "'";
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
    String target = r.target.value();
    EntityNode targetNode = entities.get(target);
    String srcId = identity.get(e);
    String tgtId = targetNode == null ? "" : identity.get(targetNode);
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
      } else if (targetNode == null) {
        from = "";
        to = "";
      } else {
        Map<String, FieldDef> sourceFields = fieldsOf(source);
        Map<String, FieldDef> targetFields = fieldsOf(target);
        boolean onSource = sourceFields.containsKey(by) && !by.equals(srcId);
        boolean onTarget = targetFields.containsKey(by) && !by.equals(tgtId);
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
          Set<String> candidates = new HashSet<>(sourceFields.keySet());
          candidates.addAll(targetFields.keySet());
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
    } else if (m2m) {
      from = srcId;
      to = tgtId;
    }
    if (from == null || to == null) {
      return null; // an identity is missing: reported on its entity
    }
    OnDelete onDelete =
        r.onDelete != null ? r.onDelete : (m2m ? OnDelete.CASCADE : OnDelete.RESTRICT);
    RelationDef def =
        new RelationDef(
            r.name.value(),
            source,
            target,
            card,
            from,
            to,
            onDelete,
            m2m ? r.through.value() : null,
            m2m ? r.edgeFromField.value() : null,
            m2m ? r.edgeToField.value() : null);
    source(def, r.name, "relation " + source, def.name())
        .part(Part.TARGET, r.target)
        .part(Part.FROM_FIELD, fromTok)
        .part(Part.TO_FIELD, toTok)
        .part(Part.EDGE, r.through)
        .part(Part.EDGE_FROM_FIELD, r.edgeFromField)
        .part(Part.EDGE_TO_FIELD, r.edgeToField)
        .part(Part.ON_DELETE, r.onDeleteToken);
    return def;
  }

  // ---- constraints, indexes and policies ----

  private static List<String> names(List<Token> tokens) {
    List<String> out = new ArrayList<>();
    for (Token t : tokens) {
      out.add(t.value());
    }
    return out;
  }

  private ConstraintDef unique(EntityNode e, UniqueNode u) {
    String entity = e.name.value();
    List<String> fs = names(u.fields);
    String name = u.name != null ? u.name.value() : entity + "_" + String.join("_", fs) + "_key";
    ConstraintDef def = new ConstraintDef.Unique(name, entity, fs);
    source(def, u.name != null ? u.name : u.keyword, "object", name).list(Part.FIELDS, u.fields);
    return def;
  }

  private IndexDef index(EntityNode e, IndexNode i) {
    String entity = e.name.value();
    List<String> fs = names(i.fields);
    String name = i.name != null ? i.name.value() : entity + "_" + String.join("_", fs) + "_idx";
    IndexDef def = new IndexDef(name, entity, fs, i.kind, i.unique);
    source(def, i.name != null ? i.name : i.keyword, "object", name).list(Part.FIELDS, i.fields);
    return def;
  }

  private ConstraintDef check(EntityNode e, CheckNode c, int ordinal) {
    String entity = e.name.value();
    String name = c.name != null ? c.name.value() : entity + "_check_" + ordinal;
    ConstraintDef def = new ConstraintDef.Check(name, entity, c.expression, c.source);
    source(def, c.name != null ? c.name : c.keyword, "object", name)
        .refs(Part.EXPRESSION, c.fieldRefs)
        .refs(Part.ATTRIBUTE, c.attributeRefs);
    return def;
  }

  private ConstraintDef foreignKey(EntityNode e, ForeignKeyNode fk) {
    String entity = e.name.value();
    String name = fk.name != null ? fk.name.value() : entity + "_" + fk.field.value() + "_fkey";
    String ref = fk.references.value();
    String refField;
    if (fk.referencedField != null) {
      refField = fk.referencedField.value();
    } else {
      EntityNode refNode = entities.get(ref);
      refField = refNode == null ? "" : identity.getOrDefault(refNode, "");
    }
    ConstraintDef def =
        new ConstraintDef.ForeignKey(name, entity, fk.field.value(), ref, refField, fk.onDelete);
    source(def, fk.name != null ? fk.name : fk.keyword, "object", name)
        .list(Part.FIELDS, List.of(fk.field))
        .part(Part.TARGET, fk.references)
        .part(Part.REFERENCED_FIELD, fk.referencedField)
        .part(Part.KEY, fk.references)
        .part(Part.KEY_TYPES, fk.field)
        .part(Part.ON_DELETE, fk.field);
    return def;
  }

  private PolicyDef policy(PolicyNode p) {
    PolicyDef def =
        new PolicyDef(p.name.value(), p.entity.value(), p.kind, p.operations, p.using, p.bypass);
    source(def, p.name, "policy " + p.entity.value(), def.name())
        .part(Part.ENTITY, p.entity)
        .refs(Part.EXPRESSION, p.fieldRefs);
    return def;
  }
}
