package io.ormdb.cdc.live;

import static io.ormdb.cdc.live.Blog.insert;
import static io.ormdb.cdc.live.Blog.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.cdc.feed.FeedSettings;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.ReadOptions;
import io.ormdb.protocol.query.RelationAggregate;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live query with aggregates over relations follows changes to the related rows too — rows that
 * the result does not hold but that its aggregate columns count — whether the aggregates are on the
 * root or on an include.
 */
@ExtendWith(TestKitJUnit5Extension.class)
class LiveAggregateTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  @TempDir Path dir;

  @Test
  void changesToTheAggregatedRowsReachTheSubscriber() throws Exception {
    GraphQuery rootLevel =
        GraphQuery.from("User")
            .orderBy(OrderSpec.asc("id"))
            .aggregate(
                RelationAggregate.count("posts", "posts"),
                RelationAggregate.of("best", Function.MAX, "posts", "score"),
                RelationAggregate.count("tagged", "posts"))
            .build();
    GraphQuery includeLevel =
        GraphQuery.from("User")
            .include(
                Include.of("posts")
                    .withAggregates(
                        RelationAggregate.of("likes", Function.SUM, "comments", "likes"),
                        RelationAggregate.count("tagCount", "tags")))
            .build();
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      store.applySchema(Blog.schema());
      StepExecutor rounds = new StepExecutor();
      LiveQueries live =
          new LiveQueries(store, rounds, new FeedSettings(4, "unused"), new LiveSettings(2));
      commit(
          store,
          insert("User", "id", 1L, "name", "u1"),
          insert("User", "id", 2L, "name", "u2"),
          insert("Post", "id", 10L, "authorId", 1L, "title", "p10", "score", 3),
          insert("Tag", "id", 7L, "label", "t"));
      List<LiveView> views = new ArrayList<>();
      List<SinkQueueWithCancel<LiveEvent>> queues = new ArrayList<>();
      for (GraphQuery q : List.of(rootLevel, includeLevel)) {
        SinkQueueWithCancel<LiveEvent> events =
            live.subscribe(q, 0).runWith(Sink.queue(), testKit.system());
        queues.add(events);
        views.add(new LiveView().apply(rounds.runUntil(events.pull().toCompletableFuture()).get()));
      }
      // rows neither result holds: a post of user 2, a comment and a tag link of post 10
      List<Mutation[]> changes =
          List.of(
              new Mutation[] {
                insert("Post", "id", 20L, "authorId", 2L, "title", "p20", "score", 9)
              },
              new Mutation[] {
                insert("Comment", "id", 100L, "postId", 10L, "body", "c", "likes", 4),
                insert("PostTag", "id", 1000L, "postId", 10L, "tagId", 7L)
              },
              new Mutation[] {update("Comment", 100L, "likes", 6)},
              new Mutation[] {update("Post", 20L, "score", 1)});
      for (Mutation[] change : changes) {
        long at = commit(store, change);
        rounds.round();
        for (int i = 0; i < 2; i++) {
          GraphQuery q = i == 0 ? rootLevel : includeLevel;
          LiveView expected = LiveView.of(store.query(asOf(q, at)));
          if (expected.state().equals(views.get(i).state())) {
            continue; // this change does not show in this query's result
          }
          LiveEvent e = rounds.runUntil(queues.get(i).pull().toCompletableFuture()).orElseThrow();
          assertThat(e.lsn()).isEqualTo(at);
          views.get(i).apply(e);
          assertThat(views.get(i).state()).as("%s at lsn %d", q, at).isEqualTo(expected.state());
        }
      }
      // the last state holds every change
      assertThat(views.get(0).toMaps())
          .extracting(u -> List.of(u.get("id"), u.get("posts"), u.get("best")))
          .containsExactly(List.of(1L, 1L, 3), List.of(2L, 1L, 1));
      assertThat(views.get(1).rows("posts").get(Value.of(10L)).fields())
          .containsEntry("likes", Value.of(6L))
          .containsEntry("tagCount", Value.of(1L));
    }
  }

  private static long commit(OrmStore store, Mutation... ms) {
    return store.commit(new MutationBatch(List.of(ms))).lsn();
  }

  private static GraphQuery asOf(GraphQuery q, long lsn) {
    return new GraphQuery(
        q.rootEntity(),
        q.fields(),
        q.filter(),
        q.orderBy(),
        q.pagination(),
        q.includes(),
        ReadOptions.asOf(lsn),
        q.aggregates());
  }
}
