package io.ormdb.store.filter;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import java.util.function.Function;

/**
 * Evaluates a bound {@link Filter} (see {@link FilterBinder}) against one row with SQL's
 * three-valued logic: a comparison involving null is unknown, {@code not unknown} is unknown, and a
 * row matches only when the whole filter is true.
 */
public final class FilterEvaluator {
  private FilterEvaluator() {}

  /** Whether the row (field name → value; missing fields read as null) satisfies {@code filter}. */
  public static boolean matches(Filter filter, Function<String, Value> row) {
    return filter == null || eval(filter, row) == Boolean.TRUE;
  }

  /** TRUE, FALSE or null (unknown). */
  static Boolean eval(Filter f, Function<String, Value> row) {
    if (f instanceof Filter.Compare c) {
      Value v = field(row, c.field());
      if (v.isNull() || c.value().isNull()) {
        return null;
      }
      return c.op().test(Values.compare(v, c.value()));
    } else if (f instanceof Filter.In in) {
      Value v = field(row, in.field());
      if (v.isNull()) {
        return null;
      }
      boolean sawNull = false;
      for (Value candidate : in.values()) {
        if (candidate.isNull()) {
          sawNull = true;
        } else if (Values.compare(v, candidate) == 0) {
          return !in.negated();
        }
      }
      return sawNull ? null : in.negated();
    } else if (f instanceof Filter.IsNull n) {
      return field(row, n.field()).isNull() != n.negated();
    } else if (f instanceof Filter.Like l) {
      Value v = field(row, l.field());
      if (v.isNull()) {
        return null;
      }
      return LikePattern.matches(l.pattern(), v.asString()) != l.negated();
    } else if (f instanceof Filter.And and) {
      Boolean result = Boolean.TRUE;
      for (Filter operand : and.operands()) {
        Boolean b = eval(operand, row);
        if (b == Boolean.FALSE) {
          return Boolean.FALSE;
        }
        if (b == null) {
          result = null;
        }
      }
      return result;
    } else if (f instanceof Filter.Or or) {
      Boolean result = Boolean.FALSE;
      for (Filter operand : or.operands()) {
        Boolean b = eval(operand, row);
        if (b == Boolean.TRUE) {
          return Boolean.TRUE;
        }
        if (b == null) {
          result = null;
        }
      }
      return result;
    } else if (f instanceof Filter.Not not) {
      Boolean b = eval(not.operand(), row);
      return b == null ? null : !b;
    } else if (f instanceof Filter.Const k) {
      return k.value();
    } else if (f instanceof Filter.AttrCompare a) {
      throw new IllegalStateException(
          "unbound session attribute $" + a.attribute() + " (bind attributes before evaluating)");
    }
    throw new IllegalStateException("unknown filter " + f);
  }

  private static Value field(Function<String, Value> row, String name) {
    Value v = row.apply(name);
    return v == null ? Value.NULL : v;
  }
}
