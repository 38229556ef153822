package io.ormdb.protocol.lang.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.lang.FilterPrinter;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.value.Value;
import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any filter printed by {@link FilterPrinter} parses back to an equal filter. */
class FilterRoundTripTest {

  @Property(tries = 500)
  void printedFiltersParseBackEqual(@ForAll("filters") Filter filter) {
    String text = FilterPrinter.print(filter);
    assertThat(ExpressionParserTest.parse(text)).as(text).isEqualTo(filter);
  }

  @Provide
  Arbitrary<Filter> filters() {
    return filters(4);
  }

  /** Filters nested up to {@code depth} levels of and / or / not. */
  static Arbitrary<Filter> filters(int depth) {
    if (depth == 0) {
      return leaf();
    }
    Arbitrary<Filter> inner = filters(depth - 1);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, leaf()),
        net.jqwik.api.Tuple.of(1, inner.list().ofMinSize(2).ofMaxSize(3).map(Filter.And::new)),
        net.jqwik.api.Tuple.of(1, inner.list().ofMinSize(2).ofMaxSize(3).map(Filter.Or::new)),
        net.jqwik.api.Tuple.of(1, inner.map(Filter.Not::new)));
  }

  static Arbitrary<String> names() {
    return Arbitraries.oneOf(
        Arbitraries.of("a", "name", "createdAt", "_x1", "Ünïcode", "in", "not", "null", "like"),
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8));
  }

  static Arbitrary<Value> values() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(12).map(Value.Str::new),
        Arbitraries.longs().map(Value.Int64::new),
        Arbitraries.doubles()
            .withSpecialValue(-0.0)
            .withSpecialValue(1e300)
            .withSpecialValue(Double.MIN_VALUE)
            .withSpecialValue(Double.NaN)
            .withSpecialValue(Double.NEGATIVE_INFINITY)
            .map(Value.Float64::new),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(4).map(Value.Bytes::new),
        Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(0, 8))
            .as((unscaled, scale) -> new Value.Decimal(BigDecimal.valueOf(unscaled, scale))),
        Arbitraries.of(Value.TRUE, Value.FALSE));
  }

  static Arbitrary<Filter> leaf() {
    Arbitrary<Filter.Op> ops = Arbitraries.of(Filter.Op.class);
    return Arbitraries.oneOf(
        Combinators.combine(names(), ops, values()).as(Filter.Compare::new),
        Combinators.combine(names(), values().list().ofMaxSize(4), Arbitraries.of(true, false))
            .as(Filter.In::new),
        Combinators.combine(names(), Arbitraries.of(true, false)).as(Filter.IsNull::new),
        Combinators.combine(
                names(), Arbitraries.strings().ofMaxLength(10), Arbitraries.of(true, false))
            .as(Filter.Like::new),
        Combinators.combine(names(), ops, names().list().ofMinSize(1).ofMaxSize(3))
            .as((f, op, parts) -> new Filter.AttrCompare(f, op, String.join(".", parts))),
        Arbitraries.of(true, false).map(Filter.Const::new));
  }

  @Property(tries = 50)
  void printingIsStable(@ForAll("filters") Filter filter) {
    String once = FilterPrinter.print(filter);
    assertThat(FilterPrinter.print(ExpressionParserTest.parse(once))).isEqualTo(once);
  }

  @org.junit.jupiter.api.Test
  void printsReadableText() {
    Filter f =
        Filter.and(
            Filter.eq("status", "active"),
            Filter.or(
                Filter.cmp("age", Filter.Op.GT, 18L), Filter.not(Filter.eq("verified", true))),
            new Filter.In("role", List.of(Value.of("a"), Value.of("b")), true));
    assertThat(FilterPrinter.print(f))
        .isEqualTo(
            "status == \"active\" && (age > 18 || !(verified == true)) && role not in [\"a\", \"b\"]");
  }
}
