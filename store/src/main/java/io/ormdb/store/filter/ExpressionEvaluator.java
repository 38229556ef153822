package io.ormdb.store.filter;

import io.ormdb.protocol.query.Expr;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.value.Values;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.function.Function;

/**
 * Evaluates the expression of a computed field ({@link Expr}, its conditions bound by {@link
 * FilterBinder}) against one row. Never throws for any row: a result that has no value is null.
 *
 * <ul>
 *   <li>Null propagates, as in SQL: {@code +}, {@code -}, {@code *}, {@code /}, {@code %} of a null
 *       operand is null, string concatenation included ({@code coalesce} gives a fallback).
 *   <li>{@code +} of two texts (strings or enum variants) joins them.
 *   <li>Integers (int32, int64) compute in int64; a result beyond int64 is null; {@code /}
 *       truncates toward zero and {@code %} takes the dividend's sign (SQL's and Java's rules).
 *   <li>With a decimal (and no float) the arithmetic is exact, except that {@code /} rounds to 34
 *       significant digits (IEEE 754 decimal128).
 *   <li>With a float the arithmetic is float64's; float32 with float32 is float32's.
 *   <li>A division or remainder by zero (of any number type) is null.
 *   <li>{@code if(c, a, b)} is {@code a} where {@code c} is true, else (false or unknown) {@code
 *       b}.
 * </ul>
 *
 * {@link #toDeclared} then makes the result a value of the field's declared type.
 */
public final class ExpressionEvaluator {
  private ExpressionEvaluator() {}

  /** {@code e} over the row {@code row} (field name → value; missing fields read as null). */
  public static Value eval(Expr e, Function<String, Value> row) {
    if (e instanceof Expr.Field f) {
      Value v = row.apply(f.name());
      return v == null ? Value.NULL : v;
    }
    if (e instanceof Expr.Literal l) {
      return l.value();
    }
    if (e instanceof Expr.If i) {
      return FilterEvaluator.matches(i.condition(), row)
          ? eval(i.then(), row)
          : eval(i.otherwise(), row);
    }
    Expr.Call c = (Expr.Call) e;
    if (c.function().equals("coalesce")) {
      for (Expr arg : c.args()) {
        Value v = eval(arg, row);
        if (!v.isNull()) {
          return v;
        }
      }
      return Value.NULL;
    }
    if (c.isNegation()) {
      return negate(eval(c.args().get(0), row));
    }
    Value a = eval(c.args().get(0), row);
    if (a.isNull()) {
      return Value.NULL;
    }
    Value b = eval(c.args().get(1), row);
    if (b.isNull()) {
      return Value.NULL;
    }
    try {
      return binary(c.function(), a, b);
    } catch (RuntimeException noValue) {
      return Value.NULL; // an overflow, or operands the schema check would not have let through
    }
  }

  private static boolean isText(Value v) {
    return v instanceof Value.Str || v instanceof Value.Enum;
  }

  private static Value binary(String op, Value a, Value b) {
    if (op.equals("+") && (isText(a) || isText(b))) {
      if (!isText(a) || !isText(b)) {
        return Value.NULL;
      }
      return new Value.Str(a.asString() + b.asString());
    }
    ValueType x = a.type();
    ValueType y = b.type();
    if (!x.isNumeric() || !y.isNumeric()) {
      return Value.NULL;
    }
    if (isFloat(x) || isFloat(y)) {
      if (x == ValueType.FLOAT32 && y == ValueType.FLOAT32) {
        float p = ((Value.Float32) a).value();
        float q = ((Value.Float32) b).value();
        if ((op.equals("/") || op.equals("%")) && q == 0f) {
          return Value.NULL;
        }
        return new Value.Float32(
            switch (op) {
              case "+" -> p + q;
              case "-" -> p - q;
              case "*" -> p * q;
              case "/" -> p / q;
              default -> p % q;
            });
      }
      double p = a.asDouble();
      double q = b.asDouble();
      if ((op.equals("/") || op.equals("%")) && q == 0d) {
        return Value.NULL;
      }
      return new Value.Float64(
          switch (op) {
            case "+" -> p + q;
            case "-" -> p - q;
            case "*" -> p * q;
            case "/" -> p / q;
            default -> p % q;
          });
    }
    if (x == ValueType.DECIMAL || y == ValueType.DECIMAL) {
      BigDecimal p = a.asDecimal();
      BigDecimal q = b.asDecimal();
      if ((op.equals("/") || op.equals("%")) && q.signum() == 0) {
        return Value.NULL;
      }
      return new Value.Decimal(
          switch (op) {
            case "+" -> p.add(q);
            case "-" -> p.subtract(q);
            case "*" -> p.multiply(q);
            case "/" -> p.divide(q, MathContext.DECIMAL128);
            default -> p.remainder(q);
          });
    }
    long p = a.asLong();
    long q = b.asLong();
    if ((op.equals("/") || op.equals("%")) && q == 0) {
      return Value.NULL;
    }
    return new Value.Int64(
        switch (op) {
          case "+" -> Math.addExact(p, q);
          case "-" -> Math.subtractExact(p, q);
          case "*" -> Math.multiplyExact(p, q);
          case "/" -> {
            if (p == Long.MIN_VALUE && q == -1) {
              throw new ArithmeticException("int64 overflow");
            }
            yield p / q;
          }
          default -> p % q;
        });
  }

  private static Value negate(Value v) {
    if (v.isNull()) {
      return v;
    }
    try {
      return switch (v.type()) {
        case INT32, INT64 -> new Value.Int64(Math.negateExact(v.asLong()));
        case FLOAT32 -> new Value.Float32(-((Value.Float32) v).value());
        case FLOAT64 -> new Value.Float64(-v.asDouble());
        case DECIMAL -> new Value.Decimal(v.asDecimal().negate());
        default -> Value.NULL;
      };
    } catch (ArithmeticException overflow) {
      return Value.NULL;
    }
  }

  private static boolean isFloat(ValueType t) {
    return t == ValueType.FLOAT32 || t == ValueType.FLOAT64;
  }

  /**
   * {@code v} as a value of a field of type {@code type}: widened (int32 to int64, a number to
   * decimal, float32 to float64, an enum variant to a string), a decimal rounded half-even to the
   * field's scale; null when it does not fit (a decimal beyond the field's precision).
   */
  public static Value toDeclared(Value v, FieldType type) {
    if (v.isNull() || type.array()) {
      return v;
    }
    try {
      Value out = v.type() == type.base() ? v : Values.convert(v, type.base());
      if (type.base() == ValueType.DECIMAL) {
        BigDecimal d = out.asDecimal().setScale(type.scale(), RoundingMode.HALF_EVEN);
        if (d.precision() - d.scale() > type.precision() - type.scale()) {
          return Value.NULL;
        }
        out = new Value.Decimal(d);
      }
      return out;
    } catch (RuntimeException doesNotFit) {
      return Value.NULL;
    }
  }
}
