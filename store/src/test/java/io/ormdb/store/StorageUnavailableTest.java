package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database file that cannot be used is refused with STORAGE_UNAVAILABLE and a message that names
 * the file and says why in plain words — not INVALID_REQUEST (the request was fine), and without
 * MVStore's internal error codes or the store's file-system prefix.
 */
class StorageUnavailableTest {
  @TempDir Path dir;

  private static OrmDbException openFails(Path dataDir) {
    OrmDbException e =
        catchThrowableOfType(OrmDbException.class, () -> OrmStore.open(StoreConfig.of(dataDir)));
    assertThat(e).as("the open is refused").isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
    assertThat(e.getMessage())
        .doesNotContain("ormdb-reopen")
        .doesNotContainPattern("\\[[0-9.]+/[0-9]+\\]")
        .doesNotContain("Exception");
    return e;
  }

  private static String file(Path dataDir) throws Exception {
    return dataDir.resolve(StoreConfig.FILE_NAME).toFile().getCanonicalPath();
  }

  @Test
  void aSecondStoreOnTheSameFileInThisProcess() throws Exception {
    try (OrmStore first = OrmStore.open(StoreConfig.of(dir))) {
      assertThat(openFails(dir))
          .hasMessage(
              "database file "
                  + file(dir)
                  + " is already open in this process (one owner per file)");
    }
  }

  @Test
  void aFileLockedByAnotherOwner() throws Exception {
    OrmStore.open(StoreConfig.of(dir)).close();
    // The lock another process's store would hold (held here through a channel of our own).
    try (FileChannel ch =
            FileChannel.open(
                dir.resolve(StoreConfig.FILE_NAME),
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      assertThat(openFails(dir))
          .hasMessage("database file " + file(dir) + " is locked by another process");
    }
    // once the lock is gone the file opens as before
    OrmStore.open(StoreConfig.of(dir)).close();
  }

  @Test
  void aDataDirectoryThatIsAFile() throws Exception {
    Path notADir = dir.resolve("data");
    Files.writeString(notADir, "x");
    assertThat(openFails(notADir))
        .hasMessage("data directory " + notADir + " cannot be used: it is a file, not a directory");
    assertThat(Files.readString(notADir)).isEqualTo("x");
  }

  @Test
  void aDatabaseFileThatIsADirectory() throws Exception {
    Files.createDirectories(dir.resolve(StoreConfig.FILE_NAME));
    assertThat(openFails(dir))
        .hasMessage("database file " + file(dir) + " cannot be opened: it is a directory");
  }

  @Test
  void aFileThatIsNotADatabaseIsLeftAsItWas() throws Exception {
    String text = "these are my notes, not a database\n".repeat(200);
    Files.writeString(dir.resolve(StoreConfig.FILE_NAME), text, StandardCharsets.UTF_8);
    assertThat(openFails(dir))
        .hasMessage(
            "database file "
                + file(dir)
                + " cannot be opened: it is not an ORMDB database file, or it is damaged");
    assertThat(Files.readString(dir.resolve(StoreConfig.FILE_NAME))).isEqualTo(text);
    // the refused open left no claim on the file behind
    Files.delete(dir.resolve(StoreConfig.FILE_NAME));
    OrmStore.open(StoreConfig.of(dir)).close();
  }

  @Test
  void aFileOfZerosIsNotADatabaseEither() throws Exception {
    Files.write(dir.resolve(StoreConfig.FILE_NAME), new byte[16_384]);
    assertThat(openFails(dir))
        .hasMessage(
            "database file "
                + file(dir)
                + " cannot be opened: it is not an ORMDB database file, or it is damaged");
  }
}
