package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.result.EdgeBlock;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.query.internal.CursorCodec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class QueryCursorTest {
  private final QueryEngine engine = new QueryEngine();

  private static GraphQuery byAge(Pagination p) {
    return GraphQuery.from("User")
        .orderBy(OrderSpec.asc("age"), OrderSpec.desc("name"))
        .page(p)
        .build();
  }

  @Test
  void rootPagesAreStableUnderConcurrentInsertsAndDeletes() {
    TestData data = Blog.data(30, 0, 0);
    Set<Long> initial = new HashSet<>();
    for (long i = 1; i <= 30; i++) {
      initial.add(i);
    }
    List<Long> seen = new ArrayList<>();
    QueryResult page = engine.query(data.view(), byAge(Pagination.limit(4)), Map.of());
    Set<Long> deleted = new HashSet<>();
    long nextId = 1000;
    int round = 0;
    while (true) {
      for (Value id : page.root().ids()) {
        seen.add(id.asLong());
      }
      if (!page.hasMore()) {
        break;
      }
      // Between pages: rows before the cursor (low ages), after it, and deletions of rows both
      // already returned and not yet returned.
      data.insert(
          "User", "id", nextId++, "name", "zzz" + round, "email", "e" + nextId, "age", null);
      data.insert(
          "User",
          "id",
          nextId++,
          "name",
          String.format("late%03d", 999 - round),
          "email",
          "l" + nextId,
          "age",
          99);
      long victim = 1 + (round * 7L) % 30;
      if (!seen.contains(victim) && deleted.size() < 3) {
        data.delete("User", victim);
        deleted.add(victim);
      }
      round++;
      page = engine.query(data.view(), byAge(Pagination.after(page.nextCursor(), 4)), Map.of());
    }
    assertThat(seen).doesNotHaveDuplicates();
    Set<Long> survivors = new HashSet<>(initial);
    survivors.removeAll(deleted);
    assertThat(seen).containsAll(survivors);
    assertThat(seen).doesNotContainAnyElementsOf(deleted);
    // inserted before the cursor position (null age sorts first, "zzz" first by name desc; even
    // ids): never returned, as in a snapshot;
    // inserted after it (age 99, odd ids): all returned, at the end, once.
    assertThat(seen).noneMatch(id -> id >= 1000 && id % 2 == 0);
    for (long late = 1001; late < nextId; late += 2) {
      assertThat(seen).contains(late);
    }
    assertThat(round).isGreaterThan(3);
  }

  @Test
  void pagesConcatenateToTheUnpagedResult() {
    TestData data = Blog.data(23, 0, 0);
    List<Value> all = engine.query(data.view(), byAge(Pagination.NONE), Map.of()).root().ids();
    List<Value> paged = new ArrayList<>();
    QueryResult r = engine.query(data.view(), byAge(Pagination.limit(5)), Map.of());
    paged.addAll(r.root().ids());
    while (r.hasMore()) {
      r = engine.query(data.view(), byAge(Pagination.after(r.nextCursor(), 5)), Map.of());
      paged.addAll(r.root().ids());
    }
    assertThat(paged).isEqualTo(all);
    assertThat(r.nextCursor()).isNull();
  }

  @Test
  void perParentCursorsInsideIncludes() {
    TestData data = Blog.data(3, 5, 0);
    Include first =
        new Include(
            "posts", List.of("score"), null, List.of(OrderSpec.desc("score")), Pagination.limit(2));
    QueryResult r =
        engine.query(data.view(), GraphQuery.from("User").include(first).build(), Map.of());
    EdgeBlock eb = r.edges("posts");
    assertThat(eb.pages()).hasSize(3);
    EdgeBlock.ParentPage user2 = eb.pages().get(1);
    assertThat(user2.parentId()).isEqualTo(Value.of(2L));

    // A new post for user 2 sorts before the cursor position: it must not show up, nor repeat.
    data.insert("Post", "id", 999L, "authorId", 2L, "title", "new", "score", 9);
    List<Long> rest = new ArrayList<>();
    String cursor = user2.nextCursor();
    while (cursor != null) {
      Include next =
          new Include(
              "posts",
              List.of("score"),
              null,
              List.of(OrderSpec.desc("score")),
              Pagination.after(cursor, 2));
      QueryResult more =
          engine.query(
              data.view(),
              GraphQuery.from("User")
                  .where(io.ormdb.protocol.query.Filter.eq("id", 2L))
                  .include(next)
                  .build(),
              Map.of());
      more.edges("posts").edges().forEach(e -> rest.add(e.to().asLong()));
      cursor =
          more.edges("posts").pages().isEmpty()
              ? null
              : more.edges("posts").pages().get(0).nextCursor();
    }
    // user 2 posts 201..205 with scores (14+p)%10 = 5,6,7,8,9 -> desc 205,204,203,202,201
    List<Long> firstPage = new ArrayList<>();
    eb.edges().stream()
        .filter(e -> e.from().equals(Value.of(2L)))
        .forEach(e -> firstPage.add(e.to().asLong()));
    assertThat(firstPage).containsExactly(205L, 204L);
    assertThat(rest).containsExactly(203L, 202L, 201L);
  }

  @Test
  void cursorCodecRoundTripsEveryValueType() {
    List<Value> values =
        List.of(
            Value.NULL,
            Value.TRUE,
            Value.of(-5),
            Value.of(Long.MIN_VALUE),
            Value.of(1.5f),
            Value.of(-0.25),
            Value.of(new BigDecimal("12.340")),
            Value.of("héllo"),
            Value.of(new byte[] {1, 2, 3}),
            new Value.Timestamp(123456789L),
            new Value.Date(-3),
            Value.of(UUID.randomUUID()),
            new Value.Enum("admin"),
            new Value.Json("{\"a\":1}"),
            Value.of(List.of(1L, 2L)));
    String text = CursorCodec.encode(new CursorCodec.Position(42L, Value.of(7L), values));
    assertThat(text).matches("[A-Za-z0-9_-]+");
    CursorCodec.Position back = CursorCodec.decode(text);
    assertThat(back.fingerprint()).isEqualTo(42L);
    assertThat(back.parentId()).isEqualTo(Value.of(7L));
    assertThat(back.values()).hasSize(values.size());
    for (int i = 0; i < values.size(); i++) {
      assertThat(Values.compare(back.values().get(i), values.get(i))).as("value %d", i).isZero();
      assertThat(back.values().get(i).type()).isEqualTo(values.get(i).type());
    }
  }
}
