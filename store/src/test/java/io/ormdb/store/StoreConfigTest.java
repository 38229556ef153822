package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.value.Value;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsAndRefusals() {
    StoreConfig c = StoreConfig.of(dir);
    assertThat(c.cacheMegabytes()).isEqualTo(64);
    assertThat(c.consumerHold()).isEqualTo(Duration.ofDays(7));
    assertThat(c.keepsWholeChangelog()).isTrue();
    assertThat(c.commitQueueSize()).isEqualTo(10_000);
    assertThat(
            catchThrowableOfType(OrmDbException.class, () -> c.withCommitQueueSize(0)).getMessage())
        .contains("commitQueueSize must be >= 1 but is 0");
    OrmDbException e = catchThrowableOfType(OrmDbException.class, () -> c.withCacheMegabytes(0));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage()).contains("cacheMegabytes must be >= 1 but is 0");
    assertThat(
            catchThrowableOfType(
                    OrmDbException.class, () -> c.withConsumerHold(Duration.ofSeconds(-1)))
                .getMessage())
        .contains("consumerHold must not be negative");
  }

  /** Each {@code with} method changes its components only: a chain of them keeps every one. */
  @Test
  void withMethodsKeepTheOtherComponents() {
    StoreConfig all =
        StoreConfig.of(dir)
            .withAsync(5)
            .withRetention(Duration.ofMinutes(1), Duration.ofMinutes(2))
            .withMaxValueBytes(100)
            .withChangelogRetention(Duration.ofHours(1))
            .withConsumerHold(Duration.ofHours(2))
            .withCacheMegabytes(8)
            .withCommitQueueSize(3)
            .withCheckpoints(
                new StoreConfig.Checkpoints(Duration.ofSeconds(7), 2L << 20, 40, 1L << 20));
    assertThat(all)
        .isEqualTo(
            new StoreConfig(
                dir.toString(),
                StoreConfig.Durability.ASYNC,
                5,
                Duration.ofMinutes(1),
                Duration.ofMinutes(2),
                100,
                Duration.ofHours(1),
                Duration.ofHours(2),
                8,
                3,
                new StoreConfig.Checkpoints(Duration.ofSeconds(7), 2L << 20, 40, 1L << 20)));
    assertThat(all.recovery()).isEqualTo(StoreConfig.Recovery.STRICT);
    StoreConfig intact = all.withRecovery(StoreConfig.Recovery.NEWEST_INTACT);
    assertThat(intact.recovery()).isEqualTo(StoreConfig.Recovery.NEWEST_INTACT);
    assertThat(intact.withRecovery(StoreConfig.Recovery.STRICT)).isEqualTo(all);
  }

  /** A store whose cache is far smaller than its data reads everything back from the file. */
  @Test
  void aSmallCacheStillReadsEverything() {
    StoreConfig small = StoreConfig.of(dir).withCacheMegabytes(1);
    String body = "x".repeat(1_000);
    try (OrmStore store = OrmStore.open(small)) {
      store.applySchema(TestSchemas.blog());
      for (long b = 0; b < 20; b++) {
        Mutation[] ms = new Mutation[200];
        for (int i = 0; i < 200; i++) {
          long id = b * 200 + i;
          ms[i] = insert("Comment", "id", id, "body", body + id);
        }
        commit(store, ms);
      }
    }
    try (OrmStore store = OrmStore.open(small)) {
      for (long id = 0; id < 4_000; id += 37) {
        String expected = body + id;
        assertThat(StoreTestSupport.get(store, "Comment", Value.of(id)))
            .hasValueSatisfying(r -> assertThat(r.get("body")).isEqualTo(Value.of(expected)));
      }
    }
  }
}
