package io.ormdb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchStatsTest {

  @Test
  void medianOfAnOddCountIsTheMiddleValue() {
    assertThat(Stats.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
    assertThat(Stats.median(List.of(4.0, 1.0, 10.0, 2.0))).isEqualTo(3.0);
  }

  @Test
  void medianOfNothingIsNaN() {
    assertThat(Stats.median(List.of())).isNaN();
  }

  @Test
  void spreadIsTheRangeOverTheMedianInPercent() {
    assertThat(Stats.spreadPercent(List.of(90.0, 100.0, 120.0))).isCloseTo(30.0, within(1e-9));
    assertThat(Stats.spreadPercent(List.of(7.0))).isZero();
  }

  @Test
  void ratioIsOrmdbOverTheOtherSystemSoAboveOneMeansOrmdbIsFaster() {
    assertThat(Stats.ratio(300, 100)).isEqualTo(3.0);
    assertThat(Stats.ratio(50, 100)).isEqualTo(0.5);
    assertThat(Stats.ratio(50, 0)).isNaN();
    assertThat(Stats.ratio(Double.NaN, 10)).isNaN();
  }
}
