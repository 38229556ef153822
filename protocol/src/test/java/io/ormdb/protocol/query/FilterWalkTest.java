package io.ormdb.protocol.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.Nesting;
import io.ormdb.protocol.OrmDbException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The walks every filter user shares: its depth, the fields and session attributes it reads. */
class FilterWalkTest {
  private final Filter f =
      Filter.and(
          Filter.cmp("age", Filter.Op.GE, 18),
          Filter.or(
              new Filter.IsNull("bio", false),
              Filter.not(new Filter.Like("name", "a%", false)),
              new Filter.AttrCompare("ownerId", Filter.Op.EQ, "user.id")),
          new Filter.In("age", List.of(), false),
          new Filter.Const(true));

  @Test
  void fieldsAreListedOnceInTheOrderTheyAppear() {
    assertThat(Filter.fieldsOf(f)).containsExactly("age", "bio", "name", "ownerId");
    assertThat(Filter.fieldsOf(null)).isEmpty();
  }

  @Test
  void sessionAttributesAreListedOnce() {
    assertThat(Filter.attributesOf(Filter.and(f, f))).containsExactly("user.id");
    assertThat(Filter.attributesOf(Filter.cmp("age", Filter.Op.GE, 18))).isEmpty();
  }

  @Test
  void aFilterNestedBeyondTheLimitIsRefusedNamingWhere() {
    assertThatCode(() -> Filter.checkDepth(nots(Nesting.MAX_LEVELS), "filter"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> Filter.checkDepth(nots(Nesting.MAX_LEVELS + 1), "filter"))
        .isInstanceOf(OrmDbException.class)
        .hasMessage("filter: and / or / not nested too deeply (more than 256 levels)");
    assertThatCode(() -> Filter.checkDepth(null, "filter")).doesNotThrowAnyException();
  }

  private static Filter nots(int n) {
    Filter out = Filter.eq("age", 1);
    for (int i = 0; i < n; i++) {
      out = Filter.not(out);
    }
    return out;
  }
}
