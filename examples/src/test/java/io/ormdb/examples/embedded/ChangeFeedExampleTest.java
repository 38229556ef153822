package io.ormdb.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.cdc.live.LiveEvent;
import io.ormdb.cdc.live.LiveView;
import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.result.ResultObjects;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

class ChangeFeedExampleTest {
  @Test
  void theExampleFollowsAFeedANamedConsumerAndALiveQuery() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "feeds-test");
    try {
      OrmDb db = OrmDb.get(system);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      LiveView view =
          ChangeFeedExample.run(db, system, new PrintStream(bytes, true, StandardCharsets.UTF_8));
      String out = bytes.toString(StandardCharsets.UTF_8);
      assertThat(out)
          .containsSubsequence(
              "lsn 1 CREATE Post, status draft",
              "lsn 2 UPDATE Post, status published",
              "welcome mail to",
              "ada@example.com",
              "offset ConsumerOffset[lsn=1, index=0]",
              "welcome mail to",
              "grace@example.com",
              "offset ConsumerOffset[lsn=3, index=0]",
              "Snapshot at lsn 3: [{title=Notes, views=10}]",
              "Delta at lsn 4: [{title=Compilers for everyone, views=420}, {title=Notes,"
                  + " views=10}]");
      assertThat(out)
          .as("the output docs/embedding.md shows")
          .contains(GuideOutput.block("lsn 1 "))
          .contains(GuideOutput.block("Snapshot at"));
      assertThat(out).containsOnlyOnce("ada@example.com").containsOnlyOnce("grace@example.com");
      assertThat(db.consumer("welcome-mailer").offset().lsn()).isEqualTo(3);
      GraphQuery published =
          GraphQuery.from("Post")
              .select("title", "views")
              .where(Filter.eq("status", "published"))
              .orderBy(OrderSpec.desc("views"))
              .build();
      assertThat(view.toMaps())
          .as("the live view equals the query run now")
          .isEqualTo(ResultObjects.toMaps(db.query(published).toCompletableFuture().join()));
      assertThat(view.root()).extracting(LiveEvent.Row::id).hasSize(2).doesNotContainNull();
      assertThat(view.lsn()).isEqualTo(4);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
