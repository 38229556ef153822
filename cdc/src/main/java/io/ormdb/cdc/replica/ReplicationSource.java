package io.ormdb.cdc.replica;

import io.ormdb.cdc.internal.ChunkedSource;
import io.ormdb.cdc.replica.internal.ReplicationReader;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.store.OrmStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;

/**
 * The primary's side of replication: answers a replica's {@link Follow} with a stream ref of its
 * {@link ReplicationItem}s from the LSN the replica asks for. Before it does, it checks (on the
 * read dispatcher, not in the actor) that the replica follows this database, is not ahead of it,
 * has not applied a change set that a recovery of the primary discarded (INVALID_LSN saying where
 * the history diverged), and has the same change set at its last applied LSN as the primary (so a
 * replica of another lineage, or one that diverged, is refused instead of silently corrupted); and
 * that the changelog still holds the next LSN (else INVALID_LSN: the replica must be re-seeded). A
 * replica at or before the last LSN a new history epoch kept is streamed the epoch and follows it.
 *
 * <p>A node spawns it as the system actor {@value #NAME} when {@code ormdb.replication.serve = on};
 * replicas reach it at {@code <primary address>/system/}{@value #NAME}.
 */
public final class ReplicationSource {
  private ReplicationSource() {}

  /** The actor's name under {@code /system}. */
  public static final String NAME = "ormdb-replication";

  /** What the source understands. */
  public sealed interface Command extends ReplicationMessage {}

  /**
   * Asks for the stream from {@code fromLsn}.
   *
   * @param databaseId the database the replica follows ("" for a new, empty replica)
   * @param fromLsn the first LSN the replica lacks (its last applied LSN + 1)
   * @param lastCommitTsMicros the commit time of the replica's last applied change set (0 if none)
   * @param schemaVersion the newest schema version the replica has (0 if none)
   */
  public record Follow(
      String databaseId,
      long fromLsn,
      long lastCommitTsMicros,
      long schemaVersion,
      ActorRef<FollowReply> replyTo)
      implements Command {}

  /** The answer to a {@link Follow}. */
  public sealed interface FollowReply extends ReplicationMessage {}

  /** The stream, and the primary's position when it was offered. */
  public record Following(String databaseId, long primaryLsn, SourceRef<ReplicationItem> items)
      implements FollowReply {}

  /** Refused, with an error code of {@link ErrorCode} and a message naming the reason. */
  public record Refused(int code, String message) implements FollowReply {}

  /** Asks how many replication streams are open. */
  public record GetFollowers(ActorRef<Followers> replyTo) implements Command {}

  /** The number of open replication streams. */
  public record Followers(int streams) implements ReplicationMessage {}

  // self-messages: never leave this JVM
  private record Checked(Follow follow, OrmDbException refusal)
      implements Command, NoSerializationVerificationNeeded {}

  private record StreamEnded(long fromLsn) implements Command, NoSerializationVerificationNeeded {}

  /** The behaviour; store reads run on {@code readExecutor}. */
  public static Behavior<Command> create(
      OrmStore store, Executor readExecutor, ReplicationSettings settings) {
    return Behaviors.setup(ctx -> running(ctx, store, readExecutor, settings));
  }

  private static Behavior<Command> running(
      ActorContext<Command> ctx, OrmStore store, Executor readExecutor, ReplicationSettings s) {
    Materializer mat = Materializer.matFromSystem(ctx.getSystem());
    int[] open = {0};
    return Behaviors.receive(Command.class)
        .onMessage(
            GetFollowers.class,
            g -> {
              g.replyTo().tell(new Followers(open[0]));
              return Behaviors.same();
            })
        .onMessage(
            StreamEnded.class,
            e -> {
              open[0]--;
              ctx.getLog().info("the replication stream from LSN {} ended", e.fromLsn());
              return Behaviors.same();
            })
        .onMessage(
            Follow.class,
            f -> {
              ctx.pipeToSelf(
                  CompletableFuture.supplyAsync(() -> check(store, f), readExecutor),
                  (refusal, error) ->
                      new Checked(
                          f,
                          error == null
                              ? refusal
                              : OrmDbException.internal(
                                  "replication check failed: " + error, error)));
              return Behaviors.same();
            })
        .onMessage(
            Checked.class,
            c -> {
              Follow f = c.follow();
              if (c.refusal() != null) {
                ctx.getLog()
                    .warn("refused a replica at LSN {}: {}", f.fromLsn(), c.refusal().getMessage());
                f.replyTo().tell(new Refused(c.refusal().code().code(), c.refusal().getMessage()));
                return Behaviors.same();
              }
              SourceRef<ReplicationItem> ref =
                  Source.fromGraph(
                          new ChunkedSource<>(
                              () ->
                                  new ReplicationReader(
                                      store,
                                      f.fromLsn(),
                                      f.schemaVersion(),
                                      s.readChunk(),
                                      s.heartbeatInterval()),
                              readExecutor))
                      // a replica that vanished without cancelling (remote watch needs a cluster)
                      // stops asking: end its stream instead of keeping it forever
                      .backpressureTimeout(s.stalledTimeout())
                      .watchTermination(
                          (m, done) -> {
                            done.whenComplete(
                                (d, err) -> ctx.getSelf().tell(new StreamEnded(f.fromLsn())));
                            return m;
                          })
                      .runWith(StreamRefs.sourceRef(), mat);
              open[0]++;
              ctx.getLog().info("a replica follows from LSN {}", f.fromLsn());
              f.replyTo()
                  .tell(new Following(store.databaseId().orElseThrow(), store.currentLsn(), ref));
              return Behaviors.same();
            })
        .build();
  }

  /** Null when the replica may follow from {@code f.fromLsn()}; else why not. */
  static OrmDbException check(OrmStore store, Follow f) {
    String id = store.databaseId().orElseThrow();
    if (!f.databaseId().isEmpty() && !f.databaseId().equals(id)) {
      return OrmDbException.invalid(
          "the replica follows database " + f.databaseId() + " but this primary is " + id);
    }
    long last = f.fromLsn() - 1;
    long primary = store.currentLsn();
    try {
      // a replica that applied a change set the primary's recovery discarded has diverged, as
      // has one ahead of the primary
      store.checkReplicaPosition(Math.max(0, last));
    } catch (OrmDbException e) {
      return e;
    }
    long oldest = store.oldestChangelogLsn();
    if (f.fromLsn() < oldest && f.fromLsn() <= primary) {
      return new OrmDbException(
          ErrorCode.INVALID_LSN,
          "the replica needs LSN "
              + f.fromLsn()
              + " but the primary's changelog starts at LSN "
              + oldest
              + ": re-seed the replica");
    }
    if (last >= 1 && last >= oldest) {
      List<ChangeSet> at = store.changes(last, 1);
      if (at.isEmpty() || at.get(0).commitTsMicros() != f.lastCommitTsMicros()) {
        return OrmDbException.invalid(
            "the replica's change set at LSN "
                + last
                + " differs from the primary's: it diverged and must be re-seeded");
      }
    }
    return null;
  }
}
