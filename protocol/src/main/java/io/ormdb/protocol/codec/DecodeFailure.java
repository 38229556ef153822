package io.ormdb.protocol.codec;

import com.esotericsoftware.kryo.KryoException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Bytes that do not decode to a valid object, with the path of record components where decoding
 * stopped ({@code Query.query.filter.operands[2]}). Internal: the codecs turn it into a {@link
 * FrameException} or an {@link io.ormdb.protocol.OrmDbException}.
 */
final class DecodeFailure extends KryoException {
  private static final long serialVersionUID = 1L;

  /** Longer paths (deep nesting) show their first and last few segments. */
  private static final int MAX_SEGMENTS = 12;

  private final String problem;
  private final Deque<String> path = new ArrayDeque<>();

  DecodeFailure(String problem) {
    super(problem);
    this.problem = problem;
  }

  DecodeFailure(String problem, Throwable cause) {
    super(problem, cause);
    this.problem = problem;
  }

  /** What was wrong, without the path. */
  String problem() {
    return problem;
  }

  /** Records that the failure happened inside {@code segment} (outermost segments come last). */
  DecodeFailure within(String segment) {
    path.addFirst(segment);
    return this;
  }

  /** The path from the outermost record, e.g. {@code Query.query.filter}; empty at top level. */
  String where() {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    int n = path.size();
    for (String s : path) {
      i++;
      if (n > MAX_SEGMENTS && i > MAX_SEGMENTS / 2 && i <= n - MAX_SEGMENTS / 2) {
        if (i == MAX_SEGMENTS / 2 + 1) {
          sb.append("...");
        }
        continue;
      }
      if (sb.length() > 0 && !s.startsWith("[")) {
        sb.append('.');
      }
      sb.append(s);
    }
    return sb.toString();
  }

  @Override
  public String getMessage() {
    String where = where();
    return where.isEmpty() ? problem : problem + " (at " + where + ")";
  }
}
