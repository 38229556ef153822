package io.ormdb.protocol.lang.internal;

/** The kinds of tokens both languages share. Keywords are identifiers, matched by the parsers. */
public enum TokenKind {
  /** A name; {@code `quoted`} names are never taken as keywords. */
  IDENT(null),
  /** A string literal in double or single quotes; {@link Token#value()} holds the decoded text. */
  STRING(null),
  /** Digits only. */
  INTEGER(null),
  /** A number with a fraction or an exponent. */
  FLOAT(null),
  /** A number with the {@code m} suffix: an exact decimal. */
  DECIMAL(null),
  /** {@code 0x} and pairs of hex digits: bytes; {@link Token#value()} holds the digits. */
  BYTES(null),
  LBRACE("{"),
  RBRACE("}"),
  LPAREN("("),
  RPAREN(")"),
  LBRACKET("["),
  RBRACKET("]"),
  COMMA(","),
  COLON(":"),
  SEMICOLON(";"),
  DOT("."),
  QUESTION("?"),
  AT("@"),
  DOLLAR("$"),
  MINUS("-"),
  ARROW("->"),
  ASSIGN("="),
  EQ("=="),
  NE("!="),
  LT("<"),
  LE("<="),
  GT(">"),
  GE(">="),
  AND("&&"),
  OR("||"),
  BANG("!"),
  PLUS("+"),
  STAR("*"),
  SLASH("/"),
  EOF(null);

  private final String symbol;

  TokenKind(String symbol) {
    this.symbol = symbol;
  }

  /** The punctuation's spelling, or null for names, literals and end of input. */
  public String symbol() {
    return symbol;
  }
}
