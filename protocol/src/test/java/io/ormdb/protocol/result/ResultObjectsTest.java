package io.ormdb.protocol.result;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.value.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultObjectsTest {

  @Test
  void rebuildsNestedObjectsFromBlocksAndEdges() {
    EntityBlock users =
        new EntityBlock(
            "",
            "User",
            List.of(Value.of(1), Value.of(2)),
            List.of(1L, 1L),
            List.of(new Column("name", List.of(Value.of("ann"), Value.of("bob")))));
    EntityBlock posts =
        new EntityBlock(
            "posts",
            "Post",
            List.of(Value.of(10), Value.of(11)),
            List.of(2L, 3L),
            List.of(new Column("title", List.of(Value.of("a"), Value.of("b")))));
    EntityBlock authors =
        new EntityBlock(
            "posts.author",
            "User",
            List.of(Value.of(1)),
            List.of(1L),
            List.of(new Column("name", List.of(Value.of("ann")))));
    QueryResult result =
        new QueryResult(
            List.of(users, posts, authors),
            List.of(
                new EdgeBlock(
                    "posts",
                    true,
                    List.of(
                        new EdgeBlock.Edge(Value.of(1), Value.of(11)),
                        new EdgeBlock.Edge(Value.of(1), Value.of(10))),
                    List.of()),
                new EdgeBlock(
                    "posts.author",
                    false,
                    List.of(
                        new EdgeBlock.Edge(Value.of(10), Value.of(1)),
                        new EdgeBlock.Edge(Value.of(11), Value.of(1))),
                    List.of())),
            false,
            null,
            5);

    List<Map<String, Object>> objects = ResultObjects.toMaps(result);

    assertThat(objects).hasSize(2);
    assertThat(objects.get(0)).containsEntry("name", "ann");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> annPosts = (List<Map<String, Object>>) objects.get(0).get("posts");
    assertThat(annPosts).extracting(p -> p.get("title")).containsExactly("b", "a");
    @SuppressWarnings("unchecked")
    Map<String, Object> author = (Map<String, Object>) annPosts.get(0).get("author");
    assertThat(author).containsEntry("name", "ann");
    assertThat(objects.get(1).get("posts")).isEqualTo(List.of());
    assertThat(result.totalRows()).isEqualTo(5);
    assertThat(objects.get(0)).doesNotContainKey(ResultObjects.VERSION_KEY);

    List<Map<String, Object>> versioned = ResultObjects.toMaps(result, true);
    assertThat(versioned.get(0)).containsEntry(ResultObjects.VERSION_KEY, 1L);
    assertThat(versioned.get(0).keySet()).startsWith("name", ResultObjects.VERSION_KEY, "posts");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> versionedPosts =
        (List<Map<String, Object>>) versioned.get(0).get("posts");
    assertThat(versionedPosts)
        .extracting(p -> p.get(ResultObjects.VERSION_KEY))
        .containsExactly(3L, 2L);
  }

  @Test
  void anEmptyResultHasNoObjects() {
    assertThat(ResultObjects.toMaps(new QueryResult(List.of(), List.of(), false, null, 0)))
        .isEmpty();
  }

  /**
   * Link values belong to the edge: the same person in two movies' casts is one row of the block,
   * but each movie's copy of it holds that movie's list order, and both copies hold the person's
   * own children.
   */
  @Test
  void linkValuesGoToEachParentsCopyOfTheChild() {
    EntityBlock movies =
        new EntityBlock(
            "",
            "Movie",
            List.of(Value.of(1), Value.of(2)),
            List.of(1L, 1L),
            List.of(new Column("title", List.of(Value.of("A"), Value.of("B")))));
    EntityBlock people =
        new EntityBlock(
            "cast",
            "Person",
            List.of(Value.of(7)),
            List.of(1L),
            List.of(new Column("name", List.of(Value.of("ann")))));
    EntityBlock awards =
        new EntityBlock(
            "cast.awards",
            "Award",
            List.of(Value.of(70)),
            List.of(1L),
            List.of(new Column("year", List.of(Value.of(1999)))));
    QueryResult result =
        new QueryResult(
            List.of(movies, people, awards),
            List.of(
                new EdgeBlock(
                    "cast",
                    true,
                    List.of(
                        new EdgeBlock.Edge(Value.of(1), Value.of(7)),
                        new EdgeBlock.Edge(Value.of(2), Value.of(7))),
                    List.of(),
                    List.of(new Column("list_order", List.of(Value.of(3), Value.NULL)))),
                new EdgeBlock(
                    "cast.awards",
                    true,
                    List.of(new EdgeBlock.Edge(Value.of(7), Value.of(70))),
                    List.of())),
            false,
            null,
            5);

    List<Map<String, Object>> objects = ResultObjects.toMaps(result);

    Map<String, Object> award = Map.of("year", 1999);
    assertThat(objects.get(0).get("cast"))
        .isEqualTo(List.of(Map.of("name", "ann", "@list_order", 3, "awards", List.of(award))));
    Map<String, Object> second = new java.util.HashMap<>();
    second.put("name", "ann");
    second.put("@list_order", null);
    second.put("awards", List.of(award));
    assertThat(objects.get(1).get("cast")).isEqualTo(List.of(second));
    assertThat(result.edges("cast").link("list_order").values())
        .containsExactly(Value.of(3), Value.NULL);
  }
}
