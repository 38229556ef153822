package io.ormdb.cdc.live;

import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.schema.Computed;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Users → posts → comments, post.author (many-to-one), post.tags (many-to-many through PostTag,
 * whose {@code rank} is a link field), and an unrelated Note entity, for the live query tests.
 */
final class Blog {
  private Blog() {}

  private static FieldDef f(String name, ValueType t) {
    return FieldDef.of(name, FieldType.of(t));
  }

  static SchemaBundle schema() {
    return new SchemaBundle(
        1,
        List.of(),
        List.of(
            new EntityDef(
                "User",
                "id",
                List.of(
                    f("id", ValueType.INT64),
                    f("name", ValueType.STRING),
                    f("city", ValueType.STRING).asOptional(),
                    f("age", ValueType.INT32).asOptional()),
                false,
                List.of()),
            new EntityDef(
                "Post",
                "id",
                List.of(
                    f("id", ValueType.INT64),
                    f("authorId", ValueType.INT64),
                    f("title", ValueType.STRING),
                    f("score", ValueType.INT32)),
                false,
                List.of()),
            new EntityDef(
                "Comment",
                "id",
                List.of(
                    f("id", ValueType.INT64),
                    f("postId", ValueType.INT64),
                    f("body", ValueType.STRING),
                    f("likes", ValueType.INT32)),
                false,
                List.of()),
            new EntityDef(
                "Tag",
                "id",
                List.of(f("id", ValueType.INT64), f("label", ValueType.STRING)),
                false,
                List.of()),
            new EntityDef(
                "PostTag",
                "id",
                List.of(
                    f("id", ValueType.INT64),
                    f("postId", ValueType.INT64),
                    f("tagId", ValueType.INT64),
                    f("rank", ValueType.INT32).asOptional()),
                false,
                List.of()),
            new EntityDef(
                "Note",
                "id",
                List.of(f("id", ValueType.INT64), f("text", ValueType.STRING)),
                false,
                List.of())),
        List.of(
            RelationDef.oneToMany("posts", "User", "id", "Post", "authorId", OnDelete.CASCADE),
            RelationDef.manyToOne("author", "Post", "authorId", "User", "id"),
            RelationDef.oneToMany("comments", "Post", "id", "Comment", "postId", OnDelete.CASCADE),
            RelationDef.manyToOne("post", "Comment", "postId", "Post", "id"),
            RelationDef.manyToMany(
                "tags", "Post", "id", "Tag", "id", "PostTag", "postId", "tagId")),
        List.of(),
        List.of(
            new IndexDef("Post_score_idx", "Post", List.of("score"), IndexDef.Kind.BTREE, false),
            new IndexDef(
                "Comment_likes_idx", "Comment", List.of("likes"), IndexDef.Kind.BTREE, false)),
        List.of());
  }

  /**
   * {@link #schema()} with computed fields: virtual {@code User.label} ({@code name + "@" + city})
   * and {@code User.decade} ({@code age / 10}), {@code Comment.heat} ({@code likes * 3 - 1}) and
   * {@code Comment.hot} ({@code if(likes >= 5, "hot", "cold")}), and {@code Post.rank} ({@code
   * score * 2 + 1}), stored and indexed.
   */
  static SchemaBundle withComputed() {
    SchemaBundle s = schema();
    Map<String, List<FieldDef>> extra =
        Map.of(
            "User",
            List.of(
                computed("label", ValueType.STRING, true, "name + \"@\" + city", false),
                computed("decade", ValueType.INT64, true, "age / 10", false)),
            "Post",
            List.of(computed("rank", ValueType.INT64, false, "score * 2 + 1", true).asIndexed()),
            "Comment",
            List.of(
                computed("heat", ValueType.INT64, false, "likes * 3 - 1", false),
                computed(
                    "hot", ValueType.STRING, false, "if(likes >= 5, \"hot\", \"cold\")", false)));
    List<EntityDef> entities = new java.util.ArrayList<>();
    for (EntityDef e : s.entities()) {
      List<FieldDef> fs = new java.util.ArrayList<>(e.fields());
      fs.addAll(extra.getOrDefault(e.name(), List.of()));
      entities.add(
          new EntityDef(e.name(), e.identityField(), fs, e.softDelete(), e.defaultOrder()));
    }
    return new SchemaBundle(
        s.version(),
        s.enums(),
        entities,
        s.relations(),
        s.constraints(),
        s.indexes(),
        s.policies());
  }

  private static FieldDef computed(
      String name, ValueType t, boolean optional, String expression, boolean stored) {
    // the expression as the schema language reads it
    FieldDef parsed =
        io.ormdb.protocol.lang.schema.SchemaParser.parse(
                "entity X { id int64 @id name string city string? age int32? score int32"
                    + " likes int32 x "
                    + t.displayName()
                    + "? = "
                    + expression
                    + " }")
            .requireEntity("X")
            .field("x")
            .orElseThrow();
    FieldDef f =
        FieldDef.of(name, FieldType.of(t))
            .withComputed(new Computed(parsed.computed().expression(), stored));
    return optional ? f.asOptional() : f;
  }

  /** An insert of {@code entity} with alternating field names and plain values. */
  static Mutation insert(String entity, Object... kv) {
    return new Mutation.Insert(entity, values(kv));
  }

  static Mutation update(String entity, long id, Object... kv) {
    return new Mutation.Update(entity, Value.of(id), values(kv), 0);
  }

  static Mutation delete(String entity, long id) {
    return new Mutation.Delete(entity, Value.of(id), 0);
  }

  private static Map<String, Value> values(Object... kv) {
    Map<String, Value> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1] == null ? Value.NULL : Value.of(kv[i + 1]));
    }
    return m;
  }
}
