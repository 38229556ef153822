package io.ormdb.node.cli;

import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.schema.SchemaBundle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A query-language script cut into its statements, each with its source text (to echo it), the line
 * it starts on, and the {@code //} comment lines just above it (the demo prints them as headings).
 * A comment line {@code // expect: CODE} marks a statement that must fail with that error code, so
 * a scripted demo can show a refusal and still check itself.
 *
 * <p>The whole script is parsed before anything runs, so a syntax error anywhere runs nothing and
 * is reported with its line and column in the script.
 */
final class Script {
  /** One statement of the script. */
  record Chunk(
      String text, int line, List<String> notes, String expectedError, Statement statement) {}

  private Script() {}

  /**
   * Parses {@code text}; throws the parser's ParseException (with script positions) on a mistake.
   */
  static List<Chunk> parse(String text) {
    return parse(text, null);
  }

  /**
   * Like {@link #parse(String)}, with the order keys of finds checked against {@code schema} (null:
   * not checked).
   */
  static List<Chunk> parse(String text, SchemaBundle schema) {
    List<Statement> statements = QueryParser.parseScript(text, schema);
    List<Chunk> chunks = split(text);
    if (chunks.size() != statements.size()) {
      throw new IllegalStateException(
          "script splitter found "
              + chunks.size()
              + " statements, the parser "
              + statements.size());
    }
    List<Chunk> out = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      Chunk c = chunks.get(i);
      out.add(new Chunk(c.text(), c.line(), c.notes(), c.expectedError(), statements.get(i)));
    }
    return out;
  }

  /** Cuts at top-level {@code ;} outside strings, comments, parentheses, brackets and braces. */
  private static List<Chunk> split(String text) {
    List<Chunk> out = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    StringBuilder stmt = new StringBuilder();
    int depth = 0;
    int line = 1;
    int startLine = -1;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
        int end = text.indexOf('\n', i);
        end = end < 0 ? text.length() : end;
        if (stmt.toString().isBlank()) {
          notes.add(text.substring(i + 2, end).trim());
        }
        i = end;
        continue;
      }
      if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
        int end = text.indexOf("*/", i + 2);
        end = end < 0 ? text.length() : end + 2;
        line += count(text, i, end);
        i = end;
        continue;
      }
      if (c == '\n') {
        line++;
      }
      if (c == '"' || c == '\'' || c == '`') {
        int end = skipQuoted(text, i);
        line += count(text, i, end);
        if (startLine < 0) {
          startLine = line;
        }
        stmt.append(text, i, end);
        i = end;
        continue;
      }
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      }
      if (c == ';' && depth <= 0) {
        add(out, stmt, startLine, notes);
        notes = new ArrayList<>();
        startLine = -1;
        depth = 0;
        i++;
        continue;
      }
      if (!Character.isWhitespace(c) && startLine < 0) {
        startLine = line;
      }
      stmt.append(c);
      i++;
    }
    add(out, stmt, startLine, notes);
    return out;
  }

  private static void add(List<Chunk> out, StringBuilder stmt, int line, List<String> notes) {
    String text = stmt.toString().strip();
    stmt.setLength(0);
    if (text.isEmpty()) {
      return;
    }
    String expected = null;
    List<String> headings = new ArrayList<>();
    for (String n : notes) {
      if (n.toLowerCase(Locale.ROOT).startsWith("expect:")) {
        expected = n.substring("expect:".length()).trim();
      } else {
        headings.add(n);
      }
    }
    out.add(new Chunk(text, line, List.copyOf(headings), expected, null));
  }

  private static int skipQuoted(String text, int start) {
    char quote = text.charAt(start);
    int i = start + 1;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\\' && quote != '`') {
        i += 2;
        continue;
      }
      if (c == quote) {
        return i + 1;
      }
      i++;
    }
    return text.length();
  }

  private static int count(String text, int from, int to) {
    int n = 0;
    for (int i = from; i < Math.min(to, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }
}
