package io.ormdb.protocol.schema;

import io.ormdb.protocol.lang.ExprPrinter;
import io.ormdb.protocol.query.Expr;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.util.List;
import java.util.Objects;

/**
 * The type of a computed field's expression, as {@link SchemaRules} checks it against the field's
 * declared type. The rules (also in {@code docs/schema-language.md}):
 *
 * <ul>
 *   <li>a field reads as its declared type; an integer literal is int32 when it fits, else int64;
 *   <li>{@code +} joins two strings (an enum value counts as its variant's text) or adds two
 *       numbers; {@code - * / %} need numbers;
 *   <li>arithmetic on integers is int64; with a decimal (and no float) decimal; with a float
 *       float64, except that float32 with float32 stays float32;
 *   <li>{@code coalesce} and the branches of {@code if} take one common type: equal types, or
 *       numbers widened as arithmetic widens them; {@code null} fits any type.
 * </ul>
 *
 * A result may be null ({@link Type#nullable}) when it reads an optional field, is the literal
 * {@code null}, divides ({@code /} or {@code %}: a division by zero is null), or is a {@code
 * coalesce} of values that all may be null or an {@code if} with a branch that may be.
 */
final class ComputedTypes {

  /** Something wrong with the expression, in the field's words ({@link #name}: a field read). */
  static final class Problem extends RuntimeException {
    final String name;

    Problem(String message, String name) {
      super(message, null, false, false);
      this.name = name;
    }
  }

  /**
   * The type of an expression.
   *
   * @param base the scalar type ({@link ValueType#NULL} for the literal null, which fits any)
   * @param array an array of {@code base}
   * @param enumName the enum of an enum value
   * @param nullable whether the value may be null
   * @param nullReason why it may be null, for the error of a required field
   */
  record Type(ValueType base, boolean array, String enumName, boolean nullable, String nullReason) {
    String render() {
      if (base == ValueType.NULL) {
        return "null";
      }
      String s = base == ValueType.ENUM && enumName != null ? enumName : base.displayName();
      return array ? s + "[]" : s;
    }

    boolean isNumber() {
      return !array && base.isNumeric();
    }

    boolean isText() {
      return !array && (base == ValueType.STRING || base == ValueType.ENUM);
    }

    Type nullable(boolean n, String reason) {
      return new Type(base, array, enumName, n, n ? reason : null);
    }
  }

  private final EntityDef entity;

  ComputedTypes(EntityDef entity) {
    this.entity = entity;
  }

  /** The type of {@code e}; every field it reads must exist (checked before). */
  Type type(Expr e) {
    if (e instanceof Expr.Field f) {
      FieldDef fd = entity.field(f.name()).orElseThrow();
      FieldType t = fd.type();
      return new Type(
          t.base(),
          t.array(),
          t.enumName(),
          fd.optional(),
          "it reads optional field '" + fd.name() + "'");
    }
    if (e instanceof Expr.Literal l) {
      return literal(l.value());
    }
    if (e instanceof Expr.If i) {
      Type a = type(i.then());
      Type b = type(i.otherwise());
      Type c = common(a, b, "the two values of if(..)");
      boolean n = a.nullable() || b.nullable();
      return c.nullable(n, a.nullable() ? a.nullReason() : b.nullReason());
    }
    Expr.Call c = (Expr.Call) e;
    if (c.function().equals("coalesce")) {
      Type t = type(c.args().get(0));
      boolean all = t.nullable();
      String reason = t.nullReason();
      for (Expr arg : c.args().subList(1, c.args().size())) {
        Type next = type(arg);
        t = common(t, next, "the values of coalesce(..)");
        all &= next.nullable();
      }
      return t.nullable(all, "every value of coalesce(..) may be null, " + reason);
    }
    if (c.isNegation()) {
      Type t = type(c.args().get(0));
      if (!t.isNumber() && t.base() != ValueType.NULL) {
        throw new Problem(
            "'-' needs a number, but " + describe(c.args().get(0)) + " is " + t.render(), null);
      }
      return arithmetic(t, t).nullable(t.nullable(), t.nullReason());
    }
    Expr left = c.args().get(0);
    Expr right = c.args().get(1);
    Type a = type(left);
    Type b = type(right);
    boolean n = a.nullable() || b.nullable();
    String reason = a.nullable() ? a.nullReason() : b.nullReason();
    String fn = c.function();
    if (fn.equals("/") || fn.equals("%")) {
      n = true;
      reason = reason != null ? reason : "'" + fn + "' by zero is null";
    }
    Type result;
    if (fn.equals("+") && (a.isText() || b.isText())) {
      Type other = a.isText() ? b : a;
      Expr otherExpr = a.isText() ? right : left;
      if (!other.isText() && other.base() != ValueType.NULL) {
        throw new Problem(
            "'+' joins two strings or adds two numbers, but "
                + describe(otherExpr)
                + " is "
                + other.render()
                + " (the other side is text)",
            null);
      }
      result = new Type(ValueType.STRING, false, null, false, null);
    } else {
      for (int k = 0; k < 2; k++) {
        Type t = k == 0 ? a : b;
        if (!t.isNumber() && t.base() != ValueType.NULL) {
          throw new Problem(
              "'"
                  + fn
                  + "' needs numbers"
                  + (fn.equals("+") ? " or strings" : "")
                  + ", but "
                  + describe(k == 0 ? left : right)
                  + " is "
                  + t.render(),
              null);
        }
      }
      result = arithmetic(a, b);
    }
    return result.nullable(n, reason);
  }

  private static Type literal(Value v) {
    if (v.isNull()) {
      return new Type(ValueType.NULL, false, null, true, "it can be the literal null");
    }
    if (v instanceof Value.Array a) {
      return new Type(a.elementType(), true, null, false, null);
    }
    if (v instanceof Value.Int32 || v instanceof Value.Int64) {
      long x = v.asLong();
      ValueType t =
          x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE ? ValueType.INT32 : ValueType.INT64;
      return new Type(t, false, null, false, null);
    }
    return new Type(v.type(), false, null, false, null);
  }

  /** The type of arithmetic on {@code a} and {@code b} (numbers, or null). */
  private static Type arithmetic(Type a, Type b) {
    ValueType x = a.base() == ValueType.NULL ? b.base() : a.base();
    ValueType y = b.base() == ValueType.NULL ? a.base() : b.base();
    ValueType t;
    if (x == ValueType.NULL) {
      t = ValueType.NULL;
    } else if (isFloat(x) || isFloat(y)) {
      t = x == ValueType.FLOAT32 && y == ValueType.FLOAT32 ? ValueType.FLOAT32 : ValueType.FLOAT64;
    } else if (x == ValueType.DECIMAL || y == ValueType.DECIMAL) {
      t = ValueType.DECIMAL;
    } else {
      t = ValueType.INT64;
    }
    return new Type(t, false, null, false, null);
  }

  private static boolean isFloat(ValueType t) {
    return t == ValueType.FLOAT32 || t == ValueType.FLOAT64;
  }

  /** The one type {@code a} and {@code b} share (see the class comment), or a problem. */
  private static Type common(Type a, Type b, String what) {
    if (a.base() == ValueType.NULL) {
      return b;
    }
    if (b.base() == ValueType.NULL) {
      return a;
    }
    if (a.base() == b.base() && a.array() == b.array()) {
      if (a.base() != ValueType.ENUM || Objects.equals(a.enumName(), b.enumName())) {
        return a;
      }
    }
    if (a.isNumber() && b.isNumber()) {
      ValueType x = a.base();
      ValueType y = b.base();
      if (x == ValueType.INT32 && y == ValueType.INT32) {
        return a;
      }
      return arithmetic(a, b);
    }
    throw new Problem(what + " have different types: " + a.render() + " and " + b.render(), null);
  }

  /**
   * Whether a value of {@code t} can be held by a field of {@code declared}: the same type, or a
   * wider one (int32 → int64, decimal or float64; int64 → decimal; float32 → float64; any decimal →
   * any decimal, rounded to its scale).
   */
  static boolean fits(Type t, FieldType declared) {
    if (t.base() == ValueType.NULL) {
      return true;
    }
    if (t.array() != declared.array()) {
      return false;
    }
    ValueType d = declared.base();
    if (t.base() == d) {
      return d != ValueType.ENUM
          || t.enumName() == null
          || Objects.equals(t.enumName(), declared.enumName());
    }
    return switch (t.base()) {
      case INT32 -> d == ValueType.INT64 || d == ValueType.DECIMAL || d == ValueType.FLOAT64;
      case INT64 -> d == ValueType.DECIMAL;
      case FLOAT32 -> d == ValueType.FLOAT64;
      case ENUM -> d == ValueType.STRING && !t.array();
      default -> false;
    };
  }

  /** How a message names an operand: a field by its name, anything else as written. */
  static String describe(Expr e) {
    if (e instanceof Expr.Field f) {
      return f.name();
    }
    try {
      return ExprPrinter.print(e);
    } catch (RuntimeException unprintable) {
      return "an operand";
    }
  }

  /** The fields {@code e} reads, in order (see {@link Expr#fieldsOf}). */
  static List<String> reads(Expr e) {
    return Expr.fieldsOf(e);
  }
}
