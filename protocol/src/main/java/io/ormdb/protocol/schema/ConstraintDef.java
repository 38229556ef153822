package io.ormdb.protocol.schema;

import io.ormdb.protocol.query.Filter;
import java.util.List;
import java.util.Objects;

/** A named integrity rule checked on every write, inside the writing batch's transaction. */
public sealed interface ConstraintDef
    permits ConstraintDef.Unique, ConstraintDef.ForeignKey, ConstraintDef.Check {

  String name();

  String entity();

  /**
   * No two live rows share the same values of {@code fields} (rows with a null in them excepted).
   */
  record Unique(String name, String entity, List<String> fields) implements ConstraintDef {
    public Unique {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(entity, "entity");
      fields = List.copyOf(fields);
    }
  }

  /**
   * A non-null {@code entity.field} must equal {@code references.referencedField} of a live row.
   */
  record ForeignKey(
      String name,
      String entity,
      String field,
      String references,
      String referencedField,
      OnDelete onDelete)
      implements ConstraintDef {
    public ForeignKey {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(entity, "entity");
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(references, "references");
      Objects.requireNonNull(referencedField, "referencedField");
      onDelete = onDelete == null ? OnDelete.RESTRICT : onDelete;
    }
  }

  /**
   * Every row satisfies {@code expression}. As in SQL, an expression that is unknown because of a
   * null passes only where it is written with explicit null tests. {@code source} keeps the text.
   */
  record Check(String name, String entity, Filter expression, String source)
      implements ConstraintDef {
    public Check {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(entity, "entity");
      Objects.requireNonNull(expression, "expression");
    }
  }
}
