package io.ormdb.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.result.QueryResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

class EmbeddedBlogExampleTest {
  @Test
  void theExampleWritesReadsAggregatesAndShowsARefusal() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "blog-test");
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      QueryResult graph =
          EmbeddedBlogExample.run(
              OrmDb.get(system), new PrintStream(bytes, true, StandardCharsets.UTF_8));
      String out = bytes.toString(StandardCharsets.UTF_8);
      assertThat(graph.root().size()).isEqualTo(2);
      assertThat(graph.block("posts").size()).as("one post per user").isEqualTo(2);
      assertThat(graph.block("posts.comments").size()).isEqualTo(1);
      assertThat(out)
          .contains("schema version 1\n")
          .contains("committed at lsn 1: 4 rows\n")
          .contains("committed at lsn 2\n")
          .contains("published 1 post\n")
          .contains("[count, sum(views)] [3, 1920]\n")
          .containsSubsequence(
              "published posts:",
              "{title=Notes on the Analytical Engine, views=1500, author={name=Ada Lovelace}}",
              "{title=Compilers for everyone, views=420, author={name=Grace Hopper}}",
              "{title=100 loops, views=0, author={name=Ada Lovelace}}",
              "users with their most read post:",
              "{name=Ada Lovelace, posts=[{title=Notes on the Analytical Engine, views=1500,"
                  + " comments=[]}]}",
              "{name=Grace Hopper, posts=[{title=Compilers for everyone, views=420,"
                  + " comments=[{text=Marvellous.}]}]}")
          .contains(GuideOutput.block("published posts:"))
          .contains("refused: CONSTRAINT_VIOLATION: ")
          .contains("User_email_key");
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
