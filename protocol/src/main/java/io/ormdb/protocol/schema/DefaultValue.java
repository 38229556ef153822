package io.ormdb.protocol.schema;

import io.ormdb.protocol.value.Value;
import java.util.Objects;

/** A field default applied on insert when the field is absent. */
public sealed interface DefaultValue
    permits DefaultValue.Literal, DefaultValue.Now, DefaultValue.AutoUuid {

  /** A constant, converted to the field's type when the schema is applied. */
  record Literal(Value value) implements DefaultValue {
    public Literal {
      Objects.requireNonNull(value, "value");
    }
  }

  /** The commit's timestamp ({@code now} in schema text); for timestamp and date fields. */
  record Now() implements DefaultValue {}

  /** A fresh random UUID ({@code uuid} in schema text); for uuid fields. */
  record AutoUuid() implements DefaultValue {}
}
