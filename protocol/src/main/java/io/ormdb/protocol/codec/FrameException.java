package io.ormdb.protocol.codec;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import java.util.Objects;

/**
 * A frame that cannot be accepted, with the {@link Reason} and a message that says what was wrong.
 * Always of code {@link ErrorCode#INVALID_REQUEST}. After one, a stream of frames cannot be trusted
 * to be in step any more: the connection should answer with an error and close.
 */
public final class FrameException extends OrmDbException {
  private static final long serialVersionUID = 1L;

  /** Why a frame was refused. */
  public enum Reason {
    /** The first four bytes are not {@code ORMD}. */
    BAD_MAGIC,
    /** The header's protocol version is not one this code speaks. */
    UNSUPPORTED_VERSION,
    /** The header's message type code is not a {@link io.ormdb.protocol.wire.MessageType}. */
    UNKNOWN_TYPE,
    /** The declared body length exceeds the configured maximum. */
    TOO_LARGE,
    /** Fewer bytes than the header (or a header) needs. */
    TRUNCATED,
    /** The body does not decode to exactly one valid message. */
    MALFORMED_BODY,
    /** The body decodes to a message that does not belong to the header's message type. */
    TYPE_MISMATCH
  }

  private final Reason reason;

  public FrameException(Reason reason, String message) {
    this(reason, message, null);
  }

  public FrameException(Reason reason, String message, Throwable cause) {
    super(ErrorCode.INVALID_REQUEST, message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public String toString() {
    return code() + " (" + reason + "): " + getMessage();
  }
}
