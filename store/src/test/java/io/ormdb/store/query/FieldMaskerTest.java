package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Expr;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.Writes;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.query.RelationAggregate;
import io.ormdb.protocol.result.Column;
import io.ormdb.protocol.result.EdgeBlock;
import io.ormdb.protocol.result.EntityBlock;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class FieldMaskerTest {
  static final SchemaBundle SCHEMA =
      SchemaParser.parse(
          """
          entity Person {
            id     int64   @id @sensitive(restricted)
            name   string
            email  string? @sensitive(internal) @mask(hash)
            ssn    string? @sensitive(sensitive) @mask(partial(4, end, '*'))
            pin    string? @sensitive(sensitive) @mask(partial(2, start, '#'))
            salary int64?  @sensitive(sensitive) @mask(redact("***"))
            phone  string? @sensitive(sensitive)
            notes  string? @sensitive(restricted) @mask(omit)
            relation pets: one to many Pet by ownerId
          }
          entity Pet {
            id      int64  @id
            ownerId int64
            chip    string @sensitive(internal) @mask(partial(3))
            born    timestamp? @sensitive(internal) @mask(hash)
            relation owner: many to one Person by ownerId
            order by chip
          }
          """);

  static Value s(String v) {
    return v == null ? Value.NULL : new Value.Str(v);
  }

  static Column col(String name, Value... values) {
    return new Column(name, List.of(values));
  }

  /** Two persons: the second has nulls everywhere it may. */
  static EntityBlock persons() {
    return new EntityBlock(
        "",
        "Person",
        List.of(Value.of(1L), Value.of(2L)),
        List.of(1L, 1L),
        List.of(
            col("id", Value.of(1L), Value.of(2L)),
            col("name", s("Ada"), s("Bob")),
            col("email", s("ada@example.com"), Value.NULL),
            col("ssn", s("123-45-6789"), Value.NULL),
            col("pin", s("98765"), Value.NULL),
            col("salary", Value.of(120_000L), Value.NULL),
            col("phone", s("+44 20 7946 0000"), Value.NULL),
            col("notes", s("likes cats"), Value.NULL)));
  }

  static EntityBlock pets() {
    return new EntityBlock(
        "pets",
        "Pet",
        List.of(Value.of(10L)),
        List.of(3L),
        List.of(
            col("id", Value.of(10L)),
            col("ownerId", Value.of(1L)),
            col("chip", s("CHIP-00042")),
            col("born", Value.NULL)));
  }

  static QueryResult result() {
    return new QueryResult(
        List.of(persons(), pets()),
        List.of(
            new EdgeBlock(
                "pets", true, List.of(new EdgeBlock.Edge(Value.of(1L), Value.of(10L))), List.of())),
        true,
        "cursor-text",
        42L);
  }

  static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  static QueryResult masked(Sensitivity clearance) {
    return FieldMasker.mask(result(), SCHEMA, clearance);
  }

  @Test
  void restrictedClearanceSeesEverythingInClear() {
    QueryResult r = result();
    assertThat(FieldMasker.mask(r, SCHEMA, Sensitivity.RESTRICTED)).isSameAs(r);
    assertThat(FieldMasker.mask(r, SCHEMA, Sensitivity.RESTRICTED)).isEqualTo(result());
  }

  @Test
  void hashIsLowercaseHexSha256OfTheValueText() throws Exception {
    Column email = masked(Sensitivity.PUBLIC).root().column("email");
    String digest = email.values().get(0).asString();
    assertThat(digest).isEqualTo(sha256("ada@example.com")).hasSize(64).matches("[0-9a-f]{64}");
    assertThat(email.values().get(1)).isEqualTo(Value.NULL);
  }

  @Test
  void hashOfNonStringValuesDigestsTheirCanonicalText() throws Exception {
    Instant t = Instant.parse("2024-01-02T03:04:05Z");
    assertThat(FieldMasker.canonicalText(Value.Timestamp.of(t))).isEqualTo("2024-01-02T03:04:05Z");
    assertThat(FieldMasker.canonicalText(new Value.Bytes(new byte[] {(byte) 0xca, (byte) 0xfe})))
        .isEqualTo("cafe");
    assertThat(FieldMasker.canonicalText(Value.of(42L))).isEqualTo("42");
    assertThat(
            FieldMasker.canonicalText(
                new Value.Array(ValueType.STRING, List.of(s("a"), Value.NULL, s("b")))))
        .isEqualTo("[a,null,b]");
    String long80 = "x".repeat(80);
    assertThat(FieldMasker.canonicalText(s(long80))).isEqualTo(long80); // not render()'s cut
    EntityBlock pet =
        new EntityBlock(
            "",
            "Pet",
            List.of(Value.of(10L)),
            List.of(1L),
            List.of(col("born", Value.Timestamp.of(t))));
    QueryResult r =
        FieldMasker.mask(
            new QueryResult(List.of(pet), List.of(), false, null, 1), SCHEMA, Sensitivity.PUBLIC);
    assertThat(r.root().column("born").values())
        .containsExactly(new Value.Str(sha256("2024-01-02T03:04:05Z")));
  }

  @Test
  void partialKeepsTheEndOrTheStartAndMasksTheRest() {
    EntityBlock root = masked(Sensitivity.INTERNAL).root();
    assertThat(root.column("ssn").values()).containsExactly(s("*******6789"), Value.NULL);
    assertThat(root.column("pin").values()).containsExactly(s("98###"), Value.NULL);
  }

  @Test
  void partialOfAShortValueShowsItWholeAndCountsCodePoints() {
    io.ormdb.protocol.schema.Masking.Partial p =
        new io.ormdb.protocol.schema.Masking.Partial(4, true, '*');
    assertThat(FieldMasker.maskValue(s("abc"), p)).isEqualTo(s("abc"));
    // two emoji (surrogate pairs) then "1234": 6 code points, 2 masked, none split
    assertThat(FieldMasker.maskValue(s("\uD83D\uDE00\uD83D\uDE01" + "1234"), p))
        .isEqualTo(s("**1234"));
    assertThat(FieldMasker.maskValue(Value.of(1234567L), p)).isEqualTo(s("***4567"));
  }

  @Test
  void redactReplacesNonNullValuesWithTheText() {
    assertThat(masked(Sensitivity.PUBLIC).root().column("salary").values())
        .containsExactly(s("***"), Value.NULL);
  }

  @Test
  void nullifyIsTheDefaultMasking() {
    assertThat(masked(Sensitivity.INTERNAL).root().column("phone").values())
        .containsExactly(Value.NULL, Value.NULL);
  }

  @Test
  void omitRemovesTheColumn() {
    EntityBlock root = masked(Sensitivity.SENSITIVE).root();
    assertThat(root.column("notes")).isNull();
    assertThat(root.columns()).extracting(Column::name).doesNotContain("notes").contains("ssn");
    assertThat(root.ids()).containsExactly(Value.of(1L), Value.of(2L));
  }

  @Test
  void clearanceLevelsDecideWhatIsMasked() {
    // ssn is SENSITIVE: clear for SENSITIVE and RESTRICTED, masked for PUBLIC and INTERNAL
    assertThat(masked(Sensitivity.SENSITIVE).root().column("ssn").values().get(0))
        .isEqualTo(s("123-45-6789"));
    assertThat(masked(Sensitivity.RESTRICTED).root().column("ssn").values().get(0))
        .isEqualTo(s("123-45-6789"));
    assertThat(masked(Sensitivity.INTERNAL).root().column("ssn").values().get(0))
        .isEqualTo(s("*******6789"));
    assertThat(masked(Sensitivity.PUBLIC).root().column("ssn").values().get(0))
        .isEqualTo(s("*******6789"));
    // email is INTERNAL: clear from INTERNAL up
    assertThat(masked(Sensitivity.INTERNAL).root().column("email").values().get(0))
        .isEqualTo(s("ada@example.com"));
    assertThat(masked(Sensitivity.PUBLIC).root().column("email").values().get(0))
        .isNotEqualTo(s("ada@example.com"));
    // a PUBLIC field is never masked
    assertThat(masked(Sensitivity.PUBLIC).root().column("name").values())
        .containsExactly(s("Ada"), s("Bob"));
  }

  @Test
  void theIdentityIsNeverMaskedEvenWhenDeclaredSensitive() {
    EntityBlock root = masked(Sensitivity.PUBLIC).root();
    assertThat(root.column("id").values()).containsExactly(Value.of(1L), Value.of(2L));
  }

  @Test
  void includeBlocksAreMaskedAndTheRestOfTheResultIsKept() {
    QueryResult r = masked(Sensitivity.PUBLIC);
    EntityBlock pets = r.block("pets");
    assertThat(pets.column("chip").values()).containsExactly(s("*******042"));
    assertThat(pets.column("born").values()).containsExactly(Value.NULL);
    assertThat(pets.column("ownerId").values()).containsExactly(Value.of(1L));
    assertThat(pets.versions()).containsExactly(3L);
    assertThat(r.edges()).isEqualTo(result().edges());
    assertThat(r.hasMore()).isTrue();
    assertThat(r.nextCursor()).isEqualTo("cursor-text");
    assertThat(r.snapshotLsn()).isEqualTo(42L);
  }

  static AbstractThrowableAssert<?, ? extends Throwable> denied(Runnable r) {
    return assertThatThrownBy(r::run)
        .isInstanceOf(OrmDbException.class)
        .satisfies(
            e -> assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
  }

  @Test
  void orderingByAMaskedFieldIsRefused() {
    GraphQuery q = GraphQuery.from("Person").orderBy(OrderSpec.asc("ssn")).limit(1).build();
    denied(() -> FieldMasker.checkQuery(q, SCHEMA, Sensitivity.INTERNAL))
        .hasMessageContaining("order by")
        .hasMessageContaining("Person.ssn")
        .hasMessageContaining("cursors");
    assertThatCode(() -> FieldMasker.checkQuery(q, SCHEMA, Sensitivity.SENSITIVE))
        .doesNotThrowAnyException();
    GraphQuery byName = GraphQuery.from("Person").orderBy(OrderSpec.desc("name")).build();
    assertThatCode(() -> FieldMasker.checkQuery(byName, SCHEMA, Sensitivity.PUBLIC))
        .doesNotThrowAnyException();
  }

  @Test
  void aMaskedDefaultOrderIsRefusedUnlessTheQueryOrdersByAVisibleField() {
    GraphQuery byDefault = GraphQuery.from("Pet").build();
    denied(() -> FieldMasker.checkQuery(byDefault, SCHEMA, Sensitivity.PUBLIC))
        .hasMessageContaining("Pet.chip")
        .hasMessageContaining("default order");
    GraphQuery explicit = GraphQuery.from("Pet").orderBy(OrderSpec.asc("id")).build();
    assertThatCode(() -> FieldMasker.checkQuery(explicit, SCHEMA, Sensitivity.PUBLIC))
        .doesNotThrowAnyException();
  }

  @Test
  void includeOrderAndFilterAreCheckedToo() {
    GraphQuery viaDefault = GraphQuery.from("Person").include("pets").build();
    denied(() -> FieldMasker.checkQuery(viaDefault, SCHEMA, Sensitivity.PUBLIC))
        .hasMessageContaining("include 'pets'");
    Include filtered =
        new Include(
            "pets",
            List.of(),
            Filter.eq("chip", "CHIP-00042"),
            List.of(OrderSpec.asc("id")),
            Pagination.NONE);
    GraphQuery q = GraphQuery.from("Person").include(filtered).build();
    denied(() -> FieldMasker.checkQuery(q, SCHEMA, Sensitivity.PUBLIC))
        .hasMessageContaining("filter of include 'pets'")
        .hasMessageContaining("Pet.chip");
    assertThatCode(() -> FieldMasker.checkQuery(q, SCHEMA, Sensitivity.INTERNAL))
        .doesNotThrowAnyException();
  }

  @Test
  void filteringOnAMaskedFieldIsRefusedAtAnyDepth() {
    Filter nested =
        Filter.and(
            Filter.eq("name", "Ada"),
            Filter.not(Filter.or(Filter.eq("name", "Bob"), Filter.cmp("salary", Filter.Op.GT, 1))));
    GraphQuery q = GraphQuery.from("Person").where(nested).build();
    denied(() -> FieldMasker.checkQuery(q, SCHEMA, Sensitivity.INTERNAL))
        .hasMessageContaining("filter")
        .hasMessageContaining("Person.salary");
    GraphQuery isNull = GraphQuery.from("Person").where(new Filter.IsNull("notes", false)).build();
    denied(() -> FieldMasker.checkQuery(isNull, SCHEMA, Sensitivity.SENSITIVE))
        .hasMessageContaining("Person.notes");
    GraphQuery visible = GraphQuery.from("Person").where(Filter.eq("name", "Ada")).build();
    assertThatCode(() -> FieldMasker.checkQuery(visible, SCHEMA, Sensitivity.PUBLIC))
        .doesNotThrowAnyException();
  }

  @Test
  void aggregatesOverMaskedFieldsAreRefusedButCountOfRowsIsAllowed() {
    AggregateQuery sum =
        new AggregateQuery(
            "Person",
            List.of(new AggregateQuery.Aggregation(AggregateQuery.Function.SUM, "salary")),
            null,
            List.of(),
            null);
    denied(() -> FieldMasker.checkAggregate(sum, SCHEMA, Sensitivity.INTERNAL))
        .hasMessageContaining("sum(salary)")
        .hasMessageContaining("Person.salary");
    assertThatCode(() -> FieldMasker.checkAggregate(sum, SCHEMA, Sensitivity.SENSITIVE))
        .doesNotThrowAnyException();
    AggregateQuery grouped =
        new AggregateQuery(
            "Person",
            List.of(new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, null)),
            null,
            List.of("ssn"),
            null);
    denied(() -> FieldMasker.checkAggregate(grouped, SCHEMA, Sensitivity.PUBLIC))
        .hasMessageContaining("group by");
    AggregateQuery count =
        new AggregateQuery(
            "Person",
            List.of(new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, null)),
            Filter.eq("name", "Ada"),
            List.of(),
            null);
    assertThatCode(() -> FieldMasker.checkAggregate(count, SCHEMA, Sensitivity.PUBLIC))
        .doesNotThrowAnyException();
  }

  @Test
  void aggregatesOverARelationAreCheckedLikeStandaloneAggregates() {
    GraphQuery first =
        GraphQuery.from("Person")
            .aggregate(RelationAggregate.of("first", AggregateQuery.Function.MIN, "pets", "chip"))
            .build();
    denied(() -> FieldMasker.checkQuery(first, SCHEMA, Sensitivity.PUBLIC))
        .hasMessage(
            "select: aggregate first = min(pets.chip): field Pet.chip is internal and masked for"
                + " this session (clearance public); only count of rows is allowed over it");
    assertThatCode(() -> FieldMasker.checkQuery(first, SCHEMA, Sensitivity.INTERNAL))
        .doesNotThrowAnyException();
    GraphQuery filtered =
        GraphQuery.from("Pet")
            .orderBy(OrderSpec.asc("id"))
            .include(
                Include.of("owner")
                    .withAggregates(
                        RelationAggregate.count("young", "pets")
                            .where(new Filter.IsNull("born", true))))
            .build();
    denied(() -> FieldMasker.checkQuery(filtered, SCHEMA, Sensitivity.PUBLIC))
        .hasMessageContaining("select of include 'owner': aggregate young = count(pets), where")
        .hasMessageContaining("Pet.born");
    GraphQuery count =
        GraphQuery.from("Person").aggregate(RelationAggregate.count("pets", "pets")).build();
    assertThatCode(() -> FieldMasker.checkQuery(count, SCHEMA, Sensitivity.PUBLIC))
        .doesNotThrowAnyException();
  }

  @Test
  void writesThatReadMaskedFieldsAreRefusedAndDeepOnesStopBeforeTheStack() {
    MutationBatch copy =
        MutationBatch.of(Writes.update("Person", 1L).set("name", Writes.field("salary")).build());
    assertThatCode(() -> FieldMasker.checkMutation(copy, SCHEMA, Sensitivity.SENSITIVE))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> FieldMasker.checkMutation(copy, SCHEMA, Sensitivity.INTERNAL))
        .isInstanceOf(OrmDbException.class)
        .hasMessage(
            "computed value salary: field Person.salary is sensitive and masked for this session"
                + " (clearance internal); writing it elsewhere would reveal its values");
    MutationBatch byChip =
        MutationBatch.of(
            Writes.update("Person", 1L)
                .nested(Writes.on("pets").delete(Writes.key("chip", "abc")))
                .build());
    assertThatThrownBy(() -> FieldMasker.checkMutation(byChip, SCHEMA, Sensitivity.PUBLIC))
        .hasMessageStartingWith("key: field Pet.chip is internal and masked");

    Expr deep = Writes.field("salary");
    for (int i = 0; i < 100_000; i++) {
      deep = new Expr.Arith(Expr.Op.ADD, Expr.of(Value.of(1L)), deep);
    }
    MutationBatch tooDeep = MutationBatch.of(Writes.update("Person", 1L).set("name", deep).build());
    assertThatThrownBy(() -> FieldMasker.checkMutation(tooDeep, SCHEMA, Sensitivity.PUBLIC))
        .isInstanceOf(OrmDbException.class)
        .hasMessage("mutation nested too deeply (more than 256 levels)")
        .extracting(e -> ((OrmDbException) e).code())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
  }
}
