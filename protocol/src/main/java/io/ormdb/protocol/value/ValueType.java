package io.ormdb.protocol.value;

/** The kinds of {@link Value}; also the scalar types a schema field can declare. */
public enum ValueType {
  NULL,
  BOOL,
  INT32,
  INT64,
  FLOAT32,
  FLOAT64,
  DECIMAL,
  STRING,
  BYTES,
  /** Microseconds since the Unix epoch, UTC. */
  TIMESTAMP,
  /** Days since 1970-01-01. */
  DATE,
  UUID,
  ENUM,
  /** A JSON document, kept as its text. */
  JSON,
  ARRAY;

  /** The lower-case name used in schema text and error messages. */
  public String displayName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public boolean isNumeric() {
    return this == INT32 || this == INT64 || this == FLOAT32 || this == FLOAT64 || this == DECIMAL;
  }
}
