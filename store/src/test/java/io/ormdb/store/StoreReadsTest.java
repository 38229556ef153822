package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.AggregateQuery.Aggregation;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.ReadOptions;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's own read methods: newest snapshot by default, as-of views on request. */
class StoreReadsTest {
  @TempDir Path dir;
  OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.of(dir));
    store.applySchema(TestSchemas.blog());
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void queryAggregateAndExplainReadTheNewestStateOrTheAsOfState() {
    long first = commit(store, insert("User", "email", "a@x.io", "name", "Ann")).lsn();
    commit(store, insert("User", "email", "b@x.io", "name", "Bob"));

    QueryResult now = store.query(GraphQuery.from("User").build());
    assertThat(now.root().size()).isEqualTo(2);
    assertThat(now.snapshotLsn()).isEqualTo(store.currentLsn());

    QueryResult then =
        store.query(GraphQuery.from("User").readOptions(ReadOptions.asOf(first)).build());
    assertThat(then.root().size()).isEqualTo(1);
    assertThat(then.snapshotLsn()).isEqualTo(first);

    AggregateQuery count =
        new AggregateQuery(
            "User", List.of(new Aggregation(Function.COUNT, null)), null, List.of(), null);
    assertThat(store.aggregate(count).rows()).containsExactly(List.of(new Value.Int64(2)));

    ExplainResult plan = store.explain(GraphQuery.from("User").build(), true);
    assertThat(plan.toString()).contains("User");
  }

  @Test
  void anAsOfLsnBeyondTheNewestCommitIsRefused() {
    commit(store, insert("User", "email", "a@x.io", "name", "Ann"));
    assertThatThrownBy(
            () -> store.query(GraphQuery.from("User").readOptions(ReadOptions.asOf(99)).build()))
        .isInstanceOfSatisfying(
            OrmDbException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_LSN));
  }
}
