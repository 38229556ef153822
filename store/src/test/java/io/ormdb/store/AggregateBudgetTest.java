package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.AggregateQuery.Aggregation;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.store.query.QueryBudget;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The group budget of aggregates holds on the columnar path of a real store too. */
class AggregateBudgetTest {
  @Test
  void theColumnarPathRefusesMoreGroupsThanTheBudget() {
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(TestSchemas.blog());
      List<Mutation> comments = new ArrayList<>();
      for (long i = 1; i <= 30; i++) {
        comments.add(insert("Comment", "id", i, "body", "b" + (i % 12)));
      }
      commit(store, comments.toArray(Mutation[]::new));
      AggregateQuery byBody =
          new AggregateQuery(
              "Comment",
              List.of(new Aggregation(Function.COUNT, null)),
              null,
              List.of("body"),
              null);

      long before = store.columnStore().columnarAggregates();
      assertThat(store.aggregate(byBody, new QueryBudget(5, 12, 100)).rows()).hasSize(12);
      OrmDbException e =
          catchThrowableOfType(
              OrmDbException.class, () -> store.aggregate(byBody, new QueryBudget(5, 11, 100)));
      assertThat(store.columnStore().columnarAggregates() - before)
          .as("both answered by the columnar store")
          .isEqualTo(2);
      assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
      assertThat(e.getMessage()).contains("more than 11 groups");
    }
  }
}
