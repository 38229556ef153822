package io.ormdb.protocol.lang;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Schema or query text that could not be parsed (code INVALID_REQUEST). It carries one or more
 * {@link Problem}s, each with a 1-based line and column; the message lists them one per line as
 * {@code line L:C: <detail>}. A syntax error stops the parse, so it has one problem; the schema
 * checker reports every semantic problem it finds at once.
 */
public final class ParseException extends OrmDbException {
  private static final long serialVersionUID = 1L;

  /** One problem at a position in the text. */
  public record Problem(int line, int column, String detail) {
    public Problem {
      Objects.requireNonNull(detail, "detail");
    }

    /** {@code line L:C: detail}. */
    public String format() {
      return "line " + line + ":" + column + ": " + detail;
    }
  }

  private final List<Problem> problems;

  public ParseException(int line, int column, String detail) {
    this(List.of(new Problem(line, column, detail)));
  }

  /** Several problems; they are reported in text order. */
  public ParseException(List<Problem> problems) {
    super(ErrorCode.INVALID_REQUEST, format(sorted(problems)));
    this.problems = sorted(problems);
  }

  private static List<Problem> sorted(List<Problem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a parse exception needs at least one problem");
    }
    List<Problem> copy = new ArrayList<>(problems);
    copy.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
    return List.copyOf(copy);
  }

  private static String format(List<Problem> problems) {
    return problems.stream().map(Problem::format).collect(Collectors.joining("\n"));
  }

  /** The line (1-based) of the first problem. */
  public int line() {
    return problems.get(0).line();
  }

  /** The column (1-based) of the first problem. */
  public int column() {
    return problems.get(0).column();
  }

  /** The first problem's description, without its position. */
  public String detail() {
    return problems.get(0).detail();
  }

  /** Every problem, in text order. */
  public List<Problem> problems() {
    return problems;
  }
}
