package io.ormdb.protocol.codec;

import io.ormdb.protocol.Nesting;

/**
 * Checks that a text is one well-formed JSON document (RFC 8259), without building anything. Used
 * for {@link io.ormdb.protocol.value.Value.Json}, which keeps JSON as text and promises that the
 * codec checks it is well-formed.
 */
final class JsonSyntax {
  /** Arrays and objects may nest this deep; deeper documents are refused, not a stack overflow. */
  static final int MAX_DEPTH = Nesting.MAX_LEVELS;

  private final String s;
  private int i;

  private JsonSyntax(String s) {
    this.s = s;
  }

  /**
   * Returns null when {@code text} is well-formed JSON, else what is wrong and where ({@code
   * "expected ',' or '}' at offset 12"}).
   */
  static String problem(String text) {
    JsonSyntax p = new JsonSyntax(text);
    try {
      p.whitespace();
      p.value(0);
      p.whitespace();
      if (p.i < text.length()) {
        return p.error("end of the document");
      }
      return null;
    } catch (Bad e) {
      return e.getMessage();
    }
  }

  private void value(int depth) {
    if (depth > MAX_DEPTH) {
      throw new Bad(Nesting.tooDeep("JSON") + " at offset " + i);
    }
    if (i >= s.length()) {
      throw new Bad(error("a value"));
    }
    char c = s.charAt(i);
    switch (c) {
      case '{':
        object(depth);
        break;
      case '[':
        array(depth);
        break;
      case '"':
        string();
        break;
      case 't':
        literal("true");
        break;
      case 'f':
        literal("false");
        break;
      case 'n':
        literal("null");
        break;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          number();
        } else {
          throw new Bad(error("a value"));
        }
    }
  }

  private void object(int depth) {
    i++; // {
    whitespace();
    if (peek() == '}') {
      i++;
      return;
    }
    while (true) {
      whitespace();
      if (peek() != '"') {
        throw new Bad(error("a string key"));
      }
      string();
      whitespace();
      expect(':');
      whitespace();
      value(depth + 1);
      whitespace();
      char c = peek();
      if (c == ',') {
        i++;
      } else if (c == '}') {
        i++;
        return;
      } else {
        throw new Bad(error("',' or '}'"));
      }
    }
  }

  private void array(int depth) {
    i++; // [
    whitespace();
    if (peek() == ']') {
      i++;
      return;
    }
    while (true) {
      whitespace();
      value(depth + 1);
      whitespace();
      char c = peek();
      if (c == ',') {
        i++;
      } else if (c == ']') {
        i++;
        return;
      } else {
        throw new Bad(error("',' or ']'"));
      }
    }
  }

  private void string() {
    i++; // opening quote
    while (i < s.length()) {
      char c = s.charAt(i++);
      if (c == '"') {
        return;
      }
      if (c < 0x20) {
        i--;
        throw new Bad(error("no control character inside a string"));
      }
      if (c == '\\') {
        char e = i < s.length() ? s.charAt(i) : 0;
        if ("\"\\/bfnrt".indexOf(e) >= 0 && e != 0) {
          i++;
        } else if (e == 'u') {
          i++;
          for (int k = 0; k < 4; k++) {
            if (Character.digit(peek(), 16) < 0) {
              throw new Bad(error("four hex digits after \\u"));
            }
            i++;
          }
        } else {
          throw new Bad(error("a valid escape"));
        }
      }
    }
    throw new Bad(error("'\"' closing the string"));
  }

  private void number() {
    if (peek() == '-') {
      i++;
    }
    if (peek() == '0') {
      i++;
    } else {
      digits();
    }
    if (peek() == '.') {
      i++;
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      i++;
      if (peek() == '+' || peek() == '-') {
        i++;
      }
      digits();
    }
  }

  private void digits() {
    int start = i;
    while (peek() >= '0' && peek() <= '9') {
      i++;
    }
    if (i == start) {
      throw new Bad(error("a digit"));
    }
  }

  private void literal(String word) {
    if (!s.startsWith(word, i)) {
      throw new Bad(error("'" + word + "'"));
    }
    i += word.length();
  }

  private void expect(char c) {
    if (peek() != c) {
      throw new Bad(error("'" + c + "'"));
    }
    i++;
  }

  private void whitespace() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      i++;
    }
  }

  /** The current character, or 0 at the end. */
  private char peek() {
    return i < s.length() ? s.charAt(i) : 0;
  }

  private String error(String expected) {
    return "expected " + expected + " at offset " + i;
  }

  /** A syntax error; cheap, no stack trace. */
  private static final class Bad extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Bad(String message) {
      super(message, null, false, false);
    }
  }
}
