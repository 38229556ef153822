package io.ormdb.protocol.lang.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.lang.ParseException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.schema.SchemaBundle;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Order keys that name a related row's field ({@code person.last_name}): how they read, and — when
 * the parser is given the schema — each mistake in one at its position.
 */
class OrderPathTest {
  static final SchemaBundle MOVIES =
      SchemaParser.parse(
          """
          entity Person {
            id         int64  @id
            first_name string
            last_name  string
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
          """);

  @Test
  void pathsReadWithOrWithoutTheSchema() {
    String text =
        "Movie.findMany().orderBy(director.last_name.desc.nullsLast, title)"
            + ".include(cast, orderBy: [person.last_name, `person`.first_name.desc])";
    for (SchemaBundle schema : new SchemaBundle[] {null, MOVIES}) {
      Statement.Find f = (Statement.Find) QueryParser.parse(text, schema);
      assertThat(f.query().orderBy())
          .containsExactly(
              OrderSpec.desc("director.last_name").nullsLast(), OrderSpec.asc("title"));
      assertThat(f.query().includes().get(0).orderBy())
          .containsExactly(OrderSpec.asc("person.last_name"), OrderSpec.desc("person.first_name"));
    }
    assertThat(
            ((Statement.Find)
                    QueryParser.parse(
                        "CastMember.findMany().orderBy(movie.director.last_name)", MOVIES))
                .query()
                .orderBy())
        .containsExactly(OrderSpec.asc("movie.director.last_name"));
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of(
            "CastMember.findMany().orderBy(person.last_nme)",
            38,
            "unknown field 'last_nme' on entity Person (did you mean 'last_name'?)"),
        Arguments.of(
            "CastMember.findMany().orderBy(persn.last_name)",
            31,
            "unknown relation 'persn' on entity CastMember (did you mean 'person'?)"),
        Arguments.of(
            "Person.findMany().orderBy(roles.character)",
            27,
            "relation 'roles' of entity Person is one to many: a path to one value follows to-one"
                + " relations only (many to one, one to one)"),
        Arguments.of(
            "CastMember.findMany().orderBy(person.desc)",
            31,
            "'person' is a relation of entity CastMember, not a field: name one of its fields,"
                + " such as 'person.first_name'"),
        Arguments.of(
            "Person.findMany().orderBy(last_name.dsc)",
            37,
            "expected 'asc', 'desc', 'nullsFirst' or 'nullsLast' after field 'last_name' but"
                + " found 'dsc' (did you mean 'desc'?)"),
        Arguments.of(
            "Person.findMany().orderBy(last_name.first_name)",
            27,
            "'last_name' is a field of entity Person, not a relation: only the last name of a path"
                + " names a field"),
        Arguments.of(
            "Movie.findMany().include(cast, orderBy: [id, person.lastName])",
            53,
            "unknown field 'lastName' on entity Person (did you mean 'last_name'?)"),
        Arguments.of(
            "explain CastMember.findMany().orderBy(movie.director.last_name, movie.cast.id)",
            71,
            "relation 'cast' of entity Movie is one to many: a path to one value follows to-one"
                + " relations only (many to one, one to one)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void withTheSchemaAMistakeIsReportedAtItsName(String text, int column, String detail) {
    assertThatThrownBy(() -> QueryParser.parse(text, MOVIES))
        .isInstanceOf(ParseException.class)
        .hasMessage("line 1:" + column + ": " + detail);
    assertThatThrownBy(() -> QueryParser.parseScript("Person.count();\n" + text, MOVIES))
        .hasMessage("line 2:" + column + ": " + detail);
    // without the schema the statement reads, and planning reports the mistake
    assertThat(QueryParser.parse(text)).isNotNull();
  }

  @Test
  void namesTheSchemaDoesNotKnowAreLeftToThePlanner() {
    assertThat(QueryParser.parse("Persn.findMany().orderBy(x.y)", MOVIES)).isNotNull();
    assertThat(QueryParser.parse("Movie.findMany().include(cats, orderBy: x.y)", MOVIES))
        .isNotNull();
  }
}
