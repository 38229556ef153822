package io.ormdb.store.query.internal;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.value.Values;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The running state of one aggregate in one group, and the one place that turns it into a result
 * value (see {@link AggregateExecutor} for the result types). Sums are exact until the result is
 * taken, so neither the value nor the int64 overflow error depends on the order rows arrive in:
 * every aggregate source gives identical results.
 *
 * <p>Rows are added one value at a time ({@link #add}); a columnar source that accumulates in
 * primitive arrays merges its per-group partial states instead ({@code add...Partial}).
 */
public final class AggregateAccumulator {
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  /** 2^53: integers below it in magnitude are exact doubles. */
  private static final long EXACT_DOUBLE = 1L << 53;

  private final Function function;
  private final ValueType type;
  private final String label;
  private final String entity;
  private long count;
  private long longSum;
  private BigDecimal longCarry;
  private ExactDoubleSum doubleSum;
  private BigDecimal decimalSum = BigDecimal.ZERO;
  private Value extreme;

  /**
   * @param type the argument field's base type (null for {@code count()})
   * @param label the aggregate's label, for the overflow message
   * @param entity the entity name, for the overflow message
   */
  public AggregateAccumulator(Function function, ValueType type, String label, String entity) {
    this.function = function;
    this.type = type;
    this.label = label;
    this.entity = entity;
  }

  /** Whether sums and averages of this type accumulate as int64 (int32 and int64 fields). */
  public static boolean integral(ValueType type) {
    return type == ValueType.INT32 || type == ValueType.INT64;
  }

  /** Adds one counted row (count() without a field). */
  public void addRow() {
    count++;
  }

  /** Adds one non-null value. */
  public void add(Value v) {
    count++;
    switch (function) {
      case COUNT:
        break;
      case SUM:
      case AVG:
        if (integral(type)) {
          addLong(v.asLong());
        } else if (type == ValueType.DECIMAL) {
          decimalSum = decimalSum.add(v.asDecimal());
        } else {
          doubles().add(v.asDouble());
        }
        break;
      case MIN:
        if (extreme == null || Values.compare(v, extreme) < 0) {
          extreme = v;
        }
        break;
      case MAX:
        if (extreme == null || Values.compare(v, extreme) > 0) {
          extreme = v;
        }
        break;
      default:
        throw new IllegalStateException("unknown function " + function);
    }
  }

  private void addLong(long x) {
    long r = longSum + x;
    if (((longSum ^ r) & (x ^ r)) < 0) {
      BigDecimal c = longCarry == null ? BigDecimal.ZERO : longCarry;
      longCarry = c.add(BigDecimal.valueOf(longSum)).add(BigDecimal.valueOf(x));
      longSum = 0;
    } else {
      longSum = r;
    }
  }

  private ExactDoubleSum doubles() {
    if (doubleSum == null) {
      doubleSum = new ExactDoubleSum();
    }
    return doubleSum;
  }

  /** Merges {@code n} counted rows or non-null values. */
  public void addCountPartial(long n) {
    count += n;
  }

  /**
   * Merges {@code n} integer values whose exact sum is {@code carry + sum} ({@code carry} may be
   * null).
   */
  public void addIntegralPartial(long n, long sum, BigDecimal carry) {
    count += n;
    addLong(sum);
    if (carry != null) {
      longCarry = longCarry == null ? carry : longCarry.add(carry);
    }
  }

  /** Merges {@code n} float values with their exact sum. */
  public void addFloatingPartial(long n, ExactDoubleSum sum) {
    count += n;
    if (sum != null) {
      doubles().addAll(sum);
    }
  }

  /** Merges {@code n} decimal values with their sum. */
  public void addDecimalPartial(long n, BigDecimal sum) {
    count += n;
    if (sum != null) {
      decimalSum = decimalSum.add(sum);
    }
  }

  /** Merges {@code n} values of which {@code candidate} is the least (MIN) or greatest (MAX). */
  public void addExtremePartial(long n, Value candidate) {
    if (n == 0 || candidate == null) {
      return;
    }
    count += n;
    add(candidate);
    count--;
  }

  /** The aggregate's value; INVALID_REQUEST when an int64 sum overflows. */
  public Value result() {
    switch (function) {
      case COUNT:
        return new Value.Int64(count);
      case MIN:
      case MAX:
        return extreme == null ? Value.NULL : extreme;
      default:
        break;
    }
    if (count == 0) {
      return Value.NULL;
    }
    BigDecimal n = BigDecimal.valueOf(count);
    if (integral(type)) {
      if (function == Function.SUM) {
        if (longCarry == null) {
          return new Value.Int64(longSum);
        }
        BigDecimal total = longCarry.add(BigDecimal.valueOf(longSum));
        if (total.compareTo(LONG_MIN) < 0 || total.compareTo(LONG_MAX) > 0) {
          throw OrmDbException.invalid(
              "aggregate " + label + " on entity " + entity + " overflows int64");
        }
        return new Value.Int64(total.longValueExact());
      }
      if (longCarry == null && Math.abs(longSum) < EXACT_DOUBLE) {
        // both exact doubles: one division rounds the exact quotient, as the decimal path does
        // (s / n with |s| < 2^53 is never halfway between two doubles)
        return new Value.Float64((double) longSum / count);
      }
      BigDecimal total =
          longCarry == null
              ? BigDecimal.valueOf(longSum)
              : longCarry.add(BigDecimal.valueOf(longSum));
      return new Value.Float64(total.divide(n, MathContext.DECIMAL128).doubleValue());
    }
    if (type == ValueType.DECIMAL) {
      return function == Function.SUM
          ? new Value.Decimal(decimalSum)
          : new Value.Decimal(decimalSum.divide(n, MathContext.DECIMAL128));
    }
    double sum = doubleSum == null ? 0.0 : doubleSum.value();
    return new Value.Float64(function == Function.SUM ? sum : sum / count);
  }
}
