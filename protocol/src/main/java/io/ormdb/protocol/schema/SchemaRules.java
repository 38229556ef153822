package io.ormdb.protocol.schema;

import io.ormdb.protocol.Nesting;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.Suggestions;
import io.ormdb.protocol.query.Expr;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.SchemaProblem.Part;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The rules a schema must follow, checked on a {@link SchemaBundle}: the one place they are
 * written. The store checks every bundle it is given with them, and the schema language checks the
 * bundle it builds from a text with them (reporting each problem at the position of the text it
 * came from), so a rule says the same thing whichever way the schema came. See {@code
 * docs/schema-language.md} for the rules.
 *
 * <p>What only text can get wrong — syntax, unknown type names, two {@code @id} fields, relation
 * keys written with {@code by} — is checked by the schema language before it builds the bundle.
 */
public final class SchemaRules {
  private SchemaRules() {}

  /** The names of the built-in field types, which no enum or entity may have. */
  private static final Set<String> BUILT_IN_TYPES = new HashSet<>();

  /** The types an identity may have. */
  private static final Set<ValueType> IDENTITY_TYPES =
      EnumSet.of(ValueType.UUID, ValueType.INT64, ValueType.INT32, ValueType.STRING);

  static {
    for (ValueType t : ValueType.values()) {
      if (t != ValueType.NULL && t != ValueType.ENUM && t != ValueType.ARRAY) {
        BUILT_IN_TYPES.add(t.displayName());
      }
    }
  }

  /** Every problem of {@code schema}, in the order of its declarations; empty when it is valid. */
  public static List<SchemaProblem> check(SchemaBundle schema) {
    return new Run(schema).run();
  }

  /**
   * {@code unknown type 'strng' (did you mean 'string'?)}, the candidates being the known types.
   */
  public static String unknownType(String name, Collection<String> candidates) {
    return "unknown type '" + name + "'" + Suggestions.didYouMean(name, candidates);
  }

  private static final class Run {
    private final SchemaBundle s;
    private final List<SchemaProblem> problems = new ArrayList<>();

    /** The first declaration of each name. */
    private final Map<String, EnumDef> enums = new HashMap<>();

    private final Map<String, EntityDef> entities = new HashMap<>();

    /** Entities whose identity is missing (reported): their keys are not checked further. */
    private final Set<String> noIdentity = new HashSet<>();

    /**
     * Per foreign key a relation implies ("Child.f->Parent.g"), the first rule that is not
     * restrict.
     */
    private final Map<String, Rule> onDeleteRules = new HashMap<>();

    private record Rule(String relation, OnDelete onDelete) {}

    Run(SchemaBundle s) {
      this.s = s;
    }

    List<SchemaProblem> run() {
      Map<String, Object> typeNames = new HashMap<>();
      for (EnumDef e : s.enums()) {
        typeName("enum", e.name(), e, typeNames);
        enums.putIfAbsent(e.name(), e);
        enumVariants(e);
      }
      for (EntityDef e : s.entities()) {
        typeName("entity", e.name(), e, typeNames);
        entities.putIfAbsent(e.name(), e);
      }
      for (EntityDef e : s.entities()) {
        fields(e);
        identity(e);
        computedFields(e);
        for (int i = 0; i < e.defaultOrder().size(); i++) {
          String field = e.defaultOrder().get(i).field();
          if (e.field(field).isEmpty()) {
            add("default order of " + e.name(), e.unknownField(field), e, Part.ORDER, i, null);
          }
        }
      }
      Set<String> relationNames = new HashSet<>();
      for (RelationDef r : s.relations()) {
        relation(r, relationNames);
      }
      Set<String> objectNames = new HashSet<>();
      for (ConstraintDef c : s.constraints()) {
        constraint(c, objectNames);
      }
      for (IndexDef i : s.indexes()) {
        index(i, objectNames);
      }
      Set<String> policyNames = new HashSet<>();
      for (PolicyDef p : s.policies()) {
        policy(p, policyNames);
      }
      return problems;
    }

    private void add(String where, String message, Object element, Part part) {
      add(where, message, element, part, -1, null);
    }

    private void add(
        String where, String message, Object element, Part part, int index, String name) {
      problems.add(new SchemaProblem(where, message, element, part, index, name));
    }

    // ---- enums and entities ----

    /** Enums and entities share one namespace, and a built-in type name is taken. */
    private void typeName(String kind, String name, Object element, Map<String, Object> seen) {
      String where = kind + " " + name;
      if (seen.putIfAbsent(name, element) != null) {
        add(where, "duplicate " + kind + " '" + name + "'", element, Part.DUPLICATE);
      } else if (BUILT_IN_TYPES.contains(name)) {
        add(
            where,
            "'" + name + "' is a built-in type and cannot name an " + kind,
            element,
            Part.NAME);
      }
    }

    private void enumVariants(EnumDef e) {
      String where = "enum " + e.name();
      if (e.variants().isEmpty()) {
        add(where, "enum " + e.name() + " has no variants", e, Part.NAME);
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < e.variants().size(); i++) {
        String v = e.variants().get(i);
        if (!seen.add(v)) {
          add(where, "duplicate variant '" + v + "' in enum " + e.name(), e, Part.VARIANT, i, null);
        }
      }
    }

    private void fields(EntityDef e) {
      Set<String> names = new HashSet<>();
      for (FieldDef f : e.fields()) {
        String where = "field " + e.name() + "." + f.name();
        if (!names.add(f.name())) {
          add(where, "duplicate field '" + f.name() + "' in entity " + e.name(), f, Part.DUPLICATE);
        }
        FieldType t = f.type();
        boolean typeKnown = t.base() != ValueType.ENUM || enums.containsKey(t.enumName());
        if (!typeKnown) {
          add(where, unknownType(t.enumName(), enums.keySet()), f, Part.TYPE);
        }
        if (f.masking() != null && sensitivity(e, f) == Sensitivity.PUBLIC) {
          add(
              where,
              "@mask needs a sensitivity above public: add @sensitive(..) to field '"
                  + f.name()
                  + "'",
              f,
              Part.MASK);
        }
        if (typeKnown && f.defaultValue() != null && f.computed() == null) {
          String problem = defaultProblem(e, f);
          if (problem != null) {
            add(where, problem, f, Part.DEFAULT);
          }
        }
      }
    }

    /** What is wrong with the default of {@code f}, or null. */
    private String defaultProblem(EntityDef e, FieldDef f) {
      FieldType t = f.type();
      DefaultValue d = f.defaultValue();
      if (d instanceof DefaultValue.Now) {
        boolean fits =
            !t.array() && (t.base() == ValueType.TIMESTAMP || t.base() == ValueType.DATE);
        return fits
            ? null
            : "@default(now) needs a timestamp or date field, but '"
                + f.name()
                + "' is "
                + t.render();
      }
      if (d instanceof DefaultValue.AutoUuid) {
        return !t.array() && t.base() == ValueType.UUID
            ? null
            : "@default(uuid) needs a uuid field, but '" + f.name() + "' is " + t.render();
      }
      Value v = ((DefaultValue.Literal) d).value();
      if (v.isNull()) {
        return f.optional()
            ? null
            : "@default(null) needs an optional field, but '" + f.name() + "' is required";
      }
      if (t.base() == ValueType.ENUM
          && !t.array()
          && (v instanceof Value.Enum || v instanceof Value.Str)) {
        String variant = v instanceof Value.Enum en ? en.variant() : v.asString();
        List<String> variants = enums.get(t.enumName()).variants();
        if (!variants.contains(variant)) {
          return "unknown variant '"
              + variant
              + "' of enum "
              + t.enumName()
              + Suggestions.didYouMean(variant, variants);
        }
      }
      try {
        FieldValues.convert(s, e.name(), f, v);
        return null;
      } catch (OrmDbException ex) {
        return "default " + v.render() + " is not a valid " + t.render();
      }
    }

    /** The sensitivity of {@code f}, computed fields inheriting; its own when that fails. */
    private static Sensitivity sensitivity(EntityDef e, FieldDef f) {
      try {
        return e.sensitivityOf(f);
      } catch (RuntimeException tooDeep) {
        return f.sensitivity();
      }
    }

    // ---- computed fields ----

    /**
     * The computed fields of {@code e}: attributes they cannot have, the fields they read (only the
     * row's own, no cycles), the type of their expression against their declared type.
     */
    private void computedFields(EntityDef e) {
      Set<String> sound = new HashSet<>(); // fields whose expression can be typed
      for (FieldDef f : e.fields()) {
        if (f.computed() == null) {
          continue;
        }
        String where = "field " + e.name() + "." + f.name();
        String what = "computed field " + e.name() + "." + f.name();
        if (f.name().equals(e.identityField())) {
          add(where, what + " cannot be the identity (@id)", f, Part.COMPUTED_ATTRIBUTE, -1, "id");
        }
        if (f.defaultValue() != null) {
          add(
              where,
              what + " has no @default: its value is computed",
              f,
              Part.COMPUTED_ATTRIBUTE,
              -1,
              "default");
        }
        if (!f.computed().stored()) {
          for (String a : List.of("unique", "index")) {
            if (a.equals("unique") ? f.unique() : f.indexed()) {
              add(
                  where,
                  "@"
                      + a
                      + " on "
                      + what
                      + " needs @stored: a virtual computed field is computed when read and has"
                      + " no stored values to index",
                  f,
                  Part.COMPUTED_ATTRIBUTE,
                  -1,
                  a);
            }
          }
        }
        Expr x = f.computed().expression();
        try {
          Expr.checkDepth(x, where);
        } catch (OrmDbException tooDeep) {
          add(where, Nesting.tooDeep("expression"), f, Part.COMPUTED);
          continue;
        }
        boolean ok = true;
        for (String read : Expr.fieldsOf(x)) {
          String problem = readProblem(e, what, read);
          if (problem != null) {
            add(where, problem, f, Part.COMPUTED, -1, read);
            ok = false;
          }
        }
        for (Filter c : Expr.conditionsOf(x)) {
          for (String a : Filter.attributesOf(c)) {
            add(
                where,
                "session attributes ($"
                    + a
                    + ") can only be used in policies, not in computed fields",
                f,
                Part.COMPUTED,
                -1,
                "$" + a);
            ok = false;
          }
        }
        if (ok) {
          sound.add(f.name());
        }
      }
      Set<String> cyclic = cycles(e);
      ComputedTypes types = new ComputedTypes(e);
      for (FieldDef f : e.fields()) {
        if (!sound.contains(f.name()) || cyclic.contains(f.name())) {
          continue;
        }
        String where = "field " + e.name() + "." + f.name();
        String what = "computed field " + e.name() + "." + f.name();
        ComputedTypes.Type t;
        try {
          t = types.type(f.computed().expression());
        } catch (ComputedTypes.Problem p) {
          add(where, what + ": " + p.getMessage(), f, Part.COMPUTED, -1, p.name);
          continue;
        }
        if (!ComputedTypes.fits(t, f.type())) {
          add(
              where,
              what
                  + " is declared "
                  + f.type().render()
                  + " but its expression is "
                  + t.render()
                  + widening(t),
              f,
              Part.COMPUTED);
        } else if (t.nullable() && !f.optional()) {
          add(
              where,
              what
                  + " may be null ("
                  + t.nullReason()
                  + "): declare it "
                  + f.type().render()
                  + "?, or give coalesce(..) a value that is never null",
              f,
              Part.COMPUTED);
        }
      }
    }

    /** A hint on what the expression's type could be declared as. */
    private static String widening(ComputedTypes.Type t) {
      return t.base() == ValueType.INT64 ? " (arithmetic on integers is int64)" : "";
    }

    /** Why a computed field cannot read {@code name}, or null when it can. */
    private String readProblem(EntityDef e, String what, String name) {
      int dot = name.indexOf('.');
      if (dot >= 0) {
        String first = name.substring(0, dot);
        return what
            + " reads '"
            + name
            + "'"
            + (s.relation(e.name(), first).isPresent() ? " through relation " + first : "")
            + ": a computed field reads only its own row's fields";
      }
      if (e.field(name).isPresent()) {
        return null;
      }
      if (s.relation(e.name(), name).isPresent()) {
        return what
            + " reads '"
            + name
            + "', a relation of "
            + e.name()
            + ": a computed field reads only its own row's fields";
      }
      return e.unknownField(name);
    }

    /**
     * Reports each cycle among the computed fields of {@code e} once (a field reading itself, or
     * {@code a -> b -> a}); returns the fields on a cycle.
     */
    private Set<String> cycles(EntityDef e) {
      Map<String, List<String>> reads = new HashMap<>();
      for (FieldDef f : e.fields()) {
        if (f.computed() != null) {
          List<String> deps = new ArrayList<>();
          try {
            for (String r : Expr.fieldsOf(f.computed().expression())) {
              e.field(r).filter(FieldDef::isComputed).ifPresent(d -> deps.add(d.name()));
            }
          } catch (RuntimeException tooDeep) {
            // reported
          }
          reads.put(f.name(), deps);
        }
      }
      Set<String> onCycle = new HashSet<>();
      Set<String> done = new HashSet<>();
      for (FieldDef f : e.fields()) {
        if (f.computed() == null || done.contains(f.name())) {
          continue;
        }
        List<String> path = new ArrayList<>();
        findCycle(f.name(), reads, path, new HashSet<>(), done, e, onCycle);
      }
      return onCycle;
    }

    private void findCycle(
        String at,
        Map<String, List<String>> reads,
        List<String> path,
        Set<String> onPath,
        Set<String> done,
        EntityDef e,
        Set<String> onCycle) {
      if (onPath.contains(at)) {
        List<String> cycle = new ArrayList<>(path.subList(path.indexOf(at), path.size()));
        if (onCycle.addAll(cycle)) {
          FieldDef first = e.field(cycle.get(0)).orElseThrow();
          String where = "field " + e.name() + "." + first.name();
          String next = cycle.size() > 1 ? cycle.get(1) : cycle.get(0);
          if (cycle.size() == 1) {
            add(
                where,
                "computed field " + e.name() + "." + at + " reads itself",
                first,
                Part.COMPUTED,
                -1,
                at);
          } else {
            cycle.add(cycle.get(0));
            add(
                where,
                "computed fields of "
                    + e.name()
                    + " read each other in a cycle: "
                    + String.join(" -> ", cycle),
                first,
                Part.COMPUTED,
                -1,
                next);
          }
        }
        return;
      }
      if (done.contains(at)) {
        return;
      }
      path.add(at);
      onPath.add(at);
      for (String d : reads.getOrDefault(at, List.of())) {
        findCycle(d, reads, path, onPath, done, e, onCycle);
      }
      path.remove(path.size() - 1);
      onPath.remove(at);
      done.add(at);
    }

    private void identity(EntityDef e) {
      String where = "entity " + e.name();
      if (e.identityField().isEmpty()) {
        add(
            where,
            "entity " + e.name() + " has no identity field (mark one field with @id)",
            e,
            Part.NAME);
        noIdentity.add(e.name());
        return;
      }
      FieldDef id = e.field(e.identityField()).orElse(null);
      if (id == null) {
        add(
            where,
            "identity field '"
                + e.identityField()
                + "' is not one of its fields"
                + Suggestions.didYouMean(
                    e.identityField(), e.fields().stream().map(FieldDef::name).toList()),
            e,
            Part.NAME);
        noIdentity.add(e.name());
        return;
      }
      if (id.type().array() || !IDENTITY_TYPES.contains(id.type().base())) {
        add(
            where,
            "the identity field '"
                + id.name()
                + "' must be uuid, int64, int32 or string, not "
                + id.type().render(),
            e,
            Part.IDENTITY);
      }
      if (id.optional()) {
        add(where, "the identity field '" + id.name() + "' cannot be optional", e, Part.IDENTITY);
      }
    }

    // ---- relations ----

    private void relation(RelationDef r, Set<String> names) {
      String where = "relation " + r.fromEntity() + "." + r.name();
      EntityDef from = entities.get(r.fromEntity());
      if (from == null) {
        add(where, s.unknownEntity(r.fromEntity()), r, Part.ENTITY);
        return;
      }
      if (!names.add(r.fromEntity() + "." + r.name())) {
        add(
            where,
            "duplicate relation '" + r.name() + "' in entity " + r.fromEntity(),
            r,
            Part.DUPLICATE);
        return;
      }
      if (from.field(r.name()).isPresent()) {
        add(
            where,
            "relation '" + r.name() + "' clashes with field " + r.fromEntity() + "." + r.name(),
            r,
            Part.NAME);
        return;
      }
      EntityDef to = entities.get(r.toEntity());
      if (to == null) {
        add(where, s.unknownEntity(r.toEntity()), r, Part.TARGET);
        return;
      }
      boolean m2m = r.cardinality() == Cardinality.MANY_TO_MANY;
      boolean ok = known(where, from, r.fromField(), r, Part.FROM_FIELD);
      ok &= known(where, to, r.toField(), r, Part.TO_FIELD);
      EntityDef edge = null;
      if (m2m) {
        edge = entities.get(r.edgeEntity());
        if (edge == null) {
          add(where, s.unknownEntity(r.edgeEntity()), r, Part.EDGE);
          return;
        }
        ok &= known(where, edge, r.edgeFromField(), r, Part.EDGE_FROM_FIELD);
        ok &= known(where, edge, r.edgeToField(), r, Part.EDGE_TO_FIELD);
      }
      if (!ok) {
        return;
      }
      if (m2m) {
        manyToMany(where, r, from, to, edge);
        return;
      }
      boolean onSource = s.keyOnSource(r);
      EntityDef child = onSource ? from : to;
      String childField = onSource ? r.fromField() : r.toField();
      EntityDef parent = onSource ? to : from;
      String parentField = onSource ? r.toField() : r.fromField();
      boolean identities = keyChecked(child, parent);
      if (identities && !uniqueAlone(parent, parentField)) {
        add(
            where,
            "relation '"
                + r.name()
                + "' must reference an identity or @unique field, but "
                + parent.name()
                + "."
                + parentField
                + " is neither",
            r,
            Part.KEY);
        return;
      }
      if (identities
          && r.cardinality() == Cardinality.ONE_TO_ONE
          && !uniqueAlone(child, childField)) {
        add(
            where,
            "relation '"
                + r.name()
                + "' is one to one, so its key "
                + child.name()
                + "."
                + childField
                + " must be @unique (or the identity): otherwise several "
                + child.name()
                + " rows could refer to the same "
                + parent.name()
                + " row",
            r,
            Part.KEY);
        return;
      }
      keyTypes(where, r, -1, from, r.fromField(), to, r.toField());
      if (r.onDelete() == OnDelete.SET_NULL) {
        optionalKey(where, r, child, childField);
      }
      onDelete(where, r, child, childField, parent, parentField, r.onDelete());
    }

    private void manyToMany(
        String where, RelationDef r, EntityDef from, EntityDef to, EntityDef edge) {
      String notKey =
          !keyChecked(from, to)
              ? null
              : !uniqueAlone(from, r.fromField())
                  ? from.name() + "." + r.fromField()
                  : (!uniqueAlone(to, r.toField()) ? to.name() + "." + r.toField() : null);
      if (notKey != null) {
        add(
            where,
            "relation '"
                + r.name()
                + "' must use identity or @unique fields as keys, but "
                + notKey
                + " is neither",
            r,
            Part.KEY);
        return;
      }
      keyTypes(where, r, 0, edge, r.edgeFromField(), from, r.fromField());
      keyTypes(where, r, 1, edge, r.edgeToField(), to, r.toField());
      if (r.onDelete() == OnDelete.SET_NULL) {
        add(
            where,
            "on delete set null does not apply to many-to-many relations",
            r,
            Part.ON_DELETE);
      }
      // deleting either side removes its edge rows
      onDelete(where, r, edge, r.edgeFromField(), from, r.fromField(), OnDelete.CASCADE);
      onDelete(where, r, edge, r.edgeToField(), to, r.toField(), OnDelete.CASCADE);
    }

    /**
     * Relations over the same key (a relation and its inverse) must not contradict each other:
     * restrict yields to the other's cascade or set null, as the store applies them.
     */
    private void onDelete(
        String where,
        RelationDef r,
        EntityDef child,
        String childField,
        EntityDef parent,
        String parentField,
        OnDelete rule) {
      String key = child.name() + "." + childField + "->" + parent.name() + "." + parentField;
      Rule first = onDeleteRules.get(key);
      if (first != null
          && first.onDelete() != OnDelete.RESTRICT
          && rule != OnDelete.RESTRICT
          && first.onDelete() != rule) {
        add(
            where,
            "on delete "
                + words(rule)
                + " conflicts with on delete "
                + words(first.onDelete())
                + " of relation "
                + first.relation()
                + ", which uses the same key "
                + child.name()
                + "."
                + childField,
            r,
            Part.ON_DELETE);
      }
      if (first == null || first.onDelete() == OnDelete.RESTRICT) {
        onDeleteRules.put(key, new Rule(r.fromEntity() + "." + r.name(), rule));
      }
    }

    private static String words(OnDelete d) {
      return d.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private void optionalKey(String where, Object element, EntityDef e, String field) {
      if (!e.field(field).orElseThrow().optional()) {
        add(
            where,
            "on delete set null needs an optional key, but "
                + e.name()
                + "."
                + field
                + " is required",
            element,
            Part.ON_DELETE);
      }
    }

    /** Both ends of a key have one scalar type (decimals: one precision and scale; one enum). */
    private void keyTypes(
        String where, Object element, int half, EntityDef e1, String f1, EntityDef e2, String f2) {
      FieldType a = e1.field(f1).orElseThrow().type();
      FieldType b = e2.field(f2).orElseThrow().type();
      boolean same =
          a.base() == b.base()
              && !a.array()
              && !b.array()
              && a.precision() == b.precision()
              && a.scale() == b.scale()
              && Objects.equals(a.enumName(), b.enumName());
      if (!same) {
        add(
            where,
            "key types differ: "
                + e1.name()
                + "."
                + f1
                + " is "
                + a.render()
                + ", "
                + e2.name()
                + "."
                + f2
                + " is "
                + b.render(),
            element,
            Part.KEY_TYPES,
            half,
            null);
      }
    }

    /**
     * Whether what a key between {@code a} and {@code b} references can be checked: only when both
     * have their identity (a missing one is reported on its entity).
     */
    private boolean keyChecked(EntityDef a, EntityDef b) {
      return !noIdentity.contains(a.name()) && !noIdentity.contains(b.name());
    }

    /**
     * Whether {@code field} of {@code e} alone identifies a row: the identity, a unique field, or a
     * unique constraint or unique index on exactly that field.
     */
    private boolean uniqueAlone(EntityDef e, String field) {
      if (field.equals(e.identityField()) || e.field(field).map(FieldDef::unique).orElse(false)) {
        return true;
      }
      for (ConstraintDef c : s.constraintsOf(e.name())) {
        if (c instanceof ConstraintDef.Unique u && u.fields().equals(List.of(field))) {
          return true;
        }
      }
      for (IndexDef ix : s.indexesOf(e.name())) {
        if (ix.unique() && ix.fields().equals(List.of(field))) {
          return true;
        }
      }
      return false;
    }

    private boolean known(String where, EntityDef e, String field, Object element, Part part) {
      Optional<FieldDef> f = e.field(field);
      if (f.isPresent() && f.get().isComputed()) {
        add(
            where,
            e.name()
                + "."
                + field
                + " is a computed field and cannot be a key (keys are fields that writes set)",
            element,
            part);
        return false;
      }
      if (f.isPresent()) {
        return true;
      }
      add(where, e.unknownField(field), element, part);
      return false;
    }

    // ---- constraints, indexes, policies ----

    /**
     * The entity a constraint or index belongs to, or null (reported). Constraint and index names
     * are one namespace, the whole schema's.
     */
    private EntityDef owner(
        String where, String name, String entity, Object element, Set<String> names) {
      if (!names.add(name)) {
        add(where, "duplicate constraint or index name '" + name + "'", element, Part.DUPLICATE);
      }
      EntityDef e = entities.get(entity);
      if (e == null) {
        add(where, s.unknownEntity(entity), element, Part.ENTITY);
      }
      return e;
    }

    private void constraint(ConstraintDef c, Set<String> names) {
      String where = "constraint " + c.name();
      EntityDef e = owner(where, c.name(), c.entity(), c, names);
      if (e == null) {
        return;
      }
      if (c instanceof ConstraintDef.Unique u) {
        if (u.fields().isEmpty()) {
          add(where, "a unique constraint needs at least one field", c, Part.NAME);
        }
        fieldList(where, e, u.fields(), c, "a unique constraint");
      } else if (c instanceof ConstraintDef.ForeignKey fk) {
        foreignKey(where, e, fk);
      } else {
        check(where, e, (ConstraintDef.Check) c);
      }
    }

    private void index(IndexDef i, Set<String> names) {
      String where = "index " + i.name();
      EntityDef e = owner(where, i.name(), i.entity(), i, names);
      if (e != null) {
        fieldList(where, e, i.fields(), i, "an index");
      }
    }

    private void fieldList(
        String where, EntityDef e, List<String> fields, Object element, String what) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < fields.size(); i++) {
        String f = fields.get(i);
        if (!seen.add(f)) {
          add(where, "field '" + f + "' appears twice in " + what, element, Part.FIELDS, i, null);
        } else if (e.field(f).isEmpty()) {
          add(where, e.unknownField(f), element, Part.FIELDS, i, null);
        } else if (e.field(f).get().isVirtual()) {
          add(
              where,
              what
                  + " cannot hold virtual computed field "
                  + e.name()
                  + "."
                  + f
                  + ": it is computed when read and has no stored values (declare it @stored)",
              element,
              Part.FIELDS,
              i,
              null);
        }
      }
    }

    private void foreignKey(String where, EntityDef e, ConstraintDef.ForeignKey fk) {
      boolean ok = true;
      if (e.field(fk.field()).isEmpty()) {
        add(where, e.unknownField(fk.field()), fk, Part.FIELDS, 0, null);
        ok = false;
      } else if (e.field(fk.field()).get().isComputed()) {
        add(
            where,
            e.name()
                + "."
                + fk.field()
                + " is a computed field and cannot be a key (keys are fields that writes set)",
            fk,
            Part.FIELDS,
            0,
            null);
        ok = false;
      }
      EntityDef ref = entities.get(fk.references());
      if (ref == null) {
        add(where, s.unknownEntity(fk.references()), fk, Part.TARGET);
        return;
      }
      ok &= known(where, ref, fk.referencedField(), fk, Part.REFERENCED_FIELD);
      if (!ok) {
        return;
      }
      if (keyChecked(ref, ref) && !uniqueAlone(ref, fk.referencedField())) {
        add(
            where,
            "a foreign key must reference an identity or @unique field, but "
                + ref.name()
                + "."
                + fk.referencedField()
                + " is neither",
            fk,
            Part.KEY);
        return;
      }
      keyTypes(where, fk, -1, e, fk.field(), ref, fk.referencedField());
      if (fk.onDelete() == OnDelete.SET_NULL) {
        optionalKey(where, fk, e, fk.field());
      }
    }

    private void check(String where, EntityDef e, ConstraintDef.Check c) {
      if (expressionFields(where, e, c.expression(), c)) {
        for (String a : Filter.attributesOf(c.expression())) {
          add(
              where,
              "session attributes ($" + a + ") can only be used in policies, not in checks",
              c,
              Part.ATTRIBUTE,
              -1,
              a);
        }
      }
    }

    private void policy(PolicyDef p, Set<String> names) {
      String where = "policy " + p.name() + " on " + p.entity();
      EntityDef e = entities.get(p.entity());
      if (e == null) {
        add(where, s.unknownEntity(p.entity()), p, Part.ENTITY);
      } else if (!names.add(p.entity() + "." + p.name())) {
        add(
            where,
            "duplicate policy '" + p.name() + "' on entity " + p.entity(),
            p,
            Part.DUPLICATE);
      } else {
        expressionFields(where, e, p.using(), p);
      }
    }

    /**
     * Reports each field {@code expression} reads that {@code e} lacks; false when it is nested too
     * deeply to be walked (reported).
     */
    private boolean expressionFields(String where, EntityDef e, Filter expression, Object element) {
      try {
        Filter.checkDepth(expression, where);
      } catch (OrmDbException tooDeep) {
        add(where, Nesting.tooDeep("and / or / not"), element, Part.EXPRESSION);
        return false;
      }
      for (String f : Filter.fieldsOf(expression)) {
        if (e.field(f).isEmpty()) {
          add(where, e.unknownField(f), element, Part.EXPRESSION, -1, f);
        }
      }
      return true;
    }
  }
}
