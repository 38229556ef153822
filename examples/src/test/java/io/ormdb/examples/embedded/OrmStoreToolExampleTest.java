package io.ormdb.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrmStoreToolExampleTest {
  @Test
  void theToolWritesClosesAndReadsBackWithoutPekko(@TempDir Path dir) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    QueryResult tags =
        OrmStoreToolExample.run(dir, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(ResultObjects.toMaps(tags))
        .extracting(m -> m.get("name"))
        .containsExactly("compilers", "history");
    assertThat(out)
        .contains("schema version 1, committed at lsn 1\n")
        .contains("lsn 1: 2 changes\n");
  }

  /** What the guide says: one process (one OrmStore) at a time has the directory open. */
  @Test
  void aDirectoryThatIsOpenCannotBeOpenedAgain(@TempDir Path dir) {
    try (OrmStore open = OrmStore.open(StoreConfig.of(dir))) {
      assertThatThrownBy(() -> OrmStore.open(StoreConfig.of(dir)))
          .isInstanceOf(OrmDbException.class)
          .hasMessageContaining(StoreConfig.FILE_NAME)
          .satisfies(
              e ->
                  assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
    }
  }
}
