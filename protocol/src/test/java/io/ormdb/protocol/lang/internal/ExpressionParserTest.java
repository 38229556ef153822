package io.ormdb.protocol.lang.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.Filter.Op;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpressionParserTest {

  static Filter parse(String text) {
    TokenStream ts = new TokenStream(text);
    Filter f = new ExpressionParser(ts).expression();
    ts.expect(TokenKind.EOF);
    return f;
  }

  @Test
  void precedenceIsNotThenAndThenOr() {
    assertThat(parse("a == 1 || b == 2 && !c == 3"))
        .isEqualTo(
            new Filter.Or(
                List.of(
                    Filter.cmp("a", Op.EQ, 1L),
                    new Filter.And(
                        List.of(
                            Filter.cmp("b", Op.EQ, 2L),
                            new Filter.Not(Filter.cmp("c", Op.EQ, 3L)))))));
  }

  @Test
  void keywordOperatorsMeanTheSameAsSymbols() {
    assertThat(parse("not (a > 1 and b < 2) or c >= 3"))
        .isEqualTo(parse("!(a > 1 && b < 2) || c >= 3"));
  }

  @Test
  void chainsAreNaryAndParenthesesGroupWithoutAddingNodes() {
    assertThat(parse("a == 1 && b == 2 && c == 3"))
        .isEqualTo(
            new Filter.And(
                List.of(
                    Filter.cmp("a", Op.EQ, 1L),
                    Filter.cmp("b", Op.EQ, 2L),
                    Filter.cmp("c", Op.EQ, 3L))));
    assertThat(parse("(a == 1 && b == 2) && c == 3"))
        .isEqualTo(
            new Filter.And(
                List.of(
                    new Filter.And(List.of(Filter.cmp("a", Op.EQ, 1L), Filter.cmp("b", Op.EQ, 2L))),
                    Filter.cmp("c", Op.EQ, 3L))));
    assertThat(parse("((((x != \"y\"))))")).isEqualTo(Filter.cmp("x", Op.NE, "y"));
  }

  @Test
  void predicates() {
    assertThat(parse("role in [\"a\", \"b\"]"))
        .isEqualTo(new Filter.In("role", List.of(Value.of("a"), Value.of("b")), false));
    assertThat(parse("n not in [1, -2]"))
        .isEqualTo(new Filter.In("n", List.of(Value.of(1L), Value.of(-2L)), true));
    assertThat(parse("name like \"A%\"")).isEqualTo(new Filter.Like("name", "A%", false));
    assertThat(parse("name not like 'A%'")).isEqualTo(new Filter.Like("name", "A%", true));
    assertThat(parse("x is null")).isEqualTo(new Filter.IsNull("x", false));
    assertThat(parse("x is not null")).isEqualTo(new Filter.IsNull("x", true));
    assertThat(parse("x == null")).isEqualTo(new Filter.IsNull("x", false));
    assertThat(parse("x != null")).isEqualTo(new Filter.IsNull("x", true));
    assertThat(parse("true")).isEqualTo(new Filter.Const(true));
    assertThat(parse("ownerId == $user.id"))
        .isEqualTo(new Filter.AttrCompare("ownerId", Op.EQ, "user.id"));
    assertThat(parse("`in` == 1")).isEqualTo(Filter.cmp("in", Op.EQ, 1L));
  }

  @Test
  void literals() {
    assertThat(parse("p == 12.50m"))
        .isEqualTo(new Filter.Compare("p", Op.EQ, new Value.Decimal(new BigDecimal("12.50"))));
    assertThat(parse("p == 1.5")).isEqualTo(new Filter.Compare("p", Op.EQ, new Value.Float64(1.5)));
    assertThat(parse("p == -9223372036854775808"))
        .isEqualTo(new Filter.Compare("p", Op.EQ, new Value.Int64(Long.MIN_VALUE)));
    assertThat(parse("p == false")).isEqualTo(new Filter.Compare("p", Op.EQ, Value.FALSE));
    TokenStream ts = new TokenStream("[1, null, 3]");
    assertThat(new ExpressionParser(ts).literal())
        .isEqualTo(
            new Value.Array(ValueType.INT64, List.of(Value.of(1L), Value.NULL, Value.of(3L))));
  }

  @Test
  void recordsFieldAndAttributeReferencesWithPositions() {
    TokenStream ts = new TokenStream("a == 1 &&\n  b == $user.id");
    ExpressionParser p = new ExpressionParser(ts);
    p.expression();
    assertThat(p.fieldRefs())
        .extracting(r -> r.name() + "@" + r.token().line() + ":" + r.token().column())
        .containsExactly("a@1:1", "b@2:3");
    assertThat(p.attributeRefs())
        .extracting(ExpressionParser.NameRef::name)
        .containsExactly("user.id");
  }
}
