package io.ormdb.store.query.internal;

import io.ormdb.protocol.schema.LinkFields;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.Row;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One link of a many-to-many include: a target row together with the edge row that leads to it from
 * one parent. As a {@link Row} it is the target (identity, version, fields) and also answers the
 * link fields, {@code @name}, from the edge row, so that filters, orders, keyset starts and cursors
 * read link fields like fields.
 */
final class LinkedRow {
  private LinkedRow() {}

  /** {@code target} reached through {@code edge}. */
  static Row of(Row target, Row edge) {
    return new Row(target.id(), target.version(), new Fields(target, edge));
  }

  /** The target row of a link (the row itself when it is not a link). */
  static Row target(Row row) {
    return row.fields() instanceof Fields f ? f.target : row;
  }

  /** The edge row of a link. */
  static Row edge(Row link) {
    return ((Fields) link.fields()).edge;
  }

  /** How a filter over link fields only reads an edge row: {@code @name} is its field name. */
  static Function<String, Value> edgeLookup(Row edge) {
    return name -> LinkFields.isLink(name) ? edge.get(LinkFields.field(name)) : Value.NULL;
  }

  /** The target's fields, and the edge's under {@code @name}. */
  private static final class Fields extends AbstractMap<String, Value> {
    final Row target;
    final Row edge;

    Fields(Row target, Row edge) {
      this.target = target;
      this.edge = edge;
    }

    @Override
    public Value get(Object key) {
      if (key instanceof String name && LinkFields.isLink(name)) {
        return edge.fields().get(LinkFields.field(name));
      }
      return target.fields().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      if (key instanceof String name && LinkFields.isLink(name)) {
        return edge.fields().containsKey(LinkFields.field(name));
      }
      return target.fields().containsKey(key);
    }

    @Override
    public Set<Entry<String, Value>> entrySet() {
      Map<String, Value> all = new LinkedHashMap<>(target.fields());
      edge.fields().forEach((k, v) -> all.put(LinkFields.ref(k), v));
      return all.entrySet();
    }
  }
}
