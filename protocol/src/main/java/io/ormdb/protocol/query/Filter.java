package io.ormdb.protocol.query;

import io.ormdb.protocol.value.Value;
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
}
