package io.ormdb.protocol.schema;

import java.util.Objects;

/** How a field is shown to a session not cleared for its {@link Sensitivity}. */
public sealed interface Masking
    permits Masking.Omit, Masking.Nullify, Masking.Redact, Masking.Partial, Masking.Hash {

  /** The field is left out of the result. */
  record Omit() implements Masking {}

  /** The field is returned as null (the default masking). */
  record Nullify() implements Masking {}

  /** The field is replaced by a fixed text. */
  record Redact(String replacement) implements Masking {
    public Redact {
      Objects.requireNonNull(replacement, "replacement");
    }
  }

  /** All but {@code visibleChars} characters (at the start, or the end) become {@code maskChar}. */
  record Partial(int visibleChars, boolean fromEnd, char maskChar) implements Masking {
    public Partial {
      if (visibleChars < 0) {
        throw new IllegalArgumentException("visibleChars must be >= 0");
      }
    }
  }

  /** The field is replaced by a hex SHA-256 digest of its value. */
  record Hash() implements Masking {}
}
