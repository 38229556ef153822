package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.all;
import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.journal.ConsumerOffset;
import io.ormdb.store.journal.JournalEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StoreConfig#withReadOnly()}: an existing store opened for reads only. Reads work; every
 * kind of write fails with READ_ONLY and a message naming the file; the data directory is byte for
 * byte as it was afterwards (and a store whose file and directories are immutable opens too). A
 * store that does not exist, or whose log holds commits the file lacks, is refused.
 */
class ReadOnlyModeTest {
  @TempDir Path dir;

  private static final StoreConfig.Checkpoints RARE =
      new StoreConfig.Checkpoints(Duration.ofHours(1), 1L << 30, 50, 16L << 20);

  private void threeUsers(Path at) {
    try (OrmStore store = OrmStore.open(StoreConfig.of(at))) {
      store.applySchema(TestSchemas.blog());
      for (int i = 0; i < 3; i++) {
        commit(store, insert("User", "id", UUID.randomUUID(), "email", i + "@x", "name", "U" + i));
      }
      store.commitOffset("feed", new ConsumerOffset(2, ConsumerOffset.TX_END)).join();
    }
  }

  /** Every file of {@code root} and a digest of its bytes. */
  private static Map<String, String> contents(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
        out.put(root.relativize(p).toString(), HexFormat.of().formatHex(digest));
      }
    }
    return out;
  }

  private static OrmDbException refused(Supplier<? extends CompletableFuture<?>> write) {
    ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> write.get().get());
    assertThat(e).as("the write is refused").isNotNull();
    assertThat(e.getCause()).isInstanceOf(OrmDbException.class);
    OrmDbException o = (OrmDbException) e.getCause();
    assertThat(o.code()).isEqualTo(ErrorCode.READ_ONLY);
    return o;
  }

  @Test
  void readsWorkEveryWriteIsRefusedAndNothingChanges() throws Exception {
    threeUsers(dir);
    Map<String, String> before = contents(dir);
    String file = dir.resolve(StoreConfig.FILE_NAME).toFile().getCanonicalPath();
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir).withReadOnly())) {
      assertThat(store.isReadOnly()).isTrue();
      assertThat(store.currentLsn()).isEqualTo(3);
      assertThat(all(store, "User")).hasSize(3);
      assertThat(store.query(GraphQuery.from("User").build()).root().ids()).hasSize(3);
      assertThat(
              store
                  .aggregate(
                      new AggregateQuery(
                          "User",
                          List.of(
                              new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, null)),
                          null,
                          List.of(),
                          null))
                  .rows()
                  .get(0)
                  .get(0))
          .isEqualTo(Value.of(3L));
      try (var view = store.snapshotAt(1)) {
        assertThat(view.lsn()).isEqualTo(1);
      }
      assertThat(store.changes(1, 10)).hasSize(3);
      assertThat(store.consumerOffset("feed"))
          .contains(new ConsumerOffset(2, ConsumerOffset.TX_END));

      assertThat(
              refused(
                  () ->
                      store.commitAsync(
                          MutationBatch.of(
                              insert(
                                  "User", "id", UUID.randomUUID(), "email", "n@x", "name", "N")))))
          .hasMessage("database file " + file + " is open read-only: commits are refused");
      OrmDbException schema =
          catchThrowableOfType(OrmDbException.class, () -> store.applySchema(TestSchemas.blog()));
      assertThat(schema.code()).isEqualTo(ErrorCode.READ_ONLY);
      assertThat(schema)
          .hasMessage("database file " + file + " is open read-only: schema changes are refused");
      assertThat(
              refused(
                  () -> store.commitOffset("feed", new ConsumerOffset(3, ConsumerOffset.TX_END))))
          .hasMessageEndingWith("journal and offset writes are refused");
      assertThat(
              refused(
                  () ->
                      store
                          .journal()
                          .write(
                              List.of(JournalEntry.toWrite("p", 1, Set.of("t"), new byte[] {1})))))
          .hasMessageEndingWith("journal and offset writes are refused");
      OrmDbException compact = catchThrowableOfType(OrmDbException.class, store::compact);
      assertThat(compact.code()).isEqualTo(ErrorCode.READ_ONLY);
      store.checkpoint(); // nothing to write: a no-op
      assertThat(all(store, "User")).hasSize(3);
    }
    assertThat(contents(dir)).as("every file of the data directory").isEqualTo(before);
    // and it opens writable as before
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      assertThat(store.isReadOnly()).isFalse();
      commit(store, insert("User", "id", UUID.randomUUID(), "email", "w@x", "name", "W"));
      assertThat(all(store, "User")).hasSize(4);
    }
  }

  @Test
  void aStoreOnImmutableFilesOpensReadOnly() throws Exception {
    threeUsers(dir);
    Path file = dir.resolve(StoreConfig.FILE_NAME);
    Path log = dir.resolve(StoreConfig.LOG_DIRECTORY);
    try (ReadOnlyPaths ro = new ReadOnlyPaths().add(file).add(log).add(dir)) {
      ReadOnlyPaths.assertUnwritable(file);
      try (OrmStore store = OrmStore.open(StoreConfig.of(dir).withReadOnly())) {
        assertThat(all(store, "User")).hasSize(3);
      }
      // a writable open of the same directory is refused, naming what it cannot write
      OrmDbException e =
          catchThrowableOfType(OrmDbException.class, () -> OrmStore.open(StoreConfig.of(dir)));
      assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
      assertThat(e).hasMessageContaining("is read-only");
    }
  }

  @Test
  void aStoreThatDoesNotExistIsRefusedAndNotCreated() {
    Path missing = dir.resolve("none");
    OrmDbException e =
        catchThrowableOfType(
            OrmDbException.class, () -> OrmStore.open(StoreConfig.of(missing).withReadOnly()));
    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
    assertThat(e)
        .hasMessage(
            "database file "
                + missing.resolve(StoreConfig.FILE_NAME)
                + " does not exist: a read-only store opens an existing database only");
    assertThat(missing).doesNotExist();
  }

  @Test
  void aLogWithCommitsTheFileLacksIsRefusedUntilAWritableOpenReplaysIt() throws Exception {
    Path image = dir.resolve("image");
    try (OrmStore store =
        OrmStore.open(StoreConfig.of(dir.resolve("live")).withCheckpoints(RARE))) {
      store.applySchema(TestSchemas.blog());
      store.checkpoint();
      for (int i = 0; i < 3; i++) {
        commit(store, insert("User", "id", UUID.randomUUID(), "email", i + "@x", "name", "U" + i));
      }
      // what a crash leaves: the file at its checkpoint, the commits since in the log
      copyTree(dir.resolve("live"), image);
    }
    Map<String, String> before = contents(image);
    OrmDbException e =
        catchThrowableOfType(
            OrmDbException.class, () -> OrmStore.open(StoreConfig.of(image).withReadOnly()));
    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
    assertThat(e)
        .hasMessage(
            "database file "
                + image.resolve(StoreConfig.FILE_NAME).toFile().getCanonicalPath()
                + " cannot be opened read-only: its write-ahead log in "
                + image.resolve(StoreConfig.LOG_DIRECTORY)
                + " holds 3 commit groups (up to lsn 3) that the file does not hold yet, because"
                + " the store stopped without a clean close: open it writable once (that replays"
                + " the log into the file), or stop the store that wrote it cleanly first");
    assertThat(contents(image)).as("the refused open wrote nothing").isEqualTo(before);

    try (OrmStore store = OrmStore.open(StoreConfig.of(image))) {
      assertThat(all(store, "User")).hasSize(3);
    }
    try (OrmStore store = OrmStore.open(StoreConfig.of(image).withReadOnly())) {
      assertThat(all(store, "User")).hasSize(3);
    }
  }

  @Test
  void aReplicaOrAnInMemoryStoreCannotBeReadOnly() {
    threeUsers(dir);
    OrmDbException replica =
        catchThrowableOfType(
            OrmDbException.class, () -> OrmStore.openReplica(StoreConfig.of(dir).withReadOnly()));
    assertThat(replica.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(replica).hasMessageContaining("a read replica cannot be opened read-only");
    OrmDbException memory =
        catchThrowableOfType(OrmDbException.class, () -> StoreConfig.inMemory().withReadOnly());
    assertThat(memory).hasMessage("an in-memory store cannot be opened read-only");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
