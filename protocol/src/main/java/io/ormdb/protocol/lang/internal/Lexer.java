package io.ormdb.protocol.lang.internal;

import io.ormdb.protocol.lang.ParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits schema or query text into {@link Token}s with 1-based line and column. Skips whitespace,
 * {@code //} line comments and {@code /* *}{@code /} block comments. Strings are written in double
 * or single quotes (one line; escapes {@code \" \' \\ \n \r \t \0 \}{@code uXXXX}); names may be
 * {@code `backquoted`} to use a keyword as a name; numbers are {@code 12}, {@code 12.5}, {@code
 * 1e-3}, and {@code 12.50m} (exact decimal); bytes are {@code 0xcafe} (pairs of hex digits). The
 * first malformed character stops with a {@link ParseException}.
 */
public final class Lexer {
  private final String src;
  private int pos;
  private int line = 1;
  private int col = 1;
  private final List<Token> tokens = new ArrayList<>();

  private Lexer(String src) {
    this.src = src;
  }

  /** The tokens of {@code src}, ending with one {@link TokenKind#EOF}. */
  public static List<Token> tokenize(String src) {
    Lexer lx = new Lexer(src);
    lx.run();
    return lx.tokens;
  }

  private void run() {
    while (true) {
      skipSpaceAndComments();
      if (pos >= src.length()) {
        tokens.add(new Token(TokenKind.EOF, "", "", false, line, col, pos, pos));
        return;
      }
      char c = src.charAt(pos);
      int startLine = line;
      int startCol = col;
      int start = pos;
      if (Character.isLetter(c) || c == '_') {
        while (pos < src.length() && isIdentPart(src.charAt(pos))) {
          advance();
        }
        String name = src.substring(start, pos);
        tokens.add(new Token(TokenKind.IDENT, name, name, false, startLine, startCol, start, pos));
      } else if (c == '`') {
        advance();
        int nameStart = pos;
        while (pos < src.length() && isIdentPart(src.charAt(pos))) {
          advance();
        }
        if (pos >= src.length() || src.charAt(pos) != '`' || pos == nameStart) {
          throw new ParseException(startLine, startCol, "unterminated quoted name");
        }
        String name = src.substring(nameStart, pos);
        advance();
        tokens.add(
            new Token(
                TokenKind.IDENT,
                src.substring(start, pos),
                name,
                true,
                startLine,
                startCol,
                start,
                pos));
      } else if (c == '0' && (peekAt(1) == 'x' || peekAt(1) == 'X')) {
        bytes(startLine, startCol, start);
      } else if (Character.isDigit(c)) {
        number(startLine, startCol, start);
      } else if (c == '"' || c == '\'') {
        string(c, startLine, startCol, start);
      } else {
        punctuation(c, startLine, startCol, start);
      }
    }
  }

  private static boolean isIdentPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private void advance() {
    if (src.charAt(pos) == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
    pos++;
  }

  private char peekAt(int offset) {
    int i = pos + offset;
    return i < src.length() ? src.charAt(i) : '\0';
  }

  private void skipSpaceAndComments() {
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (Character.isWhitespace(c)) {
        advance();
      } else if (c == '/' && peekAt(1) == '/') {
        while (pos < src.length() && src.charAt(pos) != '\n') {
          advance();
        }
      } else if (c == '/' && peekAt(1) == '*') {
        int l = line;
        int k = col;
        advance();
        advance();
        while (pos < src.length() && !(src.charAt(pos) == '*' && peekAt(1) == '/')) {
          advance();
        }
        if (pos >= src.length()) {
          throw new ParseException(l, k, "unterminated comment");
        }
        advance();
        advance();
      } else {
        return;
      }
    }
  }

  private void number(int startLine, int startCol, int start) {
    boolean fraction = false;
    while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
      advance();
    }
    if (peekAt(0) == '.' && Character.isDigit(peekAt(1))) {
      fraction = true;
      advance();
      while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
        advance();
      }
    }
    char e = peekAt(0);
    if ((e == 'e' || e == 'E')
        && (Character.isDigit(peekAt(1))
            || ((peekAt(1) == '+' || peekAt(1) == '-') && Character.isDigit(peekAt(2))))) {
      fraction = true;
      advance();
      if (peekAt(0) == '+' || peekAt(0) == '-') {
        advance();
      }
      while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
        advance();
      }
    }
    String text = src.substring(start, pos);
    TokenKind kind = fraction ? TokenKind.FLOAT : TokenKind.INTEGER;
    if (peekAt(0) == 'm' && !isIdentPart(peekAt(1))) {
      advance();
      kind = TokenKind.DECIMAL;
    }
    if (pos < src.length() && isIdentPart(src.charAt(pos))) {
      while (pos < src.length() && isIdentPart(src.charAt(pos))) {
        advance();
      }
      throw new ParseException(
          startLine, startCol, "invalid number '" + src.substring(start, pos) + "'");
    }
    tokens.add(new Token(kind, text, text, false, startLine, startCol, start, pos));
  }

  /** {@code 0xcafe}: bytes, two hex digits each ({@code 0x} alone is no bytes). */
  private void bytes(int startLine, int startCol, int start) {
    advance();
    advance();
    int digits = pos;
    while (pos < src.length() && Character.digit(src.charAt(pos), 16) >= 0) {
      advance();
    }
    if (pos < src.length() && isIdentPart(src.charAt(pos))) {
      while (pos < src.length() && isIdentPart(src.charAt(pos))) {
        advance();
      }
      throw new ParseException(
          startLine,
          startCol,
          "invalid bytes '" + src.substring(start, pos) + "': write 0x and hex digits, 0xcafe");
    }
    String hex = src.substring(digits, pos);
    if (hex.length() % 2 != 0) {
      throw new ParseException(
          startLine,
          startCol,
          "bytes '" + src.substring(start, pos) + "' need an even number of hex digits");
    }
    tokens.add(
        new Token(
            TokenKind.BYTES,
            src.substring(start, pos),
            hex,
            false,
            startLine,
            startCol,
            start,
            pos));
  }

  private void string(char quote, int startLine, int startCol, int start) {
    advance();
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= src.length() || src.charAt(pos) == '\n') {
        throw new ParseException(startLine, startCol, "unterminated string");
      }
      char c = src.charAt(pos);
      if (c == quote) {
        advance();
        break;
      }
      if (c == '\\') {
        int escLine = line;
        int escCol = col;
        advance();
        char n = peekAt(0);
        switch (n) {
          case '"':
          case '\'':
          case '\\':
            sb.append(n);
            break;
          case 'n':
            sb.append('\n');
            break;
          case 'r':
            sb.append('\r');
            break;
          case 't':
            sb.append('\t');
            break;
          case '0':
            sb.append('\0');
            break;
          case 'u':
            String hex = pos + 5 <= src.length() ? src.substring(pos + 1, pos + 5) : "";
            if (!hex.matches("[0-9a-fA-F]{4}")) {
              throw new ParseException(
                  escLine, escCol, "invalid escape: \\u needs four hex digits");
            }
            sb.append((char) Integer.parseInt(hex, 16));
            for (int i = 0; i < 4; i++) {
              advance();
            }
            break;
          default:
            if (n == '\0' || n == '\n') {
              throw new ParseException(startLine, startCol, "unterminated string");
            }
            throw new ParseException(escLine, escCol, "invalid escape '\\" + n + "' in string");
        }
        advance();
      } else {
        sb.append(c);
        advance();
      }
    }
    tokens.add(
        new Token(
            TokenKind.STRING,
            src.substring(start, pos),
            sb.toString(),
            false,
            startLine,
            startCol,
            start,
            pos));
  }

  private void punctuation(char c, int startLine, int startCol, int start) {
    char n = peekAt(1);
    TokenKind kind;
    int len = 1;
    switch (c) {
      case '{':
        kind = TokenKind.LBRACE;
        break;
      case '}':
        kind = TokenKind.RBRACE;
        break;
      case '(':
        kind = TokenKind.LPAREN;
        break;
      case ')':
        kind = TokenKind.RPAREN;
        break;
      case '[':
        kind = TokenKind.LBRACKET;
        break;
      case ']':
        kind = TokenKind.RBRACKET;
        break;
      case ',':
        kind = TokenKind.COMMA;
        break;
      case ':':
        kind = TokenKind.COLON;
        break;
      case ';':
        kind = TokenKind.SEMICOLON;
        break;
      case '.':
        kind = TokenKind.DOT;
        break;
      case '?':
        kind = TokenKind.QUESTION;
        break;
      case '@':
        kind = TokenKind.AT;
        break;
      case '$':
        kind = TokenKind.DOLLAR;
        break;
      case '-':
        kind = n == '>' ? TokenKind.ARROW : TokenKind.MINUS;
        break;
      case '=':
        kind = n == '=' ? TokenKind.EQ : TokenKind.ASSIGN;
        break;
      case '!':
        kind = n == '=' ? TokenKind.NE : TokenKind.BANG;
        break;
      case '<':
        kind = n == '=' ? TokenKind.LE : TokenKind.LT;
        break;
      case '>':
        kind = n == '=' ? TokenKind.GE : TokenKind.GT;
        break;
      case '&':
        if (n != '&') {
          throw new ParseException(
              startLine, startCol, "unexpected character '&' (did you mean '&&'?)");
        }
        kind = TokenKind.AND;
        break;
      case '+':
        kind = TokenKind.PLUS;
        break;
      case '*':
        kind = TokenKind.STAR;
        break;
      case '/':
        kind = TokenKind.SLASH;
        break;
      case '|':
        if (n != '|') {
          throw new ParseException(
              startLine, startCol, "unexpected character '|' (did you mean '||'?)");
        }
        kind = TokenKind.OR;
        break;
      default:
        throw new ParseException(startLine, startCol, "unexpected character '" + c + "'");
    }
    if (kind.symbol().length() == 2) {
      len = 2;
    }
    for (int i = 0; i < len; i++) {
      advance();
    }
    String text = src.substring(start, pos);
    tokens.add(new Token(kind, text, text, false, startLine, startCol, start, pos));
  }
}
