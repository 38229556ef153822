package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.QueryResult;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every include level costs a fixed number of reads, however many parents it has. */
class QueryBatchingTest {
  private static final GraphQuery GRAPH =
      GraphQuery.from("User")
          .include("posts")
          .include("posts.comments")
          .include("posts.author")
          .include("posts.tags")
          .build();

  private static Map<String, Integer> callsFor(int users) {
    CountingReadView view = new CountingReadView(Blog.data(users, 5, 4).view());
    QueryResult r = new QueryEngine().query(view, GRAPH, Map.of(), QueryBudget.UNLIMITED);
    assertThat(r.root().size()).isEqualTo(users);
    assertThat(r.block("posts.comments").size()).isEqualTo(users * 5 * 4);
    return view.calls;
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 100})
  void oneReadPerEntityPerLevel(int users) {
    // User: root scan + posts.author (pk-batch); Post: posts; Comment: posts.comments;
    // PostTag + Tag: posts.tags (edge lookup, then targets).
    assertThat(callsFor(users))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("User", 2, "Post", 1, "Comment", 1, "PostTag", 1, "Tag", 1));
  }

  @Test
  void tenAndAHundredParentsCostTheSameNumberOfReads() {
    assertThat(callsFor(10)).isEqualTo(callsFor(100));
  }
}
