package io.ormdb.protocol.result;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds nested objects from a columnar {@link QueryResult}: each row becomes a {@code
 * LinkedHashMap} of field name → plain Java value, and each include is attached under its relation
 * name — a list for to-many relations, a single map (or null) for to-one relations.
 *
 * <p>A child row reached from several parents is one shared map, except under an include that
 * returns link fields ({@link EdgeBlock#links}): there each parent gets its own copy of the child,
 * holding the link values of its edge under {@code @name} after the child's fields ({@code
 * "@list_order": 2}); no field name starts with {@code @}.
 */
public final class ResultObjects {
  /**
   * The key under which {@link #toMaps(QueryResult, boolean)} puts each row's version: the LSN of
   * the change set that last wrote the row, which an update or delete can pass as its expected
   * version. No field can have this name ({@code $} does not start a name in the schema language).
   */
  public static final String VERSION_KEY = "$version";

  private ResultObjects() {}

  /** The root rows as nested maps, in result order. */
  public static List<Map<String, Object>> toMaps(QueryResult result) {
    return toMaps(result, false);
  }

  /**
   * The root rows as nested maps, in result order; with {@code withVersions}, every row (root and
   * included) also holds its version under {@link #VERSION_KEY}, after its fields.
   */
  public static List<Map<String, Object>> toMaps(QueryResult result, boolean withVersions) {
    if (result.entities().isEmpty()) {
      return List.of();
    }
    Map<String, Integer> includesOf = new HashMap<>();
    for (EdgeBlock eb : result.edges()) {
      includesOf.merge(parentPath(eb.path()), 1, Integer::sum);
    }
    Map<String, BlockObjects> objectsByPath = new HashMap<>();
    for (EntityBlock block : result.entities()) {
      objectsByPath.put(
          block.path(),
          new BlockObjects(block, includesOf.getOrDefault(block.path(), 0), withVersions));
    }
    BlockObjects none = new BlockObjects(List.of(), new Map[0]);
    // Rows are shared by reference, so edges can be attached in any order — but a child with link
    // values is copied per edge, so the deepest paths are attached first: a copy then holds its
    // own children.
    List<EdgeBlock> deepestFirst = new ArrayList<>(result.edges());
    deepestFirst.sort((a, b) -> Integer.compare(depth(b.path()), depth(a.path())));
    for (EdgeBlock eb : deepestFirst) {
      String name = eb.path().substring(eb.path().lastIndexOf('.') + 1);
      int linkCount = eb.links().size();
      String[] linkNames = new String[linkCount];
      for (int l = 0; l < linkCount; l++) {
        linkNames[l] = "@" + eb.links().get(l).name();
      }
      int edgeIndex = -1;
      BlockObjects parents = objectsByPath.getOrDefault(parentPath(eb.path()), none);
      BlockObjects children = objectsByPath.getOrDefault(eb.path(), none);
      for (Map<String, Object> parent : parents.rows) {
        parent.put(name, eb.toMany() ? new ArrayList<>() : null);
      }
      // Edges come grouped by parent, and children usually in block order: remember the last
      // parent and try the next child position before looking an id up.
      Value lastFrom = null;
      Map<String, Object> parent = null;
      int nextChild = 0;
      for (EdgeBlock.Edge e : eb.edges()) {
        edgeIndex++;
        if (lastFrom == null || !lastFrom.equals(e.from())) {
          lastFrom = e.from();
          parent = parents.byId(lastFrom);
        }
        Map<String, Object> child;
        if (nextChild < children.ids.size() && children.ids.get(nextChild).equals(e.to())) {
          child = children.rows[nextChild++];
        } else {
          child = children.byId(e.to());
        }
        if (parent == null || child == null) {
          continue;
        }
        if (linkCount > 0) {
          child = new LinkedHashMap<>(child);
          for (int l = 0; l < linkCount; l++) {
            child.put(linkNames[l], Values.toJava(eb.links().get(l).values().get(edgeIndex)));
          }
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
    return new ArrayList<>(Arrays.asList(objectsByPath.get(result.root().path()).rows));
  }

  /** The rows of one block as maps, in block order, and found by id. */
  private static final class BlockObjects {
    final List<Value> ids;
    final Map<String, Object>[] rows;
    private Map<Value, Integer> positions;

    BlockObjects(List<Value> ids, Map<String, Object>[] rows) {
      this.ids = ids;
      this.rows = rows;
    }

    BlockObjects(EntityBlock block, int includes, boolean withVersions) {
      this(block.ids(), rows(block, includes, withVersions));
    }

    Map<String, Object> byId(Value id) {
      if (positions == null) {
        positions = new HashMap<>(capacity(ids.size()));
        for (int i = 0; i < ids.size(); i++) {
          positions.putIfAbsent(ids.get(i), i);
        }
      }
      Integer at = positions.get(id);
      return at == null ? null : rows[at];
    }
  }

  private static int depth(String path) {
    int d = 0;
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '.') {
        d++;
      }
    }
    return d;
  }

  private static String parentPath(String path) {
    int i = path.lastIndexOf('.');
    return i < 0 ? "" : path.substring(0, i);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object>[] rows(EntityBlock block, int includes, boolean withVersions) {
    int n = block.size();
    List<Column> columns = block.columns();
    int width = columns.size();
    String[] names = new String[width];
    List<?>[] values = new List<?>[width];
    for (int c = 0; c < width; c++) {
      names[c] = columns.get(c).name();
      values[c] = columns.get(c).values();
    }
    // sized so that no row map ever grows (fields plus the includes attached later)
    int rowCapacity = capacity(width + includes + (withVersions ? 1 : 0));
    List<Long> versions = block.versions();
    Map<String, Object>[] out = new Map[n];
    for (int r = 0; r < n; r++) {
      Map<String, Object> row = new LinkedHashMap<>(rowCapacity);
      for (int c = 0; c < width; c++) {
        row.put(names[c], Values.toJava((Value) values[c].get(r)));
      }
      if (withVersions) {
        row.put(VERSION_KEY, versions.get(r));
      }
      out[r] = row;
    }
    return out;
  }

  private static int capacity(int entries) {
    return (int) (entries / 0.75f) + 1;
  }
}
