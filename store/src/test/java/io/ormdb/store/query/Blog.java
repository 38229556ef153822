package io.ormdb.store.query;

import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.ValueType;
import java.util.List;

/**
 * The blog schema used by the query tests: users → posts → comments, post.author (many-to-one),
 * post.tags (many-to-many through PostTag).
 */
final class Blog {
  private Blog() {}

  static FieldDef f(String name, ValueType t) {
    return FieldDef.of(name, FieldType.of(t));
  }

  static final EntityDef USER =
      new EntityDef(
          "User",
          "id",
          List.of(
              f("id", ValueType.INT64),
              f("name", ValueType.STRING),
              f("email", ValueType.STRING).asUnique(),
              f("age", ValueType.INT32).asOptional(),
              f("city", ValueType.STRING).asOptional()),
          false,
          List.of());
  static final EntityDef POST =
      new EntityDef(
          "Post",
          "id",
          List.of(
              f("id", ValueType.INT64),
              f("authorId", ValueType.INT64),
              f("title", ValueType.STRING),
              f("score", ValueType.INT32)),
          false,
          List.of());
  static final EntityDef COMMENT =
      new EntityDef(
          "Comment",
          "id",
          List.of(
              f("id", ValueType.INT64),
              f("postId", ValueType.INT64),
              f("body", ValueType.STRING),
              f("likes", ValueType.INT32)),
          false,
          List.of());
  static final EntityDef TAG =
      new EntityDef(
          "Tag",
          "id",
          List.of(f("id", ValueType.INT64), f("label", ValueType.STRING)),
          false,
          List.of());
  static final EntityDef POST_TAG =
      new EntityDef(
          "PostTag",
          "id",
          List.of(
              f("id", ValueType.INT64), f("postId", ValueType.INT64), f("tagId", ValueType.INT64)),
          false,
          List.of());

  static SchemaBundle schema(long version) {
    return new SchemaBundle(
        version,
        List.of(),
        List.of(USER, POST, COMMENT, TAG, POST_TAG),
        List.of(
            RelationDef.oneToMany("posts", "User", "id", "Post", "authorId", OnDelete.CASCADE),
            RelationDef.manyToOne("author", "Post", "authorId", "User", "id"),
            RelationDef.oneToMany("comments", "Post", "id", "Comment", "postId", OnDelete.CASCADE),
            RelationDef.manyToOne("post", "Comment", "postId", "Post", "id"),
            RelationDef.manyToMany(
                "tags", "Post", "id", "Tag", "id", "PostTag", "postId", "tagId")),
        List.of(),
        List.of(
            new IndexDef(
                "User_city_age_idx", "User", List.of("city", "age"), IndexDef.Kind.BTREE, false),
            new IndexDef("User_name_hidx", "User", List.of("name"), IndexDef.Kind.HASH, false),
            new IndexDef("Post_score_idx", "Post", List.of("score"), IndexDef.Kind.BTREE, false)),
        List.of());
  }

  static final String[] CITIES = {"Berlin", "Paris", "Rome", null};

  /**
   * Users 1..users (name "user<i>", email "u<i>@x.io", age 20 + i % 30 or null every 7th, city
   * cycling), each with {@code posts} posts (ids user*100 + j, score (i*7 + j) % 10), each post
   * with {@code comments} comments (ids post*100 + k, likes k), and tags 1..3 on every post whose
   * id is odd (tag ids 1 and 2) .
   */
  static TestData data(int users, int posts, int comments) {
    TestData d = new TestData(schema(1));
    d.insert("Tag", "id", 1L, "label", "java");
    d.insert("Tag", "id", 2L, "label", "db");
    d.insert("Tag", "id", 3L, "label", "unused");
    long edge = 1;
    for (long u = 1; u <= users; u++) {
      d.insert(
          "User",
          "id",
          u,
          "name",
          "user" + u,
          "email",
          "u" + u + "@x.io",
          "age",
          u % 7 == 0 ? null : (int) (20 + u % 30),
          "city",
          CITIES[(int) (u % CITIES.length)]);
      for (long p = 1; p <= posts; p++) {
        long postId = u * 100 + p;
        d.insert(
            "Post",
            "id",
            postId,
            "authorId",
            u,
            "title",
            "post " + postId,
            "score",
            (int) ((u * 7 + p) % 10));
        for (long c = 1; c <= comments; c++) {
          d.insert(
              "Comment",
              "id",
              postId * 100 + c,
              "postId",
              postId,
              "body",
              "comment " + c,
              "likes",
              (int) c);
        }
        if (postId % 2 == 1) {
          d.insert("PostTag", "id", edge++, "postId", postId, "tagId", 1L);
          d.insert("PostTag", "id", edge++, "postId", postId, "tagId", 2L);
        }
      }
    }
    return d;
  }
}
