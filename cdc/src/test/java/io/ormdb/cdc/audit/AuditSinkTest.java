package io.ormdb.cdc.audit;

import static io.ormdb.cdc.CdcTestData.commit;
import static io.ormdb.cdc.CdcTestData.deleteItem;
import static io.ormdb.cdc.CdcTestData.item;
import static io.ormdb.cdc.CdcTestData.note;
import static io.ormdb.cdc.CdcTestData.rename;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ormdb.cdc.CdcTestData;
import io.ormdb.cdc.feed.ChangeFeed;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.journal.ConsumerOffset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.stream.javadsl.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditSinkTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Path auditDir;
  private OrmStore store;
  private ChangeFeed feed;
  private AuditSettings settings;
  private final List<AuditSink> started = new ArrayList<>();

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.of(dir.resolve("db")));
    store.applySchema(CdcTestData.schema());
    feed = ChangeFeed.create(testKit.system(), store);
    auditDir = dir.resolve("audit");
    settings =
        AuditSettings.create(testKit.system().settings().config())
            .withDirectory(auditDir)
            .withBatch(50, Duration.ofMillis(20));
  }

  @AfterEach
  void close() throws Exception {
    for (AuditSink s : started) {
      s.stop().toCompletableFuture().exceptionally(x -> null).get(10, TimeUnit.SECONDS);
    }
    started.clear();
    store.close();
  }

  private AuditSink start(AuditSettings s) {
    AuditSink sink = AuditSink.start(testKit.system(), feed, s);
    started.add(sink);
    return sink;
  }

  private static void stop(AuditSink sink) throws Exception {
    sink.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The lines the whole changelog must produce, in LSN order. */
  private List<String> expectedLines() {
    List<String> lines = new ArrayList<>();
    long from = 1;
    List<ChangeSet> page;
    do {
      page = store.changes(from, 500);
      for (ChangeSet cs : page) {
        for (ChangeEvent e : cs.events()) {
          lines.add(AuditJson.lineText(e));
        }
        from = cs.lsn() + 1;
      }
    } while (!page.isEmpty());
    return lines;
  }

  private void awaitFilesHoldTheChangelog() {
    List<String> expected = expectedLines();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(AuditFiles.readLines(auditDir)).isEqualTo(expected));
  }

  @Test
  void writesOneLinePerChangeWithBeforeAfterOpAndChangedFields() throws Exception {
    AuditSink sink = start(settings);
    commit(store, item(1, "a"), note(1, "n"));
    commit(store, rename(1, "b"));
    commit(store, deleteItem(1));
    awaitFilesHoldTheChangelog();
    List<JsonNode> lines = new ArrayList<>();
    for (String l : AuditFiles.readLines(auditDir)) {
      lines.add(JSON.readTree(l));
    }
    assertThat(lines).hasSize(4);
    JsonNode insert = lines.get(0);
    assertThat(insert.get("op").asText()).isEqualTo("c");
    assertThat(insert.get("lsn").asLong()).isEqualTo(1);
    assertThat(insert.get("index").asInt()).isZero();
    assertThat(insert.get("entity").asText()).isEqualTo("Item");
    assertThat(insert.get("id").asLong()).isEqualTo(1);
    assertThat(insert.get("before").isNull()).isTrue();
    assertThat(insert.get("after").get("name").asText()).isEqualTo("a");
    assertThat(insert.get("principal").isNull()).isTrue();
    assertThat(insert.get("ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(lines.get(1).get("entity").asText()).isEqualTo("Note");
    assertThat(lines.get(1).get("index").asInt()).isEqualTo(1);
    JsonNode update = lines.get(2);
    assertThat(update.get("op").asText()).isEqualTo("u");
    assertThat(update.get("before").get("name").asText()).isEqualTo("a");
    assertThat(update.get("after").get("name").asText()).isEqualTo("b");
    assertThat(update.get("changedFields")).extracting(JsonNode::asText).containsExactly("name");
    JsonNode delete = lines.get(3);
    assertThat(delete.get("op").asText()).isEqualTo("d");
    assertThat(delete.get("after").isNull()).isTrue();
    assertThat(delete.get("before").get("name").asText()).isEqualTo("b");
    assertThat(delete.get("schemaVersion").asLong())
        .isEqualTo(insert.get("schemaVersion").asLong())
        .isPositive();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(feed.consumer("audit").offset())
                    .as("the offset is committed after the lines are durable")
                    .isEqualTo(new ConsumerOffset(3, 0)));
    stop(sink);
  }

  @Test
  void rotatesBySizeIntoNumberedFilesWhoseConcatenationIsTheChangelog() throws Exception {
    long limit = 1000;
    start(settings.withMaxFileBytes(limit));
    for (int i = 0; i < 40; i++) {
      commit(store, item(i, "item-" + i), note(i, "note-" + i));
    }
    // one line far larger than the limit
    commit(store, note(1000, "x".repeat(3000)));
    for (int i = 40; i < 50; i++) {
      commit(store, rename(i - 40, "renamed-" + i));
    }
    awaitFilesHoldTheChangelog();
    List<Path> files = AuditFiles.files(auditDir);
    assertThat(files.size()).isGreaterThan(5);
    for (int f = 0; f < files.size(); f++) {
      assertThat(files.get(f).getFileName().toString())
          .isEqualTo(String.format("audit-%06d.jsonl", f + 1));
      long size = Files.size(files.get(f));
      List<String> lines = Files.readAllLines(files.get(f), StandardCharsets.UTF_8);
      if (size > limit) {
        assertThat(lines).as("only a single oversized line exceeds the limit").hasSize(1);
        assertThat(lines.get(0)).contains("xxxxxxxxxx");
      } else {
        assertThat(lines).isNotEmpty();
      }
    }
  }

  @Test
  void aCleanRestartNeitherSkipsNorDuplicates() throws Exception {
    AuditSink first = start(settings.withMaxFileBytes(2000));
    for (int i = 0; i < 20; i++) {
      commit(store, item(i, "a" + i));
    }
    awaitFilesHoldTheChangelog();
    stop(first);
    // committed while no sink runs
    for (int i = 20; i < 30; i++) {
      commit(store, item(i, "a" + i), note(i, "n" + i));
    }
    start(settings.withMaxFileBytes(2000));
    for (int i = 30; i < 40; i++) {
      commit(store, rename(i - 30, "b" + i));
    }
    awaitFilesHoldTheChangelog();
    assertThat(AuditFiles.readLines(auditDir)).hasSize(20 + 20 + 10).doesNotHaveDuplicates();
  }

  @Test
  void aRestartAfterACrashDropsTheTornLineAndSkipsWhatTheFilesAlreadyHold() throws Exception {
    AuditSink first = start(settings);
    for (int i = 0; i < 10; i++) {
      commit(store, item(i, "a" + i));
    }
    awaitFilesHoldTheChangelog();
    stop(first);
    // as after a crash between writing the lines and committing the offset: the stored offset is
    // behind the files, and the last line is torn
    feed.consumer("audit").commit(new ConsumerOffset(4, 0)).toCompletableFuture().get();
    Path newest = AuditFiles.files(auditDir).get(AuditFiles.files(auditDir).size() - 1);
    Files.writeString(newest, "{\"lsn\":11,\"txId\":", StandardOpenOption.APPEND);
    commit(store, item(100, "after"));
    start(settings);
    commit(store, item(101, "later"));
    awaitFilesHoldTheChangelog();
    assertThat(Files.readString(newest)).endsWith("\n").doesNotContain("{\"lsn\":11,\"txId\":\n");
    assertThat(AuditFiles.readLines(auditDir)).hasSize(12).doesNotHaveDuplicates();
  }

  @Test
  void theStoredOffsetWinsWhenFilesWereMovedAway() throws Exception {
    AuditSink first = start(settings);
    for (int i = 0; i < 5; i++) {
      commit(store, item(i, "a" + i));
    }
    awaitFilesHoldTheChangelog();
    stop(first);
    // an operator archived the files: the sink continues after its offset, not from the start
    for (Path f : AuditFiles.files(auditDir)) {
      Files.move(f, dir.resolve(f.getFileName()));
    }
    commit(store, item(100, "new"));
    start(settings);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(AuditFiles.readLines(auditDir)).hasSize(1));
    assertThat(JSON.readTree(AuditFiles.readLines(auditDir).get(0)).get("lsn").asLong())
        .isEqualTo(6);
  }

  @Test
  void aSecondSinkOnTheSameDirectoryIsRefused() throws Exception {
    start(settings);
    commit(store, item(1, "a"));
    awaitFilesHoldTheChangelog();
    AuditSink second = AuditSink.start(testKit.system(), feed, settings.withConsumerName("other"));
    assertThatThrownBy(() -> second.done().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(io.ormdb.protocol.OrmDbException.class)
        .hasStackTraceContaining("already written by another audit sink");
    // the refused sink released nothing of the first one's: it keeps writing, a third is refused
    commit(store, item(2, "b"));
    awaitFilesHoldTheChangelog();
    AuditSink third = AuditSink.start(testKit.system(), feed, settings.withConsumerName("third"));
    assertThatThrownBy(() -> third.done().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .hasStackTraceContaining("already written by another audit sink");
    assertThat(AuditFiles.readLines(auditDir)).hasSize(2);
  }

  /** Records what it is given; durable at flush. */
  private static final class ListDestination implements AuditDestination {
    final List<ChangeEvent> written = new CopyOnWriteArrayList<>();
    final List<ConsumerOffset> flushedUpTo = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    @Override
    public void write(List<ChangeEvent> events) {
      written.addAll(events);
    }

    @Override
    public void flush() {
      flushedUpTo.add(ChangeFeed.offsetOf(written.get(written.size() - 1)));
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void aUserDestinationReceivesEveryChangeInOrderAndTheOffsetFollowsItsFlushes() throws Exception {
    ListDestination dest = new ListDestination();
    AuditSink sink =
        AuditSink.start(testKit.system(), feed, settings.withConsumerName("mine"), dest);
    started.add(sink);
    for (int i = 0; i < 30; i++) {
      commit(store, item(i, "a" + i), note(i, "n" + i));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(dest.written).hasSize(60));
    assertThat(dest.written).extracting(ChangeFeed::offsetOf).isSorted().doesNotHaveDuplicates();
    assertThat(dest.written.stream().map(AuditJson::lineText).toList()).isEqualTo(expectedLines());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(feed.consumer("mine").offset())
                    .isEqualTo(new ConsumerOffset(30, 1))
                    .isEqualTo(dest.flushedUpTo.get(dest.flushedUpTo.size() - 1)));
    stop(sink);
    assertThat(dest.closed).isTrue();
    // a restart resumes after the committed offset
    ListDestination again = new ListDestination();
    AuditSink second =
        AuditSink.start(testKit.system(), feed, settings.withConsumerName("mine"), again);
    started.add(second);
    commit(store, rename(0, "z"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(again.written).extracting(ChangeEvent::lsn).containsExactly(31L));
  }

  @Test
  void aUserFlowGetsTheBatchesAndItsEmissionsCommitTheOffset() throws Exception {
    List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
    AuditSink sink =
        AuditSink.startVia(
            testKit.system(),
            feed,
            settings.withConsumerName("flow"),
            Flow.<AuditBatch>create()
                .map(
                    b -> {
                      seen.addAll(b.events());
                      return b;
                    }));
    started.add(sink);
    for (int i = 0; i < 10; i++) {
      commit(store, item(i, "a" + i));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(feed.consumer("flow").offset()).isEqualTo(new ConsumerOffset(10, 0)));
    assertThat(seen)
        .extracting(ChangeEvent::lsn)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void aFailingDestinationFailsTheSinkWithoutCommittingItsBatch() throws Exception {
    AuditDestination broken =
        new AuditDestination() {
          @Override
          public void write(List<ChangeEvent> events) throws IOException {
            throw new IOException("disk full");
          }

          @Override
          public void flush() {}
        };
    AuditSink sink =
        AuditSink.start(testKit.system(), feed, settings.withConsumerName("broken"), broken);
    commit(store, item(1, "a"));
    assertThatThrownBy(() -> sink.done().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .hasStackTraceContaining("disk full")
        .cause()
        .isInstanceOfSatisfying(
            io.ormdb.protocol.OrmDbException.class,
            e -> {
              assertThat(e.code()).isEqualTo(io.ormdb.protocol.ErrorCode.INTERNAL);
              assertThat(e.getMessage())
                  .startsWith("the audit sink failed: ")
                  .contains("the audit destination failed to write up to lsn 1");
            });
    assertThat(feed.consumer("broken").offset()).isEqualTo(ConsumerOffset.START);
  }

  @Test
  void settingsComeFromReferenceConfWithEveryKey() {
    AuditSettings s = AuditSettings.create(testKit.system().settings().config());
    assertThat(s.enabled()).isFalse();
    assertThat(s.directory()).isEmpty();
    assertThat(s.maxFileBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(s.consumerName()).isEqualTo("audit");
    assertThatThrownBy(() -> s.withMaxFileBytes(0))
        .hasMessageContaining("ormdb.audit.max-file-bytes");
    assertThatThrownBy(() -> AuditSink.start(testKit.system(), feed, s))
        .hasMessageContaining("ormdb.audit.directory is not set");
  }
}
