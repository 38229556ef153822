package io.ormdb.cdc.live;

import static io.ormdb.cdc.live.Blog.insert;
import static io.ormdb.cdc.live.Blog.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reader behind a live query, without a stream: what it reads and how often it queries. */
class LiveReaderTest {
  private OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(Blog.schema());
  }

  @AfterEach
  void close() {
    store.close();
  }

  private long commit(Mutation... ms) {
    return store.commit(MutationBatch.of(ms)).lsn();
  }

  private static Mutation user(long id, String city) {
    return insert("User", "id", id, "name", "u" + id, "city", city, "age", 30);
  }

  @Test
  void changeSetsOnEntitiesTheQueryDoesNotReadAreSkippedWithoutQuerying() {
    commit(user(1, "Rome"), user(2, "Berlin"));
    GraphQuery rome =
        GraphQuery.from("User").where(Filter.eq("city", "Rome")).include("posts").build();
    LiveReader r = new LiveReader(store, rome, Map.of(), 0, 2);
    assertThat(r.read()).singleElement().isInstanceOf(LiveEvent.Snapshot.class);
    assertThat(r.queriesRun()).isEqualTo(1);
    for (long i = 1; i <= 5; i++) {
      commit(insert("Note", "id", i, "text", "n"));
    }
    commit(insert("Tag", "id", 1L, "label", "t"));
    assertThat(r.read()).as("caught up, nothing to emit").isEmpty();
    assertThat(r.queriesRun()).as("no query for Note and Tag change sets").isEqualTo(1);

    commit(update("User", 2, "name", "other")); // a read entity, but not in the result
    assertThat(r.read()).isEmpty();
    assertThat(r.queriesRun()).isEqualTo(2);

    long a = commit(update("User", 1, "name", "a"));
    commit(insert("Note", "id", 9L, "text", "n"));
    long b = commit(update("User", 1, "name", "b"));
    List<LiveEvent> first = r.read();
    assertThat(first).as("one event per read").singleElement();
    assertThat(first.get(0).lsn()).isEqualTo(a);
    assertThat(r.read()).singleElement().extracting(LiveEvent::lsn).isEqualTo(b);
    assertThat(r.read()).isEmpty();
    assertThat(r.queriesRun()).isEqualTo(4);
    assertThat(r.whenMore().toCompletableFuture().isDone()).as("waits for a commit").isFalse();
    commit(insert("Note", "id", 10L, "text", "n"));
    assertThat(r.whenMore().toCompletableFuture().isDone()).isTrue();
  }
}
