package io.ormdb.cdc.live;

import io.ormdb.cdc.live.LiveEvent.Children;
import io.ormdb.cdc.live.LiveEvent.Delta;
import io.ormdb.cdc.live.LiveEvent.Row;
import io.ormdb.cdc.live.LiveEvent.RowKey;
import io.ormdb.cdc.live.LiveEvent.Snapshot;
import io.ormdb.protocol.result.Column;
import io.ormdb.protocol.result.EdgeBlock;
import io.ormdb.protocol.result.EntityBlock;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A subscriber's copy of a live query's result, maintained by applying {@link LiveEvent}s in order.
 *
 * <p>It holds the rows of every include path (by identity), the root order, each parent's ordered
 * child list per include path (with the link values of its edges, for an include that returns link
 * fields) and the root page state; {@link #toMaps()} renders it as nested maps the way {@code
 * ResultObjects.toMaps} renders a {@link QueryResult}. {@link #of(QueryResult)} builds the same
 * structure from a result, so a copy can be compared with a fresh query through {@link #state()}.
 * Not thread-safe: one subscriber applies events from one stream.
 */
public final class LiveView {
  private final Map<String, LinkedHashMap<Value, Row>> rows = new LinkedHashMap<>();
  private final Map<String, LinkedHashMap<Value, Children>> children = new LinkedHashMap<>();
  private final Map<String, Boolean> toMany = new LinkedHashMap<>();
  private List<Value> rootOrder = List.of();
  private boolean hasMore;
  private String nextCursor;
  private long lsn = -1;

  /** An empty view; it accepts a {@link Snapshot} first. */
  public LiveView() {}

  /** The view of one query result (as if its snapshot had been applied). */
  public static LiveView of(QueryResult result) {
    LiveView v = new LiveView();
    v.reset(result.snapshotLsn(), result);
    return v;
  }

  /**
   * Applies the next event of the subscription: a snapshot replaces the whole view, a delta must
   * follow a snapshot and carry a higher LSN than the view's.
   */
  public LiveView apply(LiveEvent event) {
    if (event instanceof Snapshot s) {
      reset(s.lsn(), s.result());
    } else {
      Delta d = (Delta) event;
      if (lsn < 0) {
        throw new IllegalStateException("a delta (lsn " + d.lsn() + ") before the snapshot");
      }
      if (d.lsn() <= lsn) {
        throw new IllegalStateException(
            "delta lsn " + d.lsn() + " does not follow the view's lsn " + lsn);
      }
      applyDelta(d);
    }
    return this;
  }

  private void reset(long at, QueryResult result) {
    rows.clear();
    children.clear();
    toMany.clear();
    for (EntityBlock b : result.entities()) {
      LinkedHashMap<Value, Row> m = new LinkedHashMap<>();
      for (int r = 0; r < b.size(); r++) {
        Map<String, Value> fields = new LinkedHashMap<>();
        for (Column c : b.columns()) {
          fields.put(c.name(), c.values().get(r));
        }
        m.put(b.ids().get(r), new Row(b.path(), b.ids().get(r), b.versions().get(r), fields));
      }
      rows.put(b.path(), m);
    }
    for (EdgeBlock eb : result.edges()) {
      toMany.put(eb.path(), eb.toMany());
      Map<Value, List<Value>> kids = new LinkedHashMap<>();
      // per parent, per link field, the values of its edges
      Map<Value, Map<String, List<Value>>> links = new HashMap<>();
      for (int i = 0; i < eb.edges().size(); i++) {
        EdgeBlock.Edge e = eb.edges().get(i);
        kids.computeIfAbsent(e.from(), k -> new ArrayList<>()).add(e.to());
        for (Column c : eb.links()) {
          links
              .computeIfAbsent(e.from(), k -> new LinkedHashMap<>())
              .computeIfAbsent(c.name(), k -> new ArrayList<>())
              .add(c.values().get(i));
        }
      }
      Map<Value, String> cursors = new HashMap<>();
      for (EdgeBlock.ParentPage p : eb.pages()) {
        cursors.put(p.parentId(), p.nextCursor());
        kids.computeIfAbsent(p.parentId(), k -> new ArrayList<>());
      }
      LinkedHashMap<Value, Children> m = new LinkedHashMap<>();
      kids.forEach(
          (parent, ids) ->
              m.put(
                  parent,
                  new Children(eb.path(), parent, ids, cursors.get(parent), links.get(parent))));
      children.put(eb.path(), m);
    }
    rootOrder = result.entities().isEmpty() ? List.of() : List.copyOf(result.root().ids());
    hasMore = result.hasMore();
    nextCursor = result.nextCursor();
    lsn = at;
  }

  private void applyDelta(Delta d) {
    for (RowKey k : d.left()) {
      LinkedHashMap<Value, Row> m = rows.get(k.path());
      if (m != null) {
        m.remove(k.id());
      }
      // a row that left is no longer anybody's parent
      for (Map.Entry<String, LinkedHashMap<Value, Children>> e : children.entrySet()) {
        if (parentPath(e.getKey()).equals(k.path())) {
          e.getValue().remove(k.id());
        }
      }
    }
    for (Row r : d.entered()) {
      rows.computeIfAbsent(r.path(), p -> new LinkedHashMap<>()).put(r.id(), r);
    }
    for (Row r : d.changed()) {
      rows.computeIfAbsent(r.path(), p -> new LinkedHashMap<>()).put(r.id(), r);
    }
    for (Children c : d.children()) {
      LinkedHashMap<Value, Children> m =
          children.computeIfAbsent(c.path(), p -> new LinkedHashMap<>());
      if (c.childIds().isEmpty() && c.nextCursor() == null) {
        m.remove(c.parentId());
      } else {
        m.put(c.parentId(), c);
      }
    }
    if (d.rootOrder() != null) {
      rootOrder = d.rootOrder();
    }
    hasMore = d.hasMore();
    nextCursor = d.nextCursor();
    lsn = d.lsn();
  }

  /** The LSN the view is at (-1 before the snapshot): resume a subscription from it. */
  public long lsn() {
    return lsn;
  }

  /** Whether the root page is cut by its limit. */
  public boolean hasMore() {
    return hasMore;
  }

  /** The cursor to the next root page, or null. */
  public String nextCursor() {
    return nextCursor;
  }

  /** The root rows in result order. */
  public List<Row> root() {
    Map<Value, Row> m = rows.getOrDefault("", new LinkedHashMap<>());
    List<Row> out = new ArrayList<>(rootOrder.size());
    for (Value id : rootOrder) {
      out.add(m.get(id));
    }
    return out;
  }

  /** The rows at an include path ({@code ""} = root), by identity, in no particular order. */
  public Map<Value, Row> rows(String path) {
    return Collections.unmodifiableMap(rows.getOrDefault(path, new LinkedHashMap<>()));
  }

  /** The children of {@code parentId} on include {@code path}, in order (empty when none). */
  public List<Value> children(String path, Value parentId) {
    Children c = children.getOrDefault(path, new LinkedHashMap<>()).get(parentId);
    return c == null ? List.of() : c.childIds();
  }

  /** The view's whole content, comparable with {@code equals} (LSN excluded). */
  public State state() {
    Map<String, Map<Value, Row>> r = new LinkedHashMap<>();
    rows.forEach((p, m) -> r.put(p, new HashMap<>(m)));
    Map<String, Map<Value, Children>> c = new LinkedHashMap<>();
    children.forEach((p, m) -> c.put(p, new HashMap<>(m)));
    return new State(r, rootOrder, c, hasMore, nextCursor);
  }

  /**
   * A view's content: rows per path, root order, child lists per path and parent, root page state.
   */
  public record State(
      Map<String, Map<Value, Row>> rows,
      List<Value> rootOrder,
      Map<String, Map<Value, Children>> children,
      boolean hasMore,
      String nextCursor) {}

  /**
   * The root rows as nested maps: field name → plain Java value, each include attached under its
   * relation name (a list for to-many relations, a map or null for to-one) — the shape of {@code
   * ResultObjects.toMaps} for the same result.
   */
  public List<Map<String, Object>> toMaps() {
    Map<String, Map<Value, Map<String, Object>>> byPath = new HashMap<>();
    rows.forEach(
        (path, m) -> {
          Map<Value, Map<String, Object>> objs = new LinkedHashMap<>();
          m.forEach((id, row) -> objs.put(id, toJava(row)));
          byPath.put(path, objs);
        });
    // deepest paths first: a child copied to hold one edge's link values then holds its children
    List<Map.Entry<String, Boolean>> deepestFirst = new ArrayList<>(toMany.entrySet());
    deepestFirst.sort(
        Comparator.comparingInt((Map.Entry<String, Boolean> e) -> depth(e.getKey())).reversed());
    for (Map.Entry<String, Boolean> e : deepestFirst) {
      String path = e.getKey();
      boolean many = e.getValue();
      String name = path.substring(path.lastIndexOf('.') + 1);
      Map<Value, Map<String, Object>> parents = byPath.getOrDefault(parentPath(path), Map.of());
      Map<Value, Map<String, Object>> kids = byPath.getOrDefault(path, Map.of());
      Map<Value, Children> lists = children.getOrDefault(path, new LinkedHashMap<>());
      for (Map.Entry<Value, Map<String, Object>> p : parents.entrySet()) {
        Children c = lists.get(p.getKey());
        List<Object> list = new ArrayList<>();
        Object one = null;
        if (c != null) {
          for (int i = 0; i < c.childIds().size(); i++) {
            Map<String, Object> child = kids.get(c.childIds().get(i));
            if (child != null && !c.links().isEmpty()) {
              child = new LinkedHashMap<>(child);
              for (Map.Entry<String, List<Value>> link : c.links().entrySet()) {
                child.put("@" + link.getKey(), Values.toJava(link.getValue().get(i)));
              }
            }
            if (child != null) {
              list.add(child);
              one = child;
            }
          }
        }
        p.getValue().put(name, many ? list : one);
      }
    }
    Map<Value, Map<String, Object>> roots = byPath.getOrDefault("", Map.of());
    List<Map<String, Object>> out = new ArrayList<>();
    for (Value id : rootOrder) {
      out.add(Objects.requireNonNull(roots.get(id), "root row " + id + " missing"));
    }
    return out;
  }

  private static Map<String, Object> toJava(Row row) {
    Map<String, Object> m = new LinkedHashMap<>();
    row.fields().forEach((k, v) -> m.put(k, Values.toJava(v)));
    return m;
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

  static String parentPath(String path) {
    int i = path.lastIndexOf('.');
    return i < 0 ? "" : path.substring(0, i);
  }

  // --- incremental edits (used by the live query hub) ---

  /** Whether the result has the row {@code id} at {@code path}. */
  boolean has(String path, Value id) {
    Map<Value, Row> m = rows.get(path);
    return m != null && m.containsKey(id);
  }

  /** The rows at {@code path} by identity, without a copy: the hub only reads them. */
  Map<Value, Row> rowsAt(String path) {
    Map<Value, Row> m = rows.get(path);
    return m == null ? Map.of() : m;
  }

  /**
   * What a series of in-place edits changed, so that the hub can turn them into one delta or undo
   * them: each touched row's value before the first edit (null when it was absent) and the root
   * order before the first edit that changed it.
   */
  static final class Edits {
    private final Map<RowKey, Row> originals = new LinkedHashMap<>();
    private List<Value> originalOrder;

    private void touch(LiveView v, String path, Value id) {
      RowKey k = new RowKey(path, id);
      if (!originals.containsKey(k)) {
        originals.put(k, v.rowsAt(path).get(id));
      }
    }
  }

  /** Replaces (or adds) a row in place; its position and child lists stay as they are. */
  void put(Row row, Edits edits) {
    edits.touch(this, row.path(), row.id());
    rows.computeIfAbsent(row.path(), p -> new LinkedHashMap<>()).put(row.id(), row);
  }

  /**
   * Puts a root row at its place in the root order ({@code order} compares root rows; the row must
   * not be in the order yet). Only for results without includes: the row gets no children.
   */
  void enterRoot(Row row, Comparator<Row> order, Edits edits) {
    put(row, edits);
    Map<Value, Row> root = rowsAt("");
    int lo = 0;
    int hi = rootOrder.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (order.compare(root.get(rootOrder.get(mid)), row) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    List<Value> next = new ArrayList<>(rootOrder.size() + 1);
    next.addAll(rootOrder.subList(0, lo));
    next.add(row.id());
    next.addAll(rootOrder.subList(lo, rootOrder.size()));
    setRootOrder(next, edits);
  }

  /** Removes a root row (of a result without includes) from the rows and the root order. */
  void leaveRoot(Value id, Edits edits) {
    edits.touch(this, "", id);
    rows.get("").remove(id);
    List<Value> next = new ArrayList<>(rootOrder);
    next.remove(id);
    setRootOrder(next, edits);
  }

  private void setRootOrder(List<Value> order, Edits edits) {
    if (edits.originalOrder == null) {
      edits.originalOrder = rootOrder;
    }
    rootOrder = Collections.unmodifiableList(order);
  }

  /** Puts back what {@code edits} changed. */
  void undo(Edits edits) {
    edits.originals.forEach(
        (k, row) -> {
          if (row == null) {
            rows.get(k.path()).remove(k.id());
          } else {
            rows.get(k.path()).put(k.id(), row);
          }
        });
    if (edits.originalOrder != null) {
      rootOrder = edits.originalOrder;
    }
  }

  /**
   * The delta at {@code lsn} from the state before {@code edits} to this view's, or null when they
   * are equal. Edits change rows and the root order only, never child lists or the page state.
   */
  Delta delta(Edits edits, long lsn) {
    List<Row> entered = new ArrayList<>();
    List<Row> changed = new ArrayList<>();
    List<RowKey> left = new ArrayList<>();
    edits.originals.forEach(
        (k, was) -> {
          Row now = rowsAt(k.path()).get(k.id());
          if (was == null && now != null) {
            entered.add(now);
          } else if (was != null && now == null) {
            left.add(k);
          } else if (was != null && !was.equals(now)) {
            changed.add(now);
          }
        });
    List<Value> order =
        edits.originalOrder == null || edits.originalOrder.equals(rootOrder) ? null : rootOrder;
    if (entered.isEmpty() && changed.isEmpty() && left.isEmpty() && order == null) {
      return null;
    }
    return new Delta(lsn, entered, changed, left, List.of(), order, hasMore, nextCursor);
  }

  // --- diffing (used by the live query hub) ---

  /**
   * What changed from {@code before} to {@code after} as a delta at {@code lsn}, or null when the
   * two views are equal.
   */
  static Delta diff(LiveView before, LiveView after, long lsn) {
    List<Row> entered = new ArrayList<>();
    List<Row> changed = new ArrayList<>();
    List<RowKey> left = new ArrayList<>();
    for (Map.Entry<String, LinkedHashMap<Value, Row>> e : after.rows.entrySet()) {
      Map<Value, Row> old = before.rows.getOrDefault(e.getKey(), new LinkedHashMap<>());
      for (Row r : e.getValue().values()) {
        Row o = old.get(r.id());
        if (o == null) {
          entered.add(r);
        } else if (!o.equals(r)) {
          changed.add(r);
        }
      }
    }
    for (Map.Entry<String, LinkedHashMap<Value, Row>> e : before.rows.entrySet()) {
      Map<Value, Row> now = after.rows.getOrDefault(e.getKey(), new LinkedHashMap<>());
      for (Value id : e.getValue().keySet()) {
        if (!now.containsKey(id)) {
          left.add(new RowKey(e.getKey(), id));
        }
      }
    }
    List<Children> kids = new ArrayList<>();
    for (Map.Entry<String, LinkedHashMap<Value, Children>> e : after.children.entrySet()) {
      Map<Value, Children> old = before.children.getOrDefault(e.getKey(), new LinkedHashMap<>());
      for (Children c : e.getValue().values()) {
        if (!c.equals(old.get(c.parentId()))) {
          kids.add(c);
        }
      }
    }
    for (Map.Entry<String, LinkedHashMap<Value, Children>> e : before.children.entrySet()) {
      String path = e.getKey();
      Map<Value, Children> now = after.children.getOrDefault(path, new LinkedHashMap<>());
      Map<Value, Row> parentsNow = after.rows.getOrDefault(parentPath(path), new LinkedHashMap<>());
      for (Value parent : e.getValue().keySet()) {
        // a parent that left drops its lists with it; one still present now has no children
        if (!now.containsKey(parent) && parentsNow.containsKey(parent)) {
          kids.add(new Children(path, parent, List.of(), null));
        }
      }
    }
    List<Value> order = before.rootOrder.equals(after.rootOrder) ? null : after.rootOrder;
    if (entered.isEmpty()
        && changed.isEmpty()
        && left.isEmpty()
        && kids.isEmpty()
        && order == null
        && before.hasMore == after.hasMore
        && Objects.equals(before.nextCursor, after.nextCursor)) {
      return null;
    }
    return new Delta(lsn, entered, changed, left, kids, order, after.hasMore, after.nextCursor);
  }
}
