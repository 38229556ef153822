package io.ormdb.protocol.lang.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.lang.ParseException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each kind of query mistake gets an exact position and message. */
class QueryErrorsTest {

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of(
            "unknown root method with suggestion",
            "User.findMnay()",
            1,
            6,
            "unknown method 'findMnay' (did you mean 'findMany'?)"),
        Arguments.of(
            "unknown chained method with suggestion",
            "User.findMany().wher(a == 1)",
            1,
            17,
            "unknown method 'wher' after findMany() (did you mean 'where'?)"),
        Arguments.of(
            "method not available on the statement",
            "User.count().include(posts)",
            1,
            14,
            "'include' is not available after count(); use where, groupBy, asOf"),
        Arguments.of(
            "unclosed parenthesis",
            "User.findMany().where((a == 1 || b == 2)",
            1,
            41,
            "expected ')' but found end of input"),
        Arguments.of(
            "bad operator",
            "User.findMany().where(age = 18)",
            1,
            27,
            "'=' is not an operator (did you mean '=='?)"),
        Arguments.of(
            "sql inequality operator",
            "User.findMany().where(age <> 18)",
            1,
            27,
            "'<>' is not an operator (did you mean '!='?)"),
        Arguments.of(
            "in without a list",
            "User.findMany().where(role in \"admin\")",
            1,
            31,
            "expected '[' but found string \"admin\""),
        Arguments.of(
            "misspelled predicate keyword",
            "User.findMany().where(name lik \"A%\")",
            1,
            28,
            "expected an operator after 'name' but found 'lik' (did you mean 'like'?)"),
        Arguments.of(
            "like without a pattern",
            "User.findMany().where(name like 5)",
            1,
            33,
            "expected a string pattern but found number 5"),
        Arguments.of(
            "bare word as a value",
            "User.findMany().where(status == active)",
            1,
            33,
            "expected a value but found 'active' (write a string in quotes: \"active\")"),
        Arguments.of(
            "ordering comparison with null",
            "User.findMany().where(age > null)",
            1,
            29,
            "null can only be compared with == or != (or write 'is null' / 'is not null')"),
        Arguments.of(
            "misspelled null test",
            "User.findMany().where(age is nul)",
            1,
            30,
            "expected 'null' but found 'nul' (did you mean 'null'?)"),
        Arguments.of(
            "missing condition",
            "User.findMany().where()",
            1,
            23,
            "expected a condition but found ')'"),
        Arguments.of(
            "unterminated string",
            "User.findMany().where(name == \"Al)",
            1,
            31,
            "unterminated string"),
        Arguments.of(
            "single ampersand",
            "User.findMany().where(a == 1 & b == 2)",
            1,
            30,
            "unexpected character '&' (did you mean '&&'?)"),
        Arguments.of(
            "misspelled nulls placement after a direction",
            "User.findMany().orderBy(age.desc.nullsLats)",
            1,
            34,
            "expected 'nullsFirst' or 'nullsLast' after 'desc' but found 'nullsLats'"
                + " (did you mean 'nullsLast'?)"),
        Arguments.of(
            "a name after the nulls placement",
            "User.findMany().orderBy(age.nullsLast.x)",
            1,
            39,
            "nothing follows the nulls placement 'nullsLast' of an order key"),
        Arguments.of(
            "an order path ending in a dot",
            "User.findMany().orderBy(author.)",
            1,
            32,
            "expected a relation or field name after '.' but found ')'"),
        Arguments.of(
            "direction after the nulls placement",
            "User.findMany().orderBy(age.nullsLast.desc)",
            1,
            39,
            "the direction comes before the nulls placement: write age.desc.nullsLast"),
        Arguments.of(
            "two directions",
            "User.findMany().orderBy(age.desc.asc)",
            1,
            34,
            "'asc' after 'desc': an order key has one direction"),
        Arguments.of(
            "two nulls placements",
            "User.findMany().include(posts, orderBy: views.nullsFirst.nullsLast)",
            1,
            58,
            "'nullsLast' after 'nullsFirst': an order key has one nulls placement"),
        Arguments.of(
            "negative limit",
            "User.findMany().limit(-1)",
            1,
            23,
            "expected a whole number for the limit but found '-'"),
        Arguments.of(
            "method given twice",
            "User.findMany().limit(1).limit(2)",
            1,
            26,
            "limit(...) is given twice"),
        Arguments.of(
            "limit on findFirst",
            "User.findFirst().limit(5)",
            1,
            18,
            "limit(...) does not apply to findFirst()"),
        Arguments.of(
            "findUnique without where",
            "User.findUnique()",
            1,
            6,
            "findUnique() needs a where(...) naming the row"),
        Arguments.of(
            "cursor combined with offset",
            "User.findMany().after(\"c\").offset(5)",
            1,
            28,
            "after(...) and offset(...) cannot be combined"),
        Arguments.of(
            "nested include without its parent",
            "User.findMany().include(posts.comments)",
            1,
            25,
            "include 'posts.comments' needs its parent path 'posts' included too"),
        Arguments.of(
            "unknown include option with suggestion",
            "User.findMany().include(posts, limt: 5)",
            1,
            32,
            "unknown include option 'limt' (did you mean 'limit'?)"),
        Arguments.of(
            "unknown aggregate function with suggestion",
            "Post.aggregate(summ(views))",
            1,
            16,
            "unknown aggregate function 'summ' (did you mean 'sum'?)"),
        Arguments.of(
            "aggregate without its field",
            "Post.aggregate(avg())",
            1,
            20,
            "expected a field for avg(...) but found ')'"),
        Arguments.of(
            "updateMany without where",
            "User.updateMany().set({ a: 1 })",
            1,
            6,
            "updateMany() needs a where(...); write where(true) to update every row"),
        Arguments.of(
            "update without set",
            "User.update(id: \"u1\")",
            1,
            6,
            "update(...) needs a set({...}) with the new values"),
        Arguments.of(
            "rows in an update without saying what to do with them",
            "User.update(id: \"u1\").set({ posts: [{ title: \"x\" }] })",
            1,
            36,
            "an update says what to do with related rows: posts: { create: [...] }, or connect,"
                + " disconnect, update or delete"),
        Arguments.of(
            "nested write in updateMany",
            "User.updateMany().where(true).set({ posts: { create: [{ title: \"x\" }] } })",
            1,
            44,
            "nested writes are only allowed in create(...) and update(...)"),
        Arguments.of(
            "misspelled connect",
            "Post.create({ title: \"x\", tags: { conect: [{ id: 1 }] } })",
            1,
            35,
            "unknown nested write 'conect' (did you mean 'connect'?)"),
        Arguments.of(
            "misspelled nested write after a correct one",
            "User.update(id: 1).set({ posts: { connect: { id: 2 }, dlete: { id: 3 } } })",
            1,
            55,
            "unknown nested write 'dlete' (did you mean 'delete'?)"),
        Arguments.of(
            "disconnect in a create",
            "Post.create({ title: \"x\", tags: { disconnect: [{ id: 1 }] } })",
            1,
            35,
            "disconnect is not available in create(...): a new row has no related rows yet; use"
                + " create or connect"),
        Arguments.of(
            "nested write given twice",
            "User.update(id: 1).set({ posts: { connect: { id: 2 }, connect: { id: 3 } } })",
            1,
            55,
            "'connect' is given twice"),
        Arguments.of(
            "empty key",
            "Post.create({ title: \"x\", tags: { connect: [{}] } })",
            1,
            45,
            "a key needs a value: the identity, or all fields of a unique constraint"),
        Arguments.of(
            "a nested update without set",
            "User.update(id: 1).set({ posts: { update: { where: { id: 2 } } } })",
            1,
            43,
            "a nested update needs set: {...} with the new values"),
        Arguments.of(
            "a misspelled part of a nested update",
            "User.update(id: 1).set({ posts: { update: { wher: { id: 2 }, set: {} } } })",
            1,
            45,
            "unknown part 'wher' of a nested update (did you mean 'where'?); write { where: {...},"
                + " set: {...} }"),
        Arguments.of(
            "a reference outside a batch",
            "Post.create({ authorId: ann.id, title: \"x\" })",
            1,
            25,
            "unknown row 'ann': a write refers only to rows named with let earlier in the same"
                + " batch { ... }"),
        Arguments.of(
            "an unknown reference in a batch",
            "batch { let ann = User.create({ name: \"A\" }); Post.create({ authorId: an.id }) }",
            1,
            71,
            "unknown row 'an': no earlier write of this batch is named so (did you mean 'ann'?)"),
        Arguments.of(
            "a reference without its field",
            "batch { let ann = User.create({}); Post.create({ authorId: ann }) }",
            1,
            60,
            "'ann' names a row; write the field you want of it, as in ann.id"),
        Arguments.of(
            "let outside a batch",
            "let ann = User.create({})",
            1,
            1,
            "let names a row for the later writes of the same batch: write it inside batch { ..."
                + " }"),
        Arguments.of(
            "let on an update",
            "batch { let u = User.update(id: 1).set({ a: 1 }) }",
            1,
            17,
            "let names the row of a create(...) or an upsert(...), not of update User"),
        Arguments.of(
            "a field read in a create",
            "Account.create({ balance: balance + 1 })",
            1,
            27,
            "expected a value but found 'balance' (write a string in quotes: \"balance\")"),
        Arguments.of(
            "an upsert whose set reads the row, without create",
            "Account.upsert(key: { id: 1 }).set({ balance: balance + 1 })",
            1,
            36,
            "set balance: balance + 1 reads the row, which a new row does not have yet: give the"
                + " new row's values in .create({...})"),
        Arguments.of(
            "an upsert key that is computed",
            "Account.upsert(key: { id: 1 + 1 }).set({})",
            1,
            21,
            "the upsert key holds values, not computed ones"),
        Arguments.of(
            "arithmetic without its right operand",
            "Account.update(id: 1).set({ balance: balance + })",
            1,
            48,
            "expected a value but found '}'"),
        Arguments.of(
            "duplicate key in an object",
            "User.create({ name: \"a\", name: \"b\" })",
            1,
            26,
            "duplicate key 'name'"),
        Arguments.of(
            "mixed array element types",
            "User.create({ tags: [\"a\", 1] })",
            1,
            27,
            "array elements must have one type: expected string but found int64"),
        Arguments.of(
            "missing comma between statements",
            "User.count() User.count()",
            1,
            14,
            "expected end of input but found 'User'"),
        Arguments.of(
            "explain of a write",
            "explain User.delete(id: 1)",
            1,
            9,
            "explain works on findMany, findFirst and findUnique queries"),
        Arguments.of(
            "method call without parentheses",
            "User.findMany",
            1,
            14,
            "expected '(' but found end of input"),
        Arguments.of(
            "a read inside a batch",
            "batch { User.findMany() }",
            1,
            9,
            "a batch holds only writes"),
        Arguments.of(
            "nothing may follow create",
            "User.create({}).where(a == 1)",
            1,
            17,
            "nothing can follow create(...)"),
        Arguments.of(
            "upsert without key",
            "User.upsert({ email: \"a\" })",
            1,
            13,
            "expected 'key: {...}' but found '{'"),
        Arguments.of(
            "integer out of range",
            "User.findMany().where(n == 99999999999999999999)",
            1,
            28,
            "number out of range: 99999999999999999999"),
        Arguments.of(
            "aggregate in a select with a misspelled function",
            "Movie.findMany().select(title, r: avrg(reviews.rating))",
            1,
            35,
            "unknown aggregate function 'avrg' (did you mean 'avg'?)"),
        Arguments.of(
            "aggregate in a select without its relation",
            "Movie.findMany().select(n: count())",
            1,
            34,
            "expected the relation count(...) reads, as in count(<relation>) but found ')'"),
        Arguments.of(
            "avg in a select without a field",
            "Movie.findMany().include(cast, select: [name, r: avg(reviews)])",
            1,
            54,
            "avg(...) needs a field of the related rows: avg(reviews.<field>)"),
        Arguments.of(
            "aggregate over a chain of relations",
            "Person.findMany().select(r: avg(movies.reviews.rating))",
            1,
            47,
            "an aggregate reads one relation: include 'movies' and select the aggregate there"),
        Arguments.of(
            "aggregate option with suggestion",
            "Movie.findMany().select(n: count(reviews, wher: rating > 3))",
            1,
            43,
            "unknown aggregate option 'wher' (did you mean 'where'?)"),
        Arguments.of(
            "aggregate label repeated",
            "Movie.findMany().select(n: count(reviews), n: avg(reviews.rating))",
            1,
            44,
            "'n' is selected twice"),
        Arguments.of(
            "aggregate label repeating a field",
            "Movie.findMany().include(reviews, select: [rating, rating: count(likes)])",
            1,
            52,
            "'rating' is selected twice"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void reportsTheMistakeWithItsPosition(
      String kind, String text, int line, int column, String detail) {
    assertThatThrownBy(() -> QueryParser.parse(text))
        .isInstanceOf(ParseException.class)
        .hasMessage("line " + line + ":" + column + ": " + detail)
        .satisfies(
            e -> {
              ParseException pe = (ParseException) e;
              assertThat(pe.line()).isEqualTo(line);
              assertThat(pe.column()).isEqualTo(column);
              assertThat(pe.detail()).isEqualTo(detail);
              assertThat(pe.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void positionsCountLinesToo(String kind, String text, int line, int column, String detail) {
    // The same mistake two lines further down is reported two lines further down.
    String shifted = "\n// a comment\n" + text;
    assertThatThrownBy(() -> QueryParser.parse(shifted))
        .hasMessage("line " + (line + 2) + ":" + column + ": " + detail);
  }
}
