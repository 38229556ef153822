package io.ormdb.store.query.internal;

import io.ormdb.protocol.query.Filter;
import io.ormdb.store.filter.LikePattern;
import java.util.ArrayList;
import java.util.List;

/** Splits filters into top-level conjuncts and renders their shape (structure without literals). */
public final class Conjuncts {
  private Conjuncts() {}

  /** The operands of the top-level AND (nested ANDs flattened), in order; empty for null. */
  public static List<Filter> of(Filter f) {
    List<Filter> out = new ArrayList<>();
    collect(f, out);
    return out;
  }

  private static void collect(Filter f, List<Filter> out) {
    if (f == null) {
      return;
    }
    if (f instanceof Filter.And and) {
      for (Filter operand : and.operands()) {
        collect(operand, out);
      }
    } else {
      out.add(f);
    }
  }

  /**
   * The shape of a bound filter: fields, operators and structure, with literals replaced by {@code
   * ?}. What decides planning stays visible: a null literal, and whether a LIKE pattern is a usable
   * literal prefix.
   */
  public static String shape(Filter f) {
    StringBuilder sb = new StringBuilder();
    shape(f, sb);
    return sb.toString();
  }

  private static void shape(Filter f, StringBuilder sb) {
    if (f == null) {
      sb.append('-');
    } else if (f instanceof Filter.Compare c) {
      sb.append(c.field())
          .append(' ')
          .append(c.op().symbol())
          .append(c.value().isNull() ? " null" : " ?");
    } else if (f instanceof Filter.In in) {
      sb.append(in.field()).append(in.negated() ? " not in ?" : " in ?");
    } else if (f instanceof Filter.IsNull n) {
      sb.append(n.field()).append(n.negated() ? " is not null" : " is null");
    } else if (f instanceof Filter.Like l) {
      sb.append(l.field()).append(l.negated() ? " not like " : " like ");
      sb.append(isIndexablePrefix(l) ? "'prefix%'" : "?");
    } else if (f instanceof Filter.And and) {
      list("and", and.operands(), sb);
    } else if (f instanceof Filter.Or or) {
      list("or", or.operands(), sb);
    } else if (f instanceof Filter.Not not) {
      sb.append("not(");
      shape(not.operand(), sb);
      sb.append(')');
    } else if (f instanceof Filter.Const k) {
      sb.append(k.value());
    } else if (f instanceof Filter.AttrCompare a) {
      sb.append(a.field()).append(' ').append(a.op().symbol()).append(" $").append(a.attribute());
    } else {
      sb.append(f.getClass().getSimpleName());
    }
  }

  private static void list(String op, List<Filter> operands, StringBuilder sb) {
    sb.append(op).append('(');
    for (int i = 0; i < operands.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      shape(operands.get(i), sb);
    }
    sb.append(')');
  }

  /** A non-negated LIKE whose pattern is a non-empty literal prefix followed by one {@code %}. */
  public static boolean isIndexablePrefix(Filter.Like l) {
    return !l.negated()
        && LikePattern.isPrefixPattern(l.pattern())
        && !LikePattern.literalPrefix(l.pattern()).isEmpty();
  }
}
