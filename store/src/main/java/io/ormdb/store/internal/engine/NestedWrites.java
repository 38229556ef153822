package io.ormdb.store.internal.engine;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Expr;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.internal.catalog.Catalog.EntityInfo;
import io.ormdb.store.internal.catalog.MutationChecks;
import io.ormdb.store.internal.codec.KeyCodec;
import io.ormdb.store.internal.codec.RowCodec.RowData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes through the relations of a row a batch inserts or updates ({@link Mutation.NestedWrite}):
 * related rows created, connected, disconnected, updated and deleted, in the batch's {@link
 * WriteTx}, so that they commit with it or not at all. What connects two rows is a key field — on
 * the child (one-to-many, one-to-one from the parent's side), on the row itself (many-to-one,
 * one-to-one from the child's side) — or an edge row (many-to-many); each write sets that field or
 * inserts or deletes that edge row, through the transaction's ordinary updates, inserts and
 * deletes, so every constraint, cascade and changelog event follows as for any other write.
 */
final class NestedWrites {
  private final WriteTx tx;

  NestedWrites(WriteTx tx) {
    this.tx = tx;
  }

  /**
   * Before the row an insert builds exists: the writes through its relations whose key is on the
   * row itself (many-to-one, one-to-one from the child's side) create or find the one related row
   * and set the row's key field in {@code given}.
   */
  void referenced(EntityInfo source, Map<String, Value> given, List<Mutation.NestedWrite> ws) {
    for (Mutation.NestedWrite w : ws) {
      RelationDef r = tx.cat.bundle.requireRelation(source.name(), w.relation());
      if (!tx.cat.bundle.keyOnSource(r)) {
        continue;
      }
      EntityInfo target = tx.cat.entity(r.toEntity());
      onlyCreateOrConnect(r, w);
      int items = w.create().size() + w.connect().size();
      if (items != 1) {
        throw MutationChecks.toOne(r, items, true);
      }
      Value given0 = given.get(r.fromField());
      if (given0 != null && !given0.isNull()) {
        throw OrmDbException.invalid(
            "field "
                + source.name()
                + "."
                + r.fromField()
                + " is set by the nested "
                + (w.create().isEmpty() ? "connect" : "insert")
                + "; the row also gives "
                + given0.render());
      }
      Value key;
      if (!w.create().isEmpty()) {
        Mutation.Insert row = w.create().get(0);
        key =
            within(
                "insert",
                r,
                target,
                0,
                () -> {
                  MutationChecks.checkTarget(r, row);
                  Value id = tx.insert(target, row, null);
                  return tx.current(target, KeyCodec.encode(id)).fields().get(r.toField());
                });
      } else {
        Map<String, Expr> k = w.connect().get(0);
        key =
            within(
                "connect",
                r,
                target,
                0,
                () -> tx.current(target, require(target, k)).fields().get(r.toField()));
      }
      given.put(r.fromField(), tx.convert(source, source.field(r.fromField()), key));
    }
  }

  /**
   * Refuses an update that sets a key field itself and through a relation's nested write as well:
   * which should win is not for the store to guess.
   */
  void checkKeysNotGiven(EntityInfo e, Mutation.Update u) {
    for (Mutation.NestedWrite w : u.writes()) {
      RelationDef r = tx.cat.bundle.requireRelation(e.name(), w.relation());
      if (tx.cat.bundle.keyOnSource(r)
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
  }

  /**
   * The writes {@code ws} through relations of row {@code key} of {@code parent}; with {@code
   * inserting} (the row is new) only create and connect, and not those {@link #referenced} did.
   */
  void apply(EntityInfo parent, byte[] key, List<Mutation.NestedWrite> ws, boolean inserting) {
    for (Mutation.NestedWrite w : ws) {
      RelationDef r = tx.cat.bundle.requireRelation(parent.name(), w.relation());
      EntityInfo target = tx.cat.entity(r.toEntity());
      boolean onSource = tx.cat.bundle.keyOnSource(r);
      if (inserting) {
        onlyCreateOrConnect(r, w);
        if (onSource) {
          continue; // done before the row was built
        }
      } else if (onSource && w.create().size() + w.connect().size() > 1) {
        throw MutationChecks.toOne(r, w.create().size() + w.connect().size(), false);
      }
      for (int i = 0; i < w.create().size(); i++) {
        Mutation.Insert row = w.create().get(i);
        within("insert", r, target, i, () -> create(parent, key, r, target, row));
      }
      for (int i = 0; i < w.connect().size(); i++) {
        Map<String, Expr> k = w.connect().get(i);
        within("connect", r, target, i, () -> connect(parent, key, r, target, k));
      }
      if (!w.disconnect().isEmpty()) {
        checkDisconnectable(parent, r, target);
      }
      for (int i = 0; i < w.disconnect().size(); i++) {
        Map<String, Expr> k = w.disconnect().get(i);
        within("disconnect", r, target, i, () -> disconnect(parent, key, r, target, k));
      }
      for (int i = 0; i < w.update().size(); i++) {
        Mutation.NestedUpdate u = w.update().get(i);
        within("update", r, target, i, () -> update(parent, key, r, target, u));
      }
      for (int i = 0; i < w.delete().size(); i++) {
        Map<String, Expr> k = w.delete().get(i);
        within(
            "delete",
            r,
            target,
            i,
            () -> {
              byte[] child = connected(parent, key, r, target, k, "delete");
              tx.delete(target, child, tx.current(target, child));
              return null;
            });
      }
    }
  }

  private static void onlyCreateOrConnect(RelationDef r, Mutation.NestedWrite w) {
    String op =
        !w.disconnect().isEmpty()
            ? "disconnect"
            : !w.update().isEmpty() ? "update" : !w.delete().isEmpty() ? "delete" : null;
    if (op != null) {
      throw MutationChecks.notWhenInserting(op, r);
    }
  }

  /** Runs {@code work}, placing a refusal at item {@code index} of nested write {@code op}. */
  private static <T> T within(
      String op, RelationDef r, EntityInfo target, int index, java.util.function.Supplier<T> work) {
    try {
      return work.get();
    } catch (OrmDbException e) {
      throw MutationChecks.inNested(e, op, r.name(), index, target.name());
    }
  }

  private static void within(
      String op, RelationDef r, EntityInfo target, int index, Runnable work) {
    within(
        op,
        r,
        target,
        index,
        () -> {
          work.run();
          return null;
        });
  }

  // ---- the writes ----

  private void create(
      EntityInfo parent, byte[] key, RelationDef r, EntityInfo target, Mutation.Insert row) {
    MutationChecks.checkTarget(r, row);
    if (tx.cat.bundle.keyOnSource(r)) {
      Value id = tx.insert(target, row, null);
      setField(
          parent,
          key,
          r.fromField(),
          tx.current(target, KeyCodec.encode(id)).fields().get(r.toField()));
    } else if (r.cardinality() == Cardinality.MANY_TO_MANY) {
      Value from = parentKey(parent, key, r);
      Value id = tx.insert(target, row, null);
      tx.insertEdge(r, from, tx.current(target, KeyCodec.encode(id)).fields().get(r.toField()));
    } else {
      tx.insert(target, row, Map.of(r.toField(), parentKey(parent, key, r)));
    }
  }

  private void connect(
      EntityInfo parent, byte[] key, RelationDef r, EntityInfo target, Map<String, Expr> k) {
    byte[] child = require(target, k);
    Map<String, Value> c = tx.current(target, child).fields();
    if (tx.cat.bundle.keyOnSource(r)) {
      setField(parent, key, r.fromField(), c.get(r.toField()));
    } else if (r.cardinality() == Cardinality.MANY_TO_MANY) {
      Value from = parentKey(parent, key, r);
      Value to = c.get(r.toField());
      if (edges(r, from, to).isEmpty()) { // connected already: stays connected, once
        tx.insertEdge(r, from, to);
      }
    } else {
      setField(target, child, r.toField(), parentKey(parent, key, r));
    }
  }

  private void disconnect(
      EntityInfo parent, byte[] key, RelationDef r, EntityInfo target, Map<String, Expr> k) {
    if (k.isEmpty()) {
      for (byte[] child : connectedRows(parent, key, r, target, "disconnect")) {
        unlink(parent, key, r, target, child);
      }
      return;
    }
    byte[] child = require(target, k);
    if (isConnected(parent, key, r, target, child)) {
      unlink(parent, key, r, target, child);
    }
  }

  private void unlink(
      EntityInfo parent, byte[] key, RelationDef r, EntityInfo target, byte[] child) {
    if (tx.cat.bundle.keyOnSource(r)) {
      setField(parent, key, r.fromField(), Value.NULL);
    } else if (r.cardinality() == Cardinality.MANY_TO_MANY) {
      EntityInfo edge = tx.cat.entity(r.edgeEntity());
      Value from = parentKey(parent, key, r);
      Value to = tx.current(target, child).fields().get(r.toField());
      for (byte[] e : edges(r, from, to)) {
        tx.delete(edge, e, tx.current(edge, e));
      }
    } else {
      setField(target, child, r.toField(), Value.NULL);
    }
  }

  private void update(
      EntityInfo parent, byte[] key, RelationDef r, EntityInfo target, Mutation.NestedUpdate u) {
    byte[] child = connected(parent, key, r, target, u.where(), "update");
    RowData old = tx.current(target, child);
    tx.update(target, child, old, tx.assignments(target, Map.of(), u.set(), old.fields()));
    apply(target, child, u.writes(), false);
  }

  /** Refuses a disconnect that would set a required key field to null. */
  private void checkDisconnectable(EntityInfo parent, RelationDef r, EntityInfo target) {
    if (r.cardinality() == Cardinality.MANY_TO_MANY) {
      return;
    }
    boolean onSource = tx.cat.bundle.keyOnSource(r);
    EntityInfo holder = onSource ? parent : target;
    FieldDef f = holder.field(onSource ? r.fromField() : r.toField());
    if (!f.optional()) {
      throw MutationChecks.keyRequired(r, holder.name(), f.name());
    }
  }

  // ---- finding rows ----

  /** The live row of {@code target} that key {@code k} names; NOT_FOUND when none. */
  private byte[] require(EntityInfo target, Map<String, Expr> k) {
    Map<String, Value> key = key(target, k);
    byte[] found = tx.find(target, key, "key");
    if (found == null) {
      throw OrmDbException.notFound("no " + target.name() + " with " + render(key));
    }
    return found;
  }

  /** The values of key {@code k}, converted to the types of its fields. */
  private Map<String, Value> key(EntityInfo target, Map<String, Expr> k) {
    if (k.isEmpty()) {
      throw MutationChecks.emptyKey(target.name());
    }
    Map<String, Value> key = new LinkedHashMap<>();
    for (String name : new TreeSet<>(k.keySet())) {
      key.put(name, tx.evaluate(target, target.field(name), k.get(name), null));
    }
    return key;
  }

  /**
   * The row of {@code target} that {@code k} names and that is connected to row {@code key} of
   * {@code parent} through {@code r} (an empty {@code k}: the one connected through a to-one
   * relation); NOT_FOUND when there is none.
   */
  private byte[] connected(
      EntityInfo parent,
      byte[] key,
      RelationDef r,
      EntityInfo target,
      Map<String, Expr> k,
      String op) {
    if (k.isEmpty()) {
      List<byte[]> rows = connectedRows(parent, key, r, target, op);
      if (rows.isEmpty()) {
        throw OrmDbException.notFound(
            "no " + target.name() + " is connected to " + describe(parent, key));
      }
      return rows.get(0);
    }
    byte[] child = require(target, k);
    if (!isConnected(parent, key, r, target, child)) {
      throw OrmDbException.notFound(
          describe(target, child) + " is not connected to " + describe(parent, key));
    }
    return child;
  }

  /** The rows connected through to-one relation {@code r}; refused for a to-many relation. */
  private List<byte[]> connectedRows(
      EntityInfo parent, byte[] key, RelationDef r, EntityInfo target, String op) {
    if (r.cardinality().toMany()) {
      throw MutationChecks.keysNeeded(r, op);
    }
    // the key on either side: the target's rows whose toField is this row's fromField
    Value v = tx.current(parent, key).fields().get(r.fromField());
    return v.isNull() ? List.of() : tx.rowsWhere(target, r.toField(), v);
  }

  private boolean isConnected(
      EntityInfo parent, byte[] key, RelationDef r, EntityInfo target, byte[] child) {
    Map<String, Value> p = tx.current(parent, key).fields();
    Map<String, Value> c = tx.current(target, child).fields();
    if (r.cardinality() == Cardinality.MANY_TO_MANY) {
      return !edges(r, p.get(r.fromField()), c.get(r.toField())).isEmpty();
    }
    return same(p.get(r.fromField()), c.get(r.toField()));
  }

  /** The edge rows of many-to-many relation {@code r} from {@code from} to {@code to}. */
  private List<byte[]> edges(RelationDef r, Value from, Value to) {
    EntityInfo edge = tx.cat.entity(r.edgeEntity());
    List<byte[]> out = new ArrayList<>();
    if (from.isNull() || to.isNull()) {
      return out;
    }
    for (byte[] e : tx.rowsWhere(edge, r.edgeFromField(), from)) {
      if (same(tx.current(edge, e).fields().get(r.edgeToField()), to)) {
        out.add(e);
      }
    }
    return out;
  }

  private static boolean same(Value a, Value b) {
    return a != null && b != null && !a.isNull() && !b.isNull() && Values.compare(a, b) == 0;
  }

  /**
   * The value of row {@code key} of {@code parent} that related rows refer to through {@code r}.
   */
  private Value parentKey(EntityInfo parent, byte[] key, RelationDef r) {
    Value v = tx.current(parent, key).fields().get(r.fromField());
    if (v.isNull()) {
      throw OrmDbException.invalid(
          describe(parent, key)
              + " has no "
              + r.fromField()
              + " for rows of "
              + r.toEntity()
              + " to refer to through "
              + r.name());
    }
    return v;
  }

  /** Sets one field of a live row, as an update of that field would. */
  private void setField(EntityInfo e, byte[] key, String field, Value value) {
    RowData now = tx.current(e, key);
    tx.update(e, key, now, Map.of(field, tx.convert(e, e.field(field), value)));
  }

  private String describe(EntityInfo e, byte[] key) {
    Value id = tx.current(e, key).fields().get(e.identity.name());
    return e.name() + " " + e.identity.name() + "=" + id.render();
  }

  private static String render(Map<String, Value> key) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Value> k : key.entrySet()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(k.getKey()).append('=');
      sb.append(k.getValue().render());
    }
    return sb.toString();
  }
}
