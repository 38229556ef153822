package io.ormdb.protocol.schema;

/**
 * How sensitive a field is. A session sees a field in clear when it holds the {@code sensitive:}
 * capability of that level or higher; otherwise the field's {@link Masking} applies.
 */
public enum Sensitivity {
  PUBLIC,
  INTERNAL,
  SENSITIVE,
  RESTRICTED
}
