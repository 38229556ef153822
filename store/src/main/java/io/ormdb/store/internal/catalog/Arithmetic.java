package io.ormdb.store.internal.catalog;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Expr;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The arithmetic of computed values ({@link Expr.Arith}), in the type of the field being written:
 * integers never wrap (overflow and division by zero are CONSTRAINT_VIOLATION naming the field) and
 * divide toward zero, floats must stay finite, a decimal's {@code +} and {@code -} are exact and
 * its {@code *} and {@code /} round half-even to the field's scale, and the result must fit the
 * field's precision. A null operand makes the result null.
 */
public final class Arithmetic {
  private Arithmetic() {}

  /** Whether arithmetic can write a field of type {@code t}. */
  public static boolean numeric(FieldType t) {
    if (t.array()) {
      return false;
    }
    ValueType b = t.base();
    return b == ValueType.INT32
        || b == ValueType.INT64
        || b == ValueType.FLOAT32
        || b == ValueType.FLOAT64
        || b == ValueType.DECIMAL;
  }

  /**
   * {@code field Account.name is string: arithmetic (name + 1) needs a number field}: refused when
   * the field being written is not a number.
   */
  public static OrmDbException notNumeric(String entity, FieldDef f, Expr x) {
    return OrmDbException.invalid(
        "field "
            + entity
            + "."
            + f.name()
            + " is "
            + f.type().render()
            + ": arithmetic ("
            + x.render()
            + ") needs a number field");
  }

  /**
   * {@code left op right} for field {@code f} of {@code entity}; both operands are values of the
   * field's type already (or null).
   */
  public static Value apply(String entity, FieldDef f, Expr.Op op, Value left, Value right) {
    if (left.isNull() || right.isNull()) {
      return Value.NULL;
    }
    FieldType t = f.type();
    switch (t.base()) {
      case INT32:
        {
          long r = longs(entity, f, op, left.asLong(), right.asLong(), left, right);
          if (r < Integer.MIN_VALUE || r > Integer.MAX_VALUE) {
            throw overflow(entity, f, op, left, right);
          }
          return new Value.Int32((int) r);
        }
      case INT64:
        return new Value.Int64(longs(entity, f, op, left.asLong(), right.asLong(), left, right));
      case FLOAT32:
        {
          float l = ((Value.Float32) left).value();
          float r = ((Value.Float32) right).value();
          float v =
              switch (op) {
                case ADD -> l + r;
                case SUB -> l - r;
                case MUL -> l * r;
                case DIV -> l / r;
              };
          if (!Float.isFinite(v)) {
            throw notFinite(entity, f, op, left, right);
          }
          return new Value.Float32(v);
        }
      case FLOAT64:
        {
          double l = left.asDouble();
          double r = right.asDouble();
          double v =
              switch (op) {
                case ADD -> l + r;
                case SUB -> l - r;
                case MUL -> l * r;
                case DIV -> l / r;
              };
          if (!Double.isFinite(v)) {
            throw notFinite(entity, f, op, left, right);
          }
          return new Value.Float64(v);
        }
      case DECIMAL:
        {
          BigDecimal l = left.asDecimal();
          BigDecimal r = right.asDecimal();
          BigDecimal v;
          switch (op) {
            case ADD:
              v = l.add(r).setScale(t.scale(), RoundingMode.UNNECESSARY);
              break;
            case SUB:
              v = l.subtract(r).setScale(t.scale(), RoundingMode.UNNECESSARY);
              break;
            case MUL:
              v = l.multiply(r).setScale(t.scale(), RoundingMode.HALF_EVEN);
              break;
            default:
              if (r.signum() == 0) {
                throw divisionByZero(entity, f, op, left, right);
              }
              v = l.divide(r, t.scale(), RoundingMode.HALF_EVEN);
              break;
          }
          if (v.precision() - v.scale() > t.precision() - t.scale()) {
            throw OrmDbException.constraint(
                where(entity, f)
                    + ": "
                    + show(op, left, right)
                    + " = "
                    + v.toPlainString()
                    + " does not fit "
                    + t.render());
          }
          return new Value.Decimal(v);
        }
      default:
        throw new IllegalStateException("not a number type: " + t.render());
    }
  }

  private static long longs(
      String entity, FieldDef f, Expr.Op op, long l, long r, Value left, Value right) {
    try {
      switch (op) {
        case ADD:
          return Math.addExact(l, r);
        case SUB:
          return Math.subtractExact(l, r);
        case MUL:
          return Math.multiplyExact(l, r);
        default:
          if (r == 0) {
            throw divisionByZero(entity, f, op, left, right);
          }
          if (l == Long.MIN_VALUE && r == -1) {
            throw new ArithmeticException("overflow");
          }
          return l / r;
      }
    } catch (ArithmeticException e) {
      throw overflow(entity, f, op, left, right);
    }
  }

  private static String where(String entity, FieldDef f) {
    return "field " + entity + "." + f.name();
  }

  private static String show(Expr.Op op, Value left, Value right) {
    return left.render() + " " + op.symbol() + " " + right.render();
  }

  private static OrmDbException overflow(
      String entity, FieldDef f, Expr.Op op, Value left, Value right) {
    return OrmDbException.constraint(
        where(entity, f) + ": " + show(op, left, right) + " overflows " + f.type().render());
  }

  private static OrmDbException divisionByZero(
      String entity, FieldDef f, Expr.Op op, Value left, Value right) {
    return OrmDbException.constraint(
        where(entity, f) + ": " + show(op, left, right) + " divides by zero");
  }

  private static OrmDbException notFinite(
      String entity, FieldDef f, Expr.Op op, Value left, Value right) {
    return OrmDbException.constraint(
        where(entity, f) + ": " + show(op, left, right) + " is not a finite number");
  }
}
