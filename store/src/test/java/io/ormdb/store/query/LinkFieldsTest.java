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
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Link fields of a many-to-many relation ({@code @list_order} of a movie's cast): selected per
 * edge, filtering and ordering each movie's cast with the per-movie limit after that order, the
 * same person in two movies with two list orders, cursors, masking, explain, writes of the edge
 * entity an inline declaration made, and the refusals.
 */
class LinkFieldsTest {
  static final String SCHEMA =
      """
      entity Movie {
        id         int64 @id
        title      string
        directorId int64?
        relation cast: many to many Person through MovieCast(movie_id, person_id) {
          list_order int32?
          character  string? @sensitive(sensitive) @mask(partial(1, start, '*'))
        }
        relation director: many to one Person by directorId
      }
      entity Person {
        id   int64 @id
        name string
        relation movies: many to many Movie through MovieCast(person_id, movie_id)
      }
      entity Playlist {
        id int64 @id
        relation songs: many to many Song through Track(playlistId, songId)
      }
      entity Song {
        id    int64 @id
        title string
      }
      entity Track {
        id         int64 @id
        playlistId int64
        songId     int64
        position   int32
      }
      """;

  private OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(SchemaParser.parse(SCHEMA));
    List<Mutation> rows = new ArrayList<>();
    rows.add(insert("Movie", "id", 1L, "title", "Alien"));
    rows.add(insert("Movie", "id", 2L, "title", "Brazil"));
    rows.add(insert("Movie", "id", 3L, "title", "Clue"));
    String[] names = {"Ann", "Bob", "Cy", "Dee", "Eve", "Fay", "Gus"};
    for (int i = 0; i < names.length; i++) {
      rows.add(insert("Person", "id", 10L + i, "name", names[i]));
    }
    // movie 1: Ann 2, Bob 1, Cy -, Dee 3, Eve 5, Fay 4, Gus 6; movie 2: Ann 1, Bob 3, Cy 2
    Object[][] cast = {
      {1L, 10L, 2},
      {1L, 11L, 1},
      {1L, 12L, null},
      {1L, 13L, 3},
      {1L, 14L, 5},
      {1L, 15L, 4},
      {1L, 16L, 6},
      {2L, 10L, 1},
      {2L, 11L, 3},
      {2L, 12L, 2}
    };
    for (Object[] c : cast) {
      // no id: the edge entity's int64 identity is assigned
      rows.add(
          insert(
              "MovieCast",
              "movie_id",
              c[0],
              "person_id",
              c[1],
              "list_order",
              c[2],
              "character",
              "role" + c[1]));
    }
    rows.add(insert("Playlist", "id", 1L));
    rows.add(insert("Song", "id", 7L, "title", "Seven"));
    rows.add(insert("Song", "id", 8L, "title", "Eight"));
    // song 7 twice in playlist 1: positions 5 (track 100) and 2 (track 101)
    rows.add(insert("Track", "id", 100L, "playlistId", 1L, "songId", 7L, "position", 5));
    rows.add(insert("Track", "id", 101L, "playlistId", 1L, "songId", 7L, "position", 2));
    rows.add(insert("Track", "id", 102L, "playlistId", 1L, "songId", 8L, "position", 3));
    store.commit(new MutationBatch(rows));
  }

  @AfterEach
  void close() {
    store.close();
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

  private QueryResult run(String text) {
    return store.query(query(text));
  }

  /** Each parent's children as {@code name@value} of one link field, in order. */
  private static Map<Long, List<String>> linked(QueryResult r, String include, String link) {
    EdgeBlock eb = r.edges(include);
    Map<Long, String> names = new HashMap<>();
    var block = r.block(include);
    var column = block.column(block.column("name") != null ? "name" : "title");
    for (int i = 0; i < block.size(); i++) {
      names.put(block.ids().get(i).asLong(), column.values().get(i).asString());
    }
    Map<Long, List<String>> out = new LinkedHashMap<>();
    for (int i = 0; i < eb.edges().size(); i++) {
      EdgeBlock.Edge e = eb.edges().get(i);
      Value v = eb.link(link).values().get(i);
      out.computeIfAbsent(e.from().asLong(), k -> new ArrayList<>())
          .add(names.get(e.to().asLong()) + "@" + (v.isNull() ? "-" : v.render()));
    }
    return out;
  }

  @Test
  void aMoviesFirstCastMembersByListOrderEachWithItsOwnListOrder() {
    QueryResult r =
        run(
            "Movie.findMany().orderBy(id).include(cast, select: [name, @list_order], orderBy:"
                + " @list_order.asc.nullsLast, limit: 5)");
    assertThat(linked(r, "cast", "list_order"))
        .containsExactly(
            Map.entry(1L, List.of("Bob@1", "Ann@2", "Dee@3", "Fay@4", "Eve@5")),
            Map.entry(2L, List.of("Ann@1", "Cy@2", "Bob@3")));
    // Ann and Bob are one row each in the block, with a list order per movie
    assertThat(r.block("cast").ids()).doesNotHaveDuplicates();
    assertThat(r.block("cast").columns()).extracting(c -> c.name()).containsExactly("name");
    List<Map<String, Object>> movies = ResultObjects.toMaps(r);
    assertThat(((List<?>) movies.get(0).get("cast")).get(1))
        .isEqualTo(Map.of("name", "Ann", "@list_order", 2));
    assertThat(((List<?>) movies.get(1).get("cast")).get(0))
        .isEqualTo(Map.of("name", "Ann", "@list_order", 1));
    assertThat(movies.get(2).get("cast")).isEqualTo(List.of());
    // the page of movie 1 was cut after 5 of its 7 cast members
    assertThat(r.edges("cast").pages()).extracting(p -> p.parentId().asLong()).containsExactly(1L);

    // the same with the Java builder
    QueryResult built =
        store.query(
            GraphQuery.from("Movie")
                .orderBy(OrderSpec.asc("id"))
                .include(
                    Include.of("cast")
                        .select("name", Include.link("list_order"))
                        .orderBy(OrderSpec.asc(Include.link("list_order")).nullsLast())
                        .limit(5))
                .build());
    assertThat(built.edges()).isEqualTo(r.edges());
  }

  @Test
  void nullsDirectionAndTheDefaultOrderApplyToLinkFields() {
    // nulls sort first ascending by default: Cy has no list order in movie 1
    assertThat(
            linked(
                run(
                    "Movie.findMany().where(id == 1).include(cast, select: [name, @list_order],"
                        + " orderBy: @list_order, limit: 3)"),
                "cast",
                "list_order"))
        .containsExactly(Map.entry(1L, List.of("Cy@-", "Bob@1", "Ann@2")));
    assertThat(
            linked(
                run(
                    "Movie.findMany().where(id == 1).include(cast, select: [name, @list_order],"
                        + " orderBy: @list_order.desc.nullsFirst, limit: 3)"),
                "cast",
                "list_order"))
        .containsExactly(Map.entry(1L, List.of("Cy@-", "Gus@6", "Eve@5")));
    // without an order, by the target's identity; link fields come back only when selected
    QueryResult plain = run("Movie.findMany().where(id == 2).include(cast)");
    assertThat(plain.edges("cast").links()).isEmpty();
    assertThat(plain.edges("cast").edges())
        .extracting(e -> e.to().asLong())
        .containsExactly(10L, 11L, 12L);
  }

  @Test
  void filtersOnLinkFieldsTargetFieldsAndBoth() {
    assertThat(
            linked(
                run(
                    "Movie.findMany().orderBy(id).include(cast, where: @list_order < 3, select:"
                        + " [name, @list_order], orderBy: @list_order)"),
                "cast",
                "list_order"))
        .containsExactly(
            Map.entry(1L, List.of("Bob@1", "Ann@2")), Map.entry(2L, List.of("Ann@1", "Cy@2")));
    // a condition over both (per link), next to one over the target alone
    assertThat(
            linked(
                run(
                    "Movie.findMany().orderBy(id).include(cast, where: (@list_order >= 3 || name =="
                        + " \"Ann\") && name != \"Gus\", select: [name, @list_order], orderBy:"
                        + " [@list_order.desc, name])"),
                "cast",
                "list_order"))
        .containsExactly(
            Map.entry(1L, List.of("Eve@5", "Fay@4", "Dee@3", "Ann@2")),
            Map.entry(2L, List.of("Bob@3", "Ann@1")));
    // the reverse relation reads the same edge rows
    assertThat(
            linked(
                run(
                    "Person.findMany().where(id == 11).include(movies, select: [title,"
                        + " @list_order], orderBy: @list_order.desc)"),
                "movies",
                "list_order"))
        .containsExactly(Map.entry(11L, List.of("Brazil@3", "Alien@1")));
  }

  @Test
  void aTargetLinkedTwiceToOneParentAppearsOnceWithTheEdgeOfTheSmallestIdentityThatMatches() {
    assertThat(
            linked(
                run("Playlist.findMany().include(songs, select: [title, @position, @id])"),
                "songs",
                "position"))
        .containsExactly(Map.entry(1L, List.of("Seven@5", "Eight@3")));
    assertThat(
            linked(
                run(
                    "Playlist.findMany().include(songs, where: @position < 4, select: [title,"
                        + " @position], orderBy: @position)"),
                "songs",
                "position"))
        .containsExactly(Map.entry(1L, List.of("Seven@2", "Eight@3")));
    QueryResult ids = run("Playlist.findMany().include(songs, select: [@id])");
    assertThat(ids.edges("songs").link("id").values())
        .containsExactly(Value.of(100L), Value.of(102L));
  }

  @Test
  void perParentCursorsWalkALinkFieldOrder() {
    List<String> seen = new ArrayList<>();
    GraphQuery first =
        query(
            "Movie.findMany().where(id == 1).include(cast, select: [name, @list_order], orderBy:"
                + " @list_order.nullsLast, limit: 2)");
    QueryResult page = store.query(first);
    seen.addAll(linked(page, "cast", "list_order").get(1L));
    while (!page.edges("cast").pages().isEmpty()) {
      Include inc = first.includes().get(0);
      Include next =
          new Include(
              inc.path(),
              inc.fields(),
              inc.filter(),
              inc.orderBy(),
              Pagination.after(page.edges("cast").pages().get(0).nextCursor(), 2));
      page =
          store.query(
              new GraphQuery(
                  first.rootEntity(),
                  first.fields(),
                  first.filter(),
                  first.orderBy(),
                  null,
                  List.of(next),
                  null));
      seen.addAll(linked(page, "cast", "list_order").get(1L));
      assertThat(seen.size()).isLessThanOrEqualTo(7);
    }
    assertThat(seen).containsExactly("Bob@1", "Ann@2", "Dee@3", "Fay@4", "Eve@5", "Gus@6", "Cy@-");
  }

  @Test
  void theEdgeEntityIsWrittenByItsName() {
    // assigned ids 1..10, in the order the rows were created
    QueryResult edges = run("MovieCast.findMany().select(id, movie_id, person_id).orderBy(id)");
    assertThat(edges.root().ids())
        .extracting(Value::asLong)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    // Cy moves to the top of movie 1's cast; Gus leaves it; Gus joins movie 2
    store.commit(
        MutationBatch.of(
            new Mutation.Update("MovieCast", Value.of(3L), Map.of("list_order", Value.of(0)), 0)));
    store.commit(MutationBatch.of(new Mutation.Delete("MovieCast", Value.of(7L), 0)));
    store.commit(
        MutationBatch.of(insert("MovieCast", "movie_id", 2L, "person_id", 16L, "list_order", 4)));
    assertThat(
            linked(
                run(
                    "Movie.findMany().orderBy(id).include(cast, select: [name, @list_order],"
                        + " orderBy: @list_order, limit: 3)"),
                "cast",
                "list_order"))
        .containsExactly(
            Map.entry(1L, List.of("Cy@0", "Bob@1", "Ann@2")),
            Map.entry(2L, List.of("Ann@1", "Cy@2", "Bob@3")));
    assertThat(run("MovieCast.findMany().where(person_id == 16)").root().ids())
        .containsExactly(Value.of(11L));
    // a person is in a movie's cast once
    OrmDbException twice =
        catchThrowableOfType(
            OrmDbException.class,
            () ->
                store.commit(
                    MutationBatch.of(insert("MovieCast", "movie_id", 2L, "person_id", 16L))));
    assertThat(twice.code()).isEqualTo(ErrorCode.CONSTRAINT_VIOLATION);
    assertThat(twice.getMessage()).contains("MovieCast_movie_id_person_id_key");
  }

  @Test
  void maskedLinkFieldsAreMaskedAndCannotFilterOrOrder() {
    QueryResult r =
        run("Movie.findMany().where(id == 2).include(cast, select: [name, @character])");
    assertThat(r.edges("cast").link("character").values())
        .containsExactly(Value.of("role10"), Value.of("role11"), Value.of("role12"));
    QueryResult masked = FieldMasker.mask(r, store.schema(), Sensitivity.INTERNAL);
    assertThat(masked.edges("cast").link("character").values())
        .containsExactly(Value.of("r*****"), Value.of("r*****"), Value.of("r*****"));
    assertThat(masked.edges("cast").edges()).isEqualTo(r.edges("cast").edges());
    assertThat(FieldMasker.mask(r, store.schema(), Sensitivity.SENSITIVE)).isSameAs(r);

    Map<String, String> denied =
        Map.of(
            "Movie.findMany().include(cast, orderBy: @character)",
            "order by of include 'cast' @character: field MovieCast.character is sensitive and"
                + " masked for this session (clearance internal); ordering by it would reveal its"
                + " values (and cursors carry them)",
            "Movie.findMany().include(cast, where: @character like \"r%\")",
            "filter of include 'cast': field MovieCast.character is sensitive and masked for this"
                + " session (clearance internal); filtering on it would reveal its values");
    denied.forEach(
        (text, message) -> {
          OrmDbException e =
              catchThrowableOfType(
                  OrmDbException.class,
                  () -> FieldMasker.checkQuery(query(text), store.schema(), Sensitivity.INTERNAL));
          assertThat(e.code()).as(text).isEqualTo(ErrorCode.PERMISSION_DENIED);
          assertThat(e.getMessage()).as(text).isEqualTo(message);
        });
    FieldMasker.checkQuery(
        query("Movie.findMany().include(cast, orderBy: @list_order, where: @list_order > 1)"),
        store.schema(),
        Sensitivity.INTERNAL);
  }

  @Test
  void explainShowsTheJoinOrderedByALinkField() {
    String text =
        store
            .explain(
                query(
                    "Movie.findMany().include(cast, select: [name, @list_order], where:"
                        + " @list_order < 10, orderBy: @list_order.asc.nullsLast, limit: 5)"),
                true)
            .text();
    assertThat(text)
        .contains(
            "join: Movie.id = MovieCast.movie_id, MovieCast.person_id = Person.id (many_to_many)")
        .contains(
            "link fields from the MovieCast edge rows of the first hop, no extra lookup: select"
                + " [@list_order]\n  filter on edge rows: @list_order < ?\n")
        .contains("order per parent [@list_order asc nulls last, id asc]: sort")
        .contains("per parent: limit 5");
  }

  @Test
  void mistakesAreRefusedSayingWhatIsWrong() {
    Map<String, String> refusals =
        Map.of(
            "Movie.findMany().include(cast, select: [name, @list_ordr])",
            "select of include 'cast': unknown link field '@list_ordr' of relation Movie.cast (did"
                + " you mean '@list_order'?)",
            "Movie.findMany().include(director, orderBy: @list_order)",
            "order by of include 'director': '@list_order' is a link field, but relation"
                + " Movie.director is many to one: only a many-to-many relation has link fields"
                + " (the fields of its edge entity)",
            "Movie.findMany().include(cast, where: @list_order == \"x\")",
            "filter of include 'cast': field MovieCast.list_order is int32 but is compared with"
                + " string \"x\"",
            "Movie.findMany().include(cast, where: @movie_id == 1)",
            "filter of include 'cast': '@movie_id' is a key of the edge entity MovieCast (it holds"
                + " Movie.id), not a link field; the link fields of Movie.cast are @id,"
                + " @list_order, @character");
    refusals.forEach(
        (text, message) -> {
          OrmDbException e = catchThrowableOfType(OrmDbException.class, () -> run(text));
          assertThat(e.code()).as(text).isEqualTo(ErrorCode.INVALID_REQUEST);
          assertThat(e.getMessage()).as(text).isEqualTo(message);
        });
    // built in code, a link field at the root
    OrmDbException root =
        catchThrowableOfType(
            OrmDbException.class,
            () -> store.query(GraphQuery.from("Movie").select("title", "@list_order").build()));
    assertThat(root.getMessage())
        .isEqualTo(
            "select: '@list_order' is a link field: only an include over a many-to-many relation"
                + " has link fields (the fields of its edge entity)");
  }
}
