package io.ormdb.protocol;

import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

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
   * The failure behind the wrappers that asynchronous code adds: {@link CompletionException} and
   * {@link ExecutionException} are unwrapped, nested ones too, down to the first throwable that is
   * neither (a wrapper without a cause is returned as it is).
   */
  public static Throwable unwrap(Throwable failure) {
    Throwable t = Objects.requireNonNull(failure, "failure");
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Any failure as the {@code OrmDbException} to report: a refusal (after {@link #unwrap}) as it
   * is, anything else — a bug, a broken store, an {@link Error} — as INTERNAL with the message
   * {@code "<what> failed: <the failure>"} (which names the exception's class) and the failure as
   * its cause. The one place where failures of asynchronous work become error replies.
   *
   * @param what what failed, for the message: {@code "the request"}, {@code "entity shard User|3"}
   */
  public static OrmDbException of(Throwable failure, String what) {
    Throwable cause = unwrap(failure);
    if (cause instanceof OrmDbException o) {
      return o;
    }
    return new OrmDbException(ErrorCode.INTERNAL, what + " failed: " + cause, cause);
  }

  /** {@link #of(Throwable, String)} for a failed request. */
  public static OrmDbException of(Throwable failure) {
    return of(failure, "the request");
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
