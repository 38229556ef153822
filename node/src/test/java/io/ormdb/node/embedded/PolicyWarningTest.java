package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Policies are not enforced yet: applying a schema that declares any says so in the log. */
class PolicyWarningTest {
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private ActorSystem<Void> system;

  @BeforeEach
  void start() {
    logged.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logged);
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "policy-warning",
            ConfigFactory.parseString("ormdb.data-dir = \":memory:\"")
                .withFallback(ConfigFactory.load()));
  }

  @AfterEach
  void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logged);
  }

  private List<String> warnings() {
    return logged.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains("polic"))
        .toList();
  }

  @Test
  void aSchemaWithPoliciesIsAppliedWithAWarningNamingThem() {
    OrmDb db = OrmDb.get(system);
    db.applySchema(
            """
            entity Post {
              id       int64  @id
              authorId int64
              status   string
            }
            policy published_only on Post for select using (status == "published")
            policy own_posts on Post restrictive for update, delete using (authorId == $user.id)
            """)
        .toCompletableFuture()
        .join();
    assertThat(warnings())
        .containsExactly(
            "the schema declares 2 row-level policies (published_only on Post, own_posts on Post),"
                + " which are NOT enforced yet: every session can read and change every row");
  }

  @Test
  void aSchemaWithoutPoliciesIsAppliedQuietly() {
    OrmDb db = OrmDb.get(system);
    db.applySchema("entity Note {\n  id int64 @id\n}\n").toCompletableFuture().join();
    assertThat(warnings()).isEmpty();
  }
}
