package io.ormdb.store.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.query.Expr;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic, null and conversion rules of computed fields, one by one. */
class ExpressionEvaluatorTest {
  private final Map<String, Value> row = new HashMap<>();

  private Value eval(Expr e) {
    return ExpressionEvaluator.eval(e, row::get);
  }

  private static Expr f(String name) {
    return Expr.field(name);
  }

  private static Expr lit(Value v) {
    return new Expr.Literal(v);
  }

  private static Expr call(String fn, Expr... args) {
    return new Expr.Call(fn, List.of(args));
  }

  @Test
  void integersComputeInInt64AndABeyondInt64ResultIsNull() {
    row.put("a", new Value.Int32(Integer.MAX_VALUE));
    row.put("b", new Value.Int32(2));
    row.put("big", new Value.Int64(Long.MAX_VALUE));
    row.put("min", new Value.Int64(Long.MIN_VALUE));

    assertThat(eval(call("*", f("a"), f("b")))).isEqualTo(new Value.Int64(4294967294L));
    assertThat(eval(call("+", f("big"), f("b")))).isEqualTo(Value.NULL);
    assertThat(eval(call("-", f("min")))).isEqualTo(Value.NULL);
    assertThat(eval(call("/", f("min"), lit(Value.of(-1L))))).isEqualTo(Value.NULL);
    assertThat(eval(call("/", lit(Value.of(-7L)), f("b")))).isEqualTo(Value.of(-3L));
    assertThat(eval(call("%", lit(Value.of(-7L)), f("b")))).isEqualTo(Value.of(-1L));
  }

  @Test
  void aDivisionOrRemainderByZeroIsNullForEveryNumberType() {
    row.put("i", Value.of(5L));
    row.put("d", new Value.Decimal(new BigDecimal("2.5")));
    row.put("x", new Value.Float64(1.5));
    row.put("s", new Value.Float32(1.5f));
    List<Value> zeros =
        List.of(
            Value.of(0L),
            new Value.Int32(0),
            new Value.Decimal(BigDecimal.ZERO),
            new Value.Float64(-0.0),
            new Value.Float32(0f));
    for (String field : List.of("i", "d", "x", "s")) {
      for (Value zero : zeros) {
        for (String op : List.of("/", "%")) {
          assertThat(eval(call(op, f(field), lit(zero))))
              .as("%s %s %s", field, op, zero)
              .isEqualTo(Value.NULL);
        }
      }
    }
  }

  @Test
  void decimalsAreExactFloatsAreFloat64AndFloat32StaysFloat32() {
    row.put("p", new Value.Decimal(new BigDecimal("10.10")));
    row.put("q", new Value.Int32(3));
    row.put("f", new Value.Float32(0.5f));
    row.put("g", new Value.Float32(0.25f));

    assertThat(eval(call("*", f("p"), f("q"))))
        .isEqualTo(new Value.Decimal(new BigDecimal("30.30")));
    assertThat(eval(call("/", f("p"), f("q"))).asDecimal())
        .isEqualByComparingTo("3.366666666666666666666666666666667");
    assertThat(eval(call("+", f("f"), f("g")))).isEqualTo(new Value.Float32(0.75f));
    assertThat(eval(call("+", f("f"), f("q")))).isEqualTo(new Value.Float64(3.5));
    assertThat(eval(call("+", f("f"), f("p")))).isEqualTo(new Value.Float64(10.6));
  }

  @Test
  void nullPropagatesExceptThroughCoalesceAndIf() {
    row.put("s", Value.of("a"));
    row.put("e", new Value.Enum("draft"));
    row.put("n", Value.NULL);

    assertThat(eval(call("+", f("s"), f("e")))).isEqualTo(Value.of("adraft"));
    assertThat(eval(call("+", f("s"), f("n")))).isEqualTo(Value.NULL);
    assertThat(eval(call("+", f("s"), f("missing")))).isEqualTo(Value.NULL);
    assertThat(eval(call("coalesce", f("n"), f("missing"), f("s")))).isEqualTo(Value.of("a"));
    assertThat(eval(call("coalesce", f("n"), f("missing")))).isEqualTo(Value.NULL);
    // an unknown condition (a comparison with null) takes the second value
    Expr cond = new Expr.If(Filter.eq("n", "x"), lit(Value.of(1L)), lit(Value.of(2L)));
    assertThat(eval(cond)).isEqualTo(Value.of(2L));
    Expr isNull = new Expr.If(new Filter.IsNull("n", false), f("s"), f("e"));
    assertThat(eval(isNull)).isEqualTo(Value.of("a"));
  }

  @Test
  void aResultBecomesAValueOfTheDeclaredType() {
    assertThat(ExpressionEvaluator.toDeclared(new Value.Int32(4), FieldType.of(ValueType.INT64)))
        .isEqualTo(Value.of(4L));
    assertThat(
            ExpressionEvaluator.toDeclared(
                new Value.Decimal(new BigDecimal("2.345")), FieldType.decimal(5, 2)))
        .as("rounded half-even to the scale")
        .isEqualTo(new Value.Decimal(new BigDecimal("2.34")));
    assertThat(
            ExpressionEvaluator.toDeclared(
                new Value.Decimal(new BigDecimal("12345.6")), FieldType.decimal(5, 2)))
        .as("beyond the precision")
        .isEqualTo(Value.NULL);
    assertThat(
            ExpressionEvaluator.toDeclared(new Value.Enum("draft"), FieldType.of(ValueType.STRING)))
        .isEqualTo(Value.of("draft"));
    assertThat(
            ExpressionEvaluator.toDeclared(
                new Value.Float32(0.5f), FieldType.of(ValueType.FLOAT64)))
        .isEqualTo(new Value.Float64(0.5));
  }
}
