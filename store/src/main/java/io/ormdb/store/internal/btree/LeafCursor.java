package io.ormdb.store.internal.btree;

import io.ormdb.store.internal.codec.ByteKeys;
import java.util.Arrays;
import org.h2.mvstore.Page;
import org.h2.mvstore.RootReference;

/**
 * A forward cursor over a byte-keyed map at a pinned root that descends and steps through the
 * B-tree pages itself: a seek allocates nothing (MVStore's cursor builds a chain of position
 * objects per seek), and a step within a leaf is an index increment. Row lookups seek once per row,
 * so this is their hot path. Not thread-safe; one per lookup loop.
 */
public final class LeafCursor {
  private final Page<byte[], byte[]> root;

  @SuppressWarnings("unchecked")
  private Page<byte[], byte[]>[] path = new Page[16];

  private int[] child = new int[16];
  private int depth;
  private Page<byte[], byte[]> leaf;
  private int index;

  public LeafCursor(RootReference<byte[], byte[]> root) {
    this.root = root.root;
  }

  /** Positions at the first key at or after {@code key}; false when there is none. */
  public boolean seek(byte[] key) {
    Page<byte[], byte[]> p = root;
    depth = 0;
    while (!p.isLeaf()) {
      int i = search(p, key);
      // separators: keys equal to or above separator i live in child i + 1
      i = i < 0 ? -i - 1 : i + 1;
      push(p, i);
      p = p.getChildPage(i);
    }
    leaf = p;
    int i = search(p, key);
    index = i < 0 ? -i - 1 : i;
    return settle();
  }

  /** Moves to the next key; false at the end. */
  public boolean next() {
    index++;
    return settle();
  }

  /** The key at the position (only after a seek or step that returned true). */
  public byte[] key() {
    return leaf.getKey(index);
  }

  public byte[] value() {
    return leaf.getValue(index);
  }

  /** Past the end of a leaf: climbs to the nearest ancestor with a next child, then down left. */
  private boolean settle() {
    while (index >= leaf.getKeyCount()) {
      int d = depth - 1;
      while (d >= 0 && child[d] + 1 >= path[d].getRawChildPageCount()) {
        d--;
      }
      if (d < 0) {
        return false;
      }
      child[d]++;
      Page<byte[], byte[]> p = path[d].getChildPage(child[d]);
      depth = d + 1;
      while (!p.isLeaf()) {
        push(p, 0);
        p = p.getChildPage(0);
      }
      leaf = p;
      index = 0;
    }
    return true;
  }

  private void push(Page<byte[], byte[]> node, int childIndex) {
    if (depth == path.length) {
      path = Arrays.copyOf(path, depth * 2);
      child = Arrays.copyOf(child, depth * 2);
    }
    path[depth] = node;
    child[depth] = childIndex;
    depth++;
  }

  /** Like {@code Arrays.binarySearch} over the page's keys in the map's order. */
  private static int search(Page<byte[], byte[]> p, byte[] key) {
    int lo = 0;
    int hi = p.getKeyCount() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = ByteKeys.compare(p.getKey(mid), key);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }
}
