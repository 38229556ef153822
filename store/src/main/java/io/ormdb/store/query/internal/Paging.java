package io.ormdb.store.query.internal;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.filter.FilterEvaluator;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;

/** Filter, keyset start, order, offset and limit over a row stream. */
public final class Paging {
  private Paging() {}

  /** A page of rows and whether rows remain after it. */
  public record Page(List<Row> rows, boolean hasMore, long rowsRead) {}

  /**
   * @param orderedKeys how many leading keys of {@code order} the input is already sorted by: rows
   *     are then sorted only within runs equal on those keys and reading stops as soon as the page
   *     is known to be complete; 0 sorts everything (a bounded top-K heap when a limit applies)
   * @param after a position (sort-key values): only rows strictly after it are kept; or null
   */
  public static Page page(
      Iterator<Row> input,
      Filter filter,
      RowOrder order,
      int orderedKeys,
      List<Value> after,
      int offset,
      int limit) {
    Page all = top(input, filter, order, orderedKeys, after, offset, limit);
    return cut(all.rows(), offset, limit, all.rowsRead());
  }

  /**
   * The matching rows in order, reading no more than a page of {@code offset} and {@code limit}
   * needs: with a limit, at least the first {@code offset + limit + 1} (the one after the page
   * tells whether more remain), possibly a few more; without one, all. Not cut to the page.
   */
  public static Page top(
      Iterator<Row> input,
      Filter filter,
      RowOrder order,
      int orderedKeys,
      List<Value> after,
      int offset,
      int limit) {
    long needed = limit > 0 ? (long) offset + limit + 1 : Long.MAX_VALUE;
    List<Row> out = new ArrayList<>();
    long read = 0;
    if (orderedKeys > 0) {
      List<Row> run = new ArrayList<>();
      while (input.hasNext()) {
        Row row = input.next();
        read++;
        if (!keep(row, filter, order, after)) {
          continue;
        }
        if (!run.isEmpty() && !order.samePrefix(run.get(0), row, orderedKeys)) {
          flush(run, order, out);
          if (out.size() >= needed) {
            break;
          }
        }
        run.add(row);
      }
      flush(run, order, out);
    } else if (limit > 0 && needed <= Integer.MAX_VALUE) {
      PriorityQueue<Row> heap = new PriorityQueue<>(Collections.reverseOrder(order));
      while (input.hasNext()) {
        Row row = input.next();
        read++;
        if (!keep(row, filter, order, after)) {
          continue;
        }
        if (heap.size() < needed) {
          heap.add(row);
        } else if (order.compare(row, heap.peek()) < 0) {
          heap.poll();
          heap.add(row);
        }
      }
      out.addAll(heap);
      out.sort(order);
    } else {
      while (input.hasNext()) {
        Row row = input.next();
        read++;
        if (keep(row, filter, order, after)) {
          out.add(row);
        }
      }
      out.sort(order);
    }
    return new Page(out, false, read);
  }

  /**
   * Offset and limit over rows already in order. A cut that keeps every row returns {@code sorted}
   * itself (callers hand over a list they own): most per-parent pages of an include are whole.
   */
  public static Page cut(List<Row> sorted, int offset, int limit, long read) {
    int from = Math.min(offset, sorted.size());
    int to = limit > 0 ? (int) Math.min((long) from + limit, sorted.size()) : sorted.size();
    if (from == 0 && to == sorted.size()) {
      return new Page(sorted, false, read);
    }
    return new Page(new ArrayList<>(sorted.subList(from, to)), to < sorted.size(), read);
  }

  static boolean keep(Row row, Filter filter, RowOrder order, List<Value> after) {
    return (after == null || order.compareToPosition(row, after) > 0)
        && FilterEvaluator.matches(filter, row::get);
  }

  private static void flush(List<Row> run, RowOrder order, List<Row> out) {
    if (run.size() > 1) {
      run.sort(order);
    }
    out.addAll(run);
    run.clear();
  }
}
