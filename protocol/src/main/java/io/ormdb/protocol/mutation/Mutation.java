package io.ormdb.protocol.mutation;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.value.Value;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One typed write. Mutations travel in a {@link MutationBatch} that commits atomically.
 *
 * <p>{@code data} maps field names to values; values are converted to the declared field types when
 * lossless ({@link io.ormdb.protocol.schema.FieldValues}), and unknown fields are refused.
 */
public sealed interface Mutation
    permits Mutation.Insert,
        Mutation.Update,
        Mutation.UpdateMany,
        Mutation.Delete,
        Mutation.DeleteMany,
        Mutation.Upsert {

  String entity();

  /**
   * How errors name this mutation: {@code insert into Post}, {@code update Post}, {@code update
   * many Post}, {@code delete from Post}, {@code delete many from Post}, {@code upsert into Post}.
   */
  default String describe() {
    if (this instanceof Insert) {
      return "insert into " + entity();
    } else if (this instanceof Update) {
      return "update " + entity();
    } else if (this instanceof UpdateMany) {
      return "update many " + entity();
    } else if (this instanceof Delete) {
      return "delete from " + entity();
    } else if (this instanceof DeleteMany) {
      return "delete many from " + entity();
    } else {
      return "upsert into " + entity();
    }
  }

  /**
   * How errors place this mutation in its batch, in front of what was wrong with it: {@code
   * mutation 3 (insert into Post)}.
   */
  default String context(int index) {
    return "mutation " + index + " (" + describe() + ")";
  }

  /**
   * Inserts a row. A missing identity is generated (uuid identities) or refused. {@code nested}
   * inserts related rows in the same batch, their keys filled in from this row.
   *
   * @param exprs values computed when the row is inserted: a field of a row an earlier mutation of
   *     the batch named ({@link Expr.Ref}), or arithmetic over such values and literals; never a
   *     field of this row, which has none yet. Its fields are not in {@code data}.
   * @param writes writes through relations of this row: rows inserted ({@code create}) and existing
   *     rows connected ({@code connect}), see {@link NestedWrite}
   * @param name names this row for later mutations of the batch ({@link Expr.Ref}), or null; the
   *     {@link MutationResult} reports its identity under this name
   */
  record Insert(
      String entity,
      Map<String, Value> data,
      List<NestedInsert> nested,
      Map<String, Expr> exprs,
      List<NestedWrite> writes,
      String name)
      implements Mutation {
    public Insert {
      Objects.requireNonNull(entity, "entity");
      data = Map.copyOf(data);
      nested = nested == null ? List.of() : List.copyOf(nested);
      exprs = exprs == null ? Map.of() : Map.copyOf(exprs);
      writes = writes == null ? List.of() : List.copyOf(writes);
    }

    public Insert(String entity, Map<String, Value> data, List<NestedInsert> nested) {
      this(entity, data, nested, Map.of(), List.of(), null);
    }

    public Insert(String entity, Map<String, Value> data) {
      this(entity, data, List.of());
    }

    /** This insert, naming its row {@code name} for later mutations of the batch. */
    public Insert named(String name) {
      return new Insert(entity, data, nested, exprs, writes, Objects.requireNonNull(name, "name"));
    }

    /** A reference to the row this insert names; it must have a {@link #name()}. */
    public RowRef ref() {
      if (name == null) {
        throw new IllegalStateException("insert into " + entity + " has no name: use named(...)");
      }
      return new RowRef(name);
    }
  }

  /**
   * Updates the named fields of the row with identity {@code id}. With {@code expectedVersion} &gt;
   * 0, fails with CONFLICT unless the row's version is exactly that (optimistic concurrency).
   *
   * @param exprs values computed against the row as it is before this update ({@code balance + 10},
   *     see {@link Expr}); its fields are not in {@code data}
   * @param writes writes through relations of the row: create, connect, disconnect, update and
   *     delete related rows ({@link NestedWrite}), in the same batch
   */
  record Update(
      String entity,
      Value id,
      Map<String, Value> data,
      long expectedVersion,
      Map<String, Expr> exprs,
      List<NestedWrite> writes)
      implements Mutation {
    public Update {
      Objects.requireNonNull(entity, "entity");
      Objects.requireNonNull(id, "id");
      data = Map.copyOf(data);
      exprs = exprs == null ? Map.of() : Map.copyOf(exprs);
      writes = writes == null ? List.of() : List.copyOf(writes);
    }

    public Update(String entity, Value id, Map<String, Value> data, long expectedVersion) {
      this(entity, id, data, expectedVersion, Map.of(), List.of());
    }
  }

  /**
   * Updates every row matching {@code filter}; {@code exprs} are computed per row, against the row
   * as it is before the update.
   */
  record UpdateMany(String entity, Filter filter, Map<String, Value> data, Map<String, Expr> exprs)
      implements Mutation {
    public UpdateMany {
      Objects.requireNonNull(entity, "entity");
      Objects.requireNonNull(filter, "filter");
      data = Map.copyOf(data);
      exprs = exprs == null ? Map.of() : Map.copyOf(exprs);
    }

    public UpdateMany(String entity, Filter filter, Map<String, Value> data) {
      this(entity, filter, data, Map.of());
    }
  }

  /** Deletes the row with identity {@code id}, honouring on-delete rules and expected version. */
  record Delete(String entity, Value id, long expectedVersion) implements Mutation {
    public Delete {
      Objects.requireNonNull(entity, "entity");
      Objects.requireNonNull(id, "id");
    }
  }

  /** Deletes every row matching {@code filter}. */
  record DeleteMany(String entity, Filter filter) implements Mutation {
    public DeleteMany {
      Objects.requireNonNull(entity, "entity");
      Objects.requireNonNull(filter, "filter");
    }
  }

  /**
   * Inserts or updates by key. {@code key} holds either the identity field, or all the fields of
   * one unique constraint. Found: {@code data} and {@code exprs} update the row. Not found: a row
   * of {@code key} plus {@code create} is inserted, or when {@code create} is null, of {@code key}
   * plus {@code data} plus {@code exprs} (which then must not read the row: {@link
   * Expr#readsRow()}).
   *
   * @param name names the row found or inserted for later mutations of the batch, or null
   */
  record Upsert(
      String entity,
      Map<String, Value> key,
      Map<String, Value> data,
      Map<String, Expr> exprs,
      Map<String, Expr> create,
      String name)
      implements Mutation {
    public Upsert {
      Objects.requireNonNull(entity, "entity");
      key = Map.copyOf(key);
      data = Map.copyOf(data);
      exprs = exprs == null ? Map.of() : Map.copyOf(exprs);
      create = create == null ? null : Map.copyOf(create);
      if (key.isEmpty()) {
        throw new IllegalArgumentException("upsert into " + entity + " needs a key");
      }
    }

    public Upsert(String entity, Map<String, Value> key, Map<String, Value> data) {
      this(entity, key, data, Map.of(), null, null);
    }

    /** This upsert, naming the row it finds or inserts {@code name} for later mutations. */
    public Upsert named(String name) {
      return new Upsert(entity, key, data, exprs, create, Objects.requireNonNull(name, "name"));
    }

    /** A reference to the row this upsert names; it must have a {@link #name()}. */
    public RowRef ref() {
      if (name == null) {
        throw new IllegalStateException("upsert into " + entity + " has no name: use named(...)");
      }
      return new RowRef(name);
    }
  }

  /**
   * Related rows inserted with their parent through {@code relation} (a relation of the parent).
   */
  record NestedInsert(String relation, List<Insert> rows) {
    public NestedInsert {
      Objects.requireNonNull(relation, "relation");
      rows = List.copyOf(rows);
    }
  }

  /**
   * Writes through {@code relation} of the row being inserted or updated, in the same batch, in the
   * order of the components: rows inserted, connected, disconnected, updated, deleted. A row of the
   * relation's target is named by a key: its identity, or all the fields of one of its unique
   * constraints ({@code {id: 1}}, {@code {name: "db"}}); through a to-one relation an empty key
   * names the row connected now.
   *
   * <ul>
   *   <li>{@code create}: inserts rows connected to this one (as {@link NestedInsert} does).
   *   <li>{@code connect}: connects existing rows: sets the child's key (one-to-many, one-to-one
   *       from the parent side), this row's key (many-to-one, one-to-one from the child side), or
   *       inserts the edge row (many-to-many; a row connected already stays so, once). A key that
   *       names no row is NOT_FOUND.
   *   <li>{@code disconnect}: sets the key that connects them to null (it must be optional), or
   *       deletes the edge row; a row that is not connected is left alone. Only in updates.
   *   <li>{@code update}: updates connected rows ({@link NestedUpdate}); a row that is not
   *       connected is NOT_FOUND. Only in updates.
   *   <li>{@code delete}: deletes connected rows, with the usual on-delete rules; a row that is not
   *       connected is NOT_FOUND. Only in updates.
   * </ul>
   */
  record NestedWrite(
      String relation,
      List<Insert> create,
      List<Map<String, Expr>> connect,
      List<Map<String, Expr>> disconnect,
      List<NestedUpdate> update,
      List<Map<String, Expr>> delete) {
    public NestedWrite {
      Objects.requireNonNull(relation, "relation");
      create = create == null ? List.of() : List.copyOf(create);
      connect = keys(connect);
      disconnect = keys(disconnect);
      update = update == null ? List.of() : List.copyOf(update);
      delete = keys(delete);
    }

    private static List<Map<String, Expr>> keys(List<Map<String, Expr>> keys) {
      if (keys == null) {
        return List.of();
      }
      List<Map<String, Expr>> out = new java.util.ArrayList<>(keys.size());
      for (Map<String, Expr> k : keys) {
        out.add(Map.copyOf(k));
      }
      return List.copyOf(out);
    }

    /** Whether this writes anything besides inserting rows. */
    public boolean onlyCreates() {
      return connect.isEmpty() && disconnect.isEmpty() && update.isEmpty() && delete.isEmpty();
    }
  }

  /**
   * An update of a row connected through a relation, named by {@code where} (a key of the related
   * entity; empty through a to-one relation: the row connected now): {@code set} is computed
   * against that row as it is before the update, and {@code writes} go on through its relations.
   */
  record NestedUpdate(Map<String, Expr> where, Map<String, Expr> set, List<NestedWrite> writes) {
    public NestedUpdate {
      where = where == null ? Map.of() : Map.copyOf(where);
      set = set == null ? Map.of() : Map.copyOf(set);
      writes = writes == null ? List.of() : List.copyOf(writes);
    }
  }

  /**
   * A row named in a batch ({@link Insert#named}): {@code ref.get("id")} is the value of its {@code
   * id} field for a later mutation of the same batch, assigned identities included.
   */
  record RowRef(String name) {
    public RowRef {
      Objects.requireNonNull(name, "name");
    }

    /** Field {@code field} of the named row. */
    public Expr get(String field) {
      return new Expr.Ref(name, field);
    }
  }
}
