package io.ormdb.protocol.lang;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Renders a {@link Filter} as filter-expression text that the schema and query parsers read back to
 * an equal filter: {@code status == "active" && (age > 18 || !(verified == true))}.
 *
 * <p>Nested {@code And}/{@code Or} operands are parenthesised, {@code Not} is written {@code
 * !(...)}. Values: strings in double quotes, int32/int64 as integers (they read back as int64),
 * float32/float64 with a point or exponent (read back as float64), decimals with the {@code m}
 * suffix; uuid, timestamp, date, enum and json values as strings (the query engine converts them to
 * the field's type); bytes as {@code 0xcafe}. Names that are reserved words are {@code
 * `backquoted`}. An {@code And}/{@code Or} with no operand prints as {@code true}/{@code false},
 * one with a single operand as that operand.
 */
public final class FilterPrinter {
  /** Words that cannot be field names in an expression unless {@code `backquoted`}. */
  public static final Set<String> RESERVED =
      Set.of("and", "or", "not", "in", "like", "is", "null", "true", "false");

  private static final Pattern NAME = Pattern.compile("[\\p{L}_][\\p{L}\\p{Nd}_]*");

  private FilterPrinter() {}

  public static String print(Filter filter) {
    StringBuilder sb = new StringBuilder();
    print(filter, sb);
    return sb.toString();
  }

  private static void print(Filter f, StringBuilder sb) {
    if (f instanceof Filter.Compare c) {
      sb.append(name(c.field()))
          .append(' ')
          .append(c.op().symbol())
          .append(' ')
          .append(value(c.value()));
    } else if (f instanceof Filter.In in) {
      sb.append(name(in.field())).append(in.negated() ? " not in " : " in ");
      list(in.values(), sb);
    } else if (f instanceof Filter.IsNull n) {
      sb.append(name(n.field())).append(n.negated() ? " is not null" : " is null");
    } else if (f instanceof Filter.Like l) {
      sb.append(name(l.field()))
          .append(l.negated() ? " not like " : " like ")
          .append(string(l.pattern()));
    } else if (f instanceof Filter.And a) {
      junction(a.operands(), " && ", "true", sb);
    } else if (f instanceof Filter.Or o) {
      junction(o.operands(), " || ", "false", sb);
    } else if (f instanceof Filter.Not n) {
      sb.append("!(");
      print(n.operand(), sb);
      sb.append(')');
    } else if (f instanceof Filter.AttrCompare a) {
      sb.append(name(a.field())).append(' ').append(a.op().symbol()).append(" $");
      String[] parts = a.attribute().split("\\.", -1);
      for (int i = 0; i < parts.length; i++) {
        sb.append(i == 0 ? "" : ".").append(name(parts[i]));
      }
    } else {
      sb.append(((Filter.Const) f).value());
    }
  }

  private static void junction(List<Filter> operands, String op, String empty, StringBuilder sb) {
    if (operands.isEmpty()) {
      sb.append(empty);
      return;
    }
    if (operands.size() == 1) {
      print(operands.get(0), sb);
      return;
    }
    for (int i = 0; i < operands.size(); i++) {
      Filter operand = operands.get(i);
      if (i > 0) {
        sb.append(op);
      }
      boolean group = operand instanceof Filter.And || operand instanceof Filter.Or;
      if (group) {
        sb.append('(');
      }
      print(operand, sb);
      if (group) {
        sb.append(')');
      }
    }
  }

  private static void list(List<Value> values, StringBuilder sb) {
    sb.append('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(value(values.get(i)));
    }
    sb.append(']');
  }

  /**
   * A name as written in expressions: backquoted when it is a reserved word; a link field ({@code
   * "@list_order"}) as {@code @} and its name.
   */
  public static String name(String name) {
    if (name.startsWith("@")) {
      return "@" + name(name.substring(1));
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' cannot be written as a name");
    }
    return RESERVED.contains(name) ? "`" + name + "`" : name;
  }

  /** A value as a literal, {@link Values#literal}. */
  public static String value(Value v) {
    return Values.literal(v);
  }

  /** A string literal in double quotes with escapes, {@link Values#quote}. */
  public static String string(String s) {
    return Values.quote(s);
  }
}
