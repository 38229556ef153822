package io.ormdb.protocol.query;

import io.ormdb.protocol.Nesting;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.value.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A value computed from one row's own fields: the expression of a computed field ({@link
 * io.ormdb.protocol.schema.Computed}). Written {@code first_name + " " + last_name}, {@code
 * coalesce(nickname, name)}, {@code if(views >= 500, "popular", "niche")} in schema text; see
 * {@code docs/schema-language.md} for the types and the null rules.
 *
 * <p>Operators and functions are named by a {@link Call}'s {@code function} ({@code + - * / %},
 * {@code -} with one argument for negation, {@code coalesce}); only the conditional has a record of
 * its own, since its condition is a {@link Filter}.
 */
public sealed interface Expr permits Expr.Field, Expr.Literal, Expr.Call, Expr.If {

  /** The functions a {@link Call} may name. */
  Set<String> FUNCTIONS = Set.of("+", "-", "*", "/", "%", "coalesce");

  /** The binary arithmetic and concatenation operators. */
  Set<String> OPERATORS = Set.of("+", "-", "*", "/", "%");

  /** A field of the row. */
  record Field(String name) implements Expr {
    public Field {
      Objects.requireNonNull(name, "name");
    }
  }

  /** A constant. */
  record Literal(Value value) implements Expr {
    public Literal {
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * An operator or function applied to its arguments: {@code +}, {@code -}, {@code *}, {@code /},
   * {@code %} take two ({@code -} also one: negation), {@code coalesce} two or more.
   */
  record Call(String function, List<Expr> args) implements Expr {
    public Call {
      Objects.requireNonNull(function, "function");
      args = List.copyOf(args);
      if (!FUNCTIONS.contains(function)) {
        throw OrmDbException.invalid(
            "unknown function '" + function + "' (known: + - * / % coalesce)");
      }
      boolean ok =
          function.equals("coalesce")
              ? args.size() >= 2
              : (args.size() == 2 || (function.equals("-") && args.size() == 1));
      if (!ok) {
        throw OrmDbException.invalid(
            "'" + function + "' cannot take " + args.size() + " arguments");
      }
    }

    /** True for unary minus. */
    public boolean isNegation() {
      return args.size() == 1;
    }
  }

  /**
   * {@code if(condition, then, otherwise)}: {@code then} where the condition is true, else (false
   * or unknown) {@code otherwise}.
   */
  record If(Filter condition, Expr then, Expr otherwise) implements Expr {
    public If {
      Objects.requireNonNull(condition, "condition");
      Objects.requireNonNull(then, "then");
      Objects.requireNonNull(otherwise, "otherwise");
    }
  }

  static Expr field(String name) {
    return new Field(name);
  }

  static Expr literal(Object value) {
    return new Literal(Value.of(value));
  }

  static Expr call(String function, Expr... args) {
    return new Call(function, List.of(args));
  }

  /**
   * The fields {@code e} reads, conditions included, each once, in the order they first appear.
   * Check its depth first ({@link #checkDepth}) when it was built in code.
   */
  static List<String> fieldsOf(Expr e) {
    List<String> out = new ArrayList<>();
    Deque<Expr> todo = new ArrayDeque<>();
    todo.push(e);
    while (!todo.isEmpty()) {
      Expr x = todo.pop();
      if (x instanceof Field f) {
        add(out, f.name());
      } else if (x instanceof Call c) {
        for (int i = c.args().size() - 1; i >= 0; i--) {
          todo.push(c.args().get(i));
        }
      } else if (x instanceof If i) {
        for (String f : Filter.fieldsOf(i.condition())) {
          add(out, f);
        }
        todo.push(i.otherwise());
        todo.push(i.then());
      }
    }
    return out;
  }

  private static void add(List<String> out, String name) {
    if (!out.contains(name)) {
      out.add(name);
    }
  }

  /** The conditions of every {@link If} in {@code e}, outermost first. */
  static List<Filter> conditionsOf(Expr e) {
    List<Filter> out = new ArrayList<>();
    Deque<Expr> todo = new ArrayDeque<>();
    todo.push(e);
    while (!todo.isEmpty()) {
      Expr x = todo.pop();
      if (x instanceof Call c) {
        c.args().forEach(todo::push);
      } else if (x instanceof If i) {
        out.add(i.condition());
        todo.push(i.otherwise());
        todo.push(i.then());
      }
    }
    return out;
  }

  /**
   * Refuses (INVALID_REQUEST: {@code where: expression nested too deeply (more than 256 levels)})
   * an expression nested deeper than {@link Nesting#MAX_LEVELS}, conditions included; walks it
   * without recursion.
   */
  static void checkDepth(Expr e, String where) {
    Deque<Expr> todo = new ArrayDeque<>();
    Deque<Integer> depths = new ArrayDeque<>();
    todo.push(e);
    depths.push(0);
    while (!todo.isEmpty()) {
      Expr x = todo.pop();
      int d = depths.pop();
      if (d > Nesting.MAX_LEVELS) {
        throw OrmDbException.invalid(where + ": " + Nesting.tooDeep("expression"));
      }
      if (x instanceof Call c) {
        for (Expr a : c.args()) {
          todo.push(a);
          depths.push(d + 1);
        }
      } else if (x instanceof If i) {
        Filter.checkDepth(i.condition(), where);
        todo.push(i.then());
        depths.push(d + 1);
        todo.push(i.otherwise());
        depths.push(d + 1);
      }
    }
  }
}
