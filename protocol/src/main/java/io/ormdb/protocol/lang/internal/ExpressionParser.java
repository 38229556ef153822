package io.ormdb.protocol.lang.internal;

import io.ormdb.protocol.Nesting;
import io.ormdb.protocol.Suggestions;
import io.ormdb.protocol.lang.FilterPrinter;
import io.ormdb.protocol.lang.ParseException;
import io.ormdb.protocol.query.Expr;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Parses filter expressions and literal values from a {@link TokenStream}; shared by check
 * constraints and policies in schemas and by {@code where(...)} in queries.
 *
 * <pre>
 * expr      := and (('||' | 'or') and)*
 * and       := unary (('&amp;&amp;' | 'and') unary)*
 * unary     := ('!' | 'not') unary | primary
 * primary   := '(' expr ')' | 'true' | 'false' | predicate
 * predicate := name ( ('==' | '!=' | '&lt;' | '&lt;=' | '&gt;' | '&gt;=') operand
 *                    | ['not'] 'in' list | ['not'] 'like' string | 'is' ['not'] 'null' )
 * operand   := literal | '$' name ('.' name)*
 * name      := field | '@' field   (a link field, where the parser allows them)
 * </pre>
 *
 * and value expressions ({@link #value()}), the expressions of computed fields:
 *
 * <pre>
 * value     := term (('+' | '-') term)*
 * term      := factor (('*' | '/' | '%') factor)*
 * factor    := '-' factor | '(' value ')' | literal
 *            | 'coalesce' '(' value (',' value)+ ')' | 'if' '(' expr ',' value ',' value ')'
 *            | field ('.' field)*
 * </pre>
 *
 * A chain of one operator is one n-ary node; parentheses group but add no node. {@code == null} and
 * {@code != null} mean {@code is null} and {@code is not null}. Field and session-attribute
 * references are recorded with their tokens so callers can check them against a schema.
 *
 * <p>Parentheses and negations nest at most {@link Nesting#MAX_LEVELS} deep; the one that goes
 * deeper is refused ({@code line 1:257: expression nested too deeply (more than 256 levels)}), so
 * no input can exhaust the stack.
 */
public final class ExpressionParser {
  private static final List<String> PREDICATE_WORDS = List.of("in", "like", "is", "not");
  private static final List<String> FUNCTION_NAMES = List.of("coalesce", "if");

  /** A name used in an expression, with the token that names it. */
  public record NameRef(String name, Token token) {}

  private final TokenStream ts;
  private final boolean links;
  private final List<NameRef> fieldRefs = new ArrayList<>();
  private final List<NameRef> attributeRefs = new ArrayList<>();
  private int depth;

  public ExpressionParser(TokenStream ts) {
    this(ts, false);
  }

  /**
   * A parser that with {@code links} also reads link fields, {@code @name}, as field names ({@code
   * "@name"}; the reference's token is the {@code @}).
   */
  public ExpressionParser(TokenStream ts, boolean links) {
    this.ts = ts;
    this.links = links;
  }

  /** Field names the parsed expressions compared, in order. */
  public List<NameRef> fieldRefs() {
    return fieldRefs;
  }

  /** Session attributes ({@code $user.id}) the parsed expressions used, in order. */
  public List<NameRef> attributeRefs() {
    return attributeRefs;
  }

  /** One filter expression. */
  public Filter expression() {
    List<Filter> ops = new ArrayList<>();
    ops.add(and());
    while (ts.accept(TokenKind.OR) || ts.acceptKeyword("or")) {
      ops.add(and());
    }
    return ops.size() == 1 ? ops.get(0) : new Filter.Or(ops);
  }

  private Filter and() {
    List<Filter> ops = new ArrayList<>();
    ops.add(unary());
    while (ts.accept(TokenKind.AND) || ts.acceptKeyword("and")) {
      ops.add(unary());
    }
    return ops.size() == 1 ? ops.get(0) : new Filter.And(ops);
  }

  private Filter unary() {
    Token t = ts.peek();
    if (ts.accept(TokenKind.BANG) || ts.acceptKeyword("not")) {
      enter(t);
      Filter f = new Filter.Not(unary());
      depth--;
      return f;
    }
    return primary();
  }

  private Filter primary() {
    Token open = ts.peek();
    if (ts.accept(TokenKind.LPAREN)) {
      enter(open);
      Filter f = expression();
      ts.expect(TokenKind.RPAREN);
      depth--;
      return f;
    }
    if (ts.acceptKeyword("true")) {
      return new Filter.Const(true);
    }
    if (ts.acceptKeyword("false")) {
      return new Filter.Const(false);
    }
    Token t = ts.peek();
    if (links && t.kind() == TokenKind.AT) {
      return predicate();
    }
    if (t.kind() != TokenKind.IDENT || (!t.quoted() && FilterPrinter.RESERVED.contains(t.text()))) {
      throw ts.unexpected("a condition");
    }
    return predicate();
  }

  /**
   * One value expression (see the class comment): {@code +} adds numbers or joins strings, {@code -
   * * / %} are arithmetic, {@code *}, {@code /} and {@code %} bind tighter than {@code +} and
   * {@code -}, and each is left-associative; a minus before a number is part of the number. Fields
   * read (the condition's of an {@code if} too) are recorded in {@link #fieldRefs()}.
   */
  public Expr value() {
    Expr left = term();
    int chained = 0;
    while (ts.at(TokenKind.PLUS) || ts.at(TokenKind.MINUS)) {
      Token op = ts.next();
      enter(op); // a chain nests as deep as it is long
      chained++;
      left = new Expr.Call(op.text(), List.of(left, term()));
    }
    depth -= chained;
    return left;
  }

  private Expr term() {
    Expr left = factor();
    int chained = 0;
    while (ts.at(TokenKind.STAR) || ts.at(TokenKind.SLASH) || ts.at(TokenKind.PERCENT)) {
      Token op = ts.next();
      enter(op);
      chained++;
      left = new Expr.Call(op.text(), List.of(left, factor()));
    }
    depth -= chained;
    return left;
  }

  private Expr factor() {
    Token t = ts.peek();
    if (t.kind() == TokenKind.MINUS) {
      TokenKind after = ts.peek(1).kind();
      if (after == TokenKind.INTEGER
          || after == TokenKind.FLOAT
          || after == TokenKind.DECIMAL
          || ts.peek(1).isKeyword("Infinity")) {
        return new Expr.Literal(literal());
      }
      ts.next();
      enter(t);
      Expr negated = new Expr.Call("-", List.of(factor()));
      depth--;
      return negated;
    }
    if (ts.accept(TokenKind.LPAREN)) {
      enter(t);
      Expr e = value();
      ts.expect(TokenKind.RPAREN);
      depth--;
      return e;
    }
    if (t.kind() == TokenKind.IDENT && !t.quoted() && ts.peek(1).kind() == TokenKind.LPAREN) {
      return function(t);
    }
    if (t.isKeyword("relation")
        && ts.peek(1).kind() == TokenKind.IDENT
        && ts.peek(2).kind() == TokenKind.COLON) {
      // the next member of an entity: the expression ended too early
      throw ts.unexpected("a value (a field, a literal, '(', coalesce(..) or if(..))");
    }
    if (t.kind() == TokenKind.IDENT && (t.quoted() || !LITERAL_WORDS.contains(t.text()))) {
      ts.next();
      StringBuilder path = new StringBuilder(t.value());
      while (ts.at(TokenKind.DOT)) {
        ts.next();
        path.append('.').append(ts.expectName("a field name after '.'").value());
      }
      fieldRefs.add(new NameRef(path.toString(), t));
      return new Expr.Field(path.toString());
    }
    if (t.kind() == TokenKind.IDENT
        || t.kind() == TokenKind.STRING
        || t.kind() == TokenKind.INTEGER
        || t.kind() == TokenKind.FLOAT
        || t.kind() == TokenKind.DECIMAL
        || t.kind() == TokenKind.BYTES
        || t.kind() == TokenKind.LBRACKET) {
      return new Expr.Literal(literal());
    }
    throw ts.unexpected("a value (a field, a literal, '(', coalesce(..) or if(..))");
  }

  /** Words that are literals, not fields, in a value expression unless backquoted. */
  private static final List<String> LITERAL_WORDS =
      List.of("true", "false", "null", "NaN", "Infinity");

  /** {@code coalesce(a, b, ...)} or {@code if(condition, a, b)}, at the function's name. */
  private Expr function(Token name) {
    String fn = name.text();
    if (!FUNCTION_NAMES.contains(fn)) {
      throw TokenStream.error(
          name,
          "unknown function '"
              + fn
              + "' (functions: coalesce, if)"
              + Suggestions.didYouMean(fn, FUNCTION_NAMES));
    }
    ts.next();
    Token open = ts.expect(TokenKind.LPAREN);
    enter(open);
    Expr out;
    if (fn.equals("if")) {
      Filter condition = expression();
      ts.expect(TokenKind.COMMA);
      Expr then = value();
      ts.expect(TokenKind.COMMA);
      Expr otherwise = value();
      out = new Expr.If(condition, then, otherwise);
    } else {
      List<Expr> args = new ArrayList<>();
      args.add(value());
      while (ts.accept(TokenKind.COMMA)) {
        args.add(value());
      }
      if (args.size() < 2) {
        throw TokenStream.error(name, "coalesce needs at least two values");
      }
      out = new Expr.Call("coalesce", args);
    }
    ts.expect(TokenKind.RPAREN);
    depth--;
    return out;
  }

  /** One level deeper, at {@code at}; refused past {@link Nesting#MAX_LEVELS}. */
  private void enter(Token at) {
    if (++depth > Nesting.MAX_LEVELS) {
      throw TokenStream.error(at, Nesting.tooDeep("expression"));
    }
  }

  private Filter predicate() {
    Token fieldTok = ts.next();
    String field = fieldTok.value();
    if (fieldTok.is(TokenKind.AT)) {
      field = "@" + ts.expectName("a link field name after '@'").value();
    }
    fieldRefs.add(new NameRef(field, fieldTok));
    Token op = ts.peek();
    if (op.kind() == TokenKind.LT && ts.peek(1).kind() == TokenKind.GT) {
      throw TokenStream.error(op, "'<>' is not an operator (did you mean '!='?)");
    }
    switch (op.kind()) {
      case EQ:
      case NE:
      case LT:
      case LE:
      case GT:
      case GE:
        ts.next();
        return comparison(field, op);
      case ASSIGN:
        throw TokenStream.error(op, "'=' is not an operator (did you mean '=='?)");
      case IDENT:
        if (ts.acceptKeyword("in")) {
          return new Filter.In(field, list(), false);
        }
        if (ts.acceptKeyword("like")) {
          return new Filter.Like(field, pattern(), false);
        }
        if (ts.acceptKeyword("is")) {
          boolean negated = ts.acceptKeyword("not");
          ts.expectKeyword("null");
          return new Filter.IsNull(field, negated);
        }
        if (ts.acceptKeyword("not")) {
          if (ts.acceptKeyword("in")) {
            return new Filter.In(field, list(), true);
          }
          if (ts.acceptKeyword("like")) {
            return new Filter.Like(field, pattern(), true);
          }
          throw ts.unexpectedSuggesting("'in' or 'like' after 'not'", List.of("in", "like"));
        }
        break;
      default:
        break;
    }
    String hint =
        op.kind() == TokenKind.IDENT && !op.quoted()
            ? Suggestions.didYouMean(op.text(), PREDICATE_WORDS)
            : "";
    throw TokenStream.error(
        op, "expected an operator after '" + field + "' but found " + op.describe() + hint);
  }

  private Filter comparison(String field, Token opTok) {
    Filter.Op op = op(opTok.kind());
    if (ts.accept(TokenKind.DOLLAR)) {
      Token first = ts.expectName("a session attribute name after '$'");
      StringBuilder name = new StringBuilder(first.value());
      while (ts.accept(TokenKind.DOT)) {
        name.append('.').append(ts.expectName("an attribute name after '.'").value());
      }
      attributeRefs.add(new NameRef(name.toString(), first));
      return new Filter.AttrCompare(field, op, name.toString());
    }
    Token valueTok = ts.peek();
    Value v = literal();
    if (v.isNull()) {
      if (op == Filter.Op.EQ || op == Filter.Op.NE) {
        return new Filter.IsNull(field, op == Filter.Op.NE);
      }
      throw TokenStream.error(
          valueTok, "null can only be compared with == or != (or write 'is null' / 'is not null')");
    }
    return new Filter.Compare(field, op, v);
  }

  private static Filter.Op op(TokenKind k) {
    switch (k) {
      case EQ:
        return Filter.Op.EQ;
      case NE:
        return Filter.Op.NE;
      case LT:
        return Filter.Op.LT;
      case LE:
        return Filter.Op.LE;
      case GT:
        return Filter.Op.GT;
      default:
        return Filter.Op.GE;
    }
  }

  private String pattern() {
    if (!ts.at(TokenKind.STRING)) {
      throw ts.unexpected("a string pattern");
    }
    return ts.next().value();
  }

  /** {@code [v, ...]}: the values of an {@code in} list, of any types. */
  public List<Value> list() {
    ts.expect(TokenKind.LBRACKET);
    List<Value> out = new ArrayList<>();
    while (!ts.at(TokenKind.RBRACKET)) {
      if (ts.at(TokenKind.LBRACKET)) {
        throw TokenStream.error(ts.peek(), "lists cannot be nested");
      }
      out.add(literal());
      if (!ts.accept(TokenKind.COMMA)) {
        break;
      }
    }
    ts.expect(TokenKind.RBRACKET);
    return out;
  }

  /**
   * A literal: a string, a number ({@code 12} int64, {@code 1.5} float64, {@code 1.50m} decimal,
   * optionally negative; {@code NaN}, {@code Infinity}, {@code -Infinity} float64), bytes ({@code
   * 0xcafe}), {@code true}, {@code false}, {@code null}, or an array {@code [..]} of them with one
   * element type (an empty array is an array of strings). It is what {@link Value#toString()}
   * writes.
   */
  public Value literal() {
    Token t = ts.peek();
    if (t.kind() == TokenKind.LBRACKET) {
      return array();
    }
    if (t.kind() == TokenKind.STRING) {
      ts.next();
      return new Value.Str(t.value());
    }
    if (t.kind() == TokenKind.BYTES) {
      ts.next();
      return new Value.Bytes(HexFormat.of().parseHex(t.value()));
    }
    if (t.kind() == TokenKind.MINUS
        && (ts.peek(1).kind() == TokenKind.INTEGER
            || ts.peek(1).kind() == TokenKind.FLOAT
            || ts.peek(1).kind() == TokenKind.DECIMAL)) {
      ts.next();
      return number(ts.next(), true);
    }
    if (t.kind() == TokenKind.INTEGER
        || t.kind() == TokenKind.FLOAT
        || t.kind() == TokenKind.DECIMAL) {
      return number(ts.next(), false);
    }
    if (t.isKeyword("NaN")) {
      ts.next();
      return new Value.Float64(Double.NaN);
    }
    if (t.isKeyword("Infinity")) {
      ts.next();
      return new Value.Float64(Double.POSITIVE_INFINITY);
    }
    if (t.kind() == TokenKind.MINUS && ts.peek(1).isKeyword("Infinity")) {
      ts.next();
      ts.next();
      return new Value.Float64(Double.NEGATIVE_INFINITY);
    }
    if (t.isKeyword("true")) {
      ts.next();
      return Value.TRUE;
    }
    if (t.isKeyword("false")) {
      ts.next();
      return Value.FALSE;
    }
    if (t.isKeyword("null")) {
      ts.next();
      return Value.NULL;
    }
    if (t.kind() == TokenKind.IDENT) {
      throw TokenStream.error(
          t,
          "expected a value but found "
              + t.describe()
              + " (write a string in quotes: \""
              + t.value()
              + "\")");
    }
    throw ts.unexpected("a value");
  }

  private Value array() {
    ts.expect(TokenKind.LBRACKET);
    List<Value> elements = new ArrayList<>();
    ValueType type = null;
    while (!ts.at(TokenKind.RBRACKET)) {
      Token at = ts.peek();
      if (at.kind() == TokenKind.LBRACKET) {
        throw TokenStream.error(at, "arrays cannot be nested");
      }
      Value v = literal();
      if (!v.isNull()) {
        if (type == null) {
          type = v.type();
        } else if (type != v.type()) {
          throw TokenStream.error(
              at,
              "array elements must have one type: expected "
                  + type.displayName()
                  + " but found "
                  + v.type().displayName());
        }
      }
      elements.add(v);
      if (!ts.accept(TokenKind.COMMA)) {
        break;
      }
    }
    ts.expect(TokenKind.RBRACKET);
    return new Value.Array(type == null ? ValueType.STRING : type, elements);
  }

  /** The value of a number token, negated when {@code negative}. */
  public static Value number(Token t, boolean negative) {
    String text = negative ? "-" + t.text() : t.text();
    try {
      switch (t.kind()) {
        case INTEGER:
          return new Value.Int64(Long.parseLong(text));
        case FLOAT:
          double d = Double.parseDouble(text);
          if (Double.isInfinite(d)) {
            throw new NumberFormatException();
          }
          return new Value.Float64(d);
        default:
          return new Value.Decimal(new BigDecimal(text));
      }
    } catch (NumberFormatException e) {
      throw new ParseException(t.line(), t.column(), "number out of range: " + text);
    }
  }
}
