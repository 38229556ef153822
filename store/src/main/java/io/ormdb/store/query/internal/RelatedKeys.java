package io.ormdb.store.query.internal;

import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.query.Deadline;
import io.ormdb.store.view.FieldSlot;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values of order keys that name a related row's field ({@code person.last_name}) for the rows
 * of one level, read for all of them at once: one batched lookup per relation of a path (as an
 * include reads its rows, {@link JoinExecutor}), shared by the keys whose paths begin alike. Each
 * row is handed back carrying the values under the keys' paths, so that ordering, keyset starts and
 * cursors read them like fields. A relation that leads to no row gives null; one that leads to
 * several (a key the schema does not declare unique) takes the row with the smallest identity.
 */
final class RelatedKeys {
  private RelatedKeys() {}

  /** {@code rows} carrying the values of the related keys of {@code keys} (none: the rows). */
  static List<Row> attach(
      ReadView view, SchemaBundle schema, List<SortKey> keys, List<Row> rows, Deadline deadline) {
    List<SortKey> related = new ArrayList<>();
    for (SortKey k : keys) {
      if (k.related()) {
        related.add(k);
      }
    }
    if (related.isEmpty() || rows.isEmpty()) {
      return rows;
    }
    int n = rows.size();
    Map<String, Row[]> reached = new HashMap<>(); // path of relations → the row each row leads to
    String[] names = new String[related.size()];
    Value[][] values = new Value[related.size()][n];
    for (int k = 0; k < related.size(); k++) {
      SortKey key = related.get(k);
      Row[] at = rows.toArray(new Row[0]);
      StringBuilder prefix = new StringBuilder();
      for (RelationDef rel : key.via()) {
        prefix.append(prefix.length() == 0 ? "" : ".").append(rel.name());
        Row[] next = reached.get(prefix.toString());
        if (next == null) {
          next = hop(view, schema, rel, at, deadline);
          reached.put(prefix.toString(), next);
        }
        at = next;
      }
      names[k] = key.field();
      FieldSlot leaf = new FieldSlot(key.leaf());
      for (int i = 0; i < n; i++) {
        values[k][i] = at[i] == null ? Value.NULL : leaf.of(at[i]);
      }
    }
    List<Row> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      Value[] mine = new Value[names.length];
      for (int k = 0; k < names.length; k++) {
        mine[k] = values[k][i];
      }
      out.add(new Row(r.id(), r.version(), new WithRelated(r.fields(), names, mine)));
    }
    return out;
  }

  /** The row each of {@code from} (null entries stay null) leads to through {@code rel}. */
  private static Row[] hop(
      ReadView view, SchemaBundle schema, RelationDef rel, Row[] from, Deadline deadline) {
    FieldSlot source = new FieldSlot(rel.fromField());
    List<Value> wanted = new ArrayList<>(from.length);
    for (Row r : from) {
      if (r != null) {
        wanted.add(source.of(r));
      }
    }
    JoinPlan.Hop hop = Planner.hop(view, schema, rel.toEntity(), rel.toField());
    JoinExecutor.Fetched found = JoinExecutor.fetch(view, hop, SortedKeys.of(wanted), 1, deadline);
    Map<Value, Row> byKey = new HashMap<>();
    FieldSlot target = new FieldSlot(rel.toField());
    for (Row r : found.rows()) {
      Value k = target.of(r);
      if (!k.isNull()) {
        byKey.merge(Values.hashKey(k), r, (a, b) -> Values.compare(a.id(), b.id()) <= 0 ? a : b);
      }
    }
    Row[] out = new Row[from.length];
    for (int i = 0; i < from.length; i++) {
      if (from[i] != null) {
        Value k = source.of(from[i]);
        out[i] = k.isNull() ? null : byKey.get(Values.hashKey(k));
      }
    }
    return out;
  }

  /** A row's fields and, under their paths, the values of its related keys. */
  private static final class WithRelated extends AbstractMap<String, Value> {
    private final Map<String, Value> fields;
    private final String[] names;
    private final Value[] values;

    WithRelated(Map<String, Value> fields, String[] names, Value[] values) {
      this.fields = fields;
      this.names = names;
      this.values = values;
    }

    @Override
    public Value get(Object key) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(key)) {
          return values[i];
        }
      }
      return fields.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      for (String name : names) {
        if (name.equals(key)) {
          return true;
        }
      }
      return fields.containsKey(key);
    }

    @Override
    public Set<Entry<String, Value>> entrySet() {
      Map<String, Value> all = new LinkedHashMap<>(fields);
      for (int i = 0; i < names.length; i++) {
        all.put(names[i], values[i]);
      }
      return all.entrySet();
    }
  }
}
