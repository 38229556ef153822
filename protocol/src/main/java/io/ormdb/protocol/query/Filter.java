package io.ormdb.protocol.query;

import io.ormdb.protocol.Nesting;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A boolean expression over one row's fields, nested to any depth. Used by query filters, include
 * filters, update/delete-by-filter, check constraints and row-level policies.
 *
 * <p>Comparison semantics are SQL's: a comparison with null is false (use {@link IsNull}); {@code
 * Not} of a false comparison is true.
 */
public sealed interface Filter
    permits Filter.Compare,
        Filter.In,
        Filter.IsNull,
        Filter.Like,
        Filter.And,
        Filter.Or,
        Filter.Not,
        Filter.AttrCompare,
        Filter.Const {

  /** Comparison operators. */
  enum Op {
    EQ("=="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    /** Whether {@code cmp} (a compareTo result) satisfies this operator. */
    public boolean test(int cmp) {
      return switch (this) {
        case EQ -> cmp == 0;
        case NE -> cmp != 0;
        case LT -> cmp < 0;
        case LE -> cmp <= 0;
        case GT -> cmp > 0;
        case GE -> cmp >= 0;
      };
    }
  }

  /** {@code field op value}. */
  record Compare(String field, Op op, Value value) implements Filter {
    public Compare {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(value, "value");
    }
  }

  /** {@code field in [values]}, or {@code not in} when negated. */
  record In(String field, List<Value> values, boolean negated) implements Filter {
    public In {
      Objects.requireNonNull(field, "field");
      values = List.copyOf(values);
    }
  }

  /** {@code field is null}, or {@code is not null} when negated. */
  record IsNull(String field, boolean negated) implements Filter {
    public IsNull {
      Objects.requireNonNull(field, "field");
    }
  }

  /** SQL LIKE with {@code %} (any run) and {@code _} (one character); {@code \} escapes. */
  record Like(String field, String pattern, boolean negated) implements Filter {
    public Like {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(pattern, "pattern");
    }
  }

  record And(List<Filter> operands) implements Filter {
    public And {
      operands = List.copyOf(operands);
    }
  }

  record Or(List<Filter> operands) implements Filter {
    public Or {
      operands = List.copyOf(operands);
    }
  }

  record Not(Filter operand) implements Filter {
    public Not {
      Objects.requireNonNull(operand, "operand");
    }
  }

  /**
   * {@code field op $attribute}: compares with a session attribute (from the credentials, e.g. a
   * JWT claim). Written {@code $user.id} in text; resolved to a {@link Compare} before execution.
   */
  record AttrCompare(String field, Op op, String attribute) implements Filter {
    public AttrCompare {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(attribute, "attribute");
    }
  }

  /** {@code true} or {@code false}. */
  record Const(boolean value) implements Filter {}

  static Filter eq(String field, Object value) {
    return new Compare(field, Op.EQ, Value.of(value));
  }

  static Filter cmp(String field, Op op, Object value) {
    return new Compare(field, op, Value.of(value));
  }

  static Filter and(Filter... operands) {
    return new And(List.of(operands));
  }

  static Filter or(Filter... operands) {
    return new Or(List.of(operands));
  }

  static Filter not(Filter operand) {
    return new Not(operand);
  }

  /**
   * Refuses (INVALID_REQUEST: {@code where: and / or / not nested too deeply (more than 256
   * levels)}) a filter whose and / or / not nest more than {@link Nesting#MAX_LEVELS} levels; for
   * code that walks a filter built in code before anything else does. Recurses at most that deep.
   */
  static void checkDepth(Filter filter, String where) {
    if (filter != null) {
      checkDepth(filter, 0, where);
    }
  }

  /**
   * The fields {@code filter} reads, each once, in the order they first appear; empty for null.
   * Check its depth first ({@link #checkDepth}) when it was built in code.
   */
  static List<String> fieldsOf(Filter filter) {
    List<String> out = new ArrayList<>();
    collect(filter, out, false);
    return out;
  }

  /**
   * The session attributes {@code filter} reads ({@code user.id} for {@code $user.id}), once each.
   */
  static List<String> attributesOf(Filter filter) {
    List<String> out = new ArrayList<>();
    collect(filter, out, true);
    return out;
  }

  private static void checkDepth(Filter f, int depth, String where) {
    List<Filter> operands;
    if (f instanceof And and) {
      operands = and.operands();
    } else if (f instanceof Or or) {
      operands = or.operands();
    } else if (f instanceof Not not) {
      operands = List.of(not.operand());
    } else {
      return;
    }
    for (Filter operand : operands) {
      if (depth >= Nesting.MAX_LEVELS) {
        throw OrmDbException.invalid(where + ": " + Nesting.tooDeep("and / or / not"));
      }
      checkDepth(operand, depth + 1, where);
    }
  }

  private static void collect(Filter f, List<String> out, boolean attributes) {
    String name = null;
    if (f instanceof Compare c) {
      name = c.field();
    } else if (f instanceof In in) {
      name = in.field();
    } else if (f instanceof IsNull n) {
      name = n.field();
    } else if (f instanceof Like l) {
      name = l.field();
    } else if (f instanceof AttrCompare a) {
      name = attributes ? a.attribute() : a.field();
    } else if (f instanceof And and) {
      and.operands().forEach(o -> collect(o, out, attributes));
    } else if (f instanceof Or or) {
      or.operands().forEach(o -> collect(o, out, attributes));
    } else if (f instanceof Not not) {
      collect(not.operand(), out, attributes);
    }
    if (name != null && (!attributes || f instanceof AttrCompare) && !out.contains(name)) {
      out.add(name);
    }
  }
}
