package io.ormdb.store.internal.btree;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RootReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hand-rolled cursor agrees with a sorted map on every seek and step, over trees several levels
 * deep (small pages), in memory and on a file whose pages are read back through a small cache; and
 * it never sees writes made after its root was pinned.
 */
class LeafCursorTest {
  @TempDir Path dir;

  @Test
  void seeksAndStepsLikeASortedMapInMemory() {
    MVStore store = new MVStore.Builder().pageSplitSize(256).open();
    try {
      check(store, 1);
    } finally {
      store.close();
    }
  }

  @Test
  void seeksAndStepsLikeASortedMapOnAFileReadThroughTheCache() {
    MVStore store =
        new MVStore.Builder()
            .fileName(dir.resolve("t.mv.db").toString())
            .pageSplitSize(256)
            .cacheSize(1)
            .autoCommitDisabled()
            .open();
    try {
      check(store, 2);
    } finally {
      store.close();
    }
  }

  private static void check(MVStore store, long seed) {
    MVMap<byte[], byte[]> map =
        store.openMap(
            "t",
            new MVMap.Builder<byte[], byte[]>()
                .keyType(ByteArrayType.INSTANCE)
                .valueType(ByteArrayType.INSTANCE));
    TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < 20_000; i++) {
      byte[] k = key(rnd);
      byte[] v = new byte[] {(byte) i, (byte) (i >>> 8)};
      map.put(k, v);
      model.put(k, v);
    }
    store.commit();
    RootReference<byte[], byte[]> root = map.flushAndGetRoot();
    // writes after the root was pinned stay invisible to it
    for (int i = 0; i < 500; i++) {
      map.put(key(rnd), new byte[] {9});
    }
    for (int probe = 0; probe < 3_000; probe++) {
      byte[] from =
          probe % 3 == 0
              ? model.keySet().toArray(new byte[0][])[rnd.nextInt(model.size())]
              : key(rnd);
      LeafCursor c = new LeafCursor(root);
      List<byte[]> seen = new ArrayList<>();
      boolean ok = c.seek(from);
      while (ok && seen.size() < 40) {
        seen.add(c.key());
        assertThat(c.value()).isEqualTo(model.get(c.key()));
        ok = c.next();
      }
      List<byte[]> expected = new ArrayList<>();
      for (Map.Entry<byte[], byte[]> e : model.tailMap(from, true).entrySet()) {
        if (expected.size() == 40) {
          break;
        }
        expected.add(e.getKey());
      }
      assertThat(seen).as("from %s", Arrays.toString(from)).containsExactlyElementsOf(expected);
    }
    // seeking past the last key finds nothing; the first key is found from the smallest
    assertThat(
            new LeafCursor(root)
                .seek(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}))
        .isFalse();
    LeafCursor first = new LeafCursor(root);
    assertThat(first.seek(new byte[0])).isTrue();
    assertThat(first.key()).isEqualTo(model.firstKey());
  }

  private static byte[] key(SplittableRandom rnd) {
    byte[] k = new byte[1 + rnd.nextInt(12)];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) (rnd.nextInt(6) * 50);
    }
    return k;
  }
}
