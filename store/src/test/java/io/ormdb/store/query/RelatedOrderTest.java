package io.ormdb.store.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.result.EdgeBlock;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Order keys on a related row's field: cast members by their person's last name, at the root and
 * per movie in an include, through two relations, with a missing related row ordering as null;
 * pages followed by their cursors, explain, and the refusals of bad paths and masked fields.
 */
class RelatedOrderTest {
  static final String SCHEMA =
      """
      entity Person {
        id         int64  @id
        first_name string
        last_name  string?
        ssn        string? @sensitive(sensitive)
        relation roles: one to many CastMember by personId
      }
      entity Movie {
        id         int64  @id
        title      string
        directorId int64?
        relation director: many to one Person by directorId
        relation cast: one to many CastMember by movieId
      }
      entity CastMember {
        id        int64  @id
        movieId   int64
        personId  int64?
        character string
        relation movie: many to one Movie by movieId
        relation person: many to one Person by personId
      }
      """;

  private OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(SchemaParser.parse(SCHEMA));
    List<Mutation> rows = new ArrayList<>();
    // people: 1 Zed Adams, 2 Ann Young, 3 Bob (no last name), 4 Cy Adams, 5 Dee Moss
    rows.add(person(1, "Zed", "Adams"));
    rows.add(person(2, "Ann", "Young"));
    rows.add(person(3, "Bob", null));
    rows.add(person(4, "Cy", "Adams"));
    rows.add(person(5, "Dee", "Moss"));
    // movies: 10 directed by Young, 11 by Adams (4), 12 by nobody
    rows.add(insert("Movie", "id", 10L, "title", "Ten", "directorId", 2L));
    rows.add(insert("Movie", "id", 11L, "title", "Eleven", "directorId", 4L));
    rows.add(insert("Movie", "id", 12L, "title", "Twelve", "directorId", null));
    // cast: id, movie, person (null: an extra without a person)
    long[][] cast = {
      {100, 10, 2},
      {101, 10, 1},
      {102, 10, 3},
      {103, 10, 0},
      {104, 11, 5},
      {105, 11, 4},
      {106, 12, 1},
      {107, 12, 0},
      {108, 11, 3}
    };
    for (long[] c : cast) {
      rows.add(
          insert(
              "CastMember",
              "id",
              c[0],
              "movieId",
              c[1],
              "personId",
              c[2] == 0 ? null : c[2],
              "character",
              "c" + c[0]));
    }
    store.commit(new MutationBatch(rows));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Mutation person(long id, String first, String last) {
    return insert("Person", "id", id, "first_name", first, "last_name", last, "ssn", "s" + id);
  }

  private static Mutation insert(String entity, Object... kv) {
    Map<String, Value> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], Values.of(kv[i + 1]));
    }
    return new Mutation.Insert(entity, m);
  }

  private static GraphQuery query(String text) {
    return ((Statement.Find) QueryParser.parse(text)).query();
  }

  private List<Long> ids(String text) {
    return ids(store.query(query(text)));
  }

  private static List<Long> ids(QueryResult r) {
    return r.root().ids().stream().map(Value::asLong).toList();
  }

  @Test
  void rootRowsOrderByARelatedRowsField() {
    // last names: 100 Young, 101 Adams, 102 -, 103 (no person), 104 Moss, 105 Adams, 106 Adams,
    // 107 (no person), 108 -; ties by id
    assertThat(ids("CastMember.findMany().orderBy(person.last_name)"))
        .containsExactly(102L, 103L, 107L, 108L, 101L, 105L, 106L, 104L, 100L);
    assertThat(ids("CastMember.findMany().orderBy(person.last_name.nullsLast)"))
        .containsExactly(101L, 105L, 106L, 104L, 100L, 102L, 103L, 107L, 108L);
    assertThat(
            ids(
                "CastMember.findMany().orderBy(person.last_name.desc, person.first_name.desc)"
                    + ".where(personId is not null)"))
        .containsExactly(100L, 104L, 101L, 106L, 105L, 102L, 108L);
    // the builder's form
    assertThat(
            ids(
                store.query(
                    GraphQuery.from("CastMember")
                        .orderBy(
                            OrderSpec.asc("person.last_name").nullsLast(), OrderSpec.desc("id"))
                        .limit(3)
                        .build())))
        .containsExactly(106L, 105L, 101L);
  }

  @Test
  void twoRelationsAndAMissingRowInTheMiddleOrderAsNull() {
    // directors' last names: 10 Young, 11 Adams, 12 none
    assertThat(ids("CastMember.findMany().orderBy(movie.director.last_name.nullsLast, id)"))
        .containsExactly(104L, 105L, 108L, 100L, 101L, 102L, 103L, 106L, 107L);
    assertThat(ids("Movie.findMany().orderBy(director.last_name.desc)"))
        .containsExactly(10L, 11L, 12L);
  }

  @Test
  void anIncludeOrdersEachParentsRowsByARelatedField() {
    QueryResult r =
        store.query(
            query(
                "Movie.findMany().orderBy(id)"
                    + ".include(cast, orderBy: [person.last_name.nullsLast, person.first_name])"
                    + ".include(cast.person)"));
    EdgeBlock cast = r.edges("cast");
    // 103 has no person: its first name is null too, and sorts before Bob's
    assertThat(children(cast, 10L)).containsExactly(101L, 100L, 103L, 102L);
    assertThat(children(cast, 11L)).containsExactly(105L, 104L, 108L);
    assertThat(children(cast, 12L)).containsExactly(106L, 107L);
    assertThat(children(r.edges("cast.person"), 105L)).containsExactly(4L);
  }

  @Test
  void pagesFollowedByTheirCursorsWalkTheWholeOrder() {
    String[] orders = {
      "person.last_name", "person.last_name.desc.nullsFirst", "movie.director.last_name, character"
    };
    for (String order : orders) {
      List<Long> all = ids("CastMember.findMany().orderBy(" + order + ")");
      for (int limit = 1; limit <= 4; limit++) {
        List<Long> seen = new ArrayList<>();
        GraphQuery first =
            query("CastMember.findMany().orderBy(" + order + ").limit(" + limit + ")");
        QueryResult page = store.query(first);
        seen.addAll(ids(page));
        while (page.hasMore()) {
          page =
              store.query(
                  new GraphQuery(
                      first.rootEntity(),
                      first.fields(),
                      first.filter(),
                      first.orderBy(),
                      Pagination.after(page.nextCursor(), limit),
                      first.includes(),
                      null));
          seen.addAll(ids(page));
          assertThat(seen.size()).isLessThanOrEqualTo(all.size());
        }
        assertThat(seen).as("%s by %d", order, limit).isEqualTo(all);
      }
    }
    // per parent: the rest of movie 10's cast after its first page
    GraphQuery q =
        query("Movie.findMany().orderBy(id).include(cast, orderBy: person.last_name, limit: 2)");
    EdgeBlock.ParentPage next = store.query(q).edges("cast").pages().get(0);
    assertThat(next.parentId().asLong()).isEqualTo(10L);
    Include rest =
        new Include(
            "cast",
            List.of(),
            null,
            q.includes().get(0).orderBy(),
            Pagination.after(next.nextCursor(), 2));
    QueryResult after =
        store.query(GraphQuery.from("Movie").orderBy(OrderSpec.asc("id")).include(rest).build());
    assertThat(children(after.edges("cast"), 10L)).containsExactly(101L, 100L);
  }

  @Test
  void explainShowsTheRelationsAKeyReadsThrough() {
    String text =
        store
            .explain(
                query("CastMember.findMany().orderBy(movie.director.last_name).limit(2)"), true)
            .text();
    assertThat(text)
        .contains("order [movie.director.last_name asc, id asc]: top-K sort")
        .contains(
            "order key movie.director.last_name through CastMember.movieId = Movie.id"
                + " (many_to_one), Movie.directorId = Person.id (many_to_one), one batched lookup"
                + " per relation for all rows");
  }

  @Test
  void badPathsAreRefusedSayingWhatIsWrong() {
    Map<String, String> refusals =
        Map.of(
            "CastMember.findMany().orderBy(person.last_nme)",
            "order by: unknown field 'last_nme' on entity Person (did you mean 'last_name'?)",
            "Person.findMany().orderBy(roles.character)",
            "order by: relation 'roles' of entity Person is one to many: a path to one value"
                + " follows to-one relations only (many to one, one to one)",
            "Movie.findMany().include(cast, orderBy: persn.last_name)",
            "order by of include 'cast': unknown relation 'persn' on entity CastMember (did you"
                + " mean 'person'?)");
    refusals.forEach(
        (text, message) -> {
          OrmDbException e =
              catchThrowableOfType(OrmDbException.class, () -> store.query(query(text)));
          assertThat(e.code()).as(text).isEqualTo(ErrorCode.INVALID_REQUEST);
          assertThat(e.getMessage()).as(text).isEqualTo(message);
        });
  }

  @Test
  void aMaskedRelatedFieldCannotOrderRowsOfASessionThatMayNotSeeIt() {
    OrmDbException e =
        catchThrowableOfType(
            OrmDbException.class,
            () ->
                FieldMasker.checkQuery(
                    query("CastMember.findMany().orderBy(person.ssn)"),
                    store.schema(),
                    Sensitivity.INTERNAL));
    assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(e.getMessage()).startsWith("order by person.ssn: field Person.ssn is sensitive");
    FieldMasker.checkQuery(
        query("CastMember.findMany().orderBy(person.last_name)"),
        store.schema(),
        Sensitivity.INTERNAL);
  }

  private static List<Long> children(EdgeBlock edges, long parent) {
    List<Long> out = new ArrayList<>();
    for (EdgeBlock.Edge e : edges.edges()) {
      if (e.from().asLong() == parent) {
        out.add(e.to().asLong());
      }
    }
    return out;
  }
}
