package io.ormdb.protocol.lang.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.lang.FilterPrinter;
import io.ormdb.protocol.lang.ParseException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.schema.SchemaBundle;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Link fields ({@code @list_order}) in the select, where and orderBy of an include: how they read,
 * how the Java builder writes the same include, and each mistake at its position.
 */
class LinkFieldQueryTest {
  static final SchemaBundle MOVIES =
      SchemaParser.parse(
          """
          entity Movie {
            id       int64 @id
            title    string
            directorId int64?
            relation cast: many to many Person through MovieCast(movie_id, person_id) {
              list_order int32?
              character  string?
            }
            relation director: many to one Person by directorId
          }
          entity Person {
            id   int64 @id
            name string
          }
          """);

  @Test
  void anIncludeReadsLinkFieldsWithOrWithoutTheSchema() {
    String text =
        "Movie.findMany().include(cast, select: [name, @list_order], orderBy:"
            + " @list_order.asc.nullsLast, where: @list_order < 10 && name like \"A%\", limit: 5)";
    Include expected =
        Include.of("cast")
            .select("name", Include.link("list_order"))
            .orderBy(OrderSpec.asc(Include.link("list_order")).nullsLast())
            .where(
                Filter.and(
                    Filter.cmp("@list_order", Filter.Op.LT, 10L),
                    new Filter.Like("name", "A%", false)))
            .limit(5);
    for (SchemaBundle schema : new SchemaBundle[] {null, MOVIES}) {
      Statement.Find f = (Statement.Find) QueryParser.parse(text, schema);
      assertThat(f.query().includes()).containsExactly(expected);
    }
    assertThat(expected.pagination()).isEqualTo(new Pagination(5, 0, null));
    assertThat(FilterPrinter.print(expected.filter()))
        .isEqualTo("@list_order < 10 && name like \"A%\"");
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        // anywhere but an include, with or without the schema
        Arguments.of(
            "Movie.findMany().select(title, @list_order)",
            32,
            "'@list_order' is a link field: only an include over a many-to-many relation has link"
                + " fields (the fields of its edge entity)",
            true),
        Arguments.of(
            "Movie.findMany().where(@list_order > 1)",
            24,
            "'@list_order' is a link field: only an include over a many-to-many relation has link"
                + " fields (the fields of its edge entity)",
            true),
        Arguments.of(
            "Movie.findMany().orderBy(title, @list_order.desc)",
            33,
            "'@list_order' is a link field: only an include over a many-to-many relation has link"
                + " fields (the fields of its edge entity)",
            true),
        // with the schema
        Arguments.of(
            "Movie.findMany().include(cast, select: [name, @list_ordr])",
            47,
            "unknown link field '@list_ordr' of relation Movie.cast (did you mean '@list_order'?)",
            false),
        Arguments.of(
            "Movie.findMany().include(cast, orderBy: @lst_order)",
            41,
            "unknown link field '@lst_order' of relation Movie.cast (did you mean '@list_order'?)",
            false),
        Arguments.of(
            "Movie.findMany().include(cast, where: @name == \"x\")",
            39,
            "'@name' names a link field, but 'name' is a field of Person: write it without '@'",
            false),
        Arguments.of(
            "Movie.findMany().include(director, select: [@list_order])",
            45,
            "'@list_order' is a link field, but relation Movie.director is many to one: only a"
                + " many-to-many relation has link fields (the fields of its edge entity)",
            false),
        Arguments.of(
            "Movie.findMany().include(cast, orderBy: @movie_id)",
            41,
            "'@movie_id' is a key of the edge entity MovieCast (it holds Movie.id), not a link"
                + " field; the link fields of Movie.cast are @id, @list_order, @character",
            false));
  }

  @ParameterizedTest
  @MethodSource("mistakes")
  void mistakesAreReportedAtTheirPosition(
      String text, int column, String message, boolean withoutSchemaToo) {
    List<SchemaBundle> schemas =
        withoutSchemaToo ? java.util.Arrays.asList(null, MOVIES) : List.of(MOVIES);
    for (SchemaBundle schema : schemas) {
      assertThatThrownBy(() -> QueryParser.parse(text, schema))
          .isInstanceOf(ParseException.class)
          .hasMessage("line 1:" + column + ": " + message);
    }
  }

  @Test
  void syntaxMistakes() {
    assertThatThrownBy(
            () -> QueryParser.parse("Movie.findMany().include(cast, orderBy: @list_order.x)"))
        .hasMessage(
            "line 1:53: expected 'asc', 'desc', 'nullsFirst' or 'nullsLast' after the link field"
                + " '@list_order' but found 'x'");
    assertThatThrownBy(
            () -> QueryParser.parse("Movie.findMany().include(cast, select: [@n: count(x)])"))
        .hasMessage("line 1:41: an aggregate's label is a name, not a link field ('@n')");
    assertThatThrownBy(() -> QueryParser.parse("Movie.findMany().include(cast, select: [@n, @n])"))
        .hasMessage("line 1:45: '@n' is selected twice");
    assertThatThrownBy(() -> QueryParser.parse("Movie.findMany().include(cast, where: @ < 3)"))
        .hasMessage("line 1:41: expected a link field name after '@' but found '<'");
  }
}
