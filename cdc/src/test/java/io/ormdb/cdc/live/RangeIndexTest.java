package io.ormdb.cdc.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The interval index of live query ranges against a scan of every range. */
class RangeIndexTest {
  @Test
  void findsExactlyTheRangesHoldingAValueLikeAScanOfAllRanges() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    for (int round = 0; round < 200; round++) {
      int n = rnd.nextInt(60);
      List<RangeIndex.Range<Integer>> ranges = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int a = rnd.nextInt(100);
        int b = a + rnd.nextInt(rnd.nextBoolean() ? 5 : 60) - 2; // some empty: high below low
        Value low = rnd.nextInt(8) == 0 ? null : Value.of(a);
        Value high = rnd.nextInt(8) == 0 ? null : Value.of((long) b);
        ranges.add(new RangeIndex.Range<>(low, high, i));
      }
      RangeIndex<Integer> index = new RangeIndex<>(ranges);
      assertThat(index.size()).isEqualTo(n);
      for (int probe = -5; probe < 170; probe++) {
        // every numeric type compares with the others
        Value v =
            switch (probe % 3) {
              case 0 -> Value.of(probe);
              case 1 -> Value.of((long) probe);
              default -> Value.of(probe + 0.5);
            };
        List<Integer> want = new ArrayList<>();
        for (RangeIndex.Range<Integer> r : ranges) {
          if ((r.low() == null || Values.compare(v, r.low()) >= 0)
              && (r.high() == null || Values.compare(v, r.high()) <= 0)) {
            want.add(r.owner());
          }
        }
        List<Integer> got = new ArrayList<>();
        index.forEachHolding(v, got::add);
        assertThat(got)
            .as("seed %d, %d ranges %s, value %s", seed, n, ranges, v)
            .containsExactlyInAnyOrderElementsOf(want);
      }
    }
  }

  @Test
  void kindsGroupTheValuesThatCompareWithEachOther() {
    assertThat(RangeIndex.kind(Value.of(1))).isEqualTo(RangeIndex.kind(Value.of(2.5)));
    assertThat(RangeIndex.kind(Value.of("a"))).isNotEqualTo(RangeIndex.kind(Value.of(1)));
    assertThat(RangeIndex.kind(Value.NULL)).isNull();
  }
}
