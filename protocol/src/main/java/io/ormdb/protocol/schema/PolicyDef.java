package io.ormdb.protocol.schema;

import io.ormdb.protocol.query.Filter;
import java.util.Objects;
import java.util.Set;

/**
 * A row-level security policy. For each operation, the permissive policies that apply are ORed, the
 * restrictive ones ANDed, and the two groups ANDed into the request's filter. Once an entity has a
 * policy for an operation, rows no permissive policy admits are invisible to it.
 *
 * @param using the predicate; may reference session attributes ({@link Filter.AttrCompare})
 * @param bypassCapability a capability that exempts the session from this policy; may be null
 */
public record PolicyDef(
    String name,
    String entity,
    Kind kind,
    Set<Operation> operations,
    Filter using,
    String bypassCapability) {
  public PolicyDef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(kind, "kind");
    operations = Set.copyOf(operations);
    Objects.requireNonNull(using, "using");
  }

  public enum Kind {
    PERMISSIVE,
    RESTRICTIVE
  }

  public enum Operation {
    SELECT,
    INSERT,
    UPDATE,
    DELETE
  }
}
