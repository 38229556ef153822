package io.ormdb.protocol.lang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.Nesting;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.SchemaBundle;
import org.junit.jupiter.api.Test;

/**
 * Deeply nested text (thousands of parentheses, negations, nested rows) is refused with a position
 * and the limit, by every parser, instead of overflowing the stack.
 */
class NestingLimitTest {
  private static final String WHERE = "M.findMany().where(";

  /** The parse error {@code text} gets; fails if it parses or throws anything else. */
  private static ParseException refusal(Runnable parse) {
    Throwable t = catchThrowable(parse::run);
    assertThat(t).isInstanceOf(ParseException.class);
    ParseException p = (ParseException) t;
    assertThat(p.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    return p;
  }

  private static String parens(int n, String inner) {
    return "(".repeat(n) + inner + ")".repeat(n);
  }

  @Test
  void threeThousandParenthesesInAQueryAreRefusedAtTheFirstTooDeep() {
    // the 257th parenthesis is at column 20 + 256
    ParseException e = refusal(() -> QueryParser.parse(WHERE + parens(3_000, "x == 1") + ")"));
    assertThat(e.getMessage())
        .isEqualTo("line 1:276: expression nested too deeply (more than 256 levels)");
    assertThat(refusal(() -> QueryParser.parseFilter(parens(3_000, "x == 1"))).getMessage())
        .isEqualTo("line 1:257: expression nested too deeply (more than 256 levels)");
  }

  @Test
  void fiftyThousandNegationsAreRefused() {
    ParseException e = refusal(() -> QueryParser.parse(WHERE + "!".repeat(50_000) + "x == 1)"));
    assertThat(e.getMessage())
        .isEqualTo("line 1:276: expression nested too deeply (more than 256 levels)");
    ParseException words = refusal(() -> QueryParser.parseFilter("not ".repeat(300) + "x == 1"));
    assertThat(words.line()).isEqualTo(1);
    assertThat(words.column()).isEqualTo(256 * 4 + 1);
    // parentheses and negations count together
    ParseException mixed = refusal(() -> QueryParser.parseFilter("!(".repeat(129) + "x == 1"));
    assertThat(mixed.column()).isEqualTo(257);
  }

  @Test
  void theLimitItselfIsAllowed() {
    Filter f =
        ((Statement.Find)
                QueryParser.parse(WHERE + parens(Nesting.MAX_LEVELS, "x == 1 && y == 2") + ")"))
            .query()
            .filter();
    assertThat(f).isInstanceOf(Filter.And.class);
    Filter nots = QueryParser.parseFilter("!".repeat(Nesting.MAX_LEVELS) + "x == 1");
    int depth = 0;
    while (nots instanceof Filter.Not n) {
      depth++;
      nots = n.operand();
    }
    assertThat(depth).isEqualTo(Nesting.MAX_LEVELS);
    assertThat(
            QueryParser.parseFilter(
                "!(".repeat(Nesting.MAX_LEVELS / 2)
                    + "x == 1"
                    + ")".repeat(Nesting.MAX_LEVELS / 2)))
        .isInstanceOf(Filter.Not.class);
  }

  @Test
  void deeplyNestedRowsInACreateAreRefused() {
    String rows = "{ a: ".repeat(300) + "{ x: 1 }" + " }".repeat(300);
    ParseException e = refusal(() -> QueryParser.parse("M.create(" + rows + ")"));
    // the 257th object opens at column 10 + 256 * 5
    assertThat(e.getMessage())
        .isEqualTo("line 1:1290: object nested too deeply (more than 256 levels)");

    String allowed = "{ a: ".repeat(255) + "{ x: 1 }" + " }".repeat(255);
    Statement.Write w = (Statement.Write) QueryParser.parse("M.create(" + allowed + ")");
    Mutation.Insert ins = (Mutation.Insert) w.batch().mutations().get(0);
    int depth = 1;
    while (!ins.nested().isEmpty()) {
      depth++;
      ins = ins.nested().get(0).rows().get(0);
    }
    assertThat(depth).isEqualTo(Nesting.MAX_LEVELS);
  }

  @Test
  void aFiveThousandDeepSchemaCheckIsRefusedWithItsPosition() {
    String schema =
        "entity M {\n  id int64 @id\n  x int32\n  check (" + parens(5_000, "x > 0") + ")\n}\n";
    ParseException e = refusal(() -> SchemaParser.parse(schema));
    assertThat(e.getMessage())
        .isEqualTo("line 4:266: expression nested too deeply (more than 256 levels)");

    String negations =
        "entity M {\n  id int64 @id\n  x int32\n  check (" + "!".repeat(5_000) + "x > 0)\n}\n";
    assertThat(refusal(() -> SchemaParser.parse(negations)).getMessage())
        .isEqualTo("line 4:266: expression nested too deeply (more than 256 levels)");

    String policy =
        "entity M {\n  id int64 @id\n}\npolicy p on M using (" + parens(5_000, "id == 1") + ")\n";
    assertThat(refusal(() -> SchemaParser.parse(policy)).getMessage())
        .isEqualTo("line 4:278: expression nested too deeply (more than 256 levels)");

    SchemaBundle ok =
        SchemaParser.parse(
            "entity M {\n  id int64 @id\n  x int32\n  check ("
                + parens(Nesting.MAX_LEVELS, "x > 0")
                + ")\n}\n");
    assertThat(ok.constraintsOf("M")).hasAtLeastOneElementOfType(ConstraintDef.Check.class);
  }
}
