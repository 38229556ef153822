package io.ormdb.cdc.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ormdb.cdc.CdcTestData;
import io.ormdb.cdc.OrmStoreRegistry;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.journal.SnapshotCriteria;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The journal and snapshot-store plugins, checked like Pekko's journal TCK: through the journal
 * protocol (write, replay with ranges and max, highest sequence number, delete, rejections vs
 * failures) and with an {@link EventSourcedBehavior} recovered after an ActorSystem restart.
 */
class JournalPluginTest {
  static final Config CONFIG =
      ConfigFactory.parseString(
              """
              pekko.persistence.journal.plugin = "ormdb.journal"
              pekko.persistence.snapshot-store.plugin = "ormdb.snapshot-store"
              pekko.loglevel = WARNING
              pekko.actor.testkit.typed.single-expect-default = 10s
              """)
          .withFallback(ConfigFactory.load());

  @TempDir Path dir;
  private ActorTestKit kit;
  private OrmStore store;

  @BeforeEach
  void start() {
    store = OrmStore.open(StoreConfig.of(dir));
    store.applySchema(CdcTestData.schema());
    kit = ActorTestKit.create("journal", CONFIG);
    OrmStoreRegistry.get(kit.system()).register(store);
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
    store.close();
  }

  private org.apache.pekko.actor.ActorRef journal() {
    return Persistence.get(Adapter.toClassic(kit.system()))
        .journalFor("ormdb.journal", ConfigFactory.empty());
  }

  private static PersistentRepr repr(String pid, long seq, Object payload) {
    return PersistentRepr.apply(payload, seq, pid, "", false, null, "writer-1");
  }

  @SafeVarargs
  private static <T> scala.collection.immutable.Seq<T> seq(T... xs) {
    return CollectionConverters.asScala(List.of(xs)).toList();
  }

  private void write(TestProbe<Object> probe, AtomicWrite... writes) {
    journal()
        .tell(
            new JournalProtocol.WriteMessages(seq(writes), Adapter.toClassic(probe.ref()), 1),
            org.apache.pekko.actor.ActorRef.noSender());
  }

  private List<Object> replay(String pid, long from, long to, long max) {
    TestProbe<Object> probe = kit.createTestProbe();
    journal()
        .tell(
            new JournalProtocol.ReplayMessages(from, to, max, pid, Adapter.toClassic(probe.ref())),
            org.apache.pekko.actor.ActorRef.noSender());
    List<Object> out = new ArrayList<>();
    while (true) {
      Object m = probe.receiveMessage();
      if (m instanceof JournalProtocol.ReplayedMessage r) {
        out.add(r.persistent().sequenceNr() + ":" + r.persistent().payload());
      } else if (m instanceof JournalProtocol.RecoverySuccess s) {
        out.add("highest " + s.highestSequenceNr());
        return out;
      } else {
        out.add(m);
        return out;
      }
    }
  }

  private void writeEvents(String pid, int n) {
    TestProbe<Object> probe = kit.createTestProbe();
    List<AtomicWrite> ws = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      ws.add(AtomicWrite.apply(repr(pid, i, "e" + i)));
    }
    write(probe, ws.toArray(new AtomicWrite[0]));
    probe.expectMessageClass(JournalProtocol.WriteMessagesSuccessful$.class);
    for (int i = 1; i <= n; i++) {
      probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class);
    }
  }

  @Test
  void writeAndReplayWithRangesAndMax() {
    writeEvents("p", 5);
    assertThat(replay("p", 1, Long.MAX_VALUE, Long.MAX_VALUE))
        .containsExactly("1:e1", "2:e2", "3:e3", "4:e4", "5:e5", "highest 5");
    assertThat(replay("p", 2, 3, Long.MAX_VALUE)).containsExactly("2:e2", "3:e3", "highest 5");
    assertThat(replay("p", 1, 5, 2)).containsExactly("1:e1", "2:e2", "highest 5");
    assertThat(replay("p", 6, 10, 10)).containsExactly("highest 5");
    assertThat(replay("other", 1, 10, 10)).containsExactly("highest 0");
  }

  @Test
  void deleteKeepsTheHighestSequenceNumber() {
    writeEvents("d", 3);
    TestProbe<Object> probe = kit.createTestProbe();
    journal()
        .tell(
            new JournalProtocol.DeleteMessagesTo("d", 2, Adapter.toClassic(probe.ref())),
            org.apache.pekko.actor.ActorRef.noSender());
    probe.expectMessage(new org.apache.pekko.persistence.DeleteMessagesSuccess(2));
    assertThat(replay("d", 1, 10, 10)).containsExactly("3:e3", "highest 3");
    journal()
        .tell(
            new JournalProtocol.DeleteMessagesTo(
                "d", Long.MAX_VALUE, Adapter.toClassic(probe.ref())),
            org.apache.pekko.actor.ActorRef.noSender());
    probe.expectMessage(new org.apache.pekko.persistence.DeleteMessagesSuccess(Long.MAX_VALUE));
    assertThat(replay("d", 1, 10, 10)).containsExactly("highest 3");
  }

  /** An event without a serializer. */
  record NotSerializable(Object value) {}

  @Test
  void anUnserializableEventIsRejectedAndOthersInTheBatchAreWritten() {
    TestProbe<Object> probe = kit.createTestProbe();
    write(
        probe,
        AtomicWrite.apply(repr("r", 1, "ok1")),
        AtomicWrite.apply(repr("r", 2, new NotSerializable(new Object()))),
        AtomicWrite.apply(repr("r", 3, "ok3")));
    probe.expectMessageClass(JournalProtocol.WriteMessagesSuccessful$.class);
    probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class);
    JournalProtocol.WriteMessageRejected rejected =
        probe.expectMessageClass(JournalProtocol.WriteMessageRejected.class);
    assertThat(rejected.message().sequenceNr()).isEqualTo(2);
    probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class);
    assertThat(replay("r", 1, 10, 10)).containsExactly("1:ok1", "3:ok3", "highest 3");
  }

  @Test
  void aStorageFailureFailsTheWrite() {
    store.close(); // the registered store can no longer write
    TestProbe<Object> probe = kit.createTestProbe();
    write(probe, AtomicWrite.apply(repr("f", 1, "x")));
    JournalProtocol.WriteMessagesFailed failed =
        probe.expectMessageClass(JournalProtocol.WriteMessagesFailed.class);
    assertThat(failed.cause()).hasMessageContaining("the store is closed");
    probe.expectMessageClass(JournalProtocol.WriteMessageFailure.class);
    store = OrmStore.open(StoreConfig.of(dir)); // for stop()
  }

  @Test
  void theChangelogPersistenceIdReplaysCommittedChangeSetsAndRejectsWrites() {
    CdcTestData.commit(store, CdcTestData.item(1, "a"), CdcTestData.note(1, "n"));
    CdcTestData.commit(store, CdcTestData.rename(1, "b"));
    CdcTestData.commit(store, CdcTestData.deleteItem(1));
    TestProbe<Object> probe = kit.createTestProbe();
    journal()
        .tell(
            new JournalProtocol.ReplayMessages(
                2, Long.MAX_VALUE, 10, "ormdb-changelog", Adapter.toClassic(probe.ref())),
            org.apache.pekko.actor.ActorRef.noSender());
    List<Long> lsns = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      PersistentRepr r =
          probe.expectMessageClass(JournalProtocol.ReplayedMessage.class).persistent();
      ChangeSet cs = (ChangeSet) r.payload();
      assertThat(r.sequenceNr()).as("sequence number = LSN").isEqualTo(cs.lsn());
      lsns.add(cs.lsn());
    }
    assertThat(lsns).containsExactly(2L, 3L);
    assertThat(probe.expectMessageClass(JournalProtocol.RecoverySuccess.class).highestSequenceNr())
        .isEqualTo(3);
    write(probe, AtomicWrite.apply(repr("ormdb-changelog", 4, "forged")));
    probe.expectMessageClass(JournalProtocol.WriteMessagesSuccessful$.class);
    JournalProtocol.WriteMessageRejected rejected =
        probe.expectMessageClass(JournalProtocol.WriteMessageRejected.class);
    assertThat(rejected.cause()).hasMessageContaining("only committed batches write it");
    assertThat(store.currentLsn()).isEqualTo(3);
  }

  // ---------------------------------------------------------------------------------------------
  // an event-sourced behavior on the plugins

  /** Appends letters; state = the letters so far; snapshots every third event. */
  static final class Letters extends EventSourcedBehavior<Letters.Command, String, String> {
    interface Command {}

    record Add(String letter, ActorRef<Long> replyTo) implements Command {}

    record Get(ActorRef<String> replyTo) implements Command {}

    Letters(String id) {
      super(PersistenceId.ofUniqueId(id));
    }

    static Behavior<Command> create(String id) {
      return new Letters(id);
    }

    @Override
    public String emptyState() {
      return "";
    }

    @Override
    public CommandHandler<Command, String, String> commandHandler() {
      return newCommandHandlerBuilder()
          .forAnyState()
          .onCommand(
              Add.class,
              (state, c) ->
                  Effect().persist(c.letter()).thenRun(s -> c.replyTo().tell((long) s.length())))
          .onCommand(Get.class, (state, c) -> Effect().reply(c.replyTo(), state))
          .build();
    }

    @Override
    public EventHandler<String, String> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((state, e) -> state + e);
    }

    @Override
    public Set<String> tagsFor(String event) {
      return Set.of("letters");
    }

    @Override
    public boolean shouldSnapshot(String state, String event, long sequenceNr) {
      return sequenceNr % 3 == 0;
    }
  }

  @Test
  void anEventSourcedBehaviorRecoversAfterAnActorSystemRestart() {
    ActorRef<Letters.Command> letters = kit.spawn(Letters.create("letters-1"));
    TestProbe<Long> acks = kit.createTestProbe();
    for (String l : List.of("a", "b", "c", "d", "e")) {
      letters.tell(new Letters.Add(l, acks.ref()));
      acks.receiveMessage();
    }
    assertThat(store.journal().highestSequenceNr("letters-1")).isEqualTo(5);
    assertThat(store.journal().eventsByTag("letters", 0, Long.MAX_VALUE, 10)).hasSize(5);
    // restart the ActorSystem and the store on the same file
    kit.shutdownTestKit();
    store.close();
    store = OrmStore.open(StoreConfig.of(dir));
    assertThat(store.journal().loadSnapshot("letters-1", SnapshotCriteria.LATEST))
        .as("a snapshot at sequence number 3")
        .get()
        .extracting(s -> s.sequenceNr())
        .isEqualTo(3L);
    kit = ActorTestKit.create("journal2", CONFIG);
    OrmStoreRegistry.get(kit.system()).register(store);
    ActorRef<Letters.Command> again = kit.spawn(Letters.create("letters-1"));
    TestProbe<String> state = kit.createTestProbe();
    again.tell(new Letters.Get(state.ref()));
    state.expectMessage("abcde");
    TestProbe<Long> acks2 = kit.createTestProbe();
    again.tell(new Letters.Add("f", acks2.ref()));
    acks2.expectMessage(6L);
    assertThat(store.journal().highestSequenceNr("letters-1")).isEqualTo(6);
  }

  @Test
  void withoutARegisteredStoreThePluginFailsClearly() {
    ActorTestKit other = ActorTestKit.create("unregistered", CONFIG);
    try {
      TestProbe<Object> probe = other.createTestProbe();
      Persistence.get(Adapter.toClassic(other.system()))
          .journalFor("ormdb.journal", ConfigFactory.empty())
          .tell(
              new JournalProtocol.ReplayMessages(1, 10, 10, "x", Adapter.toClassic(probe.ref())),
              org.apache.pekko.actor.ActorRef.noSender());
      JournalProtocol.ReplayMessagesFailure f =
          probe.expectMessageClass(JournalProtocol.ReplayMessagesFailure.class);
      assertThat(f.cause()).hasMessageContaining("no ORMDB store is registered");
    } finally {
      other.shutdownTestKit();
    }
  }
}
