package io.ormdb.protocol.mutation;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import java.util.Objects;

/**
 * A value a write computes when the store applies it, where a literal would not do: the current
 * value of a field of the row being updated ({@code balance}), a field of a row that an earlier
 * mutation of the same batch named ({@code ann.id}), or arithmetic over them ({@code balance +
 * 10}). The store evaluates it inside the write transaction, against the row as the batch sees it
 * at that point (the committed state plus the batch's earlier writes), so an increment needs no
 * read before the write and concurrent increments never lose one another's updates.
 *
 * <p>Arithmetic is done in the type of the field being written, step by step: operands convert to
 * it as any written value does (losslessly), integers never wrap (overflow and division by zero are
 * CONSTRAINT_VIOLATION naming the field), integer division truncates toward zero, a decimal's
 * {@code +} and {@code -} are exact and its {@code *} and {@code /} round half-even to the field's
 * scale, and an operand that is null makes the result null.
 */
public sealed interface Expr permits Expr.Literal, Expr.Field, Expr.Ref, Expr.Arith {

  /** A literal value. */
  record Literal(Value value) implements Expr {
    public Literal {
      Objects.requireNonNull(value, "value");
    }
  }

  /** The current value of field {@code name} of the row being updated. */
  record Field(String name) implements Expr {
    public Field {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * Field {@code field} of the row that an earlier mutation of the same batch named {@code name}
   * (see {@link Mutation.Insert#name()}): its value when this mutation runs; a store-assigned
   * identity included.
   */
  record Ref(String name, String field) implements Expr {
    public Ref {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(field, "field");
    }
  }

  /** {@code left op right}. */
  record Arith(Op op, Expr left, Expr right) implements Expr {
    public Arith {
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(right, "right");
    }
  }

  /** The four operators of arithmetic, with the symbols the query language writes. */
  enum Op {
    ADD("+"),
    SUB("-"),
    MUL("*"),
    DIV("/");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }

  static Expr of(Value v) {
    return new Literal(v);
  }

  static Expr field(String name) {
    return new Field(name);
  }

  static Expr ref(String name, String field) {
    return new Ref(name, field);
  }

  /** {@code this + other}. */
  default Expr plus(Expr other) {
    return new Arith(Op.ADD, this, other);
  }

  /** {@code this - other}. */
  default Expr minus(Expr other) {
    return new Arith(Op.SUB, this, other);
  }

  /** {@code this * other}. */
  default Expr times(Expr other) {
    return new Arith(Op.MUL, this, other);
  }

  /** {@code this / other}. */
  default Expr dividedBy(Expr other) {
    return new Arith(Op.DIV, this, other);
  }

  /** {@code this + v} for a Java number or other value ({@link Values#of}). */
  default Expr plus(Object v) {
    return plus(operand(v));
  }

  /** {@code this - v}. */
  default Expr minus(Object v) {
    return minus(operand(v));
  }

  /** {@code this * v}. */
  default Expr times(Object v) {
    return times(operand(v));
  }

  /** {@code this / v}. */
  default Expr dividedBy(Object v) {
    return dividedBy(operand(v));
  }

  private static Expr operand(Object v) {
    return v instanceof Expr e ? e : new Literal(v instanceof Value x ? x : Values.of(v));
  }

  /** Whether this reads a field of the row being written ({@link Field} anywhere in it). */
  default boolean readsRow() {
    if (this instanceof Field) {
      return true;
    }
    return this instanceof Arith a && (a.left().readsRow() || a.right().readsRow());
  }

  /**
   * How the query language writes it: {@code balance + 10}, {@code ann.id}, {@code (a - 1) * 2}.
   */
  default String render() {
    if (this instanceof Literal l) {
      return l.value().toString();
    } else if (this instanceof Field f) {
      return f.name();
    } else if (this instanceof Ref r) {
      return r.name() + "." + r.field();
    }
    Arith a = (Arith) this;
    return operand(a.left(), a.op(), false)
        + " "
        + a.op().symbol()
        + " "
        + operand(a.right(), a.op(), true);
  }

  private static String operand(Expr e, Op parent, boolean right) {
    if (!(e instanceof Arith a)) {
      return e.render();
    }
    boolean additive = a.op() == Op.ADD || a.op() == Op.SUB;
    boolean parentAdditive = parent == Op.ADD || parent == Op.SUB;
    // a + b - c is (a + b) - c; a - (b + c) and a * (b + c) need their parentheses
    boolean bare = additive == parentAdditive ? !right : !additive;
    return bare ? a.render() : "(" + a.render() + ")";
  }
}
