package io.ormdb.store.query;

import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mutable rows for tests; {@link #view()} takes an immutable snapshot. Each insert or delete is one
 * "commit" and advances the LSN; a row's version is the LSN that wrote it.
 */
public final class TestData {
  private SchemaBundle schema;
  private final Map<String, TreeMap<Value, Row>> tables = new HashMap<>();
  private long lsn;

  public TestData(SchemaBundle schema) {
    this.schema = schema;
  }

  public SchemaBundle schema() {
    return schema;
  }

  public void schema(SchemaBundle newSchema) {
    this.schema = newSchema;
  }

  /** Inserts (or replaces) a row; missing declared fields are null. Values may be plain Java. */
  public Row insert(String entity, Object... namesAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return insert(entity, m);
  }

  public Row insert(String entity, Map<String, ?> values) {
    EntityDef def = schema.entity(entity).orElseThrow();
    Map<String, Value> fields = new LinkedHashMap<>();
    for (FieldDef f : def.fields()) {
      fields.put(f.name(), Value.of(values.get(f.name())));
    }
    for (String k : values.keySet()) {
      if (def.field(k).isEmpty()) {
        throw new IllegalArgumentException("no field " + k + " on " + entity);
      }
    }
    Value id = fields.get(def.identityField());
    Row row = new Row(id, ++lsn, Map.copyOf(fields));
    tables.computeIfAbsent(entity, e -> new TreeMap<>()).put(id, row);
    return row;
  }

  public void delete(String entity, Object id) {
    tables.getOrDefault(entity, new TreeMap<>()).remove(Value.of(id));
    lsn++;
  }

  public ReadView view() {
    Map<String, TreeMap<Value, Row>> copy = new HashMap<>();
    tables.forEach((k, v) -> copy.put(k, new TreeMap<>(v)));
    return new TestReadView(schema, lsn, copy);
  }
}
