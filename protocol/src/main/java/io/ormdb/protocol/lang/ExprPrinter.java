package io.ormdb.protocol.lang;

import io.ormdb.protocol.query.Expr;
import java.util.List;

/**
 * Renders an {@link Expr} as value-expression text that the schema parser reads back to an equal
 * expression: {@code first_name + " " + last_name}, {@code (price - discount) * 2}, {@code
 * coalesce(nickname, name)}, {@code if(views >= 500, "popular", "niche")}.
 *
 * <p>Parentheses are written only where precedence needs them ({@code * / %} bind tighter than
 * {@code + -}, all left-associative); conditions are written by {@link FilterPrinter}, literals as
 * {@link FilterPrinter#value} writes them.
 */
public final class ExprPrinter {
  private ExprPrinter() {}

  public static String print(Expr e) {
    StringBuilder sb = new StringBuilder();
    print(e, 0, sb);
    return sb.toString();
  }

  /** How tightly {@code e} binds: 1 for {@code + -}, 2 for {@code * / %}, 3 for the rest. */
  private static int precedence(Expr e) {
    if (e instanceof Expr.Call c && Expr.OPERATORS.contains(c.function()) && !c.isNegation()) {
      return c.function().equals("+") || c.function().equals("-") ? 1 : 2;
    }
    return 3;
  }

  private static void print(Expr e, int needed, StringBuilder sb) {
    boolean group = precedence(e) < needed;
    if (group) {
      sb.append('(');
    }
    if (e instanceof Expr.Field f) {
      String[] parts = f.name().split("\\.", -1);
      for (int i = 0; i < parts.length; i++) {
        String n = parts[i];
        // NaN and Infinity are literals in a value expression
        sb.append(i == 0 ? "" : ".")
            .append(
                n.equals("NaN") || n.equals("Infinity") ? "`" + n + "`" : FilterPrinter.name(n));
      }
    } else if (e instanceof Expr.Literal l) {
      sb.append(FilterPrinter.value(l.value()));
    } else if (e instanceof Expr.If i) {
      sb.append("if(").append(FilterPrinter.print(i.condition())).append(", ");
      print(i.then(), 0, sb);
      sb.append(", ");
      print(i.otherwise(), 0, sb);
      sb.append(')');
    } else {
      Expr.Call c = (Expr.Call) e;
      if (c.function().equals("coalesce")) {
        sb.append("coalesce(");
        list(c.args(), sb);
        sb.append(')');
      } else if (c.isNegation()) {
        sb.append('-');
        Expr operand = c.args().get(0);
        // "- -1" reads back as the negation of the literal -1; "--1" too, but not as a comment
        if (operand instanceof Expr.Literal) {
          sb.append('(');
          print(operand, 0, sb);
          sb.append(')');
        } else {
          print(operand, 3, sb);
        }
      } else {
        int p = precedence(c);
        print(c.args().get(0), p, sb);
        sb.append(' ').append(c.function()).append(' ');
        print(c.args().get(1), p + 1, sb);
      }
    }
    if (group) {
      sb.append(')');
    }
  }

  private static void list(List<Expr> args, StringBuilder sb) {
    for (int i = 0; i < args.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      print(args.get(i), 0, sb);
    }
  }
}
