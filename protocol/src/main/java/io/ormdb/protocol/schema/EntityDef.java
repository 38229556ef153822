package io.ormdb.protocol.schema;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.Suggestions;
import io.ormdb.protocol.query.Expr;
import io.ormdb.protocol.query.OrderSpec;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An entity type.
 *
 * @param name the entity name (unique in the schema)
 * @param identityField the name of the field that identifies a row (must be one of {@code fields})
 * @param fields the fields, in declaration order
 * @param softDelete when true a delete marks the row deleted (hidden from reads) instead of
 *     removing it
 * @param defaultOrder applied to queries of this entity that give no order of their own
 */
public record EntityDef(
    String name,
    String identityField,
    List<FieldDef> fields,
    boolean softDelete,
    List<OrderSpec> defaultOrder) {
  public EntityDef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(identityField, "identityField");
    fields = List.copyOf(fields);
    defaultOrder = defaultOrder == null ? List.of() : List.copyOf(defaultOrder);
  }

  public Optional<FieldDef> field(String fieldName) {
    for (FieldDef f : fields) {
      if (f.name().equals(fieldName)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /**
   * The field named {@code fieldName}, or an INVALID_REQUEST error saying so ({@link
   * #unknownField}).
   */
  public FieldDef requireField(String fieldName) {
    return field(fieldName).orElseThrow(() -> OrmDbException.invalid(unknownField(fieldName)));
  }

  /**
   * How every lookup says that this entity has no field {@code fieldName}: {@code unknown field
   * 'emial' on entity User (did you mean 'email'?)}.
   */
  public String unknownField(String fieldName) {
    return "unknown field '"
        + fieldName
        + "' on entity "
        + name
        + Suggestions.didYouMean(fieldName, fields.stream().map(FieldDef::name).toList());
  }

  /**
   * The sensitivity {@code f} is masked at: its own, and for a computed field at least that of
   * every field its expression reads (through other computed fields too), so that a computed value
   * reveals no more than the fields it is made of. {@code @sensitive} can raise it, not lower it.
   */
  public Sensitivity sensitivityOf(FieldDef f) {
    if (f.computed() == null) {
      return f.sensitivity();
    }
    Sensitivity max = f.sensitivity();
    Set<String> seen = new HashSet<>();
    Deque<FieldDef> todo = new ArrayDeque<>(List.of(f));
    seen.add(f.name());
    while (!todo.isEmpty()) {
      FieldDef x = todo.pop();
      if (x.sensitivity().compareTo(max) > 0) {
        max = x.sensitivity();
      }
      if (x.computed() == null) {
        continue;
      }
      for (String name : Expr.fieldsOf(x.computed().expression())) {
        Optional<FieldDef> read = field(name);
        if (read.isPresent() && seen.add(name)) {
          todo.push(read.get());
        }
      }
    }
    return max;
  }

  public FieldDef identity() {
    return field(identityField)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "entity " + name + " has no identity field '" + identityField + "'"));
  }
}
