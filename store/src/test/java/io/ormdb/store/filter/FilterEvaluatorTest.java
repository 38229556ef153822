package io.ormdb.store.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.Filter.Op;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.EnumDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterEvaluatorTest {
  private static final EntityDef USER =
      new EntityDef(
          "User",
          "id",
          List.of(
              FieldDef.of("id", FieldType.of(ValueType.UUID)),
              FieldDef.of("name", FieldType.of(ValueType.STRING)),
              FieldDef.of("age", FieldType.of(ValueType.INT32)).asOptional(),
              FieldDef.of("role", FieldType.enumType("Role")),
              FieldDef.of("createdAt", FieldType.of(ValueType.TIMESTAMP))),
          false,
          List.of());
  private static final SchemaBundle SCHEMA =
      new SchemaBundle(
          1,
          List.of(new EnumDef("Role", List.of("admin", "member"))),
          List.of(USER),
          List.of(),
          List.of(),
          List.of(),
          List.of());

  private static Map<String, Value> row(String name, Integer age) {
    Map<String, Value> m = new HashMap<>();
    m.put("name", Value.of(name));
    m.put("age", age == null ? Value.NULL : Value.of(age));
    m.put("role", new Value.Enum("member"));
    m.put("createdAt", Value.Timestamp.of(Instant.parse("2024-05-01T00:00:00Z")));
    return m;
  }

  private static boolean eval(Filter f, Map<String, Value> row) {
    Filter bound = FilterBinder.bind(f, USER, SCHEMA, Map.of("user.age", Value.of(30)), "filter");
    return FilterEvaluator.matches(bound, row::get);
  }

  @Test
  void comparesAcrossNumericTypes() {
    assertThat(eval(Filter.cmp("age", Op.GT, 18L), row("a", 20))).isTrue();
    assertThat(eval(Filter.cmp("age", Op.LE, 19.5), row("a", 20))).isFalse();
  }

  @Test
  void nullComparisonsAreUnknownAndNotOfUnknownIsUnknown() {
    Map<String, Value> r = row("a", null);
    assertThat(eval(Filter.cmp("age", Op.GT, 18), r)).isFalse();
    assertThat(eval(Filter.not(Filter.cmp("age", Op.GT, 18)), r)).isFalse();
    assertThat(eval(Filter.or(Filter.cmp("age", Op.GT, 18), Filter.eq("name", "a")), r)).isTrue();
    assertThat(eval(new Filter.IsNull("age", false), r)).isTrue();
    assertThat(eval(new Filter.In("age", List.of(Value.of(1), Value.NULL), true), row("a", 5)))
        .isFalse();
  }

  @Test
  void nestedBooleanLogicToAnyDepth() {
    Filter f =
        Filter.and(
            Filter.or(Filter.eq("name", "x"), Filter.not(Filter.and(Filter.eq("name", "y")))),
            Filter.not(Filter.not(Filter.cmp("age", Op.GE, 20))));
    assertThat(eval(f, row("z", 20))).isTrue();
    assertThat(eval(f, row("y", 20))).isFalse();
    assertThat(eval(f, row("x", 19))).isFalse();
  }

  @Test
  void convertsStringLiteralsToTheFieldType() {
    assertThat(eval(Filter.cmp("createdAt", Op.GT, "2024-01-01T00:00:00Z"), row("a", 1))).isTrue();
    assertThat(eval(Filter.eq("role", "member"), row("a", 1))).isTrue();
  }

  @Test
  void bindsSessionAttributes() {
    assertThat(eval(new Filter.AttrCompare("age", Op.EQ, "user.age"), row("a", 30))).isTrue();
    assertThat(eval(new Filter.AttrCompare("age", Op.EQ, "user.missing"), row("a", 30))).isFalse();
  }

  @Test
  void likeMatchesWildcardsAndEscapes() {
    assertThat(LikePattern.matches("a%c", "abbbc")).isTrue();
    assertThat(LikePattern.matches("a_c", "abc")).isTrue();
    assertThat(LikePattern.matches("a_c", "abbc")).isFalse();
    assertThat(LikePattern.matches("%b%b%", "abxb")).isTrue();
    assertThat(LikePattern.matches("100\\%", "100%")).isTrue();
    assertThat(LikePattern.matches("100\\%", "1000")).isFalse();
    assertThat(LikePattern.matches("", "")).isTrue();
    assertThat(LikePattern.literalPrefix("ab\\_c%")).isEqualTo("ab_c");
    assertThat(LikePattern.isPrefixPattern("ab%")).isTrue();
    assertThat(LikePattern.isPrefixPattern("ab%c")).isFalse();
    assertThat(LikePattern.isPrefixPattern("a\\%b%")).isTrue();
  }

  @Test
  void unknownFieldsAndBadLiteralsAreClearErrors() {
    assertThatThrownBy(() -> eval(Filter.eq("nmae", "x"), row("a", 1)))
        .isInstanceOf(OrmDbException.class)
        .hasMessage("filter: unknown field 'nmae' on entity User (did you mean 'name'?)")
        .extracting(e -> ((OrmDbException) e).code())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThatThrownBy(() -> eval(Filter.eq("age", "old"), row("a", 1)))
        .hasMessage("filter: field User.age is int32 but is compared with string \"old\"");
    assertThatThrownBy(() -> eval(Filter.eq("role", "admn"), row("a", 1)))
        .hasMessage(
            "filter: 'admn' is not a variant of enum Role (field User.role) (did you mean"
                + " 'admin'?)");
    assertThatThrownBy(() -> eval(new Filter.Like("age", "1%", false), row("a", 1)))
        .hasMessage("filter: 'like' needs a string field, but User.age is int32");
  }
}
