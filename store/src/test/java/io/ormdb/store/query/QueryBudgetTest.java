package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.store.view.ReadView;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryBudgetTest {
  private final QueryEngine engine = new QueryEngine();
  private final ReadView view = Blog.data(4, 3, 2).view();
  private final GraphQuery graph =
      GraphQuery.from("User")
          .include("posts")
          .include("posts.comments")
          .include("posts.comments.post")
          .build();

  private void exceeds(QueryBudget budget, String message) {
    assertThatThrownBy(() -> engine.query(view, graph, Map.of(), budget))
        .isInstanceOf(OrmDbException.class)
        .hasMessage(message)
        .satisfies(
            e -> assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED));
  }

  @Test
  void withinBudgetRuns() {
    // 4 users + 12 posts + 24 comments + 12 posts again (deduped per block) = 52 rows, 60 edges
    assertThat(engine.query(view, graph, Map.of(), new QueryBudget(3, 52, 60)).totalRows())
        .isEqualTo(52);
  }

  @Test
  void depthEntitiesAndEdges() {
    exceeds(
        new QueryBudget(2, 1000, 1000),
        "query exceeds its depth budget: include 'posts.comments.post' has depth 3, the budget allows 2");
    exceeds(
        new QueryBudget(5, 51, 1000),
        "query exceeds its entity budget: more than 51 entities (root and includes together)");
    exceeds(new QueryBudget(5, 1000, 59), "query exceeds its edge budget: more than 59 edges");
  }

  @Test
  void defaultBudgetIsTheOriginals() {
    assertThat(QueryBudget.DEFAULT).isEqualTo(new QueryBudget(5, 10_000, 50_000));
  }
}
