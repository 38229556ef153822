package io.ormdb.store.query;

import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.view.KeyRange;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A deliberately naive, obviously correct {@link ReadView} over TreeMaps, for tests: every index
 * scan filters and sorts all rows of the entity. Indexes are derived from the schema the way the
 * ReadView contract describes: declared ones plus implicit ones for unique fields, indexed fields,
 * unique constraints and foreign-key fields of relations, named {@code <Entity>_<fields>_idx}.
 */
public final class TestReadView implements ReadView {
  private final SchemaBundle schema;
  private final long lsn;
  private final Map<String, TreeMap<Value, Row>> tables;

  public TestReadView(SchemaBundle schema, long lsn, Map<String, TreeMap<Value, Row>> tables) {
    this.schema = schema;
    this.lsn = lsn;
    this.tables = tables;
  }

  @Override
  public long lsn() {
    return lsn;
  }

  @Override
  public SchemaBundle schema() {
    return schema;
  }

  private TreeMap<Value, Row> table(String entity) {
    if (schema.entity(entity).isEmpty()) {
      throw new IllegalArgumentException("no entity " + entity);
    }
    return tables.getOrDefault(entity, new TreeMap<>());
  }

  @Override
  public Optional<Row> get(String entity, Value id) {
    return Optional.ofNullable(table(entity).get(id));
  }

  @Override
  public List<Row> getAll(String entity, List<Value> ids) {
    List<Row> out = new ArrayList<>();
    for (Value id : ids) {
      get(entity, id).ifPresent(out::add);
    }
    return out;
  }

  @Override
  public Iterator<Row> scan(String entity) {
    return new ArrayList<>(table(entity).values()).iterator();
  }

  @Override
  public List<IndexDef> indexes(String entity) {
    return indexesOf(schema, entity);
  }

  /** The indexes a store offers for {@code entity} under {@code schema}. */
  public static List<IndexDef> indexesOf(SchemaBundle schema, String entity) {
    EntityDef def = schema.entity(entity).orElseThrow();
    List<IndexDef> out = new ArrayList<>(schema.indexesOf(entity));
    for (FieldDef f : def.fields()) {
      if (f.unique() || f.indexed()) {
        implicit(out, def, List.of(f.name()), f.unique());
      }
    }
    for (ConstraintDef c : schema.constraintsOf(entity)) {
      if (c instanceof ConstraintDef.Unique u) {
        implicit(out, def, u.fields(), true);
      }
    }
    for (RelationDef r : schema.relations()) {
      Cardinality card = r.cardinality();
      if (card == Cardinality.MANY_TO_MANY) {
        if (r.edgeEntity().equals(entity)) {
          implicit(out, def, List.of(r.edgeFromField()), false);
          implicit(out, def, List.of(r.edgeToField()), false);
        }
      } else if (card == Cardinality.MANY_TO_ONE && r.fromEntity().equals(entity)) {
        implicit(out, def, List.of(r.fromField()), false);
      } else if (card == Cardinality.ONE_TO_MANY && r.toEntity().equals(entity)) {
        implicit(out, def, List.of(r.toField()), false);
      }
    }
    return out;
  }

  private static void implicit(List<IndexDef> out, EntityDef def, List<String> fields, boolean u) {
    if (fields.equals(List.of(def.identityField()))) {
      return;
    }
    for (IndexDef existing : out) {
      if (existing.fields().equals(fields)) {
        return;
      }
    }
    String name = def.name() + "_" + String.join("_", fields) + "_idx";
    out.add(new IndexDef(name, def.name(), fields, IndexDef.Kind.BTREE, u));
  }

  @Override
  public Iterator<Row> indexScan(String entity, String index, KeyRange range, boolean descending) {
    IndexDef idx =
        indexes(entity).stream()
            .filter(i -> i.name().equals(index))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no index " + index));
    List<String> fields = idx.fields();
    if (range.equal().size() > fields.size()) {
      throw new IllegalArgumentException("range longer than the index key");
    }
    if (idx.kind() == IndexDef.Kind.HASH
        && (range.equal().size() != fields.size()
            || range.lower() != null
            || range.upper() != null)) {
      throw new IllegalArgumentException("hash index " + index + " serves equality only");
    }
    List<Row> rows = new ArrayList<>();
    for (Row r : table(entity).values()) {
      if (inRange(r, fields, range)) {
        rows.add(r);
      }
    }
    Comparator<Row> keyOrder =
        (a, b) -> {
          for (String f : fields) {
            int c = Values.compare(a.get(f), b.get(f));
            if (c != 0) {
              return c;
            }
          }
          return Values.compare(a.id(), b.id());
        };
    rows.sort(keyOrder);
    if (descending) {
      Collections.reverse(rows);
    }
    return rows.iterator();
  }

  private static boolean inRange(Row r, List<String> fields, KeyRange range) {
    int n = range.equal().size();
    for (int i = 0; i < n; i++) {
      if (Values.compare(r.get(fields.get(i)), range.equal().get(i)) != 0) {
        return false;
      }
    }
    if (range.lower() == null && range.upper() == null) {
      return true;
    }
    if (n >= fields.size()) {
      throw new IllegalArgumentException("bounds after a full equality key");
    }
    Value v = r.get(fields.get(n));
    if (range.lower() != null) {
      int c = Values.compare(v, range.lower().value());
      if (c < 0 || (c == 0 && !range.lower().inclusive())) {
        return false;
      }
    }
    if (range.upper() != null) {
      int c = Values.compare(v, range.upper().value());
      if (c > 0 || (c == 0 && !range.upper().inclusive())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public long count(String entity) {
    return table(entity).size();
  }

  @Override
  public void close() {}
}
