package io.ormdb.cdc.live;

import static io.ormdb.cdc.live.Blog.delete;
import static io.ormdb.cdc.live.Blog.insert;
import static io.ormdb.cdc.live.Blog.update;

import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.Writes;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random mutation batches over the {@link Blog} schema, with a model of which rows exist (cascades
 * included) so every batch commits: inserts, updates that move children between parents (also by
 * connecting them from either side) or make rows enter and leave filters (also by arithmetic sets),
 * deletes (also nested in an update of the parent), tag edges and unrelated notes. Also random
 * graph queries with filters, include filters, orders, per-parent limits and root limits, and flat
 * ones.
 */
final class BlogWorkload {
  static final String[] CITIES = {"Berlin", "Paris", "Rome", null};
  static final String[] NAMES = {"ann", "bob", "cid", "dee", "eve", "fay"};

  private final Random rnd;
  private long nextId = 1000;
  private final List<Long> users = new ArrayList<>();
  private final Map<Long, Long> posts = new LinkedHashMap<>(); // post → author
  private final Map<Long, Long> comments = new LinkedHashMap<>(); // comment → post
  private final Map<Long, Long> postTags = new LinkedHashMap<>(); // edge → post

  BlogWorkload(Random rnd) {
    this.rnd = rnd;
  }

  /** A first batch: tags, a few users with posts and comments. */
  MutationBatch initial() {
    List<Mutation> ms = new ArrayList<>();
    for (long t = 1; t <= 3; t++) {
      ms.add(insert("Tag", "id", t, "label", "tag" + t));
    }
    for (int i = 0; i < 5; i++) {
      ms.add(insertUser());
    }
    for (int i = 0; i < 10; i++) {
      ms.add(insertPost());
    }
    for (int i = 0; i < 25; i++) {
      ms.add(insertComment());
    }
    return new MutationBatch(ms);
  }

  /** A random batch of 1..4 mutations. */
  MutationBatch next() {
    List<Mutation> ms = new ArrayList<>();
    int n = 1 + rnd.nextInt(4);
    while (ms.size() < n) {
      Mutation m = one();
      if (m != null) {
        ms.add(m);
      }
    }
    return new MutationBatch(ms);
  }

  private Mutation one() {
    switch (rnd.nextInt(15)) {
      case 0:
        return users.size() < 12 ? insertUser() : null;
      case 1:
      case 2:
        return users.isEmpty() ? null : updateUser();
      case 3:
        return users.size() > 3 && rnd.nextInt(3) == 0 ? deleteUser(pick(users)) : null;
      case 4:
        return users.isEmpty() || posts.size() > 30 ? null : insertPost();
      case 5:
      case 6:
        return posts.isEmpty() ? null : updatePost();
      case 7:
        return posts.size() > 4 ? deletePost(pick(new ArrayList<>(posts.keySet()))) : null;
      case 8:
        return posts.isEmpty() || comments.size() > 80 ? null : insertComment();
      case 9:
      case 10:
        return comments.isEmpty() ? null : updateComment();
      case 11:
        return comments.size() > 5 ? deleteComment() : null;
      case 12:
        return posts.isEmpty() ? null : insertPostTag();
      case 13:
        return postTags.isEmpty()
            ? null
            : (rnd.nextBoolean() ? deletePostTag() : updatePostTagRank());
      default:
        return rnd.nextBoolean()
            ? insert("Note", "id", nextId++, "text", "n")
            : update("Tag", 1 + rnd.nextInt(3), "label", "tag" + rnd.nextInt(9));
    }
  }

  private <T> T pick(List<T> l) {
    return l.get(rnd.nextInt(l.size()));
  }

  private Mutation insertUser() {
    long id = nextId++;
    users.add(id);
    return insert(
        "User",
        "id",
        id,
        "name",
        pick(List.of(NAMES)) + id,
        "city",
        CITIES[rnd.nextInt(CITIES.length)],
        "age",
        rnd.nextInt(5) == 0 ? null : 20 + rnd.nextInt(40));
  }

  private Mutation updateUser() {
    long id = pick(users);
    switch (rnd.nextInt(3)) {
      case 0:
        return update("User", id, "city", CITIES[rnd.nextInt(CITIES.length)]);
      case 1:
        return update("User", id, "name", pick(List.of(NAMES)) + rnd.nextInt(100));
      default:
        return update("User", id, "age", rnd.nextInt(5) == 0 ? null : 20 + rnd.nextInt(40));
    }
  }

  private Mutation deleteUser(long id) {
    users.remove(id);
    for (Long p : new ArrayList<>(posts.keySet())) {
      if (posts.get(p) == id) {
        forgetPost(p);
      }
    }
    return delete("User", id);
  }

  private Mutation insertPost() {
    long id = nextId++;
    posts.put(id, pick(users));
    return insert(
        "Post",
        "id",
        id,
        "authorId",
        posts.get(id),
        "title",
        "t" + rnd.nextInt(50),
        "score",
        rnd.nextInt(10));
  }

  private Mutation updatePost() {
    long id = pick(new ArrayList<>(posts.keySet()));
    switch (rnd.nextInt(3)) {
      case 0:
        long author = pick(users);
        posts.put(id, author);
        switch (rnd.nextInt(3)) {
          case 0:
            return update("Post", id, "authorId", author);
          case 1: // through the author's one-to-many relation
            return Writes.update("User", author)
                .nested(Writes.on("posts").connect(Writes.key("id", id)))
                .build();
          default: // through the post's many-to-one relation
            return Writes.update("Post", id)
                .nested(Writes.on("author").connect(Writes.key("id", author)))
                .build();
        }
      case 1:
        return update("Post", id, "title", "t" + rnd.nextInt(50));
      default:
        return rnd.nextBoolean()
            ? update("Post", id, "score", rnd.nextInt(10))
            : Writes.update("Post", id)
                .set("score", Writes.field("score").plus(rnd.nextInt(5) - 2))
                .build();
    }
  }

  private Mutation deletePost(long id) {
    forgetPost(id);
    return delete("Post", id);
  }

  private void forgetPost(long id) {
    posts.remove(id);
    comments.values().removeIf(p -> p == id);
    postTags.values().removeIf(p -> p == id);
  }

  private Mutation insertComment() {
    long id = nextId++;
    comments.put(id, pick(new ArrayList<>(posts.keySet())));
    return insert(
        "Comment",
        "id",
        id,
        "postId",
        comments.get(id),
        "body",
        "b" + rnd.nextInt(20),
        "likes",
        rnd.nextInt(10));
  }

  private Mutation updateComment() {
    long id = pick(new ArrayList<>(comments.keySet()));
    switch (rnd.nextInt(3)) {
      case 0:
        long post = pick(new ArrayList<>(posts.keySet()));
        comments.put(id, post);
        return rnd.nextBoolean()
            ? update("Comment", id, "postId", post)
            : Writes.update("Post", post)
                .nested(Writes.on("comments").connect(Writes.key("id", id)))
                .build();
      case 1:
        return update("Comment", id, "body", "b" + rnd.nextInt(20));
      default:
        return rnd.nextBoolean()
            ? update("Comment", id, "likes", rnd.nextInt(10))
            : Writes.update("Comment", id)
                .set("likes", Writes.field("likes").plus(rnd.nextInt(5) - 2))
                .build();
    }
  }

  private Mutation deleteComment() {
    long id = pick(new ArrayList<>(comments.keySet()));
    long post = comments.remove(id);
    return rnd.nextBoolean()
        ? delete("Comment", id)
        : Writes.update("Post", post) // a nested delete of a connected comment
            .nested(Writes.on("comments").delete(Writes.key("id", id)))
            .build();
  }

  private Mutation insertPostTag() {
    long id = nextId++;
    long post = pick(new ArrayList<>(posts.keySet()));
    postTags.put(id, post);
    return insert(
        "PostTag", "id", id, "postId", post, "tagId", 1L + rnd.nextInt(3), "rank", rank());
  }

  /** A tag's rank on its post (a link field of Post.tags): 0..4, or none. */
  private Integer rank() {
    return rnd.nextInt(5) == 0 ? null : rnd.nextInt(5);
  }

  private Mutation updatePostTagRank() {
    return update("PostTag", pick(new ArrayList<>(postTags.keySet())), "rank", rank());
  }

  private Mutation deletePostTag() {
    long id = pick(new ArrayList<>(postTags.keySet()));
    postTags.remove(id);
    return delete("PostTag", id);
  }

  /**
   * Random graph queries over the computed fields of {@link Blog#withComputed()}: filtered, ordered
   * and returned at the root and in includes, with roots edited in place.
   */
  List<GraphQuery> computedQueries() {
    List<GraphQuery> qs = new ArrayList<>();
    // an unpaged root without includes returning its order key but not what it is computed from:
    // a change of likes moves the row through heat alone
    qs.add(
        GraphQuery.from("Comment")
            .select("id", "heat", "hot")
            .where(Filter.cmp("heat", Filter.Op.GE, rnd.nextInt(15)))
            .orderBy(OrderSpec.asc("heat"))
            .build());
    qs.add(
        GraphQuery.from("User")
            .where(
                Filter.or(
                    new Filter.Like("label", "%@R%", false), new Filter.IsNull("label", false)))
            .orderBy(OrderSpec.desc("decade").nullsFirst(), OrderSpec.asc("label"))
            .include(
                new Include(
                    "posts",
                    List.of("title", "rank"),
                    null,
                    List.of(OrderSpec.desc("rank")),
                    Pagination.limit(1 + rnd.nextInt(2))))
            .build());
    qs.add(
        GraphQuery.from("Post")
            .orderBy(OrderSpec.desc("rank"))
            .limit(2 + rnd.nextInt(3))
            .include(
                new Include(
                    "comments",
                    List.of("body", "heat"),
                    Filter.eq("hot", "hot"),
                    List.of(OrderSpec.desc("heat")),
                    Pagination.NONE))
            .build());
    return qs;
  }

  /** A few random graph queries over the schema. */
  List<GraphQuery> queries() {
    List<GraphQuery> qs = new ArrayList<>();
    String city = CITIES[rnd.nextInt(3)];
    qs.add(
        GraphQuery.from("User")
            .where(
                Filter.or(
                    Filter.eq("city", city), Filter.cmp("age", Filter.Op.GE, 30 + rnd.nextInt(20))))
            .orderBy(OrderSpec.asc("name"))
            .include(
                new Include(
                    "posts",
                    List.of(),
                    Filter.cmp("score", Filter.Op.GE, rnd.nextInt(5)),
                    List.of(OrderSpec.desc("score")),
                    Pagination.limit(1 + rnd.nextInt(3))))
            .include(
                new Include(
                    "posts.comments",
                    List.of("body", "likes"),
                    null,
                    List.of(OrderSpec.desc("likes")),
                    Pagination.limit(1 + rnd.nextInt(3))))
            .build());
    qs.add(
        GraphQuery.from("Post")
            .orderBy(OrderSpec.desc("score"))
            .limit(2 + rnd.nextInt(5))
            .include("author")
            .include(
                new Include(
                    "comments",
                    List.of(),
                    Filter.cmp("likes", Filter.Op.GT, rnd.nextInt(8)),
                    List.of(),
                    Pagination.NONE))
            .include("tags")
            .build());
    qs.add(
        GraphQuery.from("Comment")
            .where(Filter.cmp("likes", Filter.Op.GE, 3 + rnd.nextInt(5)))
            .orderBy(OrderSpec.desc("likes"))
            .limit(5 + rnd.nextInt(10))
            .include("post")
            .include("post.author")
            .build());
    qs.add(
        GraphQuery.from("User").select("name").include("posts").include("posts.comments").build());
    // no includes, an unpaged root that returns its order fields: rows that enter, leave or move
    // are edited in place
    qs.add(
        GraphQuery.from("Comment")
            .where(Filter.cmp("likes", Filter.Op.GE, rnd.nextInt(6)))
            .orderBy(OrderSpec.asc("likes"))
            .build());
    // root edits with nulls placed against their default: users without an age first
    qs.add(
        GraphQuery.from("User")
            .orderBy(OrderSpec.desc("age").nullsFirst(), OrderSpec.asc("city").nullsLast())
            .build());
    // ordered by related rows' fields: a change to an author or a post re-runs
    qs.add(
        GraphQuery.from("Post")
            .orderBy(OrderSpec.asc("author.age").nullsLast(), OrderSpec.desc("score"))
            .limit(2 + rnd.nextInt(4))
            .build());
    qs.add(
        GraphQuery.from("Comment")
            .orderBy(OrderSpec.desc("post.author.city"), OrderSpec.asc("likes"))
            .build());
    // a post's tags by their rank on it (a link field), the first two of rank >= k, and tags
    // filtered by rank or label: a change of a rank the result reads re-runs
    qs.add(
        GraphQuery.from("Post")
            .orderBy(OrderSpec.desc("score"))
            .include(
                Include.of("tags")
                    .select("label", Include.link("rank"))
                    .where(Filter.cmp(Include.link("rank"), Filter.Op.GE, rnd.nextInt(3)))
                    .orderBy(OrderSpec.desc(Include.link("rank")).nullsLast())
                    .limit(2))
            .build());
    qs.add(
        GraphQuery.from("Post")
            .where(Filter.cmp("score", Filter.Op.GE, rnd.nextInt(5)))
            .include(
                Include.of("tags")
                    .select(Include.link("rank"))
                    .where(
                        Filter.or(
                            Filter.cmp(Include.link("rank"), Filter.Op.LT, 2),
                            Filter.eq("label", "tag" + rnd.nextInt(9)))))
            .build());
    // the same without the identity among the returned fields: such moves re-run
    qs.add(
        GraphQuery.from("Post")
            .select("title", "score")
            .where(Filter.cmp("score", Filter.Op.LT, 3 + rnd.nextInt(5)))
            .orderBy(OrderSpec.desc("score"))
            .build());
    return qs;
  }
}
