package io.ormdb.store.internal;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.Suggestions;
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
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.PolicyDef;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.filter.FilterBinder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks a schema bundle on its own and reports every problem at once. */
final class SchemaValidator {
  private SchemaValidator() {}

  /** Throws INVALID_REQUEST listing every problem, or returns when the bundle is valid. */
  static void validateOrThrow(SchemaBundle s) {
    List<String> problems = validate(s);
    if (!problems.isEmpty()) {
      throw OrmDbException.invalid(
          "invalid schema ("
              + problems.size()
              + (problems.size() == 1 ? " problem" : " problems")
              + "):\n  - "
              + String.join("\n  - ", problems));
    }
  }

  static List<String> validate(SchemaBundle s) {
    List<String> p = new ArrayList<>();
    Map<String, EnumDef> enums = new HashMap<>();
    for (EnumDef e : s.enums()) {
      if (enums.put(e.name(), e) != null) {
        p.add("duplicate enum '" + e.name() + "'");
      }
      if (e.variants().isEmpty()) {
        p.add("enum " + e.name() + " has no variants");
      }
      if (new HashSet<>(e.variants()).size() != e.variants().size()) {
        p.add("enum " + e.name() + " has duplicate variants");
      }
    }
    Map<String, EntityDef> entities = new HashMap<>();
    for (EntityDef e : s.entities()) {
      if (entities.putIfAbsent(e.name(), e) != null) {
        p.add("duplicate entity '" + e.name() + "'");
      }
    }
    for (EntityDef e : s.entities()) {
      Set<String> names = new HashSet<>();
      List<String> fieldNames = e.fields().stream().map(FieldDef::name).toList();
      for (FieldDef f : e.fields()) {
        String where = "field " + e.name() + "." + f.name();
        if (!names.add(f.name())) {
          p.add("duplicate field '" + f.name() + "' on entity " + e.name());
        }
        FieldType t = f.type();
        if (t.base() == ValueType.ENUM && !enums.containsKey(t.enumName())) {
          p.add(
              where
                  + ": unknown type '"
                  + t.enumName()
                  + "'"
                  + Suggestions.didYouMean(t.enumName(), enums.keySet()));
        }
        checkDefault(where, f, enums, p);
      }
      if (e.field(e.identityField()).isEmpty()) {
        p.add(
            "entity "
                + e.name()
                + ": identity field '"
                + e.identityField()
                + "' is not one of its fields"
                + Suggestions.didYouMean(e.identityField(), fieldNames));
      } else {
        FieldDef id = e.identity();
        ValueType b = id.type().base();
        if (id.type().array()
            || !(b == ValueType.UUID
                || b == ValueType.INT64
                || b == ValueType.INT32
                || b == ValueType.STRING)) {
          p.add(
              "entity "
                  + e.name()
                  + ": identity field '"
                  + id.name()
                  + "' must be uuid, int64, int32 or string, not "
                  + id.type().render());
        }
        if (id.optional()) {
          p.add("entity " + e.name() + ": identity field '" + id.name() + "' cannot be optional");
        }
      }
      for (OrderSpec o : e.defaultOrder()) {
        unknownField(p, "default order of " + e.name(), e, o.field());
      }
    }
    Set<String> relationNames = new HashSet<>();
    Map<String, OnDelete> fkOnDelete = new HashMap<>();
    for (RelationDef r : s.relations()) {
      String where = "relation " + r.fromEntity() + "." + r.name();
      if (!relationNames.add(r.fromEntity() + "." + r.name())) {
        p.add("duplicate relation '" + r.name() + "' on entity " + r.fromEntity());
      }
      EntityDef from = entity(p, where, r.fromEntity(), entities);
      EntityDef to = entity(p, where, r.toEntity(), entities);
      if (from != null) {
        unknownField(p, where, from, r.fromField());
        if (from.field(r.name()).isPresent()) {
          p.add(where + ": name clashes with field " + r.fromEntity() + "." + r.name());
        }
      }
      if (to != null) {
        unknownField(p, where, to, r.toField());
      }
      if (r.cardinality() == Cardinality.MANY_TO_MANY) {
        EntityDef edge = entity(p, where + " (edge)", r.edgeEntity(), entities);
        if (edge != null) {
          unknownField(p, where + " (edge)", edge, r.edgeFromField());
          unknownField(p, where + " (edge)", edge, r.edgeToField());
        }
      }
      if (from == null || to == null) {
        continue;
      }
      if (r.cardinality() == Cardinality.MANY_TO_MANY && entities.get(r.edgeEntity()) == null) {
        continue;
      }
      if (!fieldsExist(r, from, to, entities)) {
        continue;
      }
      for (Catalog.FkRule fk : Catalog.relationFks(s, r)) {
        EntityDef child = entities.get(fk.child());
        FieldDef cf = child.field(fk.childField()).orElse(null);
        if (r.cardinality() == Cardinality.ONE_TO_ONE && !uniqueAlone(s, child, fk.childField())) {
          p.add(
              where
                  + ": one to one, so its key "
                  + fk.child()
                  + "."
                  + fk.childField()
                  + " must be unique (or the identity): otherwise several "
                  + fk.child()
                  + " rows could refer to the same "
                  + fk.parent()
                  + " row");
        }
        if (fk.onDelete() == OnDelete.SET_NULL && cf != null && !cf.optional()) {
          p.add(
              where
                  + ": on delete set null needs an optional field, but "
                  + fk.child()
                  + "."
                  + fk.childField()
                  + " is required");
        }
        String key =
            fk.child() + "." + fk.childField() + "->" + fk.parent() + "." + fk.parentField();
        OnDelete prev = fkOnDelete.get(key);
        if (prev != null
            && prev != OnDelete.RESTRICT
            && fk.onDelete() != OnDelete.RESTRICT
            && prev != fk.onDelete()) {
          p.add(
              where
                  + ": on delete "
                  + name(fk.onDelete())
                  + " conflicts with on delete "
                  + name(prev)
                  + " of its inverse relation over "
                  + fk.child()
                  + "."
                  + fk.childField());
        }
        if (prev == null || prev == OnDelete.RESTRICT) {
          fkOnDelete.put(key, fk.onDelete());
        }
      }
    }
    Set<String> constraintNames = new HashSet<>();
    for (ConstraintDef c : s.constraints()) {
      String where = "constraint " + c.name();
      if (!constraintNames.add(c.name())) {
        p.add("duplicate constraint '" + c.name() + "'");
      }
      EntityDef e = entity(p, where, c.entity(), entities);
      if (e == null) {
        continue;
      }
      if (c instanceof ConstraintDef.Unique u) {
        if (u.fields().isEmpty()) {
          p.add(where + ": no fields");
        }
        for (String f : u.fields()) {
          unknownField(p, where, e, f);
        }
      } else if (c instanceof ConstraintDef.ForeignKey fk) {
        unknownField(p, where, e, fk.field());
        EntityDef ref = entity(p, where, fk.references(), entities);
        if (ref != null) {
          unknownField(p, where, ref, fk.referencedField());
        }
        FieldDef cf = e.field(fk.field()).orElse(null);
        if (fk.onDelete() == OnDelete.SET_NULL && cf != null && !cf.optional()) {
          p.add(
              where
                  + ": on delete set null needs an optional field, but "
                  + e.name()
                  + "."
                  + fk.field()
                  + " is required");
        }
      } else if (c instanceof ConstraintDef.Check ck) {
        try {
          FilterBinder.bind(ck.expression(), e, s, Map.of(), where);
        } catch (OrmDbException ex) {
          p.add(ex.getMessage());
        }
      }
    }
    Set<String> indexNames = new HashSet<>();
    for (IndexDef i : s.indexes()) {
      String where = "index " + i.name();
      if (!indexNames.add(i.entity() + "." + i.name())) {
        p.add("duplicate index '" + i.name() + "' on entity " + i.entity());
      }
      if (constraintNames.contains(i.name())) {
        p.add(where + ": name clashes with a constraint");
      }
      EntityDef e = entity(p, where, i.entity(), entities);
      if (e != null) {
        for (String f : i.fields()) {
          unknownField(p, where, e, f);
        }
      }
    }
    for (PolicyDef policy : s.policies()) {
      try {
        // stored and printed by recursive steps: refuse what would exhaust their stack
        Filter.checkDepth(policy.using(), "policy " + policy.name());
      } catch (OrmDbException ex) {
        p.add(ex.getMessage());
      }
    }
    return p;
  }

  /**
   * Whether {@code field} of {@code e} alone is unique: the identity, a unique field, or a unique
   * constraint or index on exactly that field.
   */
  private static boolean uniqueAlone(SchemaBundle s, EntityDef e, String field) {
    if (field.equals(e.identityField()) || e.field(field).map(FieldDef::unique).orElse(false)) {
      return true;
    }
    for (ConstraintDef c : s.constraints()) {
      if (c instanceof ConstraintDef.Unique u
          && u.entity().equals(e.name())
          && u.fields().equals(List.of(field))) {
        return true;
      }
    }
    for (IndexDef ix : s.indexes()) {
      if (ix.unique() && ix.entity().equals(e.name()) && ix.fields().equals(List.of(field))) {
        return true;
      }
    }
    return false;
  }

  private static boolean fieldsExist(
      RelationDef r, EntityDef from, EntityDef to, Map<String, EntityDef> entities) {
    boolean ok = from.field(r.fromField()).isPresent() && to.field(r.toField()).isPresent();
    if (r.cardinality() == Cardinality.MANY_TO_MANY) {
      EntityDef edge = entities.get(r.edgeEntity());
      ok &= edge.field(r.edgeFromField()).isPresent() && edge.field(r.edgeToField()).isPresent();
    }
    return ok;
  }

  private static String name(OnDelete d) {
    return d.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

  private static EntityDef entity(
      List<String> p, String where, String name, Map<String, EntityDef> entities) {
    EntityDef e = entities.get(name);
    if (e == null) {
      p.add(
          where
              + ": unknown entity '"
              + name
              + "'"
              + Suggestions.didYouMean(name, entities.keySet()));
    }
    return e;
  }

  private static void unknownField(List<String> p, String where, EntityDef e, String field) {
    if (e.field(field).isEmpty()) {
      p.add(
          where
              + ": unknown field '"
              + field
              + "' on entity "
              + e.name()
              + Suggestions.didYouMean(field, e.fields().stream().map(FieldDef::name).toList()));
    }
  }

  private static void checkDefault(
      String where, FieldDef f, Map<String, EnumDef> enums, List<String> p) {
    DefaultValue d = f.defaultValue();
    FieldType t = f.type();
    if (d == null) {
      return;
    }
    if (d instanceof DefaultValue.Now) {
      if (t.array() || (t.base() != ValueType.TIMESTAMP && t.base() != ValueType.DATE)) {
        p.add(where + ": default now needs a timestamp or date field, not " + t.render());
      }
    } else if (d instanceof DefaultValue.AutoUuid) {
      if (t.array() || t.base() != ValueType.UUID) {
        p.add(where + ": default uuid needs a uuid field, not " + t.render());
      }
    } else if (d instanceof DefaultValue.Literal l) {
      Value v = l.value();
      try {
        if (t.array()) {
          if (!(v instanceof Value.Array) && !v.isNull()) {
            throw OrmDbException.invalid("not an array");
          }
        } else {
          Value c = Values.convert(v, t.base());
          if (t.base() == ValueType.ENUM && enums.containsKey(t.enumName())) {
            if (!enums.get(t.enumName()).variants().contains(c.asString())) {
              throw OrmDbException.invalid(
                  "'" + c.asString() + "' is not a variant of enum " + t.enumName());
            }
          }
        }
      } catch (OrmDbException e) {
        p.add(
            where
                + ": default "
                + v.render()
                + " is not a valid "
                + t.render()
                + " ("
                + e.getMessage()
                + ")");
      }
    }
  }
}
