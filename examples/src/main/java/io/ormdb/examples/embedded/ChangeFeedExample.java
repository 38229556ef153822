package io.ormdb.examples.embedded;

import io.ormdb.cdc.feed.ChangeFilter;
import io.ormdb.cdc.feed.NamedConsumer;
import io.ormdb.cdc.live.LiveEvent;
import io.ormdb.cdc.live.LiveView;
import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeFeedItem;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.OrderSpec;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Following what is committed to an embedded ORMDB, on the starter blog schema: a change feed from
 * an LSN with a filter, a named consumer whose offset is stored in the database, and a live query.
 * Every stream here is a Pekko Streams {@code Source}, backpressured end to end.
 */
public final class ChangeFeedExample {
  private ChangeFeedExample() {}

  public static void main(String[] args) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "feeds");
    try {
      run(OrmDb.get(system), system, System.out);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** The example's steps; returns the live query's view after its last event. */
  static LiveView run(OrmDb db, ActorSystem<?> system, PrintStream out) throws Exception {
    db.applySchema(BlogSchema.text()).toCompletableFuture().join();
    long first =
        db.mutate(
                """
                User.create({ email: "ada@example.com", name: "Ada Lovelace",
                              posts: [{ title: "Notes", views: 10 }] })
                """)
            .toCompletableFuture()
            .join()
            .lsn();
    db.mutate("Post.updateMany().where(title == \"Notes\").set({ status: \"published\" })")
        .toCompletableFuture()
        .join();

    // A change feed: the committed changes to posts from an LSN on, in commit order; it goes on
    // with the changes committed later until the stream is cancelled (here: after two).
    List<ChangeEvent> postChanges =
        db.changes(first, ChangeFilter.all().withEntities("Post"))
            .take(2)
            .runWith(Sink.seq(), system)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    for (ChangeEvent e : postChanges) {
      String status = e.after().get("status").render();
      out.printf("lsn %d %s %s, status %s%n", e.lsn(), e.op(), e.entity(), status);
    }

    // A named consumer: its offset is stored in the database file, so a consumer of the same name
    // resumes after the last change it committed, also after a restart.
    NamedConsumer mailer = db.consumer("welcome-mailer");
    welcomeNext(mailer, system, out);
    out.println("offset " + mailer.offset());
    long lastSeen =
        db.mutate("User.create({ email: \"grace@example.com\", name: \"Grace Hopper\" })")
            .toCompletableFuture()
            .join()
            .lsn();
    welcomeNext(mailer, system, out); // a later run: only what was committed since
    out.println("offset " + mailer.offset());

    // A live query: its result as of an LSN, then what entered, changed or left it with each
    // commit after that LSN. Started from the LSN of the last write seen, it misses no commit.
    GraphQuery published =
        GraphQuery.from("Post")
            .select("title", "views")
            .where(Filter.eq("status", "published"))
            .orderBy(OrderSpec.desc("views"))
            .build();
    CompletionStage<List<LiveEvent>> events =
        db.liveQuery(published, lastSeen).take(2).runWith(Sink.seq(), system);
    db.mutate(
            """
            Post.create({ title: "Compilers for everyone", status: "published", views: 420,
                          author: { email: "hopper@example.com", name: "G. Hopper" } })
            """)
        .toCompletableFuture()
        .join();
    LiveView view = new LiveView();
    for (LiveEvent e : events.toCompletableFuture().get(30, TimeUnit.SECONDS)) {
      view.apply(e);
      out.println(e.getClass().getSimpleName() + " at lsn " + e.lsn() + ": " + view.toMaps());
    }
    return view;
  }

  /**
   * Sends the welcome mail for the next user created after the consumer's offset, then commits that
   * change's position: a crash between the two sends that one mail again, never skips one.
   */
  private static void welcomeNext(NamedConsumer mailer, ActorSystem<?> system, PrintStream out)
      throws Exception {
    ChangeFilter newUsers = ChangeFilter.all().withEntities("User").withOps(ChangeEvent.Op.CREATE);
    mailer
        .resume(newUsers)
        .take(1)
        .mapAsync(
            1,
            (ChangeFeedItem item) -> {
              out.println("welcome mail to " + ((ChangeEvent) item).after().get("email").render());
              return mailer.commit(item);
            })
        .runWith(Sink.ignore(), system)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }
}
