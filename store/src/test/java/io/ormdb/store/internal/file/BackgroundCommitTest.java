package io.ormdb.store.internal.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.store.StoreConfig;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StoreFile#commitInBackground()} takes the maps' version and returns without waiting for
 * its write (checkpoints do not hold up the committer while the file is written); {@link
 * StoreFile#sync()} waits for the write; the file holds the version as it was taken.
 */
class BackgroundCommitTest {
  @TempDir Path dir;

  @Test
  void aBackgroundCommitReturnsBeforeItsWriteAndTheFileHoldsTheVersionItTook() throws Exception {
    StoreConfig config = StoreConfig.of(dir);
    Path path = dir.resolve(StoreConfig.FILE_NAME);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      StoreFile.open(
          config,
          file -> {
            try {
              StoreMaps maps = new StoreMaps(file);
              file.commit();
              file.sync();
              long before = Files.size(path);
              maps.meta.put("taken", "1");
              // enough to take a while to write
              for (int i = 0; i < 20_000; i++) {
                maps.rows.put(ByteBuffer.allocate(4).putInt(i).array(), new byte[1_000]);
              }
              CountDownLatch holding = new CountDownLatch(1);
              CountDownLatch release = new CountDownLatch(1);
              // another thread holds MVStore's serialization lock: no commit can be written
              Future<?> holder =
                  other.submit(
                      () ->
                          file.store()
                              .getFileStore()
                              .executeFileStoreOperation(
                                  () -> {
                                    holding.countDown();
                                    await(release);
                                  }));
              await(holding);
              try {
                CompletableFuture<Void> commit =
                    CompletableFuture.runAsync(file::commitInBackground);
                assertThat(commit)
                    .as("returned while its write waits")
                    .succeedsWithin(Duration.ofSeconds(30));
                assertThat(Files.size(path)).as("nothing written yet").isEqualTo(before);
                maps.meta.put("taken", "2"); // the next version's
                maps.meta.put("later", "3");
              } finally {
                release.countDown();
              }
              holder.get();
              file.sync();
              assertThat(Files.size(path)).as("written when sync returns").isGreaterThan(before);
              file.close(false); // writes nothing more
              return null;
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
    } finally {
      other.shutdownNow();
    }
    StoreFile.open(
        config,
        file -> {
          try {
            StoreMaps maps = new StoreMaps(file);
            assertThat(maps.meta.map().get("taken")).isEqualTo("1");
            assertThat(maps.meta.map().get("later")).isNull();
            assertThat(maps.rows.map().size()).isEqualTo(20_000);
          } finally {
            file.close(false);
          }
          return null;
        });
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
