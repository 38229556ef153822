package io.ormdb.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

class EmbeddedBlogExampleTest {
  @Test
  void theExampleWritesAGraphAndPrintsItsObjects() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "blog-test");
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      QueryResult graph =
          EmbeddedBlogExample.run(
              OrmDb.get(system), new PrintStream(bytes, true, StandardCharsets.UTF_8));
      String out = bytes.toString(StandardCharsets.UTF_8);
      assertThat(graph.root().ids()).containsExactly(Value.of(1L), Value.of(2L));
      assertThat(graph.block("posts").ids())
          .containsExactlyInAnyOrder(Value.of(10L), Value.of(20L));
      assertThat(graph.block("posts.comments").size()).isEqualTo(3);
      assertThat(out)
          .contains("committed at lsn")
          .contains("Ada")
          .contains("Engines")
          .contains("Marvellous")
          .doesNotContain("Notes")
          .contains("popular posts:")
          .contains("Compilers");
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
