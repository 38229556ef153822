package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.AggregateQuery.Aggregation;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Queries, filters, aggregates, the mutation pre-check and the store's commit name an unknown
 * entity, field or relation with the same words: one lookup serves them all.
 */
class LookupMessagesTest {
  private final SchemaBundle schema = TestSchemas.blog();
  private OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(schema);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static String refusal(Executable call) {
    OrmDbException e = catchThrowableOfType(OrmDbException.class, call::execute);
    assertThat(e).as("refused").isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    return e.getMessage();
  }

  /** What the store's commit and the pre-check say about {@code m}, which must be the same. */
  private String mutationRefusal(Mutation m) {
    String committed = refusal(() -> store.commit(MutationBatch.of(m)));
    assertThat(refusal(() -> MutationValidator.validate(schema, 0, m))).isEqualTo(committed);
    return committed;
  }

  @Test
  void anUnknownEntity() {
    String message = "unknown entity 'Usr' (did you mean 'User'?)";
    assertThat(refusal(() -> store.query(GraphQuery.from("Usr").build()))).isEqualTo(message);
    assertThat(
            refusal(
                () -> store.aggregate(new AggregateQuery("Usr", count(), null, List.of(), null))))
        .isEqualTo(message);
    assertThat(mutationRefusal(insert("Usr")))
        .isEqualTo("mutation 0 (insert into Usr): " + message);
    assertThat(schema.requireEntity("User").name()).isEqualTo("User");
  }

  @Test
  void anEnumNamedWhereAnEntityBelongs() {
    String message = "'Role' is an enum, not an entity";
    assertThat(refusal(() -> store.query(GraphQuery.from("Role").build()))).isEqualTo(message);
    assertThat(mutationRefusal(new Mutation.Delete("Role", Value.of("admin"), 0)))
        .isEqualTo("mutation 0 (delete from Role): " + message);
  }

  @Test
  void anUnknownField() {
    String message = "unknown field 'emial' on entity User (did you mean 'email'?)";
    assertThat(refusal(() -> store.query(GraphQuery.from("User").select("emial").build())))
        .isEqualTo("select: " + message);
    assertThat(
            refusal(
                () ->
                    store.query(GraphQuery.from("User").where(Filter.eq("emial", "a@x")).build())))
        .isEqualTo("filter: " + message);
    assertThat(
            refusal(
                () ->
                    store.aggregate(
                        new AggregateQuery("User", count(), null, List.of("emial"), null))))
        .isEqualTo("group by: " + message);
    assertThat(mutationRefusal(insert("User", "emial", "a@x", "name", "A")))
        .isEqualTo("mutation 0 (insert into User): " + message);
  }

  @Test
  void anUnknownRelation() {
    String message = "unknown relation 'post' on entity User (did you mean 'posts'?)";
    assertThat(refusal(() -> store.query(GraphQuery.from("User").include("post").build())))
        .isEqualTo("include 'post': " + message);
    Mutation nested =
        new Mutation.Insert(
            "User",
            Map.of("email", Value.of("a@x"), "name", Value.of("A")),
            List.of(new Mutation.NestedInsert("post", List.of(insert("Post", "title", "t")))));
    assertThat(mutationRefusal(nested)).isEqualTo("mutation 0 (insert into User): " + message);
  }

  private static List<Aggregation> count() {
    return List.of(new Aggregation(Function.COUNT, null));
  }
}
