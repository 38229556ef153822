package io.ormdb.protocol.mutation;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fluent builders of mutations for Java callers: the write shapes of the query language ({@code
 * docs/query-language.md}, "Writing") without writing the records by hand.
 *
 * <pre>{@code
 * Mutation.Insert ann = Writes.create("User").set("name", "Ann").set("email", "a@x").named("ann");
 * Mutation.Insert post =
 *     Writes.create("Post")
 *         .set("authorId", ann.ref().get("id"))
 *         .set("title", "Hello")
 *         .nested(Writes.on("tags").connect(Writes.key("id", 1L)))
 *         .build();
 * Mutation.Update paid =
 *     Writes.update("Account", 7L).set("balance", Writes.field("balance").plus(10)).build();
 * Value annId = store.commit(MutationBatch.of(ann, post, paid)).named().get("ann");
 * }</pre>
 *
 * <p>A value given to {@code set} is a {@link Value}, a plain Java value ({@link Values#of}), or an
 * {@link Expr}: {@code Writes.field("balance").plus(10)}, {@code ann.ref().get("id")}.
 */
public final class Writes {
  private Writes() {}

  /** An insert into {@code entity}. */
  public static InsertBuilder create(String entity) {
    return new InsertBuilder(entity);
  }

  /** An update of the row of {@code entity} with identity {@code id}. */
  public static UpdateBuilder update(String entity, Object id) {
    return new UpdateBuilder(entity, Values.of(id));
  }

  /** An update of every row of {@code entity} matching {@code filter}. */
  public static UpdateManyBuilder updateMany(String entity, Filter filter) {
    return new UpdateManyBuilder(entity, filter);
  }

  /**
   * An upsert into {@code entity} by {@code key} (the identity, or all fields of a unique
   * constraint; plain Java values or {@link Value}s).
   */
  public static UpsertBuilder upsert(String entity, Map<String, ?> key) {
    Map<String, Value> k = new LinkedHashMap<>();
    key.forEach((f, v) -> k.put(f, Values.of(v)));
    return new UpsertBuilder(entity, k);
  }

  /** Writes through relation {@code relation} of the row being inserted or updated. */
  public static NestedBuilder on(String relation) {
    return new NestedBuilder(relation);
  }

  /** The current value of field {@code name} of the row being updated. */
  public static Expr field(String name) {
    return new Expr.Field(name);
  }

  /** A key of one field: {@code key("id", 1L)}, {@code key("id", ann.ref().get("id"))}. */
  public static Map<String, Expr> key(String field, Object value) {
    return Map.of(field, expr(value));
  }

  /** A key of several fields (all the fields of a unique constraint). */
  public static Map<String, Expr> key(Map<String, ?> fields) {
    Map<String, Expr> out = new LinkedHashMap<>();
    fields.forEach((f, v) -> out.put(f, expr(v)));
    return out;
  }

  /** {@code value} as an expression: an {@link Expr} as it is, anything else as a literal. */
  public static Expr expr(Object value) {
    return value instanceof Expr e ? e : new Expr.Literal(Values.of(value));
  }

  /** Field values: literals go to {@code data}, computed values to {@code exprs}. */
  private static final class Assignments {
    final Map<String, Value> data = new LinkedHashMap<>();
    final Map<String, Expr> exprs = new LinkedHashMap<>();

    void set(String field, Object value) {
      Objects.requireNonNull(field, "field");
      data.remove(field);
      exprs.remove(field);
      Expr e = expr(value);
      if (e instanceof Expr.Literal l) {
        data.put(field, l.value());
      } else {
        exprs.put(field, e);
      }
    }
  }

  /** Builds a {@link Mutation.Insert}. */
  public static final class InsertBuilder {
    private final String entity;
    private final Assignments values = new Assignments();
    private final List<Mutation.NestedInsert> nested = new ArrayList<>();
    private final List<Mutation.NestedWrite> writes = new ArrayList<>();

    private InsertBuilder(String entity) {
      this.entity = Objects.requireNonNull(entity, "entity");
    }

    /** Sets {@code field} to {@code value} (a value, a Java value or an {@link Expr}). */
    public InsertBuilder set(String field, Object value) {
      values.set(field, value);
      return this;
    }

    /** Inserts {@code rows} through {@code relation} (their entity may be left empty). */
    public InsertBuilder nested(String relation, Mutation.Insert... rows) {
      nested.add(new Mutation.NestedInsert(relation, Arrays.asList(rows)));
      return this;
    }

    /** Writes through a relation: create or connect rows. */
    public InsertBuilder nested(NestedBuilder write) {
      writes.add(write.build());
      return this;
    }

    public Mutation.Insert build() {
      return new Mutation.Insert(entity, values.data, nested, values.exprs, writes, null);
    }

    /** The insert, naming its row {@code name} for later mutations of the batch. */
    public Mutation.Insert named(String name) {
      return build().named(name);
    }
  }

  /** Builds a {@link Mutation.Update}. */
  public static final class UpdateBuilder {
    private final String entity;
    private final Value id;
    private final Assignments values = new Assignments();
    private final List<Mutation.NestedWrite> writes = new ArrayList<>();
    private long expectedVersion;

    private UpdateBuilder(String entity, Value id) {
      this.entity = Objects.requireNonNull(entity, "entity");
      this.id = id;
    }

    /** Sets {@code field} to {@code value} (a value, a Java value or an {@link Expr}). */
    public UpdateBuilder set(String field, Object value) {
      values.set(field, value);
      return this;
    }

    /** Writes through a relation: create, connect, disconnect, update or delete rows. */
    public UpdateBuilder nested(NestedBuilder write) {
      writes.add(write.build());
      return this;
    }

    /** Fails with CONFLICT unless the row is at version {@code version}. */
    public UpdateBuilder expectVersion(long version) {
      this.expectedVersion = version;
      return this;
    }

    public Mutation.Update build() {
      return new Mutation.Update(entity, id, values.data, expectedVersion, values.exprs, writes);
    }
  }

  /** Builds a {@link Mutation.UpdateMany}. */
  public static final class UpdateManyBuilder {
    private final String entity;
    private final Filter filter;
    private final Assignments values = new Assignments();

    private UpdateManyBuilder(String entity, Filter filter) {
      this.entity = Objects.requireNonNull(entity, "entity");
      this.filter = Objects.requireNonNull(filter, "filter");
    }

    /** Sets {@code field} to {@code value} (a value, a Java value or an {@link Expr}). */
    public UpdateManyBuilder set(String field, Object value) {
      values.set(field, value);
      return this;
    }

    public Mutation.UpdateMany build() {
      return new Mutation.UpdateMany(entity, filter, values.data, values.exprs);
    }
  }

  /** Builds a {@link Mutation.Upsert}. */
  public static final class UpsertBuilder {
    private final String entity;
    private final Map<String, Value> key;
    private final Assignments values = new Assignments();
    private Map<String, Expr> create;

    private UpsertBuilder(String entity, Map<String, Value> key) {
      this.entity = Objects.requireNonNull(entity, "entity");
      this.key = key;
    }

    /** Sets {@code field} of the row found (and of the row inserted, unless {@link #create}). */
    public UpsertBuilder set(String field, Object value) {
      values.set(field, value);
      return this;
    }

    /**
     * Sets {@code field} of the row inserted when none has the key; once any is given, the set
     * values only update.
     */
    public UpsertBuilder create(String field, Object value) {
      if (create == null) {
        create = new LinkedHashMap<>();
      }
      create.put(field, expr(value));
      return this;
    }

    public Mutation.Upsert build() {
      return new Mutation.Upsert(entity, key, values.data, values.exprs, create, null);
    }

    /** The upsert, naming the row it finds or inserts {@code name}. */
    public Mutation.Upsert named(String name) {
      return build().named(name);
    }
  }

  /** Builds a {@link Mutation.NestedWrite}. */
  public static final class NestedBuilder {
    private final String relation;
    private final List<Mutation.Insert> create = new ArrayList<>();
    private final List<Map<String, Expr>> connect = new ArrayList<>();
    private final List<Map<String, Expr>> disconnect = new ArrayList<>();
    private final List<Mutation.NestedUpdate> update = new ArrayList<>();
    private final List<Map<String, Expr>> delete = new ArrayList<>();

    private NestedBuilder(String relation) {
      this.relation = Objects.requireNonNull(relation, "relation");
    }

    /** Inserts rows connected to this one. */
    public NestedBuilder create(Mutation.Insert... rows) {
      create.addAll(Arrays.asList(rows));
      return this;
    }

    /** Connects existing rows, each named by a key ({@link Writes#key}). */
    @SafeVarargs
    public final NestedBuilder connect(Map<String, Expr>... keys) {
      connect.addAll(Arrays.asList(keys));
      return this;
    }

    /** Disconnects rows, each named by a key. */
    @SafeVarargs
    public final NestedBuilder disconnect(Map<String, Expr>... keys) {
      disconnect.addAll(Arrays.asList(keys));
      return this;
    }

    /** Disconnects the row connected through a to-one relation. */
    public NestedBuilder disconnectConnected() {
      disconnect.add(Map.of());
      return this;
    }

    /**
     * Updates the connected row named by {@code where} (empty through a to-one relation: the row
     * connected now) with {@code set} (values, Java values or {@link Expr}s).
     */
    public NestedBuilder update(
        Map<String, Expr> where, Map<String, ?> set, NestedBuilder... more) {
      Map<String, Expr> s = new LinkedHashMap<>();
      set.forEach((f, v) -> s.put(f, expr(v)));
      List<Mutation.NestedWrite> writes = new ArrayList<>();
      for (NestedBuilder b : more) {
        writes.add(b.build());
      }
      update.add(new Mutation.NestedUpdate(where, s, writes));
      return this;
    }

    /** Deletes connected rows, each named by a key. */
    @SafeVarargs
    public final NestedBuilder delete(Map<String, Expr>... keys) {
      delete.addAll(Arrays.asList(keys));
      return this;
    }

    /** Deletes the row connected through a to-one relation. */
    public NestedBuilder deleteConnected() {
      delete.add(Map.of());
      return this;
    }

    public Mutation.NestedWrite build() {
      return new Mutation.NestedWrite(relation, create, connect, disconnect, update, delete);
    }
  }
}
