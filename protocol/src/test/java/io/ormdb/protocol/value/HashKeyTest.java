package io.ormdb.protocol.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** hashKey agrees with compare for values of one type, and across int32 / int64. */
class HashKeyTest {
  private static boolean comparable(Value a, Value b) {
    boolean ia = a instanceof Value.Int32 || a instanceof Value.Int64;
    boolean ib = b instanceof Value.Int32 || b instanceof Value.Int64;
    return a.type() == b.type() || (ia && ib);
  }

  private static void check(List<Value> values) {
    for (Value a : values) {
      for (Value b : values) {
        if (!comparable(a, b)) {
          continue;
        }
        boolean same = Values.compare(a, b) == 0;
        assertThat(Values.hashKey(a).equals(Values.hashKey(b)))
            .as("%s vs %s", a, b)
            .isEqualTo(same);
        if (same) {
          assertThat(Values.hashKey(a).hashCode()).isEqualTo(Values.hashKey(b).hashCode());
        }
      }
    }
  }

  @Test
  void equalComparingValuesShareOneKeyAndOthersDoNot() {
    check(
        List.of(
            new Value.Int32(7),
            new Value.Int64(7),
            new Value.Int64(8),
            new Value.Decimal(new BigDecimal("7.000")),
            new Value.Decimal(new BigDecimal("7")),
            new Value.Decimal(new BigDecimal("0.00")),
            new Value.Decimal(BigDecimal.ZERO),
            new Value.Decimal(new BigDecimal("7.5")),
            new Value.Float64(-0.0),
            new Value.Float64(0.0),
            new Value.Float64(Double.NaN),
            new Value.Float32(1.5f),
            new Value.Float32(1.5f),
            new Value.Str("7"),
            new Value.Str("8"),
            new Value.Bytes(new byte[] {1, 2}),
            new Value.Bytes(new byte[] {1, 2}),
            new Value.Bytes(new byte[] {1, 3})));
  }

  @Test
  void randomIntegersAndDecimalsAgreeWithCompare() {
    Random rnd = new Random(42);
    List<Value> values = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      long n = rnd.nextInt(20) - 10;
      switch (rnd.nextInt(3)) {
        case 0 -> values.add(new Value.Int32((int) n));
        case 1 -> values.add(new Value.Int64(n));
        default -> values.add(new Value.Decimal(BigDecimal.valueOf(n * 10, 1 + rnd.nextInt(3))));
      }
    }
    check(values);
  }
}
