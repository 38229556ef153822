package io.ormdb.protocol.result;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds nested objects from a columnar {@link QueryResult}: each row becomes a {@code
 * LinkedHashMap} of field name → plain Java value, and each include is attached under its relation
 * name — a list for to-many relations, a single map (or null) for to-one relations.
 */
public final class ResultObjects {
  private ResultObjects() {}

  /** The root rows as nested maps, in result order. */
  public static List<Map<String, Object>> toMaps(QueryResult result) {
    if (result.entities().isEmpty()) {
      return List.of();
    }
    Map<String, Map<Value, Map<String, Object>>> rowsByPath = new HashMap<>();
    for (EntityBlock block : result.entities()) {
      rowsByPath.put(block.path(), rows(block));
    }
    // Rows are shared by reference, so edges can be attached in any order.
    for (EdgeBlock eb : result.edges()) {
      String parentPath = parentPath(eb.path());
      String name = eb.path().substring(eb.path().lastIndexOf('.') + 1);
      Map<Value, Map<String, Object>> parents = rowsByPath.getOrDefault(parentPath, Map.of());
      Map<Value, Map<String, Object>> children = rowsByPath.getOrDefault(eb.path(), Map.of());
      for (Map<String, Object> parent : parents.values()) {
        parent.put(name, eb.toMany() ? new ArrayList<>() : null);
      }
      for (EdgeBlock.Edge e : eb.edges()) {
        Map<String, Object> parent = parents.get(e.from());
        Map<String, Object> child = children.get(e.to());
        if (parent == null || child == null) {
          continue;
        }
        if (eb.toMany()) {
          @SuppressWarnings("unchecked")
          List<Object> list = (List<Object>) parent.get(name);
          list.add(child);
        } else {
          parent.put(name, child);
        }
      }
    }
    return new ArrayList<>(rowsByPath.get(result.root().path()).values());
  }

  private static String parentPath(String path) {
    int i = path.lastIndexOf('.');
    return i < 0 ? "" : path.substring(0, i);
  }

  private static Map<Value, Map<String, Object>> rows(EntityBlock block) {
    Map<Value, Map<String, Object>> out = new LinkedHashMap<>();
    for (int r = 0; r < block.size(); r++) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (Column c : block.columns()) {
        row.put(c.name(), Values.toJava(c.values().get(r)));
      }
      out.put(block.ids().get(r), row);
    }
    return out;
  }
}
