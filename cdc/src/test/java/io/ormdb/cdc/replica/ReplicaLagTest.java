package io.ormdb.cdc.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.store.OrmStore.HistoryEpoch;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A replica's lag in change sets does not count the LSNs in the hole before a history epoch. */
class ReplicaLagTest {
  private static final HistoryEpoch ONE = new HistoryEpoch(1, 1, 0);

  @Test
  void withOneEpochTheLagIsTheDifferenceOfTheLsns() {
    assertThat(Replica.entriesBetween(0, 0, List.of(ONE))).isZero();
    assertThat(Replica.entriesBetween(10, 25, List.of(ONE))).isEqualTo(15);
  }

  @Test
  void theHoleBeforeAnEpochIsNotLag() {
    List<HistoryEpoch> epochs = List.of(ONE, new HistoryEpoch(2, 1000, 120));
    assertThat(Replica.entriesBetween(120, 1004, epochs)).as("at the last LSN kept").isEqualTo(5);
    assertThat(Replica.entriesBetween(100, 1004, epochs)).as("before it").isEqualTo(25);
    assertThat(Replica.entriesBetween(100, 110, epochs)).as("before the hole").isEqualTo(10);
    assertThat(Replica.entriesBetween(100, 500, epochs)).as("known up to the hole").isEqualTo(20);
    assertThat(Replica.entriesBetween(1002, 1004, epochs)).as("after it").isEqualTo(2);
    assertThat(Replica.entriesBetween(1004, 1004, epochs)).isZero();
  }

  @Test
  void holesOfEpochsWithoutCommitsBetweenThemOverlap() {
    // epoch 2 got no commit before the next recovery: epoch 3 continues after LSN 120 too
    List<HistoryEpoch> epochs =
        List.of(ONE, new HistoryEpoch(2, 1000, 120), new HistoryEpoch(3, 5000, 120));
    assertThat(Replica.entriesBetween(120, 5002, epochs)).isEqualTo(3);
    assertThat(Replica.entriesBetween(118, 5002, epochs)).isEqualTo(5);
    // and an epoch after commits of the one before
    List<HistoryEpoch> later =
        List.of(ONE, new HistoryEpoch(2, 1000, 120), new HistoryEpoch(3, 5000, 1009));
    assertThat(Replica.entriesBetween(120, 5001, later)).isEqualTo(10 + 2);
  }
}
