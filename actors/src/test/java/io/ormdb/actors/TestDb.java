package io.ormdb.actors;

import io.ormdb.actors.connection.ConnectionActor;
import io.ormdb.actors.planner.PlannerHooks;
import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/** An in-memory store with the actor layer over it and an embedded session, for tests. */
final class TestDb implements AutoCloseable {
  static final String BLOG =
      """
      entity User {
        id    int64  @id
        email string @unique
        name  string
        relation posts: one to many Post by authorId on delete cascade
        relation comments: one to many Comment by userId on delete cascade
      }
      entity Post {
        id       int64 @id
        authorId int64
        title    string
        relation author: many to one User by authorId on delete cascade
        relation comments: one to many Comment by postId on delete cascade
      }
      entity Comment {
        id     int64 @id
        postId int64
        userId int64
        body   string
        relation post: many to one Post by postId on delete cascade
        relation user: many to one User by userId on delete cascade
      }
      """;

  private static final AtomicLong NAMES = new AtomicLong();
  private static final AtomicLong IDS = new AtomicLong();

  final OrmStore store;
  final OrmDbActors actors;
  final ActorRef<ConnectionActor.Command> session;
  private final ActorSystem<?> system;
  private final boolean ownsStore;

  TestDb(ActorSystem<?> system, OrmStore store, ActorSettings settings, boolean ownsStore) {
    this(system, store, settings, PlannerHooks.PASS_THROUGH, ownsStore);
  }

  TestDb(
      ActorSystem<?> system,
      OrmStore store,
      ActorSettings settings,
      PlannerHooks hooks,
      boolean ownsStore) {
    this.system = system;
    this.store = store;
    this.ownsStore = ownsStore;
    this.actors = OrmDbActors.start(system, "t" + NAMES.incrementAndGet(), store, settings, hooks);
    this.session = actors.connectEmbedded();
  }

  static TestDb inMemory(ActorSystem<?> system, int partitions) {
    return new TestDb(
        system,
        OrmStore.open(StoreConfig.inMemory()),
        ActorSettings.create(system).withPartitions(partitions),
        true);
  }

  static TestDb blog(ActorSystem<?> system, int partitions) {
    TestDb db = inMemory(system, partitions);
    db.store.applySchema(SchemaParser.parse(BLOG));
    return db;
  }

  static long nextId() {
    return IDS.incrementAndGet();
  }

  /** Sends {@code request} (built with a fresh request id) and waits for its answer. */
  CompletionStage<Message.Response> ask(java.util.function.LongFunction<Message.Request> request) {
    return askVia(session, request);
  }

  /** Like {@link #ask} on the embedded session number {@code client} (one session per client). */
  synchronized CompletionStage<Message.Response> askOn(
      int client, java.util.function.LongFunction<Message.Request> request) {
    while (clients.size() <= client) {
      clients.add(actors.connectEmbedded());
    }
    return askVia(clients.get(client), request);
  }

  private final java.util.List<ActorRef<ConnectionActor.Command>> clients =
      new java.util.ArrayList<>();

  /** Sends {@code request} on {@code session} (built with a fresh request id); waits for it. */
  Message.Response callOn(
      ActorRef<ConnectionActor.Command> session,
      java.util.function.LongFunction<Message.Request> request) {
    return askVia(session, request).toCompletableFuture().join();
  }

  private CompletionStage<Message.Response> askVia(
      ActorRef<ConnectionActor.Command> to,
      java.util.function.LongFunction<Message.Request> request) {
    long id = IDS.incrementAndGet();
    return AskPattern.ask(
        to,
        (ActorRef<Message.Response> r) -> new ConnectionActor.Request(request.apply(id), r),
        Duration.ofSeconds(30),
        system.scheduler());
  }

  Message.Response call(java.util.function.LongFunction<Message.Request> request) {
    return ask(request).toCompletableFuture().join();
  }

  /** The answer, or the OrmDbException its Error reply describes. */
  static <T extends Message.Response> T ok(Message.Response r, Class<T> type) {
    if (r instanceof Message.Error e) {
      throw new OrmDbException(ErrorCode.fromCode(e.code()), e.message());
    }
    return type.cast(r);
  }

  @Override
  public void close() {
    if (ownsStore) {
      store.close();
    }
  }
}
