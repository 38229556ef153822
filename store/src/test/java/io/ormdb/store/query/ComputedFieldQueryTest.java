package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.MutationValidator;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Computed fields through the store: returned like fields at the root and in includes, filtered and
 * ordered by, aggregated (by rows, not from the columns, when virtual), a stored one kept on write
 * and found through its index, writes that give one refused, and virtual values never in the
 * changelog.
 */
class ComputedFieldQueryTest {
  static final String SCHEMA =
      """
      entity Person {
        id          int64   @id
        first_name  string
        middle_name string?
        last_name   string
        score       int32
        bonus       int32?
        ssn         string? @sensitive(restricted)
        full_name   string  = first_name + " " + last_name
        middle      string  = coalesce(middle_name, "-")
        total       int64?  = score + bonus
        ratio       decimal(10, 2)? = score * 1.0m / bonus
        grade       string  = if(score >= 90, "A", if(score >= 50, "B", "C"))
        rank        int64   = score * 10 + 1 @stored @index
        tag         string? = "#" + ssn
        relation reviews: one to many Review by personId
      }
      entity Review {
        id       int64 @id
        personId int64
        stars    int32
        double   int64 = stars * 2
        relation person: many to one Person by personId
      }
      """;

  private OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(SchemaParser.parse(SCHEMA));
    List<Mutation> rows = new ArrayList<>();
    rows.add(person(1, "Ada", null, "Lovelace", 95, 10, "123456789"));
    rows.add(person(2, "Grace", "Brewster", "Hopper", 60, null, null));
    rows.add(person(3, "Alan", null, "Turing", 40, 0, null));
    rows.add(person(4, "Edsger", "W", "Dijkstra", 90, 5, null));
    rows.add(insert("Review", "id", 10L, "personId", 1L, "stars", 5));
    rows.add(insert("Review", "id", 11L, "personId", 1L, "stars", 3));
    rows.add(insert("Review", "id", 12L, "personId", 2L, "stars", 4));
    rows.add(insert("Review", "id", 13L, "personId", 4L, "stars", 1));
    store.commit(new MutationBatch(rows));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Mutation person(
      long id, String first, String middle, String last, int score, Integer bonus, String ssn) {
    return insert(
        "Person",
        "id",
        id,
        "first_name",
        first,
        "middle_name",
        middle,
        "last_name",
        last,
        "score",
        score,
        "bonus",
        bonus,
        "ssn",
        ssn);
  }

  private static Mutation insert(String entity, Object... kv) {
    Map<String, Value> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], Values.of(kv[i + 1]));
    }
    return new Mutation.Insert(entity, m);
  }

  private Object run(String text) {
    Statement s = QueryParser.parse(text, store.schema());
    if (s instanceof Statement.Find f) {
      return store.query(f.query());
    } else if (s instanceof Statement.Aggregate a) {
      return store.aggregate(a.query());
    }
    return store.commit(((Statement.Write) s).batch());
  }

  private List<Map<String, Object>> objects(String text) {
    return ResultObjects.toMaps((QueryResult) run(text));
  }

  private List<Object> column(String text, String field) {
    List<Object> out = new ArrayList<>();
    for (Map<String, Object> o : objects(text)) {
      out.add(o.get(field));
    }
    return out;
  }

  @Test
  void computedFieldsAreReturnedLikeFields() {
    List<Map<String, Object>> people =
        objects(
            "Person.findMany().select(id, full_name, middle, total, ratio, grade, rank)"
                + ".orderBy(id)");

    assertThat(people)
        .extracting(p -> p.get("full_name"))
        .containsExactly("Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra");
    assertThat(people).extracting(p -> p.get("middle")).containsExactly("-", "Brewster", "-", "W");
    assertThat(people).extracting(p -> p.get("total")).containsExactly(105L, null, 40L, 95L);
    assertThat(people)
        .as("a division by zero (Alan's bonus) and by null (Grace's) are null")
        .extracting(p -> p.get("ratio"))
        .containsExactly(new BigDecimal("9.50"), null, null, new BigDecimal("18.00"));
    assertThat(people).extracting(p -> p.get("grade")).containsExactly("A", "B", "C", "A");
    assertThat(people).extracting(p -> p.get("rank")).containsExactly(951L, 601L, 401L, 901L);
    // all fields by default, in includes too
    Map<String, Object> ada =
        objects("Person.findUnique().where(id == 1).include(reviews, orderBy: id)").get(0);
    assertThat(ada).containsEntry("full_name", "Ada Lovelace").containsEntry("tag", "#123456789");
    assertThat(children(ada, "reviews", "double")).containsExactly(10L, 6L);
  }

  @Test
  void computedFieldsFilterAndOrderAtTheRootAndInIncludes() {
    assertThat(column("Person.findMany().where(full_name == \"Alan Turing\")", "id"))
        .containsExactly(3L);
    assertThat(column("Person.findMany().where(grade == \"A\" && total > 100)", "id"))
        .containsExactly(1L);
    assertThat(column("Person.findMany().where(full_name like \"%a%\").orderBy(id)", "id"))
        .containsExactly(1L, 2L, 3L, 4L);
    assertThat(column("Person.findMany().orderBy(full_name.desc)", "id"))
        .containsExactly(2L, 4L, 3L, 1L);
    assertThat(column("Person.findMany().orderBy(total.nullsLast)", "id"))
        .containsExactly(3L, 4L, 1L, 2L);
    assertThat(column("Person.findMany().orderBy(total.desc)", "id"))
        .as("null is the smallest value by default")
        .containsExactly(1L, 4L, 3L, 2L);
    assertThat(column("Review.findMany().orderBy(person.full_name, double.desc)", "id"))
        .as("a related row's computed field")
        .containsExactly(10L, 11L, 13L, 12L);
    Map<String, Object> ada =
        objects(
                "Person.findUnique().where(id == 1)"
                    + ".include(reviews, where: double >= 6, orderBy: double)")
            .get(0);
    assertThat(children(ada, "reviews", "id")).containsExactly(11L, 10L);
  }

  @Test
  void computedFieldsAreAggregatedFromRowsNotColumns() {
    AggregateResult r =
        (AggregateResult)
            run(
                "Person.aggregate(count(total), sum(total), avg(rank), max(full_name))"
                    + ".groupBy(grade)");
    assertThat(r.rows())
        .containsExactly(
            List.of(
                Value.of("A"),
                Value.of(2L),
                Value.of(200L),
                Value.of(926.0),
                Value.of("Edsger Dijkstra")),
            List.of(
                Value.of("B"), Value.of(0L), Value.NULL, Value.of(601.0), Value.of("Grace Hopper")),
            List.of(
                Value.of("C"),
                Value.of(1L),
                Value.of(40L),
                Value.of(401.0),
                Value.of("Alan Turing")));
    AggregateQuery virtual =
        ((Statement.Aggregate) QueryParser.parse("Person.aggregate(avg(total))")).query();
    assertThat(store.explain(virtual).steps().get(0).access()).isEqualTo("scan");
    AggregateQuery stored =
        ((Statement.Aggregate) QueryParser.parse("Person.aggregate(avg(rank))")).query();
    assertThat(store.explain(stored).steps().get(0).access())
        .as("a stored computed field is a column like any stored field")
        .isEqualTo("columnar");
    assertThat(((AggregateResult) run("Person.aggregate(avg(rank))")).rows())
        .containsExactly(List.of(Value.of(713.5)));
    // an aggregate over a relation, in a shape
    Map<String, Object> ada =
        objects("Person.findUnique().where(id == 1).select(id, sum2: sum(reviews.double))").get(0);
    assertThat(ada).containsEntry("sum2", 16L);
  }

  @Test
  void aStoredComputedFieldIsWrittenWithItsRowAndFoundThroughItsIndex() {
    GraphQuery byRank =
        ((Statement.Find) QueryParser.parse("Person.findMany().where(rank == 901)")).query();
    assertThat(store.explain(byRank, false).text()).contains("Person_rank_idx");
    assertThat(ids(store.query(byRank))).containsExactly(4L);

    run("Person.update(id: 4).set({ score: 70 })");

    assertThat(ids(store.query(byRank))).as("the old value is no longer indexed").isEmpty();
    assertThat(column("Person.findMany().where(rank == 701)", "id")).containsExactly(4L);
    assertThat(column("Person.findMany().where(id == 4)", "grade")).containsExactly("B");
    // the change event carries the stored value, never a virtual one
    List<ChangeSet> sets = store.changes(0, 100);
    ChangeEvent update = sets.get(sets.size() - 1).events().get(0);
    assertThat(update.after()).containsEntry("rank", Value.of(701L));
    assertThat(update.after()).doesNotContainKeys("full_name", "grade", "total", "middle");
    assertThat(update.changedFields()).containsExactlyInAnyOrder("score", "rank");
    ChangeEvent insert = sets.get(0).events().get(0);
    assertThat(insert.after()).containsKey("rank").doesNotContainKey("full_name");
  }

  @Test
  void aWriteThatGivesAComputedFieldIsRefusedNamingIt() {
    String message =
        "field Person.full_name is computed from first_name + \" \" + last_name and cannot be"
            + " written; write the fields it reads instead";
    String[] writes = {
      "Person.create({ id: 9, first_name: \"A\", last_name: \"B\", score: 1, full_name: \"A B\" })",
      "Person.update(id: 1).set({ full_name: \"x\" })",
      "Person.updateMany().where(id == 1).set({ full_name: \"x\" })",
    };
    for (String w : writes) {
      OrmDbException e = catchThrowableOfType(OrmDbException.class, () -> run(w));
      assertThat(e.code()).as(w).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(e.getMessage()).as(w).endsWith(message);
      Mutation m = ((Statement.Write) QueryParser.parse(w)).batch().mutations().get(0);
      OrmDbException pre =
          catchThrowableOfType(
              OrmDbException.class, () -> MutationValidator.validate(store.schema(), 0, m));
      assertThat(pre.getMessage()).as("the pre-check of " + w).endsWith(message);
    }
    assertThat(column("Person.findMany().where(id == 1)", "full_name"))
        .containsExactly("Ada Lovelace");
    // a stored one too
    OrmDbException e =
        catchThrowableOfType(
            OrmDbException.class, () -> run("Person.update(id: 1).set({ rank: 3 })"));
    assertThat(e.getMessage())
        .endsWith(
            "field Person.rank is computed from score * 10 + 1 and cannot be written; write the"
                + " fields it reads instead");
  }

  @Test
  void writesFilterOnComputedFieldsAndChecksReadThem() {
    run("Person.updateMany().where(grade == \"C\").set({ bonus: 7 })");
    assertThat(column("Person.findMany().where(bonus == 7)", "id")).containsExactly(3L);

    try (OrmStore checked = OrmStore.open(StoreConfig.inMemory())) {
      checked.applySchema(
          SchemaParser.parse(
              SCHEMA.replace(
                  "relation reviews:",
                  "check cap (total is null || total < 200)\n  relation reviews:")));
      checked.commit(new MutationBatch(List.of(person(1, "A", null, "B", 150, 10, null))));
      OrmDbException e =
          catchThrowableOfType(
              OrmDbException.class,
              () ->
                  checked.commit(
                      new MutationBatch(
                          List.of(
                              new Mutation.Update(
                                  "Person", Value.of(1L), Map.of("bonus", Value.of(60)), 0)))));
      assertThat(e.code()).isEqualTo(ErrorCode.CONSTRAINT_VIOLATION);
      assertThat(e.getMessage())
          .isEqualTo("mutation 0 (update Person): check constraint cap violated by total=210");
    }
  }

  @Test
  void updatesRecomputeWhatTheyChange() {
    run("Person.update(id: 3).set({ last_name: \"Kay\", bonus: 2 })");
    Map<String, Object> alan = objects("Person.findUnique().where(id == 3)").get(0);
    assertThat(alan)
        .containsEntry("full_name", "Alan Kay")
        .containsEntry("total", 42L)
        .containsEntry("ratio", new BigDecimal("20.00"));
  }

  @Test
  void aComputedFieldOverAMaskedFieldIsMaskedToo() {
    QueryResult r = (QueryResult) run("Person.findMany().select(id, tag, full_name).orderBy(id)");
    QueryResult masked = FieldMasker.mask(r, store.schema(), Sensitivity.INTERNAL);
    assertThat(ResultObjects.toMaps(masked))
        .extracting(p -> p.get("tag"))
        .containsExactly(null, null, null, null);
    assertThat(ResultObjects.toMaps(masked))
        .extracting(p -> p.get("full_name"))
        .containsExactly("Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra");
    OrmDbException e =
        catchThrowableOfType(
            OrmDbException.class,
            () ->
                FieldMasker.checkQuery(
                    ((Statement.Find) QueryParser.parse("Person.findMany().where(tag == \"#1\")"))
                        .query(),
                    store.schema(),
                    Sensitivity.INTERNAL));
    assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(e.getMessage())
        .isEqualTo(
            "filter: field Person.tag is restricted and masked for this session (clearance"
                + " internal); filtering on it would reveal its values");
  }

  private static List<Object> children(Map<String, Object> parent, String relation, String field) {
    List<Object> out = new ArrayList<>();
    for (Object child : (List<?>) parent.get(relation)) {
      out.add(((Map<?, ?>) child).get(field));
    }
    return out;
  }

  private static List<Long> ids(QueryResult r) {
    return r.root().ids().stream().map(Value::asLong).toList();
  }
}
