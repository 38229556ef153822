package io.ormdb.examples.embedded;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.value.Value;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * ORMDB embedded in a Pekko application, on the starter blog schema (examples/schemas/blog.ormdb):
 * apply the schema; write with query-language text and with the Java builders, nested rows in one
 * atomic batch; read graphs in both forms; aggregate; see a refused write; shut down.
 */
public final class EmbeddedBlogExample {
  private EmbeddedBlogExample() {}

  public static void main(String[] args) throws Exception {
    // ":memory:" keeps nothing; a directory (created when missing) keeps the database on disk
    Config config =
        ConfigFactory.parseString("ormdb.data-dir = \":memory:\"")
            .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "blog", config);
    try {
      run(OrmDb.get(system), System.out);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** The example's steps; returns the result of the graph query built in Java. */
  static QueryResult run(OrmDb db, PrintStream out) {
    long version = db.applySchema(BlogSchema.text()).toCompletableFuture().join();
    out.println("schema version " + version);

    // A write in the query language: a user with her profile and posts, in one atomic batch.
    MutationResult ada =
        db.mutate(
                """
                User.create({
                  email: "ada@example.com", name: "Ada Lovelace", role: "admin", age: 36,
                  profile: { bio: "Writes programs for engines that do not exist yet." },
                  posts: [
                    { title: "Notes on the Analytical Engine", status: "published", views: 1500 },
                    { title: "100 loops" }
                  ]
                })
                """)
            .toCompletableFuture()
            .join();
    out.println("committed at lsn " + ada.lsn() + ": " + ada.affected() + " rows");
    Value adaId = ada.insertedIds().get(0);

    // The same kind of write built in Java: Grace, her post, and Ada's comment on it.
    Mutation.Insert comment =
        new Mutation.Insert("", Map.of("text", Value.of("Marvellous."), "authorId", adaId));
    Mutation.Insert post =
        new Mutation.Insert(
            "",
            Map.of(
                "title", Value.of("Compilers for everyone"),
                "status", Value.of("published"),
                "views", Value.of(420L)),
            List.of(new Mutation.NestedInsert("comments", List.of(comment))));
    MutationBatch grace =
        MutationBatch.of(
            new Mutation.Insert(
                "User",
                Map.of(
                    "email", Value.of("grace@example.com"),
                    "name", Value.of("Grace Hopper"),
                    "role", Value.of("editor")),
                List.of(new Mutation.NestedInsert("posts", List.of(post)))));
    long lsn = db.mutate(grace).toCompletableFuture().join().lsn();
    out.println("committed at lsn " + lsn);

    // Update and aggregate in the query language.
    MutationResult published =
        db.mutate("Post.updateMany().where(title == \"100 loops\").set({ status: \"published\" })")
            .toCompletableFuture()
            .join();
    out.println("published " + published.affected() + " post");
    AggregateResult views =
        db.aggregate("Post.aggregate(count(), sum(views)).where(status == \"published\")")
            .toCompletableFuture()
            .join();
    out.println(views.columns() + " " + views.rows().get(0).stream().map(Value::render).toList());

    // A graph query in the query language: published posts with their author, most read first.
    QueryResult popular =
        db.query(
                """
                Post.findMany()
                  .select(title, views)
                  .where(status == "published")
                  .include(author, select: [name])
                  .orderBy(views.desc)
                """)
            .toCompletableFuture()
            .join();
    out.println("published posts:");
    for (Map<String, Object> p : ResultObjects.toMaps(popular)) {
      out.println("  " + p);
    }

    // The same kind of read built in Java: users, each with the most read post and its comments.
    QueryResult graph =
        db.query(
                GraphQuery.from("User")
                    .select("name")
                    .orderBy(OrderSpec.asc("name"))
                    .include(
                        new Include(
                            "posts",
                            List.of("title", "views"),
                            null,
                            List.of(OrderSpec.desc("views")),
                            new Pagination(1, 0, null)))
                    .include(new Include("posts.comments", List.of("text"), null, List.of(), null))
                    .build())
            .toCompletableFuture()
            .join();
    out.println("users with their most read post:");
    for (Map<String, Object> user : ResultObjects.toMaps(graph)) {
      out.println("  " + user);
    }

    // A refused request completes the stage exceptionally with an OrmDbException and its code.
    try {
      db.mutate("User.create({ email: \"ada@example.com\", name: \"Ada again\" })")
          .toCompletableFuture()
          .join();
    } catch (CompletionException e) {
      OrmDbException refused = (OrmDbException) e.getCause();
      out.println("refused: " + refused.code() + ": " + refused.getMessage());
    }
    return graph;
  }
}
