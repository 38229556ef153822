package io.ormdb.store.query;

import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.ReadView;
import java.util.List;
import java.util.Map;

/**
 * Produces a {@link ReadView} holding exactly the given rows, so model tests can run against any
 * storage engine: the naive {@link TestReadView} now, the MVStore engine once it exists.
 */
@FunctionalInterface
public interface ViewFactory {
  /**
   * @param rows entity name → rows, each row field name → value with every declared field present
   */
  ReadView open(SchemaBundle schema, Map<String, List<Map<String, Value>>> rows);

  /** The naive in-memory view. */
  ViewFactory IN_MEMORY =
      (schema, rows) -> {
        TestData d = new TestData(schema);
        rows.forEach((entity, list) -> list.forEach(r -> d.insert(entity, r)));
        return d.view();
      };
}
