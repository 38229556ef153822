package io.ormdb.examples.embedded;

import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.value.Value;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * ORMDB embedded in a Pekko application: declare a schema, write a small graph in one atomic batch
 * with nested inserts, run graph queries and print the objects. Uses the default configuration
 * ({@code ormdb.data-dir = ":memory:"}); set {@code ormdb.data-dir} to keep the data.
 */
public final class EmbeddedBlogExample {
  static final String SCHEMA =
      """
      entity Author {
        id   int64  @id
        name string @unique
        relation posts: one to many Post by authorId on delete cascade
      }
      entity Post {
        id       int64 @id
        authorId int64
        title    string
        likes    int32 @default(0)
        relation author: many to one Author by authorId on delete cascade
        relation comments: one to many Comment by postId on delete cascade
      }
      entity Comment {
        id     int64 @id
        postId int64
        text   string
        relation post: many to one Post by postId on delete cascade
      }
      """;

  private EmbeddedBlogExample() {}

  public static void main(String[] args) {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "blog");
    try {
      run(OrmDb.get(system), System.out);
    } finally {
      system.terminate();
    }
  }

  /** The example's steps; returns the result of the last graph query. */
  static QueryResult run(OrmDb db, PrintStream out) {
    long version = db.applySchema(SCHEMA).toCompletableFuture().join();
    out.println("schema version " + version);

    // One batch, nested inserts: authors with their posts with their comments, all or nothing.
    MutationBatch batch =
        MutationBatch.of(
            author(
                1,
                "Ada",
                post(10, "Engines", 5, comment(100, "Marvellous"), comment(101, "Loops!")),
                post(11, "Notes", 2)),
            author(2, "Grace", post(20, "Compilers", 9, comment(200, "Bugs?"))));
    long lsn = db.mutate(batch).toCompletableFuture().join().lsn();
    out.println("committed at lsn " + lsn);

    QueryResult graph =
        db.query(
                GraphQuery.from("Author")
                    .orderBy(OrderSpec.asc("name"))
                    .include(
                        new Include(
                            "posts",
                            List.of("title", "likes"),
                            null,
                            List.of(OrderSpec.desc("likes")),
                            new Pagination(1, 0, null)))
                    .include("posts.comments")
                    .build())
            .toCompletableFuture()
            .join();
    out.println("authors with their most liked post and its comments:");
    for (Map<String, Object> author : ResultObjects.toMaps(graph)) {
      out.println("  " + author);
    }

    QueryResult popular =
        db.query("Post.findMany().where(likes >= 5).include(author).orderBy(title)")
            .toCompletableFuture()
            .join();
    out.println("popular posts:");
    for (Map<String, Object> post : ResultObjects.toMaps(popular)) {
      out.println("  " + post);
    }
    return graph;
  }

  private static Mutation author(long id, String name, Mutation.Insert... posts) {
    return new Mutation.Insert(
        "Author",
        Map.of("id", Value.of(id), "name", Value.of(name)),
        List.of(new Mutation.NestedInsert("posts", List.of(posts))));
  }

  private static Mutation.Insert post(
      long id, String title, int likes, Mutation.Insert... comments) {
    return new Mutation.Insert(
        "",
        Map.of("id", Value.of(id), "title", Value.of(title), "likes", Value.of(likes)),
        comments.length == 0
            ? List.of()
            : List.of(new Mutation.NestedInsert("comments", List.of(comments))));
  }

  private static Mutation.Insert comment(long id, String text) {
    return new Mutation.Insert("", Map.of("id", Value.of(id), "text", Value.of(text)));
  }
}
