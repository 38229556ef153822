package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.all;
import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.value.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash tests' view of the write-ahead log ({@link OrmStore#logActivity()}): the records an
 * open replayed and the space-reclamation passes after checkpoints.
 */
class LogActivityTest {
  @TempDir Path dir;

  private static final StoreConfig.Checkpoints RARE =
      new StoreConfig.Checkpoints(Duration.ofHours(1), 1L << 30, 50, 16L << 20);

  @Test
  void anOpenReportsTheRecordsItReplayedAndACleanOneNone() throws Exception {
    Path live = dir.resolve("live");
    Path crashed = dir.resolve("crashed");
    try (OrmStore store = OrmStore.open(StoreConfig.of(live).withCheckpoints(RARE))) {
      store.applySchema(TestSchemas.blog());
      store.checkpoint();
      for (int i = 0; i < 3; i++) {
        commit(store, insert("User", "id", UUID.randomUUID(), "email", i + "@x", "name", "n"));
      }
      // the state a crash would leave: the file at its checkpoint, three groups in the log only
      copyTree(live, crashed);
    }
    try (OrmStore store = OrmStore.open(StoreConfig.of(crashed))) {
      assertThat(store.logActivity().replayedRecords()).isEqualTo(3);
      assertThat(store.logActivity().tornBytesIgnored()).isZero();
      assertThat(all(store, "User")).hasSize(3);
    }
    try (OrmStore store = OrmStore.open(StoreConfig.of(live))) {
      assertThat(store.logActivity().replayedRecords()).isZero();
      assertThat(all(store, "User")).hasSize(3);
    }
  }

  @Test
  void reclamationPassesFollowCheckpointsAndRewriteSparseChunks() {
    StoreConfig.Checkpoints often =
        new StoreConfig.Checkpoints(Duration.ofMillis(1), 1L << 20, 99, 1L << 20);
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir).withCheckpoints(often))) {
      store.applySchema(TestSchemas.blog());
      UUID id = UUID.randomUUID();
      commit(store, insert("User", "id", id, "email", "a@x", "name", "n0"));
      int[] n = {0};
      // every update leaves the previous checkpoint's pages dead: chunks fall below 99 % live
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                n[0]++;
                commit(
                    store,
                    new Mutation.Update(
                        "User", Value.of(id), StoreTestSupport.m("name", "n" + n[0]), 0));
                return store.logActivity().reclaimRewrites() > 0;
              });
      OrmStore.LogActivity a = store.logActivity();
      assertThat(a.reclaimPasses()).isGreaterThanOrEqualTo(a.reclaimRewrites());
      assertThat(store.stats().checkpoints()).isGreaterThan(1);
    }
  }

  @Test
  void checkpointsAreCountedWhenWrittenAndWhenFinished() {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir).withCheckpoints(RARE))) {
      OrmStore.LogActivity opened = store.logActivity();
      assertThat(opened.checkpoints()).as("the open's").isEqualTo(1);
      assertThat(opened.checkpointsFinished()).isEqualTo(1);
      store.applySchema(TestSchemas.blog());
      store.checkpoint(); // waits for the file's sync and the deletion of older segments
      OrmStore.LogActivity a = store.logActivity();
      assertThat(a.checkpoints()).isEqualTo(2);
      assertThat(a.checkpointsFinished()).isEqualTo(2);
    }
  }

  @Test
  void inMemoryStoresReportNothing() {
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(TestSchemas.blog());
      commit(store, insert("User", "id", UUID.randomUUID(), "email", "e@x", "name", "n"));
      assertThat(store.logActivity()).isEqualTo(new OrmStore.LogActivity(0, 0, 0, 0, 0, 0));
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path f : s.toList()) {
        Files.copy(f, to.resolve(from.relativize(f).toString()));
      }
    }
  }
}
