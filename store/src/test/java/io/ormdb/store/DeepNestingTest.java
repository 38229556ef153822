package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.Nesting;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.PolicyDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.query.FieldMasker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Filters and nested inserts built in code, 100,000 levels deep, are refused as INVALID_REQUEST
 * naming the limit, before any recursive step of the engine sees them; nothing is written.
 */
class DeepNestingTest {
  static final String SCHEMA =
      """
      entity Author {
        id     int64 @id
        name   string
        secret string? @sensitive(restricted)
        relation books: one to many Book by authorId
      }
      entity Book {
        id       int64 @id
        authorId int64
        title    string
        relation author: many to one Author by authorId
      }
      """;
  static final int DEEP = 100_000;
  static final String TOO_DEEP = "and / or / not nested too deeply (more than 256 levels)";

  OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(SchemaParser.parse(SCHEMA));
    store.commit(
        MutationBatch.of(
            new Mutation.Insert("Author", Map.of("id", Value.of(1L), "name", Value.of("a")))));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Filter leaf() {
    return Filter.eq("id", 1L);
  }

  /** {@code levels} nots around a comparison. */
  private static Filter nots(int levels) {
    Filter f = leaf();
    for (int i = 0; i < levels; i++) {
      f = new Filter.Not(f);
    }
    return f;
  }

  /** {@code levels} ands and ors, alternating, each with a comparison beside the deeper one. */
  private static Filter andOrs(int levels) {
    Filter f = leaf();
    for (int i = 0; i < levels; i++) {
      f = i % 2 == 0 ? new Filter.And(List.of(leaf(), f)) : new Filter.Or(List.of(f, leaf()));
    }
    return f;
  }

  private static OrmDbException refusal(Runnable r) {
    Throwable t = catchThrowable(r::run);
    assertThat(t).isInstanceOf(OrmDbException.class);
    OrmDbException e = (OrmDbException) t;
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    return e;
  }

  /** The refusal of a batch, which must come at once: it never reaches the committer thread. */
  private OrmDbException refusedAtOnce(Mutation... ms) {
    CompletableFuture<MutationResult> f = store.commitAsync(MutationBatch.of(ms));
    assertThat(f).as("refused on the caller's thread").isCompletedExceptionally();
    Throwable t = catchThrowable(f::join);
    assertThat(t).isInstanceOf(CompletionException.class);
    return refusal(
        () -> {
          throw (RuntimeException) t.getCause();
        });
  }

  @Test
  void queriesAggregatesAndExplainsRefuseADeepFilter() {
    for (Filter deep : List.of(nots(DEEP), andOrs(DEEP))) {
      GraphQuery q = GraphQuery.from("Author").where(deep).build();
      assertThat(refusal(() -> store.query(q)).getMessage()).isEqualTo("filter: " + TOO_DEEP);
      assertThat(refusal(() -> store.explain(q, true)).getMessage())
          .isEqualTo("filter: " + TOO_DEEP);
      AggregateQuery a =
          new AggregateQuery(
              "Author",
              List.of(new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, null)),
              deep,
              List.of(),
              null);
      assertThat(refusal(() -> store.aggregate(a)).getMessage()).isEqualTo("filter: " + TOO_DEEP);
    }
    GraphQuery include =
        GraphQuery.from("Author")
            .include(new Include("books", List.of(), nots(DEEP), List.of(), Pagination.NONE))
            .build();
    assertThat(refusal(() -> store.query(include)).getMessage())
        .isEqualTo("filter of include 'books': " + TOO_DEEP);
  }

  @Test
  void theLimitItselfIsAllowed() {
    GraphQuery q = GraphQuery.from("Author").where(nots(Nesting.MAX_LEVELS)).build();
    assertThat(store.query(q).root().ids()).containsExactly(Value.of(1L));
    GraphQuery q2 = GraphQuery.from("Author").where(andOrs(Nesting.MAX_LEVELS)).build();
    assertThat(store.query(q2).root().ids()).containsExactly(Value.of(1L));
    assertThat(
            refusal(
                    () ->
                        store.query(
                            GraphQuery.from("Author").where(nots(Nesting.MAX_LEVELS + 1)).build()))
                .getMessage())
        .isEqualTo("filter: " + TOO_DEEP);
  }

  @Test
  void theMaskingCheckRefusesADeepFilterBeforeWalkingIt() {
    GraphQuery q = GraphQuery.from("Author").where(nots(DEEP)).build();
    assertThat(
            refusal(() -> FieldMasker.checkQuery(q, store.schema(), Sensitivity.PUBLIC))
                .getMessage())
        .isEqualTo("filter: " + TOO_DEEP);
  }

  @Test
  void writesRefuseADeepFilterOrDeeplyNestedRowsAndWriteNothing() {
    long before = store.currentLsn();
    Mutation update = new Mutation.UpdateMany("Author", nots(DEEP), Map.of("name", Value.of("b")));
    assertThat(refusedAtOnce(update).getMessage())
        .isEqualTo("mutation 0 (update many Author): filter: " + TOO_DEEP);
    Mutation delete = new Mutation.DeleteMany("Author", andOrs(DEEP));
    Mutation ok = new Mutation.DeleteMany("Author", leaf());
    assertThat(refusedAtOnce(ok, delete).getMessage())
        .isEqualTo("mutation 1 (delete many from Author): filter: " + TOO_DEEP);
    assertThat(refusal(() -> store.commit(MutationBatch.of(update, delete))).getMessage())
        .isEqualTo("mutation 0 (update many Author): filter: " + TOO_DEEP);

    Mutation.Insert rows = new Mutation.Insert("Book", Map.of("title", Value.of("t")));
    for (int i = 0; i < DEEP; i++) {
      rows =
          new Mutation.Insert(
              i % 2 == 0 ? "Author" : "Book",
              Map.of(),
              List.of(new Mutation.NestedInsert(i % 2 == 0 ? "books" : "author", List.of(rows))));
    }
    Mutation.Insert deepRows = rows;
    assertThat(refusedAtOnce(deepRows).getMessage())
        .isEqualTo(
            "mutation 0 (insert into Book): inserted rows nested too deeply (more than 256 levels)");
    assertThat(refusal(() -> MutationValidator.validate(store.schema(), 0, deepRows)).getMessage())
        .isEqualTo(
            "mutation 0 (insert into Book): inserted rows nested too deeply (more than 256 levels)");
    assertThat(store.currentLsn()).isEqualTo(before);
  }

  @Test
  void aSchemaWithADeepCheckOrPolicyIsRefused() {
    SchemaBundle base = store.schema();
    List<ConstraintDef> constraints = new ArrayList<>(base.constraints());
    constraints.add(new ConstraintDef.Check("deep", "Author", nots(DEEP), null));
    SchemaBundle deepCheck =
        new SchemaBundle(
            0,
            base.enums(),
            base.entities(),
            base.relations(),
            constraints,
            base.indexes(),
            base.policies());
    assertThat(refusal(() -> store.applySchema(deepCheck)).getMessage())
        .contains("constraint deep: " + TOO_DEEP);

    List<PolicyDef> policies = new ArrayList<>(base.policies());
    policies.add(
        new PolicyDef(
            "deep",
            "Author",
            PolicyDef.Kind.PERMISSIVE,
            Set.of(PolicyDef.Operation.SELECT),
            andOrs(DEEP),
            null));
    SchemaBundle deepPolicy =
        new SchemaBundle(
            0,
            base.enums(),
            base.entities(),
            base.relations(),
            base.constraints(),
            base.indexes(),
            policies);
    assertThat(refusal(() -> store.applySchema(deepPolicy)).getMessage())
        .contains("policy deep on Author: " + TOO_DEEP);
    assertThat(store.schemaVersions()).containsExactly(1L);
  }

  /** Runs {@code call} with about {@code frames} stack frames in use; returns what it threw. */
  private static Throwable throwsAt(int frames, Runnable call) {
    if (frames > 0) {
      return throwsAt(frames - 1, call);
    }
    try {
      call.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  /**
   * With less and less stack left, a query deep within the limit eventually runs out inside the
   * engine: the caller then gets an OrmDbException (INTERNAL, the error as its cause), not the
   * StackOverflowError.
   */
  @Test
  void aStackOverflowInsideAQueryIsThrownAsAnOrmDbException() throws Exception {
    GraphQuery q = GraphQuery.from("Author").where(nots(Nesting.MAX_LEVELS)).build();
    Throwable[] first = new Throwable[1];
    Thread t =
        new Thread(
            null,
            () -> {
              for (int frames = 0; first[0] == null; frames += 10) {
                try {
                  first[0] = throwsAt(frames, () -> store.query(q));
                } catch (StackOverflowError e) {
                  return; // throwsAt itself ran out before reaching the call
                }
              }
            },
            "small-stack",
            256 * 1024);
    t.start();
    t.join();
    assertThat(first[0])
        .as("a query ran out of stack")
        .isInstanceOf(OrmDbException.class)
        .hasCauseInstanceOf(StackOverflowError.class);
    assertThat(((OrmDbException) first[0]).code()).isEqualTo(ErrorCode.INTERNAL);
  }
}
