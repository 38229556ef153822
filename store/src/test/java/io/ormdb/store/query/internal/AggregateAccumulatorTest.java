package io.ormdb.store.query.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AggregateAccumulatorTest {

  private static Value sum(ValueType type, List<Value> values) {
    AggregateAccumulator acc = new AggregateAccumulator(Function.SUM, type, "sum(x)", "E");
    values.forEach(acc::add);
    return acc.result();
  }

  @Test
  void anIntegerSumOverflowingOnlyInBetweenIsNotAnError() {
    List<Value> values =
        List.of(new Value.Int64(Long.MAX_VALUE), new Value.Int64(1), new Value.Int64(-1));
    assertThat(sum(ValueType.INT64, values)).isEqualTo(new Value.Int64(Long.MAX_VALUE));
  }

  @Test
  void anIntegerSumWhoseTotalOverflowsFailsWhateverTheOrder() {
    List<Value> values =
        List.of(new Value.Int64(Long.MAX_VALUE), new Value.Int64(2), new Value.Int64(-1));
    assertThatThrownBy(() -> sum(ValueType.INT64, values))
        .isInstanceOf(OrmDbException.class)
        .hasMessageContaining("sum(x) on entity E overflows int64");
    List<Value> reversed = new ArrayList<>(values);
    Collections.reverse(reversed);
    assertThatThrownBy(() -> sum(ValueType.INT64, reversed)).isInstanceOf(OrmDbException.class);
  }

  @Test
  void floatSumsDoNotDependOnTheOrder() {
    Random rnd = new Random(7);
    List<Value> values = new ArrayList<>();
    BigDecimal exact = BigDecimal.ZERO;
    for (int i = 0; i < 2000; i++) {
      double d = (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(30) - 10);
      values.add(new Value.Float64(d));
      exact = exact.add(new BigDecimal(d));
    }
    Value first = sum(ValueType.FLOAT64, values);
    for (int k = 0; k < 5; k++) {
      Collections.shuffle(values, rnd);
      assertThat(sum(ValueType.FLOAT64, values)).isEqualTo(first);
    }
    assertThat(first).isEqualTo(new Value.Float64(exact.doubleValue()));
  }

  @Test
  void floatSumsSurviveAnOverflowingPartialAndKeepInfinities() {
    List<Value> values =
        List.of(
            new Value.Float64(Double.MAX_VALUE),
            new Value.Float64(Double.MAX_VALUE),
            new Value.Float64(-Double.MAX_VALUE));
    assertThat(sum(ValueType.FLOAT64, values)).isEqualTo(new Value.Float64(Double.MAX_VALUE));
    List<Value> inf = List.of(new Value.Float64(1), new Value.Float64(Double.POSITIVE_INFINITY));
    assertThat(sum(ValueType.FLOAT64, inf)).isEqualTo(new Value.Float64(Double.POSITIVE_INFINITY));
  }

  @Test
  void partialsMergeToTheSameResultAsSingleValues() {
    AggregateAccumulator merged =
        new AggregateAccumulator(Function.AVG, ValueType.INT64, "avg(x)", "E");
    merged.addIntegralPartial(2, Long.MAX_VALUE, BigDecimal.valueOf(Long.MAX_VALUE));
    AggregateAccumulator single =
        new AggregateAccumulator(Function.AVG, ValueType.INT64, "avg(x)", "E");
    single.add(new Value.Int64(Long.MAX_VALUE));
    single.add(new Value.Int64(Long.MAX_VALUE));
    assertThat(merged.result()).isEqualTo(single.result());
  }

  /**
   * An integer average below 2^53 is one double division; it must give the decimal path's result
   * (the exact quotient rounded once), for sums near the limit too.
   */
  @Test
  void anIntegerAverageIsTheExactQuotientRoundedOnce() {
    Random random = new Random(53);
    for (int i = 0; i < 20_000; i++) {
      int count = 1 + random.nextInt(i % 2 == 0 ? 7 : 100_000);
      long bound = i % 3 == 0 ? (1L << 53) - 1 : 1_000_000;
      long sum = random.nextLong() % bound;
      AggregateAccumulator acc = new AggregateAccumulator(Function.AVG, ValueType.INT64, "a", "E");
      acc.add(new Value.Int64(sum));
      for (int k = 1; k < count; k++) {
        acc.add(new Value.Int64(0));
      }
      double exact =
          new BigDecimal(sum)
              .divide(BigDecimal.valueOf(count), java.math.MathContext.DECIMAL128)
              .doubleValue();
      assertThat(acc.result())
          .as("avg of %d over %d rows", sum, count)
          .isEqualTo(new Value.Float64(exact));
    }
  }
}
