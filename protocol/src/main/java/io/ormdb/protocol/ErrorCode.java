package io.ormdb.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * Stable error codes. The numeric values travel on the wire and are part of the protocol: never
 * renumber one, only add new ones.
 */
public enum ErrorCode {
  /** A fault inside the node (a bug or a broken store). The request may or may not have applied. */
  INTERNAL(1),
  /** The request is malformed: bad frame, wrong types, unknown entity or field, bad syntax. */
  INVALID_REQUEST(2),
  /** The addressed row, schema version or subscription does not exist. */
  NOT_FOUND(3),
  /**
   * A unique, foreign-key, check or restrict constraint refused the batch, or an integer identity
   * has no id left to assign; nothing was written.
   */
  CONSTRAINT_VIOLATION(4),
  /** The request names a schema version other than the node's current one. */
  SCHEMA_MISMATCH(5),
  /** The session lacks the capability, or a row-level policy denies the operation. */
  PERMISSION_DENIED(6),
  /** A concurrent write won: expected version differed, or a racing unique/foreign key. Retry. */
  CONFLICT(7),
  /** A depth, entity, edge, size or rate budget was exceeded; the request was not run. */
  BUDGET_EXCEEDED(8),
  /** The request did not complete within its deadline. */
  TIMEOUT(9),
  /** Writes are refused: this node is a read replica. */
  READ_ONLY_REPLICA(10),
  /**
   * The LSN is not available (older than retention, or in the future), or the reader's position
   * names a change set a recovery discarded: the message says where the history diverged.
   */
  INVALID_LSN(11),
  /** The credentials were missing, malformed, expired or unknown. */
  AUTHENTICATION_FAILED(12),
  /**
   * The database file cannot be used: it is locked by another process or already open in this one,
   * it cannot be read or written, it is not a database file or it is damaged, or its directory
   * cannot be created; the message names the file and says which. Nothing was opened or changed.
   */
  STORAGE_UNAVAILABLE(13),
  /**
   * Writes are refused: the store was opened read-only ({@code StoreConfig.withReadOnly()}, {@code
   * ormdb.read-only = true}). Reads work; nothing was written.
   */
  READ_ONLY(14);

  private static final Map<Integer, ErrorCode> BY_CODE = new HashMap<>();

  static {
    for (ErrorCode c : values()) {
      BY_CODE.put(c.code, c);
    }
  }

  private final int code;

  ErrorCode(int code) {
    this.code = code;
  }

  /** The numeric code sent on the wire. */
  public int code() {
    return code;
  }

  /** The enum for a wire code; unknown codes map to {@link #INTERNAL}. */
  public static ErrorCode fromCode(int code) {
    return BY_CODE.getOrDefault(code, INTERNAL);
  }
}
