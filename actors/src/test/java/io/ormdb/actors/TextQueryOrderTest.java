package io.ormdb.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A query sent as text through a session orders by a related row's field; a mistake in such a path
 * is reported at its position, as the session's planner reads the text with the store's schema.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TextQueryOrderTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  private static Mutation insert(String entity, Object... kv) {
    Map<String, Value> m = new java.util.HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], Value.of(kv[i + 1]));
    }
    return new Mutation.Insert(entity, m);
  }

  @Test
  void aTextQueryOrdersByARelatedFieldAndAMistakeInThePathHasItsPosition() {
    try (TestDb db = TestDb.blog(testKit.system(), 1)) {
      db.store.commit(
          MutationBatch.of(
              insert("User", "id", 1L, "email", "z@x", "name", "Zoe"),
              insert("User", "id", 2L, "email", "a@x", "name", "Al"),
              insert("Post", "id", 10L, "authorId", 1L, "title", "t"),
              insert("Post", "id", 11L, "authorId", 2L, "title", "u")));
      QueryResult byAuthor =
          TestDb.ok(
                  db.call(
                      id -> new Message.QueryText(id, 0, "Post.findMany().orderBy(author.name)")),
                  Message.QueryReply.class)
              .result();
      assertThat(byAuthor.root().ids()).containsExactly(Value.of(11L), Value.of(10L));

      Message.Error bad =
          (Message.Error)
              db.call(id -> new Message.QueryText(id, 0, "Post.findMany().orderBy(author.nme)"));
      assertThat(bad.code()).isEqualTo(ErrorCode.INVALID_REQUEST.code());
      assertThat(bad.message())
          .isEqualTo("line 1:32: unknown field 'nme' on entity User (did you mean 'name'?)");
      Message.Error toMany =
          (Message.Error)
              db.call(id -> new Message.QueryText(id, 0, "User.findMany().orderBy(posts.title)"));
      assertThat(toMany.message())
          .startsWith("line 1:25: relation 'posts' of entity User is one to many");
    }
  }
}
