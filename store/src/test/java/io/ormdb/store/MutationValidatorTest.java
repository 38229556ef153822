package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MutationValidatorTest {
  private final SchemaBundle schema = TestSchemas.blog();

  @Test
  void aValidInsertWithNestedRowsPasses() {
    Mutation m =
        new Mutation.Insert(
            "User",
            Map.of("email", Value.of("a@x"), "name", Value.of("A")),
            List.of(
                new Mutation.NestedInsert(
                    "posts", List.of(new Mutation.Insert("", Map.of("title", Value.of("t")))))));
    assertThatCode(() -> MutationValidator.validate(schema, 0, m)).doesNotThrowAnyException();
  }

  @Test
  void aKeySetByANestedToOneInsertCountsAsGiven() {
    Mutation.Insert author =
        new Mutation.Insert("", Map.of("email", Value.of("a@x"), "name", Value.of("A")));
    Mutation withAuthor =
        new Mutation.Insert(
            "Post",
            Map.of("title", Value.of("t")),
            List.of(new Mutation.NestedInsert("author", List.of(author))));
    assertThatCode(() -> MutationValidator.validate(schema, 0, withAuthor))
        .doesNotThrowAnyException();
    Mutation without = new Mutation.Insert("Post", Map.of("title", Value.of("t")));
    assertThatThrownBy(() -> MutationValidator.validate(schema, 0, without))
        .hasMessageContaining("field Post.authorId is required");
  }

  @Test
  void errorsNameTheMutationAndMatchTheStore() {
    List<Mutation> bad =
        List.of(
            new Mutation.Insert("Usr", Map.of("name", Value.of("A"))),
            new Mutation.Insert("User", Map.of("emial", Value.of("a@x"), "name", Value.of("A"))),
            new Mutation.Insert("User", Map.of("email", Value.of("a@x"), "name", Value.of(3L))),
            new Mutation.Insert("User", Map.of("name", Value.of("A"))),
            new Mutation.Insert(
                "User",
                Map.of("email", Value.of("a@x"), "name", Value.of("A"), "role", Value.of("boss"))),
            // the pre-check and the store used to disagree on these three
            new Mutation.Insert("Account", Map.of()),
            new Mutation.Insert(
                "Invoice",
                Map.of(
                    "accountId",
                    Value.of("a"),
                    "amount",
                    new Value.Decimal(new java.math.BigDecimal("1.234")))),
            new Mutation.Insert("User", Map.of("email", Value.of(5L), "name", Value.of(3L))));
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(schema);
      for (Mutation m : bad) {
        OrmDbException mine =
            catchThrowableOfType(
                OrmDbException.class, () -> MutationValidator.validate(schema, 2, m));
        assertThat(mine).as("%s", m).isNotNull();
        assertThat(mine.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(mine.getMessage()).startsWith("mutation 2 (insert into ");
        OrmDbException stores =
            catchThrowableOfType(
                OrmDbException.class,
                () ->
                    store.commit(
                        new MutationBatch(
                            List.of(
                                new Mutation.Insert(
                                    "User",
                                    Map.of("email", Value.of("z@x"), "name", Value.of("Z"))),
                                new Mutation.Insert(
                                    "User",
                                    Map.of("email", Value.of("y@x"), "name", Value.of("Y"))),
                                m))));
        assertThat(mine.getMessage()).isEqualTo(stores.getMessage());
      }
    }
    assertThat(
            catchThrowableOfType(
                    OrmDbException.class, () -> MutationValidator.validate(schema, 0, bad.get(1)))
                .getMessage())
        .contains("did you mean 'email'");
    assertThat(refusal(bad.get(5)))
        .isEqualTo("mutation 0 (insert into Account): identity field Account.id is required");
    assertThat(refusal(bad.get(6)))
        .isEqualTo(
            "mutation 0 (insert into Invoice): field Invoice.amount: 1.234 has more than 2 decimal"
                + " places");
    assertThat(refusal(bad.get(7))).startsWith("mutation 0 (insert into User): field User.email:");
  }

  private String refusal(Mutation m) {
    return catchThrowableOfType(
            OrmDbException.class, () -> MutationValidator.validate(schema, 0, m))
        .getMessage();
  }
}
