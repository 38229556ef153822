package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.AggregateQuery.Aggregation;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.view.ReadView;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryAggregateTest {
  private final QueryEngine engine = new QueryEngine();

  private static Aggregation a(Function f, String field) {
    return new Aggregation(f, field);
  }

  private static List<Value> row(Object... values) {
    return Arrays.stream(values).map(Value::of).toList();
  }

  @Test
  void groupByCityWithNullsIgnoredAndGroupsOrdered() {
    // 10 users: city cycles Paris(1,5,9) Rome(2,6,10) null(3,7) Berlin(4,8); age 20+i, null for 7
    ReadView view = Blog.data(10, 0, 0).view();
    AggregateResult r =
        engine.aggregate(
            view,
            new AggregateQuery(
                "User",
                List.of(
                    a(Function.COUNT, null),
                    a(Function.COUNT, "age"),
                    a(Function.SUM, "age"),
                    a(Function.AVG, "age"),
                    a(Function.MIN, "name"),
                    a(Function.MAX, "age")),
                null,
                List.of("city"),
                null),
            Map.of());
    assertThat(r.columns())
        .containsExactly(
            "city", "count", "count(age)", "sum(age)", "avg(age)", "min(name)", "max(age)");
    assertThat(r.rows())
        .containsExactly(
            row(null, 2L, 1L, 23L, 23.0, "user3", 23),
            row("Berlin", 2L, 2L, 52L, 26.0, "user4", 28),
            row("Paris", 3L, 3L, 75L, 25.0, "user1", 29),
            row("Rome", 3L, 3L, 78L, 26.0, "user10", 30));
    assertThat(r.snapshotLsn()).isEqualTo(view.lsn());
  }

  @Test
  void noMatchingRows() {
    ReadView view = Blog.data(5, 0, 0).view();
    AggregateQuery none =
        new AggregateQuery(
            "User",
            List.of(a(Function.COUNT, null), a(Function.SUM, "age"), a(Function.MIN, "age")),
            Filter.eq("name", "nobody"),
            null,
            null);
    assertThat(engine.aggregate(view, none, Map.of()).rows())
        .containsExactly(Arrays.asList(Value.of(0L), Value.NULL, Value.NULL));
    AggregateQuery grouped =
        new AggregateQuery("User", none.aggregations(), none.filter(), List.of("city"), null);
    assertThat(engine.aggregate(view, grouped, Map.of()).rows()).isEmpty();
  }

  private static ReadView ledger(Object[][] rows) {
    EntityDef e =
        new EntityDef(
            "Entry",
            "id",
            List.of(
                FieldDef.of("id", FieldType.of(ValueType.INT64)),
                FieldDef.of("n", FieldType.of(ValueType.INT64)).asOptional(),
                FieldDef.of("x", FieldType.of(ValueType.FLOAT64)).asOptional(),
                FieldDef.of("d", FieldType.decimal(10, 2)).asOptional()),
            false,
            List.of());
    TestData d =
        new TestData(
            new SchemaBundle(1, List.of(), List.of(e), List.of(), List.of(), List.of(), List.of()));
    long id = 1;
    for (Object[] r : rows) {
      d.insert("Entry", "id", id++, "n", r[0], "x", r[1], "d", r[2]);
    }
    return d.view();
  }

  @Test
  void resultTypesForFloatsAndDecimals() {
    ReadView view =
        ledger(
            new Object[][] {
              {1L, 0.5, new BigDecimal("1.10")},
              {2L, 0.25, new BigDecimal("2.20")},
              {null, null, new BigDecimal("0.05")}
            });
    AggregateResult r =
        engine.aggregate(
            view,
            new AggregateQuery(
                "Entry",
                List.of(
                    a(Function.SUM, "n"),
                    a(Function.AVG, "n"),
                    a(Function.SUM, "x"),
                    a(Function.AVG, "x"),
                    a(Function.SUM, "d"),
                    a(Function.AVG, "d"),
                    a(Function.MAX, "d")),
                null,
                null,
                null),
            Map.of());
    assertThat(r.rows().get(0))
        .containsExactly(
            Value.of(3L),
            Value.of(1.5),
            Value.of(0.75),
            Value.of(0.375),
            Value.of(new BigDecimal("3.35")),
            Value.of(new BigDecimal("1.116666666666666666666666666666667")),
            Value.of(new BigDecimal("2.20")));
  }

  @Test
  void integerSumOverflowIsAnError() {
    ReadView view = ledger(new Object[][] {{Long.MAX_VALUE, null, null}, {1L, null, null}});
    assertThatThrownBy(
            () ->
                engine.aggregate(
                    view,
                    new AggregateQuery("Entry", List.of(a(Function.SUM, "n")), null, null, null),
                    Map.of()))
        .isInstanceOf(OrmDbException.class)
        .hasMessage("aggregate sum(n) on entity Entry overflows int64")
        .satisfies(
            e -> assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    // avg does not overflow: it sums exactly
    assertThat(
            engine
                .aggregate(
                    view,
                    new AggregateQuery("Entry", List.of(a(Function.AVG, "n")), null, null, null),
                    Map.of())
                .rows()
                .get(0))
        .containsExactly(Value.of(4.611686018427388E18));
  }

  @Test
  void aCustomSourceFeedsTheSameExecutor() {
    AggregateSource constant =
        (view, entity, filter, columns, sink) ->
            sink.accept(
                new ColumnBatch(
                    3,
                    java.util.Collections.singletonList(
                        new Value[] {Value.of(5), Value.of(7), Value.NULL})));
    QueryEngine custom = new QueryEngine(10, constant);
    AggregateResult r =
        custom.aggregate(
            Blog.data(1, 0, 0).view(),
            new AggregateQuery(
                "User", List.of(a(Function.SUM, "age"), a(Function.COUNT, null)), null, null, null),
            Map.of());
    assertThat(r.rows()).containsExactly(row(12L, 3L));
  }

  /** More groups than the budget's maxEntities is BUDGET_EXCEEDED, never a truncated result. */
  @Test
  void moreGroupsThanTheBudgetAreRefused() {
    ReadView view = Blog.data(10, 0, 0).view(); // 4 cities (null included), 10 names
    AggregateQuery byCity =
        new AggregateQuery("User", List.of(a(Function.COUNT, null)), null, List.of("city"), null);
    AggregateQuery byName =
        new AggregateQuery("User", List.of(a(Function.COUNT, null)), null, List.of("name"), null);
    QueryBudget four = new QueryBudget(5, 4, 50_000);
    assertThat(engine.aggregate(view, byCity, Map.of(), four).rows()).hasSize(4);
    assertThatThrownBy(() -> engine.aggregate(view, byName, Map.of(), four))
        .isInstanceOf(OrmDbException.class)
        .satisfies(
            e -> assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED))
        .hasMessage(
            "the aggregate over User grouped by [name] has more than 4 groups (the"
                + " budget's maxEntities); narrow its filter or group by fewer values");
    assertThat(engine.aggregate(view, byName, Map.of()).rows()).hasSize(10);
  }
}
