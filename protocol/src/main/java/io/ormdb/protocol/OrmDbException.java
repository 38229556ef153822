package io.ormdb.protocol;

import java.util.Objects;

/**
 * The one exception type of ORMDB: a stable {@link ErrorCode} plus a message that says what was
 * wrong and where. Build them with the static factories so the code is never forgotten.
 */
public class OrmDbException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public OrmDbException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public OrmDbException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * The same refusal with {@code context} in front of its message ({@code "context: message"}), for
   * callers that know where in a request it happened; the code is kept, this is the cause.
   */
  public OrmDbException within(String context) {
    return new OrmDbException(code, context + ": " + getMessage(), this);
  }

  public ErrorCode code() {
    return code;
  }

  public static OrmDbException invalid(String message) {
    return new OrmDbException(ErrorCode.INVALID_REQUEST, message);
  }

  public static OrmDbException invalid(String message, Throwable cause) {
    return new OrmDbException(ErrorCode.INVALID_REQUEST, message, cause);
  }

  public static OrmDbException notFound(String message) {
    return new OrmDbException(ErrorCode.NOT_FOUND, message);
  }

  public static OrmDbException constraint(String message) {
    return new OrmDbException(ErrorCode.CONSTRAINT_VIOLATION, message);
  }

  public static OrmDbException conflict(String message) {
    return new OrmDbException(ErrorCode.CONFLICT, message);
  }

  public static OrmDbException internal(String message, Throwable cause) {
    return new OrmDbException(ErrorCode.INTERNAL, message, cause);
  }

  /**
   * INTERNAL, for a request that overflowed the stack (its input was nested deeper than a check
   * foresaw); the error is kept as the cause. APIs return this instead of letting the Error reach
   * their caller.
   */
  public static OrmDbException stackOverflow(StackOverflowError e) {
    return internal("the request overflowed the stack (is something in it nested too deeply?)", e);
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
