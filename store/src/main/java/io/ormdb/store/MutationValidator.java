package io.ormdb.store;

import io.ormdb.protocol.Nesting;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldValues;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.internal.catalog.MutationChecks;
import java.util.Map;
import java.util.TreeSet;

/**
 * The checks of a mutation that need only the schema, no stored row: the entity and every field
 * exist (with a did-you-mean), values convert to the declared types (enum variants and decimal
 * places included), an insert gives every required field that has no default and cannot be
 * generated, no value is given for a computed field, nested inserts name relations of their parent.
 * It is a fast pre-check for callers that validate parts of a batch in parallel before submitting
 * it; {@link OrmStore#commit} applies the same checks again, plus every check that needs state
 * (keys, references, versions, checks, cascades), atomically.
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
      throw e.within(m.context(index));
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
      Filter.checkDepth(um.filter(), "filter");
    } else if (m instanceof Mutation.DeleteMany dm) {
      Filter.checkDepth(dm.filter(), "filter");
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

  private static void check(SchemaBundle schema, Mutation m) {
    EntityDef e = schema.requireEntity(m.entity());
    if (m instanceof Mutation.Insert ins) {
      insert(schema, e, ins);
    } else if (m instanceof Mutation.Update u) {
      MutationChecks.identity(schema, e, u.id());
      fields(schema, e, u.data());
    } else if (m instanceof Mutation.UpdateMany um) {
      fields(schema, e, um.data());
    } else if (m instanceof Mutation.Delete d) {
      MutationChecks.identity(schema, e, d.id());
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
      if (f.isComputed()) {
        continue; // computed, never given (fields() refuses a value for it)
      }
      Value v = ins.data().get(f.name());
      boolean given = (v != null && !v.isNull()) || setByNested.contains(f.name());
      boolean assigned =
          f.name().equals(e.identityField()) && MutationChecks.assignsIdentity(f.type());
      if (!given && !f.optional() && f.defaultValue() == null && !assigned) {
        throw MutationChecks.required(e, f.name());
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
          MutationChecks.checkTarget(r, child);
          fields(schema, target, child.data());
          nested(schema, target, child.nested());
        } catch (OrmDbException ex) {
          throw MutationChecks.inNested(ex, n, i, target.name());
        }
      }
    }
  }

  /** In field-name order, as the store converts them, so both report the same field first. */
  private static void fields(SchemaBundle schema, EntityDef e, Map<String, Value> data) {
    for (String name : new TreeSet<>(data.keySet())) {
      FieldValues.convert(schema, e.name(), MutationChecks.writable(e, name), data.get(name));
    }
  }
}
