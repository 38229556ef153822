package io.ormdb.store;

import io.ormdb.protocol.Nesting;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.Suggestions;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.EnumDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.filter.FilterBinder;
import java.util.Map;

/**
 * The checks of a mutation that need only the schema, no stored row: the entity and every field
 * exist (with a did-you-mean), values convert to the declared types (enum variants included), an
 * insert gives every required field that has no default and cannot be generated, nested inserts
 * name relations of their parent. It is a fast pre-check for callers that validate parts of a batch
 * in parallel before submitting it; {@link OrmStore#commit} applies the same checks again, plus
 * every check that needs state (keys, references, versions, checks, cascades), atomically.
 *
 * <p>Errors are INVALID_REQUEST in the form the store uses: {@code mutation 3 (insert into Post):
 * unknown field 'titel' on entity Post (did you mean 'title'?)}.
 */
public final class MutationValidator {
  private MutationValidator() {}

  /** Checks mutation {@code index} of a batch against {@code schema}. */
  public static void validate(SchemaBundle schema, int index, Mutation m) {
    try {
      checkNesting(m);
      check(schema, m);
    } catch (OrmDbException e) {
      throw e.within("mutation " + index + " (" + describe(m) + ")");
    }
  }

  /**
   * Refuses (INVALID_REQUEST) a mutation nested deeper than {@link Nesting#MAX_LEVELS}: rows
   * inserted through a relation of rows inserted through a relation ..., or the and / or / not of
   * an update's or delete's filter. Only code can build one (the query language stops at the same
   * depth); it is refused before anything walks it recursively. Needs no schema.
   */
  public static void checkNesting(Mutation m) {
    if (m instanceof Mutation.Insert ins) {
      insertDepth(ins, 1);
    } else if (m instanceof Mutation.UpdateMany um) {
      FilterBinder.checkDepth(um.filter(), "filter");
    } else if (m instanceof Mutation.DeleteMany dm) {
      FilterBinder.checkDepth(dm.filter(), "filter");
    }
  }

  private static void insertDepth(Mutation.Insert ins, int depth) {
    for (Mutation.NestedInsert n : ins.nested()) {
      for (Mutation.Insert row : n.rows()) {
        if (depth >= Nesting.MAX_LEVELS) {
          throw OrmDbException.invalid(Nesting.tooDeep("inserted rows"));
        }
        insertDepth(row, depth + 1);
      }
    }
  }

  /** How the store names a mutation in its errors: {@code insert into Post}. */
  public static String describe(Mutation m) {
    if (m instanceof Mutation.Insert) {
      return "insert into " + m.entity();
    } else if (m instanceof Mutation.Update) {
      return "update " + m.entity();
    } else if (m instanceof Mutation.UpdateMany) {
      return "update many " + m.entity();
    } else if (m instanceof Mutation.Delete) {
      return "delete from " + m.entity();
    } else if (m instanceof Mutation.DeleteMany) {
      return "delete many from " + m.entity();
    } else {
      return "upsert into " + m.entity();
    }
  }

  private static void check(SchemaBundle schema, Mutation m) {
    EntityDef e = schema.requireEntity(m.entity());
    if (m instanceof Mutation.Insert ins) {
      insert(schema, e, ins);
    } else if (m instanceof Mutation.Update u) {
      identity(schema, e, u.id());
      fields(schema, e, u.data());
    } else if (m instanceof Mutation.UpdateMany um) {
      fields(schema, e, um.data());
    } else if (m instanceof Mutation.Delete d) {
      identity(schema, e, d.id());
    } else if (m instanceof Mutation.Upsert up) {
      fields(schema, e, up.key());
      fields(schema, e, up.data());
    }
  }

  private static void insert(SchemaBundle schema, EntityDef e, Mutation.Insert ins) {
    fields(schema, e, ins.data());
    // a key field a nested to-one insert sets (the row it refers to is inserted first)
    java.util.Set<String> setByNested = new java.util.HashSet<>();
    for (Mutation.NestedInsert n : ins.nested()) {
      schema
          .relation(e.name(), n.relation())
          .filter(schema::keyOnSource)
          .ifPresent(r -> setByNested.add(r.fromField()));
    }
    for (FieldDef f : e.fields()) {
      Value v = ins.data().get(f.name());
      boolean given = (v != null && !v.isNull()) || setByNested.contains(f.name());
      boolean generated =
          f.name().equals(e.identityField())
              && (f.type().base() == ValueType.UUID
                  || f.type().base() == ValueType.INT64
                  || f.type().base() == ValueType.INT32);
      if (!given && !f.optional() && f.defaultValue() == null && !generated) {
        throw OrmDbException.invalid("field " + e.name() + "." + f.name() + " is required");
      }
    }
    nested(schema, e, ins.nested());
  }

  /**
   * Nested rows: relation names, targets and field values (their keys come from the parent, so
   * required fields are left to the store).
   */
  private static void nested(
      SchemaBundle schema, EntityDef e, java.util.List<Mutation.NestedInsert> nestedInserts) {
    for (Mutation.NestedInsert n : nestedInserts) {
      RelationDef r = schema.requireRelation(e.name(), n.relation());
      EntityDef target = schema.requireEntity(r.toEntity());
      for (int i = 0; i < n.rows().size(); i++) {
        Mutation.Insert child = n.rows().get(i);
        try {
          if (!child.entity().isEmpty() && !child.entity().equals(target.name())) {
            throw OrmDbException.invalid(
                "relation " + r.name() + " leads to " + target.name() + ", not " + child.entity());
          }
          fields(schema, target, child.data());
          nested(schema, target, child.nested());
        } catch (OrmDbException ex) {
          throw ex.within("nested insert " + n.relation() + "[" + i + "] into " + target.name());
        }
      }
    }
  }

  private static void identity(SchemaBundle schema, EntityDef e, Value id) {
    if (id.isNull()) {
      throw OrmDbException.invalid("identity " + e.name() + "." + e.identityField() + " is null");
    }
    convert(schema, e, e.requireField(e.identityField()), id);
  }

  private static void fields(SchemaBundle schema, EntityDef e, Map<String, Value> data) {
    for (Map.Entry<String, Value> d : data.entrySet()) {
      convert(schema, e, e.requireField(d.getKey()), d.getValue());
    }
  }

  private static void convert(SchemaBundle schema, EntityDef e, FieldDef f, Value v) {
    String where = "field " + e.name() + "." + f.name();
    if (v == null || v.isNull()) {
      return;
    }
    FieldType t = f.type();
    if (t.array()) {
      if (!(v instanceof Value.Array a)) {
        throw OrmDbException.invalid(
            where + " is " + t.render() + " but got " + v.type().displayName() + " " + v.render());
      }
      for (Value el : a.elements()) {
        scalar(schema, where, t, el);
      }
    } else {
      scalar(schema, where, t, v);
    }
  }

  private static void scalar(SchemaBundle schema, String where, FieldType t, Value v) {
    if (v.isNull()) {
      return;
    }
    Value c;
    try {
      c = Values.convert(v, t.base());
    } catch (OrmDbException ex) {
      throw OrmDbException.invalid(where + ": " + ex.getMessage());
    }
    if (t.base() == ValueType.ENUM) {
      EnumDef def = schema.enumDef(t.enumName()).orElse(null);
      if (def != null && !def.variants().contains(c.asString())) {
        throw OrmDbException.invalid(
            where
                + ": '"
                + c.asString()
                + "' is not a variant of enum "
                + def.name()
                + Suggestions.didYouMean(c.asString(), def.variants()));
      }
    }
  }
}
