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
}
