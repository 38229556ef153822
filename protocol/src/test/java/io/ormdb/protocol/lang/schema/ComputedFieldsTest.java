package io.ormdb.protocol.lang.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.lang.ExprPrinter;
import io.ormdb.protocol.lang.ParseException;
import io.ormdb.protocol.query.Expr;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.Computed;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.Masking;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.SchemaProblem;
import io.ormdb.protocol.schema.SchemaRules;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Computed fields in the schema language: {@code name type = expression}, parsed into {@link
 * Computed}, printed back, and checked (fields read, cycles, types, nulls, attributes) with a
 * position for every mistake.
 */
class ComputedFieldsTest {
  private static final String PERSON =
      """
      entity Person {
        id          int64   @id
        first_name  string
        middle_name string?
        last_name   string
        age         int32?
        score       int32
        bonus       int64
        price       decimal(10, 2)
        rate        float64
        %s
        relation posts: one to many Post by authorId
      }
      entity Post {
        id       int64 @id
        authorId int64
      }
      """;

  private static SchemaBundle person(String fields) {
    return SchemaParser.parse(PERSON.formatted(fields));
  }

  private static FieldDef field(SchemaBundle s, String name) {
    return s.requireEntity("Person").field(name).orElseThrow();
  }

  @Test
  void aFieldWithAnExpressionIsComputedAndVirtualByDefault() {
    SchemaBundle s = person("full_name string = first_name + \" \" + last_name");
    FieldDef f = field(s, "full_name");

    assertThat(f.computed())
        .isEqualTo(
            Computed.virtual(
                Expr.call(
                    "+",
                    Expr.call("+", Expr.field("first_name"), Expr.literal(" ")),
                    Expr.field("last_name"))));
    assertThat(f.isVirtual()).isTrue();
    assertThat(f.type()).isEqualTo(FieldType.of(ValueType.STRING));
  }

  @Test
  void storedComputedFieldsMayBeIndexedAndUnique() {
    SchemaBundle s =
        person(
            "rank int64 = score * 10 + bonus @stored @index\n"
                + "  label string = first_name + \"#\" + last_name @stored @unique");

    assertThat(field(s, "rank").computed().stored()).isTrue();
    assertThat(field(s, "rank").indexed()).isTrue();
    assertThat(field(s, "label").unique()).isTrue();
  }

  static Stream<String> expressions() {
    return Stream.of(
        "first_name + \" \" + last_name",
        "coalesce(middle_name, \"\")",
        "(score + 1) * 2",
        "score - (bonus - 1)",
        "score - bonus - 1",
        "-score + 3",
        "-(score + bonus)",
        "score * -1",
        "score % 7 / 2",
        "if(age >= 18 && middle_name is not null, \"adult\", \"minor\")",
        "if(score in [1, 2], price * 2, price)",
        "coalesce(age, score, 0)",
        "rate * 1.5 + price",
        "price - 0.25m");
  }

  @ParameterizedTest
  @MethodSource("expressions")
  void expressionsPrintAsTheyAreWrittenAndReadBack(String expression) {
    String decl = "x " + typeFor(expression) + " = " + expression;
    SchemaBundle s = person(decl);
    Expr parsed = field(s, "x").computed().expression();

    assertThat(ExprPrinter.print(parsed)).isEqualTo(expression);
    String printed = SchemaPrinter.print(s);
    assertThat(printed).contains("= " + expression);
    assertThat(SchemaParser.parse(printed)).isEqualTo(s);
  }

  private static String typeFor(String expression) {
    if (expression.contains("\"")) {
      return "string";
    }
    if (expression.contains("rate")) {
      return "float64";
    }
    if (expression.contains("price")) {
      return "decimal(12, 2)";
    }
    if (expression.contains("/") || expression.contains("%")) {
      return "int64?";
    }
    return expression.startsWith("coalesce") ? "int32" : "int64";
  }

  @Test
  void precedenceAndAssociativityAreThoseOfArithmetic() {
    Expr e = field(person("x int64 = score + bonus * 2 - 1"), "x").computed().expression();

    assertThat(e)
        .isEqualTo(
            Expr.call(
                "-",
                Expr.call("+", Expr.field("score"), Expr.call("*", Expr.field("bonus"), lit(2))),
                lit(1)));
  }

  private static Expr lit(long v) {
    return new Expr.Literal(Value.of(v));
  }

  @Test
  void aConditionIsAFilterExpressionOfTheQueryLanguage() {
    Expr e =
        field(person("x string = if(age is null || age < 18, \"minor\", \"adult\")"), "x")
            .computed()
            .expression();

    assertThat(e)
        .isEqualTo(
            new Expr.If(
                Filter.or(new Filter.IsNull("age", false), Filter.cmp("age", Filter.Op.LT, 18L)),
                Expr.literal("minor"),
                Expr.literal("adult")));
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of(
            "unknown field with suggestion",
            "full_name string = frist_name + \" \" + last_name",
            "11:22: unknown field 'frist_name' on entity Person (did you mean 'first_name'?)"),
        Arguments.of(
            "a field reading itself",
            "total int64 = total + 1",
            "11:17: computed field Person.total reads itself"),
        Arguments.of(
            "a cycle",
            "a int64 = b + 1\n  b int64 = c + 1\n  c int64 = a * 2",
            "11:13: computed fields of Person read each other in a cycle: a -> b -> c -> a"),
        Arguments.of(
            "declared type not the expression's",
            "x int32 = first_name + \"!\"",
            "11:11: computed field Person.x is declared int32 but its expression is string"),
        Arguments.of(
            "narrowing integer arithmetic",
            "x int32 = score + 1",
            "11:11: computed field Person.x is declared int32 but its expression is int64"
                + " (arithmetic on integers is int64)"),
        Arguments.of(
            "adding a string and a number",
            "x string = first_name + score",
            "11:12: computed field Person.x: '+' joins two strings or adds two numbers, but"
                + " score is int32 (the other side is text)"),
        Arguments.of(
            "arithmetic on text",
            "x int64 = score * last_name",
            "11:11: computed field Person.x: '*' needs numbers, but last_name is string"),
        Arguments.of(
            "a required field that may be null",
            "x string = first_name + middle_name",
            "11:12: computed field Person.x may be null (it reads optional field 'middle_name'):"
                + " declare it string?, or give coalesce(..) a value that is never null"),
        Arguments.of(
            "a division may be null",
            "x int64 = score / 2",
            "11:11: computed field Person.x may be null ('/' by zero is null): declare it int64?,"
                + " or give coalesce(..) a value that is never null"),
        Arguments.of(
            "branches of different types",
            "x string = if(score > 1, first_name, score)",
            "11:12: computed field Person.x: the two values of if(..) have different types:"
                + " string and int32"),
        Arguments.of(
            "@index without @stored",
            "x int64 = score + 1 @index",
            "11:23: @index on computed field Person.x needs @stored: a virtual computed field"
                + " is computed when read and has no stored values to index"),
        Arguments.of(
            "@unique without @stored",
            "x int64 = score + 1 @unique",
            "11:23: @unique on computed field Person.x needs @stored: a virtual computed field"
                + " is computed when read and has no stored values to index"),
        Arguments.of(
            "@default on a computed field",
            "x int64 = score + 1 @default(3)",
            "11:23: computed field Person.x has no @default: its value is computed"),
        Arguments.of(
            "@stored without an expression",
            "x int64 @stored",
            "11:11: @stored is for computed fields: write 'x <type> = <expression> @stored'"),
        Arguments.of(
            "reading a relation",
            "x string = posts",
            "11:14: computed field Person.x reads 'posts', a relation of Person: a computed"
                + " field reads only its own row's fields"),
        Arguments.of(
            "reading a related row's field",
            "x int64 = posts.id",
            "11:13: computed field Person.x reads 'posts.id' through relation posts: a computed"
                + " field reads only its own row's fields"),
        Arguments.of(
            "an unknown function",
            "x string = coalese(middle_name, \"\")",
            "11:14: unknown function 'coalese' (functions: coalesce, if) (did you mean"
                + " 'coalesce'?)"),
        Arguments.of(
            "coalesce of one value",
            "x string = coalesce(first_name)",
            "11:14: coalesce needs at least two values"),
        Arguments.of(
            "a session attribute in a condition",
            "x int64 = if(id == $user.id, 1, 0)",
            "11:23: session attributes ($user.id) can only be used in policies, not in computed"
                + " fields"),
        Arguments.of(
            "the old mistake of the issue still reads as a field",
            "full_name string = first_name + \" \" + last_name +",
            "12:3: expected a value (a field, a literal, '(', coalesce(..) or if(..)) but found"
                + " 'relation'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void mistakesAreReportedWhereTheyAre(String kind, String decl, String expected) {
    assertThatThrownBy(() -> person(decl))
        .isInstanceOf(ParseException.class)
        .hasMessage("line " + expected);
  }

  @Test
  void anEntityIndexCannotHoldAVirtualField() {
    String text =
        """
        entity Person {
          id   int64  @id
          name string
          up   string = name + "!"
          index (name, up)
        }
        """;
    assertThatThrownBy(() -> SchemaParser.parse(text))
        .isInstanceOf(ParseException.class)
        .hasMessage(
            "line 5:16: an index cannot hold virtual computed field Person.up: it is computed when"
                + " read and has no stored values (declare it @stored)");
  }

  @Test
  void aComputedFieldCannotBeARelationKey() {
    String text =
        """
        entity Post {
          id   int64 @id
          raw  int64
          key  int64 = raw + 0
          relation author: many to one User by key
        }
        entity User {
          id int64 @id
        }
        """;
    assertThatThrownBy(() -> SchemaParser.parse(text))
        .isInstanceOf(ParseException.class)
        .hasMessage(
            "line 5:40: Post.key is a computed field and cannot be a key (keys are fields that"
                + " writes set)");
  }

  @Test
  void aSchemaBuiltInCodeIsCheckedWithTheSameWords() {
    FieldDef total =
        FieldDef.of("total", FieldType.of(ValueType.INT32))
            .withComputed(Computed.virtual(Expr.call("+", Expr.field("totl"), Expr.literal(1))));
    FieldDef self =
        FieldDef.of("self", FieldType.of(ValueType.INT64))
            .withComputed(Computed.virtual(Expr.call("+", Expr.field("self"), Expr.literal(1))));
    SchemaBundle s =
        new SchemaBundle(
            1,
            List.of(),
            List.of(
                new EntityDef(
                    "Order",
                    "id",
                    List.of(
                        FieldDef.of("id", FieldType.of(ValueType.INT64)),
                        FieldDef.of("total_", FieldType.of(ValueType.INT32)),
                        total,
                        self),
                    false,
                    List.of())),
            List.of(),
            List.of(),
            List.of(),
            List.of());

    assertThat(SchemaRules.check(s))
        .extracting(SchemaProblem::toString)
        .containsExactly(
            "field Order.total: unknown field 'totl' on entity Order (did you mean 'total'?)",
            "field Order.self: computed field Order.self reads itself");
  }

  @Test
  void aComputedFieldIsAtLeastAsSensitiveAsWhatItReads() {
    SchemaBundle s =
        SchemaParser.parse(
            """
            entity User {
              id     int64   @id
              ssn    string? @sensitive(restricted) @mask(partial(4))
              name   string
              label  string? = name + ":" + ssn
              shout  string  = name + "!"
              again  string? = label + "?" @sensitive(internal)
              masked string  = name + "" @sensitive(sensitive) @mask(hash)
            }
            """);
    EntityDef user = s.requireEntity("User");

    assertThat(user.sensitivityOf(user.field("label").orElseThrow()))
        .isEqualTo(Sensitivity.RESTRICTED);
    assertThat(user.sensitivityOf(user.field("again").orElseThrow()))
        .as("through another computed field, and a lower declaration does not lower it")
        .isEqualTo(Sensitivity.RESTRICTED);
    assertThat(user.sensitivityOf(user.field("shout").orElseThrow())).isEqualTo(Sensitivity.PUBLIC);
    assertThat(user.field("masked").orElseThrow().masking()).isEqualTo(new Masking.Hash());
  }

  @Test
  void aMaskOnAComputedFieldNeedsOnlyWhatItReadsToBeSensitive() {
    SchemaBundle s =
        SchemaParser.parse(
            """
            entity User {
              id    int64   @id
              ssn   string? @sensitive(restricted)
              label string? = "#" + ssn @mask(redact("***"))
            }
            """);
    assertThat(s.requireEntity("User").field("label").orElseThrow().masking())
        .isEqualTo(new Masking.Redact("***"));
  }

  /** The mistakes docs/schema-language.md shows are reported as it shows them. */
  @Test
  void theGuidesMistakesGetTheErrorsItShows() throws java.io.IOException {
    List<String> blocks = SchemaDocsTest.blocks(SchemaDocsTest.DOC, "text");
    int at = -1;
    for (int i = blocks.size() - 1; i >= 0; i--) {
      if (blocks.get(i).startsWith("entity") && blocks.get(i).contains("frist_name")) {
        at = i;
      }
    }
    assertThat(at).as("the guide's example of mistakes").isNotNegative();
    String schema = blocks.get(at);
    String errors = blocks.get(at + 1).strip();
    assertThatThrownBy(() -> SchemaParser.parse(schema))
        .isInstanceOf(ParseException.class)
        .hasMessage(errors);
  }

  @Test
  void expressionsNestAtMostTheLanguagesLimit() {
    String deep = "score" + " + 1".repeat(300);
    assertThatThrownBy(() -> person("x int64 = " + deep))
        .isInstanceOf(ParseException.class)
        .hasMessageEndingWith("expression nested too deeply (more than 256 levels)");
    String parens = "(".repeat(300) + "score" + ")".repeat(300);
    assertThatThrownBy(() -> person("x int64 = " + parens))
        .isInstanceOf(ParseException.class)
        .hasMessageEndingWith("expression nested too deeply (more than 256 levels)");
  }
}
