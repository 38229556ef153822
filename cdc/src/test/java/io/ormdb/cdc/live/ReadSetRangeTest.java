package io.ormdb.cdc.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.value.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The range of one root field that a live query's root filter confines its rows to. */
class ReadSetRangeTest {
  private static ReadSet.KeyRange range(GraphQuery q, Map<String, Value> attributes) {
    return ReadSet.of(Blog.schema(), q, attributes).rootRange();
  }

  private static ReadSet.KeyRange range(GraphQuery q) {
    return range(q, Map.of());
  }

  @Test
  void theConjunctsOfTheRootFilterBoundOneFieldPreferablyTheIdentity() {
    assertThat(
            range(
                GraphQuery.from("Post")
                    .where(
                        Filter.and(
                            Filter.cmp("score", Filter.Op.GT, 3),
                            Filter.and(
                                Filter.cmp("id", Filter.Op.GE, 10L),
                                Filter.cmp("id", Filter.Op.LT, 20L),
                                Filter.cmp("id", Filter.Op.LE, 30L)),
                            Filter.or(Filter.eq("title", "a"), Filter.eq("title", "b"))))
                    .build()))
        .isEqualTo(new ReadSet.KeyRange("id", Value.of(10L), Value.of(20L)));
    assertThat(range(GraphQuery.from("Post").where(Filter.cmp("score", Filter.Op.LT, 3)).build()))
        .isEqualTo(new ReadSet.KeyRange("score", null, Value.of(3)));
    assertThat(
            range(
                GraphQuery.from("User")
                    .where(new Filter.AttrCompare("city", Filter.Op.EQ, "city"))
                    .include("posts")
                    .build(),
                Map.of("city", Value.of("Rome"))))
        .as("a session attribute is bound; includes of other entities do not matter")
        .isEqualTo(new ReadSet.KeyRange("city", Value.of("Rome"), Value.of("Rome")));
  }

  @Test
  void aVirtualComputedFieldGivesNoRangeSinceChangeEventsDoNotCarryIt() {
    ReadSet heat =
        ReadSet.of(
            Blog.withComputed(),
            GraphQuery.from("Comment").where(Filter.cmp("heat", Filter.Op.GE, 3L)).build(),
            Map.of());
    assertThat(heat.rootRange()).isNull();
    ReadSet both =
        ReadSet.of(
            Blog.withComputed(),
            GraphQuery.from("Comment")
                .where(
                    Filter.and(
                        Filter.cmp("heat", Filter.Op.GE, 3L), Filter.cmp("likes", Filter.Op.LT, 7)))
                .build(),
            Map.of());
    assertThat(both.rootRange()).isEqualTo(new ReadSet.KeyRange("likes", null, Value.of(7)));
  }

  @Test
  void noRangeWhereTheFilterRequiresNoneOrTheRootEntityIsReadElsewhereToo() {
    assertThat(range(GraphQuery.from("Post").build())).isNull();
    assertThat(
            range(
                GraphQuery.from("Post")
                    .where(Filter.or(Filter.cmp("id", Filter.Op.LT, 5L), Filter.eq("score", 1)))
                    .build()))
        .isNull();
    assertThat(range(GraphQuery.from("Post").where(Filter.cmp("id", Filter.Op.NE, 5L)).build()))
        .isNull();
    assertThat(
            range(
                GraphQuery.from("User")
                    .where(Filter.cmp("id", Filter.Op.LT, 5L))
                    .include("posts")
                    .include("posts.author")
                    .build()))
        .as("users are read at the include posts.author too")
        .isNull();
  }
}
