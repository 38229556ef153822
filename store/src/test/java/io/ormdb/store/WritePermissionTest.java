package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.all;
import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database file, data directory or log directory the store may not write is refused when the
 * store opens, with STORAGE_UNAVAILABLE naming the path — instead of an open that succeeds (MVStore
 * opens a file it may not write read-only on its own) and fails at the first write with an INTERNAL
 * error in MVStore's words. The paths are made read-only for real ({@link ReadOnlyPaths}: without
 * write permission, and immutable where the user is root), and are left as they were.
 */
class WritePermissionTest {
  @TempDir Path dir;

  @BeforeEach
  void aStoreWithOneRow() {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      store.applySchema(TestSchemas.blog());
      commit(store, insert("User", "id", UUID.randomUUID(), "email", "a@x", "name", "A"));
    }
  }

  private OrmDbException openFails() {
    OrmDbException e =
        catchThrowableOfType(OrmDbException.class, () -> OrmStore.open(StoreConfig.of(dir)));
    assertThat(e).as("the open is refused").isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
    assertThat(e.getMessage())
        .doesNotContain("ormdb-reopen")
        .doesNotContainPattern("\\[[0-9.]+/[0-9]+\\]")
        .doesNotContain("Exception");
    return e;
  }

  private void opensAgainWithItsRow() {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      assertThat(all(store, "User")).hasSize(1);
      commit(store, insert("User", "id", UUID.randomUUID(), "email", "b@x", "name", "B"));
    }
  }

  @Test
  void aReadOnlyDatabaseFileIsRefused() throws Exception {
    Path file = dir.resolve(StoreConfig.FILE_NAME);
    byte[] before = Files.readAllBytes(file);
    try (ReadOnlyPaths ro = new ReadOnlyPaths().add(file)) {
      ReadOnlyPaths.assertUnwritable(file);
      assertThat(openFails())
          .hasMessage(
              "database file "
                  + file.toFile().getCanonicalPath()
                  + " is read-only: the store cannot write it (make it writable, or open the store"
                  + " read-only)");
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    opensAgainWithItsRow();
  }

  @Test
  void aReadOnlyDataDirectoryIsRefused() throws Exception {
    try (ReadOnlyPaths ro = new ReadOnlyPaths().add(dir)) {
      ReadOnlyPaths.assertUnwritable(dir);
      assertThat(openFails())
          .hasMessage(
              "data directory "
                  + dir
                  + " is read-only: the store cannot write it (make it writable, or open the store"
                  + " read-only)");
    }
    opensAgainWithItsRow();
  }

  @Test
  void aReadOnlyLogDirectoryIsRefused() throws Exception {
    Path log = dir.resolve(StoreConfig.LOG_DIRECTORY);
    try (ReadOnlyPaths ro = new ReadOnlyPaths().add(log)) {
      ReadOnlyPaths.assertUnwritable(log);
      assertThat(openFails())
          .hasMessage(
              "write-ahead log directory "
                  + log
                  + " is read-only: the store cannot write it (make it writable, or open the store"
                  + " read-only)");
    }
    opensAgainWithItsRow();
  }

  @Test
  void aLogDirectoryThatIsAFileIsRefused() throws Exception {
    Path log = dir.resolve(StoreConfig.LOG_DIRECTORY);
    try (var files = Files.list(log)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(log);
    Files.writeString(log, "not a directory");
    assertThat(openFails())
        .hasMessage(
            "write-ahead log directory " + log + " cannot be used: it is a file, not a directory");
    assertThat(Files.readString(log)).isEqualTo("not a directory");
  }
}
