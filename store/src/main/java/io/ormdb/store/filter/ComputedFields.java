package io.ormdb.store.filter;

import io.ormdb.protocol.query.Expr;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The computed fields of one entity, ready to evaluate: their expressions with conditions bound
 * ({@link FilterBinder}), in an order where every computed field comes after the computed fields it
 * reads. Immutable; built once per entity and schema version.
 */
public final class ComputedFields {
  /** One computed field. */
  public record Field(FieldDef def, Expr bound) {
    public String name() {
      return def.name();
    }

    /** Its value in {@code row}, as a value of its declared type. */
    public Value compute(Function<String, Value> row) {
      return ExpressionEvaluator.toDeclared(ExpressionEvaluator.eval(bound, row), def.type());
    }
  }

  private static final ComputedFields NONE = new ComputedFields(List.of());

  private final List<Field> fields;
  private final Set<String> virtual;

  private ComputedFields(List<Field> fields) {
    this.fields = List.copyOf(fields);
    Set<String> v = new HashSet<>();
    for (Field f : fields) {
      if (f.def().isVirtual()) {
        v.add(f.name());
      }
    }
    this.virtual = Collections.unmodifiableSet(v);
  }

  /**
   * The computed fields of {@code entity} (a valid schema's: every field read exists, no cycles);
   * throws the INVALID_REQUEST of {@link FilterBinder} when a condition's literal does not fit its
   * field.
   */
  public static ComputedFields of(EntityDef entity, SchemaBundle schema) {
    Map<String, FieldDef> computed = new LinkedHashMap<>();
    for (FieldDef f : entity.fields()) {
      if (f.isComputed()) {
        computed.put(f.name(), f);
      }
    }
    if (computed.isEmpty()) {
      return NONE;
    }
    List<Field> ordered = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    for (FieldDef f : computed.values()) {
      place(f, computed, placed, new HashSet<>(), ordered, entity, schema);
    }
    return new ComputedFields(ordered);
  }

  private static void place(
      FieldDef f,
      Map<String, FieldDef> computed,
      Set<String> placed,
      Set<String> visiting,
      List<Field> out,
      EntityDef entity,
      SchemaBundle schema) {
    if (placed.contains(f.name()) || !visiting.add(f.name())) {
      return; // placed, or a cycle (the schema check refuses those)
    }
    for (String read : Expr.fieldsOf(f.computed().expression())) {
      FieldDef dep = computed.get(read);
      if (dep != null) {
        place(dep, computed, placed, visiting, out, entity, schema);
      }
    }
    String where = "computed field " + entity.name() + "." + f.name();
    out.add(new Field(f, bind(f.computed().expression(), entity, schema, where)));
    placed.add(f.name());
  }

  /** {@code e} with the condition of every {@code if} bound for evaluation. */
  private static Expr bind(Expr e, EntityDef entity, SchemaBundle schema, String where) {
    if (e instanceof Expr.If i) {
      Filter c = FilterBinder.bind(i.condition(), entity, schema, Map.of(), where);
      return new Expr.If(
          c, bind(i.then(), entity, schema, where), bind(i.otherwise(), entity, schema, where));
    }
    if (e instanceof Expr.Call c) {
      List<Expr> args = new ArrayList<>(c.args().size());
      for (Expr a : c.args()) {
        args.add(bind(a, entity, schema, where));
      }
      return new Expr.Call(c.function(), args);
    }
    return e;
  }

  public boolean isEmpty() {
    return fields.isEmpty();
  }

  /** The computed fields, each after those it reads. */
  public List<Field> fields() {
    return fields;
  }

  /** Whether the entity has fields computed when read (never stored). */
  public boolean hasVirtual() {
    return !virtual.isEmpty();
  }

  /** The names of the fields computed when read. */
  public Set<String> virtualNames() {
    return virtual;
  }

  /** Computes every computed field of {@code row} into it, in order. */
  public void computeInto(Map<String, Value> row) {
    for (Field f : fields) {
      row.put(f.name(), f.compute(row::get));
    }
  }

  /**
   * A copy of the row image {@code image} with its virtual fields computed (an empty image — no row
   * — stays empty); {@code image} itself when the entity has none.
   */
  public Map<String, Value> withVirtual(Map<String, Value> image) {
    if (virtual.isEmpty() || image.isEmpty()) {
      return image;
    }
    Map<String, Value> out = new LinkedHashMap<>(image);
    for (Field f : fields) {
      if (f.def().isVirtual() || !out.containsKey(f.name())) {
        out.put(f.name(), f.compute(out::get));
      }
    }
    return out;
  }

  /** {@code row} without its virtual fields; {@code row} itself when the entity has none. */
  public Map<String, Value> withoutVirtual(Map<String, Value> row) {
    if (virtual.isEmpty() || row.isEmpty()) {
      return row;
    }
    Map<String, Value> out = new LinkedHashMap<>(row);
    out.keySet().removeAll(virtual);
    return out;
  }
}
