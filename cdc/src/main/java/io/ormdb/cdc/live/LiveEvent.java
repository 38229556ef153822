package io.ormdb.cdc.live;

import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An element of a live query: first one {@link Snapshot}, then one {@link Delta} per committed
 * change set that changed the result, in LSN order.
 *
 * <p>A subscriber maintains its copy of the result by applying them in order ({@link LiveView} does
 * it): a delta holds everything that differs between the result as of the previous event's LSN and
 * the result as of its own LSN, so after applying the events up to LSN x the copy equals the query
 * run as of x. Rows are named by include path and identity ({@code ""} is the root); a row reached
 * from several parents exists once per path, as in a {@link QueryResult} block.
 */
public sealed interface LiveEvent permits LiveEvent.Snapshot, LiveEvent.Delta {
  /**
   * The changelog position this event brings the subscriber to; resume from it after a reconnect.
   */
  long lsn();

  /** The whole result as of {@code lsn}: the first element of every subscription. */
  record Snapshot(long lsn, QueryResult result) implements LiveEvent {
    public Snapshot {
      Objects.requireNonNull(result, "result");
    }
  }

  /**
   * What changed in the result with the change set {@code lsn}.
   *
   * <p>Apply per path: remove {@code left}, put {@code entered} and {@code changed} (each carries
   * the row's complete new values), replace the child list of every parent in {@code children} (an
   * empty list: the parent has no children on that path any more), replace the root order when
   * {@code rootOrder} is not null, and take {@code hasMore} / {@code nextCursor} as the root page's
   * new state. A row that moves from one parent to another is a child-list change of both parents
   * (and a {@code changed} row when its own fields changed, such as its foreign key).
   *
   * @param entered rows now in the result that were not (per path)
   * @param changed rows still in the result whose version or returned fields changed
   * @param left rows no longer in the result: deleted, no longer matching a filter, cut by the root
   *     limit or a per-parent limit, or no longer reachable from a parent in the result
   * @param children the complete new child lists of the parents whose children (or order of
   *     children, or per-parent page cursor) changed
   * @param rootOrder the root rows' identities in result order when that order changed (rows
   *     entering or leaving the root change it), else null
   * @param hasMore whether the root page is now cut by its limit
   * @param nextCursor the cursor to the next root page when {@code hasMore}, else null
   */
  record Delta(
      long lsn,
      List<Row> entered,
      List<Row> changed,
      List<RowKey> left,
      List<Children> children,
      List<Value> rootOrder,
      boolean hasMore,
      String nextCursor)
      implements LiveEvent {
    public Delta {
      entered = List.copyOf(entered);
      changed = List.copyOf(changed);
      left = List.copyOf(left);
      children = List.copyOf(children);
      rootOrder = rootOrder == null ? null : List.copyOf(rootOrder);
    }
  }

  /** A row of the result at one include path ({@code ""} for the root). */
  record RowKey(String path, Value id) {
    public RowKey {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(id, "id");
    }
  }

  /**
   * A row's state in the result: its version and the values of the fields the query returns, in the
   * result's column order.
   */
  record Row(String path, Value id, long version, Map<String, Value> fields) {
    public Row {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(id, "id");
      fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public RowKey key() {
      return new RowKey(path, id);
    }
  }

  /**
   * The children of one parent on one include path, in the include's order.
   *
   * @param path the include path
   * @param parentId the parent row (at the include's parent path)
   * @param childIds the children's identities (rows at {@code path}), in order; empty when none
   * @param nextCursor the per-parent cursor when the children were cut by the include's limit, else
   *     null
   * @param links the link fields the include returns (many-to-many only), by field name without the
   *     {@code @}: each child's value, in the order of {@code childIds}; empty when none
   */
  record Children(
      String path,
      Value parentId,
      List<Value> childIds,
      String nextCursor,
      Map<String, List<Value>> links) {
    public Children {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(parentId, "parentId");
      childIds = List.copyOf(childIds);
      Map<String, List<Value>> copy = new LinkedHashMap<>();
      if (links != null) {
        links.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      }
      links = Collections.unmodifiableMap(copy);
    }

    /** The children of a parent on an include without link fields. */
    public Children(String path, Value parentId, List<Value> childIds, String nextCursor) {
      this(path, parentId, childIds, nextCursor, Map.of());
    }
  }
}
