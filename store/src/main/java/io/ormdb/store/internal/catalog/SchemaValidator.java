package io.ormdb.store.internal.catalog;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.SchemaProblem;
import io.ormdb.protocol.schema.SchemaRules;
import io.ormdb.store.filter.ComputedFields;
import io.ormdb.store.filter.FilterBinder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a schema bundle before the catalog accepts it — the rules of {@link SchemaRules}, which
 * the schema language checks too, and that the literals of check constraints and of the conditions
 * of computed fields fit their fields as the store binds them — and reports every problem at once.
 */
public final class SchemaValidator {
  private SchemaValidator() {}

  /** Throws INVALID_REQUEST listing every problem, or returns when the bundle is valid. */
  public static void validateOrThrow(SchemaBundle s) {
    List<String> problems = validate(s);
    if (!problems.isEmpty()) {
      throw OrmDbException.invalid(
          "invalid schema ("
              + problems.size()
              + (problems.size() == 1 ? " problem" : " problems")
              + "):\n  - "
              + String.join("\n  - ", problems));
    }
  }

  /** Every problem, each as {@code where: what}. */
  static List<String> validate(SchemaBundle s) {
    List<String> out = new ArrayList<>();
    Set<Object> faulty = Collections.newSetFromMap(new IdentityHashMap<>());
    for (SchemaProblem p : SchemaRules.check(s)) {
      out.add(p.toString());
      faulty.add(p.element());
    }
    for (EntityDef e : s.entities()) {
      if (e.fields().stream().anyMatch(f -> f.isComputed() && faulty.contains(f))
          || faulty.contains(e)) {
        continue;
      }
      try {
        ComputedFields.of(e, s); // binds the conditions of if(..) as filters are bound
      } catch (OrmDbException ex) {
        out.add(ex.getMessage());
      }
    }
    for (ConstraintDef c : s.constraints()) {
      if (c instanceof ConstraintDef.Check ck && !faulty.contains(ck)) {
        try {
          FilterBinder.bind(
              ck.expression(),
              s.requireEntity(ck.entity()),
              s,
              Map.of(),
              "constraint " + ck.name());
        } catch (OrmDbException ex) {
          out.add(ex.getMessage());
        }
      }
    }
    return out;
  }
}
