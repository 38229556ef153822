package io.ormdb.store;

import io.ormdb.protocol.Nesting;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.Suggestions;
import io.ormdb.protocol.mutation.Expr;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldValues;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.internal.catalog.Arithmetic;
import io.ormdb.store.internal.catalog.MutationChecks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

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
   * inserted through a relation of rows inserted through a relation ..., writes through relations
   * of rows updated through a relation ..., the and / or / not of an update's or delete's filter,
   * or the arithmetic of a computed value. Only code can build one (the query language stops at the
   * same depth); it is refused before anything walks it recursively. Needs no schema.
   */
  public static void checkNesting(Mutation m) {
    if (m instanceof Mutation.Insert ins) {
      insertDepth(ins, 1);
    } else if (m instanceof Mutation.Update u) {
      exprsDepth(u.exprs());
      writesDepth(u.writes(), 1);
    } else if (m instanceof Mutation.UpdateMany um) {
      Filter.checkDepth(um.filter(), "filter");
      exprsDepth(um.exprs());
    } else if (m instanceof Mutation.DeleteMany dm) {
      Filter.checkDepth(dm.filter(), "filter");
    } else if (m instanceof Mutation.Upsert up) {
      exprsDepth(up.exprs());
      if (up.create() != null) {
        exprsDepth(up.create());
      }
    }
  }

  private static void insertDepth(Mutation.Insert ins, int depth) {
    exprsDepth(ins.exprs());
    for (Mutation.NestedInsert n : ins.nested()) {
      for (Mutation.Insert row : n.rows()) {
        if (depth >= Nesting.MAX_LEVELS) {
          throw OrmDbException.invalid(Nesting.tooDeep("inserted rows"));
        }
        insertDepth(row, depth + 1);
      }
    }
    writesDepth(ins.writes(), depth);
  }

  private static void writesDepth(List<Mutation.NestedWrite> writes, int depth) {
    for (Mutation.NestedWrite w : writes) {
      if (depth >= Nesting.MAX_LEVELS) {
        throw OrmDbException.invalid(Nesting.tooDeep("nested writes"));
      }
      for (Mutation.Insert row : w.create()) {
        insertDepth(row, depth + 1);
      }
      for (Mutation.NestedUpdate u : w.update()) {
        exprsDepth(u.where());
        exprsDepth(u.set());
        writesDepth(u.writes(), depth + 1);
      }
      for (List<Map<String, Expr>> keys : List.of(w.connect(), w.disconnect(), w.delete())) {
        for (Map<String, Expr> k : keys) {
          exprsDepth(k);
        }
      }
    }
  }

  private static void exprsDepth(Map<String, Expr> exprs) {
    for (Expr x : exprs.values()) {
      exprDepth(x, 1);
    }
  }

  private static void exprDepth(Expr x, int depth) {
    if (x instanceof Expr.Arith a) {
      if (depth >= Nesting.MAX_LEVELS) {
        throw OrmDbException.invalid(Nesting.tooDeep("arithmetic"));
      }
      exprDepth(a.left(), depth + 1);
      exprDepth(a.right(), depth + 1);
    }
  }

  /**
   * Refuses (INVALID_REQUEST) a batch whose mutations refer to rows ({@link Expr.Ref}) that no
   * earlier mutation of the batch names, or that names two rows alike; the error names the
   * mutation: {@code mutation 1 (insert into Post): row 'ann' is named by mutation 2; a mutation
   * refers only to rows of earlier mutations}. Needs no schema.
   */
  public static void checkNames(MutationBatch batch) {
    List<Mutation> ms = batch.mutations();
    if (!mayName(ms)) {
      return; // plain rows and values: nothing to walk (the common case, a bulk insert included)
    }
    Map<String, Integer> namedAt = new HashMap<>();
    for (int i = 0; i < ms.size(); i++) {
      List<String> mine = new ArrayList<>();
      walk(ms.get(i), mine::add, r -> {});
      for (String n : mine) {
        Integer first = namedAt.putIfAbsent(n, i);
        if (first != null) {
          throw OrmDbException.invalid(
                  "the name '"
                      + n
                      + "' is given twice in the batch"
                      + (first == i ? "" : " (mutation " + first + " gave it first)"))
              .within(ms.get(i).context(i));
        }
      }
    }
    for (int i = 0; i < ms.size(); i++) {
      int at = i;
      walk(
          ms.get(i),
          n -> {},
          r -> {
            Integer by = namedAt.get(r.name());
            if (by == null || by >= at) {
              throw OrmDbException.invalid(
                      by == null
                          ? "unknown row '"
                              + r.name()
                              + "': no earlier mutation of the batch is named so"
                              + Suggestions.didYouMean(r.name(), namedAt.keySet())
                          : "row '"
                              + r.name()
                              + "' is named by "
                              + (by == at ? "this mutation" : "mutation " + by)
                              + "; a mutation refers only to rows of earlier mutations")
                  .within(ms.get(at).context(at));
            }
          });
    }
  }

  /** Whether any of {@code ms} may name a row or refer to one. */
  private static boolean mayName(List<Mutation> ms) {
    for (Mutation m : ms) {
      if (m instanceof Mutation.Insert ins) {
        if (ins.name() != null
            || !ins.exprs().isEmpty()
            || !ins.writes().isEmpty()
            || !ins.nested().isEmpty()) {
          return true;
        }
      } else if (m instanceof Mutation.Update u) {
        if (!u.exprs().isEmpty() || !u.writes().isEmpty()) {
          return true;
        }
      } else if (m instanceof Mutation.UpdateMany um) {
        if (!um.exprs().isEmpty()) {
          return true;
        }
      } else if (m instanceof Mutation.Upsert up) {
        if (up.name() != null || !up.exprs().isEmpty() || up.create() != null) {
          return true;
        }
      }
    }
    return false;
  }

  /** Calls {@code name} for every name a mutation gives and {@code ref} for every reference. */
  private static void walk(Mutation m, Consumer<String> name, Consumer<Expr.Ref> ref) {
    if (m instanceof Mutation.Insert ins) {
      walkInsert(ins, name, ref);
    } else if (m instanceof Mutation.Update u) {
      walkExprs(u.exprs(), ref);
      walkWrites(u.writes(), name, ref);
    } else if (m instanceof Mutation.UpdateMany um) {
      walkExprs(um.exprs(), ref);
    } else if (m instanceof Mutation.Upsert up) {
      walkExprs(up.exprs(), ref);
      if (up.create() != null) {
        walkExprs(up.create(), ref);
      }
      if (up.name() != null) {
        name.accept(up.name());
      }
    }
  }

  private static void walkInsert(
      Mutation.Insert ins, Consumer<String> name, Consumer<Expr.Ref> ref) {
    walkExprs(ins.exprs(), ref);
    if (ins.name() != null) {
      name.accept(ins.name());
    }
    for (Mutation.NestedInsert n : ins.nested()) {
      for (Mutation.Insert row : n.rows()) {
        walkInsert(row, name, ref);
      }
    }
    walkWrites(ins.writes(), name, ref);
  }

  private static void walkWrites(
      List<Mutation.NestedWrite> writes, Consumer<String> name, Consumer<Expr.Ref> ref) {
    for (Mutation.NestedWrite w : writes) {
      for (Mutation.Insert row : w.create()) {
        walkInsert(row, name, ref);
      }
      for (List<Map<String, Expr>> keys : List.of(w.connect(), w.disconnect(), w.delete())) {
        for (Map<String, Expr> k : keys) {
          walkExprs(k, ref);
        }
      }
      for (Mutation.NestedUpdate u : w.update()) {
        walkExprs(u.where(), ref);
        walkExprs(u.set(), ref);
        walkWrites(u.writes(), name, ref);
      }
    }
  }

  private static void walkExprs(Map<String, Expr> exprs, Consumer<Expr.Ref> ref) {
    for (Expr x : exprs.values()) {
      walkExpr(x, ref);
    }
  }

  private static void walkExpr(Expr x, Consumer<Expr.Ref> ref) {
    if (x instanceof Expr.Ref r) {
      ref.accept(r);
    } else if (x instanceof Expr.Arith a) {
      walkExpr(a.left(), ref);
      walkExpr(a.right(), ref);
    }
  }

  private static void check(SchemaBundle schema, Mutation m) {
    EntityDef e = schema.requireEntity(m.entity());
    if (m instanceof Mutation.Insert ins) {
      insert(schema, e, ins);
    } else if (m instanceof Mutation.Update u) {
      MutationChecks.identity(schema, e, u.id());
      fields(schema, e, u.data());
      exprs(schema, e, u.data(), u.exprs(), true);
      for (Mutation.NestedWrite w : u.writes()) {
        RelationDef r = schema.requireRelation(e.name(), w.relation());
        if (schema.keyOnSource(r)
            && (u.data().containsKey(r.fromField()) || u.exprs().containsKey(r.fromField()))
            && !(w.create().isEmpty() && w.connect().isEmpty() && w.disconnect().isEmpty())) {
          throw OrmDbException.invalid(
              "field "
                  + e.name()
                  + "."
                  + r.fromField()
                  + " is set by the update and by the nested write through "
                  + r.name()
                  + "; give one of them");
        }
      }
      writes(schema, e, u.writes(), false);
    } else if (m instanceof Mutation.UpdateMany um) {
      fields(schema, e, um.data());
      exprs(schema, e, um.data(), um.exprs(), true);
    } else if (m instanceof Mutation.Delete d) {
      MutationChecks.identity(schema, e, d.id());
    } else if (m instanceof Mutation.Upsert up) {
      fields(schema, e, up.key());
      fields(schema, e, up.data());
      exprs(schema, e, up.data(), up.exprs(), true);
      if (up.create() == null) {
        for (String f : new TreeSet<>(up.exprs().keySet())) {
          if (up.exprs().get(f).readsRow()) {
            throw MutationChecks.upsertReadsRow(e, f, up.exprs().get(f));
          }
        }
      } else {
        exprs(schema, e, Map.of(), up.create(), false);
      }
    }
  }

  private static void insert(SchemaBundle schema, EntityDef e, Mutation.Insert ins) {
    fields(schema, e, ins.data());
    exprs(schema, e, ins.data(), ins.exprs(), false);
    // a key field a nested to-one insert or connect sets (the row it refers to comes first)
    java.util.Set<String> setByNested = new java.util.HashSet<>();
    for (Mutation.NestedInsert n : ins.nested()) {
      schema
          .relation(e.name(), n.relation())
          .filter(schema::keyOnSource)
          .ifPresent(r -> setByNested.add(r.fromField()));
    }
    for (Mutation.NestedWrite w : ins.writes()) {
      schema
          .relation(e.name(), w.relation())
          .filter(schema::keyOnSource)
          .ifPresent(r -> setByNested.add(r.fromField()));
    }
    for (FieldDef f : e.fields()) {
      if (f.isComputed()) {
        continue; // computed, never given (fields() refuses a value for it)
      }
      Value v = ins.data().get(f.name());
      boolean given =
          (v != null && !v.isNull())
              || ins.exprs().containsKey(f.name())
              || setByNested.contains(f.name());
      boolean assigned =
          f.name().equals(e.identityField()) && MutationChecks.assignsIdentity(f.type());
      if (!given && !f.optional() && f.defaultValue() == null && !assigned) {
        throw MutationChecks.required(e, f.name());
      }
    }
    nested(schema, e, ins.nested());
    writes(schema, e, ins.writes(), true);
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
          nestedRow(schema, r, target, child);
        } catch (OrmDbException ex) {
          throw MutationChecks.inNested(ex, n, i, target.name());
        }
      }
    }
  }

  /** A row inserted through relation {@code r}: as {@link #nested} checks it. */
  private static void nestedRow(
      SchemaBundle schema, RelationDef r, EntityDef target, Mutation.Insert child) {
    MutationChecks.checkTarget(r, child);
    fields(schema, target, child.data());
    exprs(schema, target, child.data(), child.exprs(), false);
    nested(schema, target, child.nested());
    writes(schema, target, child.writes(), true);
  }

  /**
   * Writes through relations of a row of {@code e}: the relation, what is available when {@code
   * inserting}, how many rows a to-one relation takes, whether a disconnect may set its key to
   * null, and the fields of keys, new rows and updates.
   */
  private static void writes(
      SchemaBundle schema, EntityDef e, List<Mutation.NestedWrite> writes, boolean inserting) {
    for (Mutation.NestedWrite w : writes) {
      RelationDef r = schema.requireRelation(e.name(), w.relation());
      EntityDef target = schema.requireEntity(r.toEntity());
      boolean onSource = schema.keyOnSource(r);
      int items = w.create().size() + w.connect().size();
      if (inserting) {
        String op =
            !w.disconnect().isEmpty()
                ? "disconnect"
                : !w.update().isEmpty() ? "update" : !w.delete().isEmpty() ? "delete" : null;
        if (op != null) {
          throw MutationChecks.notWhenInserting(op, r);
        }
        if (onSource && items != 1) {
          throw MutationChecks.toOne(r, items, true);
        }
      } else if (onSource && items > 1) {
        throw MutationChecks.toOne(r, items, false);
      }
      if (!w.disconnect().isEmpty() && r.cardinality() != Cardinality.MANY_TO_MANY) {
        EntityDef holder = onSource ? e : target;
        FieldDef f = holder.requireField(onSource ? r.fromField() : r.toField());
        if (!f.optional()) {
          throw MutationChecks.keyRequired(r, holder.name(), f.name());
        }
      }
      for (int i = 0; i < w.create().size(); i++) {
        int at = i;
        inNested("insert", r, target, at, () -> nestedRow(schema, r, target, w.create().get(at)));
      }
      keys(schema, r, target, "connect", w.connect());
      keys(schema, r, target, "disconnect", w.disconnect());
      keys(schema, r, target, "delete", w.delete());
      for (int i = 0; i < w.update().size(); i++) {
        Mutation.NestedUpdate u = w.update().get(i);
        inNested(
            "update",
            r,
            target,
            i,
            () -> {
              key(schema, r, target, "update", u.where());
              exprs(schema, target, Map.of(), u.set(), true);
              writes(schema, target, u.writes(), false);
            });
      }
    }
  }

  private static void keys(
      SchemaBundle schema,
      RelationDef r,
      EntityDef target,
      String op,
      List<Map<String, Expr>> keys) {
    for (int i = 0; i < keys.size(); i++) {
      Map<String, Expr> k = keys.get(i);
      inNested(op, r, target, i, () -> key(schema, r, target, op, k));
    }
  }

  /** A key of a nested write: the row connected now (empty, to-one only) or fields of target. */
  private static void key(
      SchemaBundle schema, RelationDef r, EntityDef target, String op, Map<String, Expr> k) {
    if (k.isEmpty()) {
      if (op.equals("connect")) {
        throw MutationChecks.emptyKey(target.name());
      }
      if (r.cardinality().toMany()) {
        throw MutationChecks.keysNeeded(r, op);
      }
      return;
    }
    exprs(schema, target, Map.of(), k, false);
  }

  private static void inNested(
      String op, RelationDef r, EntityDef target, int index, Runnable check) {
    try {
      check.run();
    } catch (OrmDbException ex) {
      throw MutationChecks.inNested(ex, op, r.name(), index, target.name());
    }
  }

  /**
   * Computed values: their fields exist and are not given as values too, arithmetic writes number
   * fields, literals convert, and only where {@code readsRow} do they read fields of the row.
   */
  private static void exprs(
      SchemaBundle schema,
      EntityDef e,
      Map<String, Value> data,
      Map<String, Expr> exprs,
      boolean readsRow) {
    for (String name : new TreeSet<>(exprs.keySet())) {
      FieldDef f = e.requireField(name);
      if (data.containsKey(name)) {
        throw MutationChecks.givenTwice(e, name);
      }
      Expr x = exprs.get(name);
      if (x instanceof Expr.Arith && !Arithmetic.numeric(f.type())) {
        throw Arithmetic.notNumeric(e.name(), f, x);
      }
      operands(schema, e, f, x, readsRow);
    }
  }

  private static void operands(
      SchemaBundle schema, EntityDef e, FieldDef f, Expr x, boolean readsRow) {
    if (x instanceof Expr.Literal l) {
      FieldValues.convert(schema, e.name(), f, l.value());
    } else if (x instanceof Expr.Field fr) {
      e.requireField(fr.name());
      if (!readsRow) {
        throw MutationChecks.readsNewRow(e, f, fr);
      }
    } else if (x instanceof Expr.Arith a) {
      operands(schema, e, f, a.left(), readsRow);
      operands(schema, e, f, a.right(), readsRow);
    }
  }

  /** In field-name order, as the store converts them, so both report the same field first. */
  private static void fields(SchemaBundle schema, EntityDef e, Map<String, Value> data) {
    for (String name : new TreeSet<>(data.keySet())) {
      FieldValues.convert(schema, e.name(), MutationChecks.writable(e, name), data.get(name));
    }
  }
}
