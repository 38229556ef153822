package io.ormdb.protocol.lang.internal;

import java.util.Objects;

/**
 * One token.
 *
 * @param kind what it is
 * @param text the source text (for a number without its {@code m} suffix)
 * @param value the decoded text of a string literal, the name of an identifier (without backquotes)
 *     or the hex digits of a bytes literal; else the same as {@code text}
 * @param quoted true for a {@code `backquoted`} identifier, which is never a keyword
 * @param line 1-based line of the first character
 * @param column 1-based column of the first character
 * @param start offset of the first character in the source
 * @param end offset just after the last character
 */
public record Token(
    TokenKind kind,
    String text,
    String value,
    boolean quoted,
    int line,
    int column,
    int start,
    int end) {
  public Token {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(value, "value");
  }

  /** True for the unquoted identifier {@code word}: how parsers recognise keywords. */
  public boolean isKeyword(String word) {
    return kind == TokenKind.IDENT && !quoted && text.equals(word);
  }

  public boolean is(TokenKind k) {
    return kind == k;
  }

  /** How error messages show the token: {@code 'entity'}, {@code '}'}, {@code number 12}. */
  public String describe() {
    switch (kind) {
      case EOF:
        return "end of input";
      case STRING:
        String v = value.length() > 30 ? value.substring(0, 27) + "..." : value;
        return "string \"" + v + "\"";
      case INTEGER:
      case FLOAT:
        return "number " + text;
      case DECIMAL:
        return "number " + text + "m";
      case BYTES:
        return "bytes " + (text.length() > 30 ? text.substring(0, 27) + "..." : text);
      case IDENT:
        return "'" + value + "'";
      default:
        return "'" + kind.symbol() + "'";
    }
  }
}
