package io.ormdb.store.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsumerOffsetStorageTest {
  @TempDir Path dir;

  @Test
  void offsetsAreDurableAndSurviveReopen() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      assertThat(store.consumerOffset("audit")).isEmpty();
      store.commitOffset("audit", new ConsumerOffset(7, 3)).get();
      store.commitOffset("replica", new ConsumerOffset(9, ConsumerOffset.TX_END)).get();
      store.commitOffset("audit", new ConsumerOffset(8, ConsumerOffset.TX_BEGIN)).get();
      assertThat(store.consumerOffset("audit")).contains(new ConsumerOffset(8, -1));
      assertThat(store.stats().syncs()).as("each commit fsynced").isGreaterThanOrEqualTo(3);
    }
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      assertThat(store.consumerOffset("audit")).contains(new ConsumerOffset(8, -1));
      assertThat(store.consumerOffset("replica"))
          .contains(new ConsumerOffset(9, ConsumerOffset.TX_END));
      store.removeConsumerOffset("replica").get();
      assertThat(store.consumerOffset("replica")).isEmpty();
    }
  }

  @Test
  void offsetsOrderByLsnThenIndex() {
    assertThat(new ConsumerOffset(3, ConsumerOffset.TX_END)).isLessThan(new ConsumerOffset(4, -1));
    assertThat(new ConsumerOffset(4, -1)).isLessThan(new ConsumerOffset(4, 0));
    assertThat(ConsumerOffset.START).isLessThan(new ConsumerOffset(1, -1));
    assertThat(ConsumerOffset.before(5)).isEqualTo(new ConsumerOffset(4, ConsumerOffset.TX_END));
    assertThat(ConsumerOffset.before(1)).isEqualTo(ConsumerOffset.START);
  }
}
