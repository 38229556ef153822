package io.ormdb.cdc.replica;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.store.OrmStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A replica's follower: connects to its primary's {@link ReplicationSource} over Pekko remoting,
 * asks for the stream from its own last applied LSN + 1 and applies every item to its store in
 * order (change sets at the primary's LSNs, schema versions where the primary applied them),
 * several in flight so that they share group commits. When the stream fails, completes, or stays
 * silent longer than the idle timeout (the primary sends heartbeats), it reconnects with
 * exponential backoff and resumes from what it has durably applied — so either side may restart,
 * cleanly or not. When the primary's recovery started a new history epoch, the replica records it
 * ({@link OrmStore#applyReplicatedEpoch}) and goes on at the epoch's first LSN, if it has applied
 * nothing the recovery discarded. A refusal (another database, a diverged replica — one that
 * applied a change set its primary lost too —, a changelog that no longer reaches back) is reported
 * in {@link ReplicaStatus#lastError()} and retried with backoff; nothing is applied.
 *
 * <p>The store must have been opened with {@link OrmStore#openReplica}.
 */
public final class Replica implements AutoCloseable {
  private final ActorSystem<?> system;
  private final OrmStore store;
  private final Executor readExecutor;
  private final ReplicationSettings settings;
  private final UniqueKillSwitch killSwitch;
  private final CompletionStage<?> done;

  private volatile boolean connected;
  private final AtomicLong primaryLsn = new AtomicLong();
  private final AtomicLong primaryTs = new AtomicLong();
  private final AtomicLong appliedTs = new AtomicLong();
  private final AtomicLong streams = new AtomicLong();
  private volatile String lastError = "";

  private Replica(
      ActorSystem<?> system, OrmStore store, Executor readExecutor, ReplicationSettings settings) {
    if (!store.isReplica()) {
      throw new IllegalArgumentException("a Replica needs a store opened with openReplica");
    }
    if (!settings.isReplica()) {
      throw new IllegalArgumentException("ormdb.replica.primary is not set");
    }
    this.system = system;
    this.store = store;
    this.readExecutor = readExecutor;
    this.settings = settings;
    RestartSettings restart =
        RestartSettings.create(settings.minBackoff(), settings.maxBackoff(), 0.2);
    var running =
        RestartSource.withBackoff(restart, this::session)
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(Sink.ignore(), Keep.both())
            .run(system);
    this.killSwitch = running.first();
    this.done = running.second();
  }

  /** Starts following {@code settings.primary()}; store reads run on {@code readExecutor}. */
  public static Replica start(
      ActorSystem<?> system, OrmStore store, Executor readExecutor, ReplicationSettings settings) {
    return new Replica(system, store, readExecutor, settings);
  }

  /** Where the replica stands now. */
  public ReplicaStatus status() {
    long applied = store.currentLsn();
    long known = Math.max(primaryLsn.get(), applied);
    long lag = entriesBetween(applied, known, store.historyEpochs());
    long lagMillis = lag == 0 ? 0 : Math.max(0, (primaryTs.get() - appliedTs.get()) / 1000);
    return new ReplicaStatus(
        connected, applied, known, lag, lagMillis, Math.max(0, streams.get() - 1), lastError);
  }

  /**
   * The LSNs in {@code (applied, known]} that may name change sets: those in the hole before a
   * history epoch name none.
   */
  static long entriesBetween(long applied, long known, List<OrmStore.HistoryEpoch> epochs) {
    long n = 0;
    long from = applied + 1;
    // holes of later epochs may overlap earlier ones (an epoch with no commits before the next)
    for (OrmStore.HistoryEpoch e : epochs) {
      long holeFrom = e.lastLsnKept() + 1;
      long holeTo = e.firstLsn() - 1;
      if (holeTo < holeFrom || holeTo < from) {
        continue;
      }
      long upTo = Math.min(known, holeFrom - 1);
      if (upTo >= from) {
        n += upTo - from + 1;
      }
      from = Math.max(from, holeTo + 1);
    }
    return n + Math.max(0, known - from + 1);
  }

  /** Stops following (the store stays open; its owner closes it). */
  @Override
  public void close() {
    killSwitch.shutdown();
  }

  /** Completes when the follower has stopped after {@link #close()}. */
  public CompletionStage<?> whenStopped() {
    return done;
  }

  /** One replication session: resolve, follow, apply; fails or completes to be restarted. */
  private Source<Long, NotUsed> session() {
    streams.incrementAndGet();
    CompletionStage<Source<ReplicationItem, NotUsed>> items =
        CompletableFuture.supplyAsync(this::position, readExecutor)
            .thenCompose(this::follow)
            .whenComplete(
                (s, e) -> {
                  if (e != null) {
                    lastError = OrmDbException.of(e, "following the primary").getMessage();
                  }
                });
    return Source.completionStageSource(items)
        .mapMaterializedValue(x -> NotUsed.getInstance())
        .idleTimeout(settings.idleTimeout())
        .mapAsync(settings.applyParallelism(), this::apply)
        .watchTermination(
            (mat, end) -> {
              end.whenComplete(
                  (d, e) -> {
                    connected = false;
                    if (e != null) {
                      lastError = OrmDbException.of(e, "following the primary").getMessage();
                    }
                  });
              return mat;
            });
  }

  /** What a follow request says of the replica. */
  private record Position(String databaseId, long fromLsn, long lastCommitTs, long schema) {}

  /** The replica's position: the last applied LSN, its commit time, the schema version. */
  private Position position() {
    long lsn = store.currentLsn();
    long ts = 0;
    if (lsn > 0) {
      List<ChangeSet> last = store.changes(lsn, 1);
      ts = last.isEmpty() ? 0 : last.get(0).commitTsMicros();
    }
    appliedTs.set(ts);
    long schema = store.schemaVersions().isEmpty() ? 0 : store.schema().version();
    return new Position(store.databaseId().orElse(""), lsn + 1, ts, schema);
  }

  private CompletionStage<Source<ReplicationItem, NotUsed>> follow(Position f) {
    return Adapter.toClassic(system)
        .actorSelection(settings.sourcePath())
        .resolveOne(settings.askTimeout())
        .thenCompose(
            classic -> {
              ActorRef<ReplicationSource.Command> source = Adapter.toTyped(classic);
              return AskPattern.<ReplicationSource.Command, ReplicationSource.FollowReply>ask(
                  source,
                  r ->
                      new ReplicationSource.Follow(
                          f.databaseId(), f.fromLsn(), f.lastCommitTs(), f.schema(), r),
                  settings.askTimeout(),
                  system.scheduler());
            })
        .thenApply(
            reply -> {
              if (reply instanceof ReplicationSource.Refused r) {
                throw new OrmDbException(ErrorCode.fromCode(r.code()), r.message());
              }
              ReplicationSource.Following ok = (ReplicationSource.Following) reply;
              primaryLsn.accumulateAndGet(ok.primaryLsn(), Math::max);
              connected = true;
              lastError = "";
              return ok.items().getSource();
            });
  }

  private CompletionStage<Long> apply(ReplicationItem item) {
    if (item instanceof ReplicationItem.Changes c) {
      ChangeSet cs = c.set();
      noteKnown(cs.lsn(), cs.commitTsMicros());
      return store
          .applyReplicated(cs)
          .thenApply(
              lsn -> {
                appliedTs.accumulateAndGet(cs.commitTsMicros(), Math::max);
                return lsn;
              });
    }
    if (item instanceof ReplicationItem.SchemaChange s) {
      return store.applyReplicatedSchema(s.databaseId(), s.version(), s.appliedAtLsn(), s.bundle());
    }
    if (item instanceof ReplicationItem.HistoryEpoch e) {
      return store
          .applyReplicatedEpoch(new OrmStore.HistoryEpoch(e.epoch(), e.firstLsn(), e.lastLsnKept()))
          .thenApply(recorded -> e.lastLsnKept());
    }
    ReplicationItem.Heartbeat h = (ReplicationItem.Heartbeat) item;
    noteKnown(h.primaryLsn(), h.commitTsMicros());
    return CompletableFuture.completedFuture(h.primaryLsn());
  }

  private void noteKnown(long lsn, long ts) {
    primaryLsn.accumulateAndGet(lsn, Math::max);
    primaryTs.accumulateAndGet(ts, Math::max);
  }
}
