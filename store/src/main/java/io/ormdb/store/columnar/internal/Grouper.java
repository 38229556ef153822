package io.ormdb.store.columnar.internal;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * Assigns group ids to slots by the values of one or two group-by columns. Each column gives a slot
 * a {@code long} key that is equal exactly when the values compare equal: the value for long
 * columns, the bits for doubles ({@link Double#compare} order tells -0.0 from 0.0 and NaNs are all
 * one), the code for dictionary columns, a per-query code for boxed ones. Keys go into an
 * open-addressing table; a single dictionary column uses an array indexed by code instead.
 */
final class Grouper {
  private final Column[] cols;
  private final Value[][] dicts;
  private final List<TreeMap<Value, Integer>> boxedCodes = new ArrayList<>();
  private final List<List<Value>> boxedValues = new ArrayList<>();

  private int groups;
  private long[] gk1 = new long[16];
  private long[] gk2 = new long[16];
  private byte[] gnull = new byte[16];

  // open addressing: slot -> group id + 1 (0 = empty)
  private int[] table = new int[64];

  // single dictionary column: code -> group id + 1, and the null group
  private final boolean dictOnly;
  private int[] byCode = new int[0];
  private int nullGroup = -1;

  private final long[] k = new long[2];

  Grouper(Column[] cols) {
    this.cols = cols;
    this.dicts = new Value[cols.length][];
    for (int i = 0; i < cols.length; i++) {
      if (cols[i] instanceof DictColumn d) {
        dicts[i] = d.dictionary();
      }
      boxedCodes.add(new TreeMap<>(Values::compare));
      boxedValues.add(new ArrayList<>());
    }
    this.dictOnly = cols.length == 1 && cols[0] instanceof DictColumn;
  }

  int groups() {
    return groups;
  }

  void assign(int seg, int[] sel, int m, int[] gid) {
    if (dictOnly) {
      assignByCode(seg, sel, m, gid);
      return;
    }
    for (int i = 0; i < m; i++) {
      int off = sel[i];
      int nulls = 0;
      for (int c = 0; c < cols.length; c++) {
        Column col = cols[c];
        if (Aggregators.isNull(col.nulls[seg], off)) {
          nulls |= 1 << c;
          k[c] = 0;
        } else if (col instanceof LongColumn lc) {
          k[c] = lc.data[seg][off];
        } else if (col instanceof DoubleColumn dc) {
          k[c] = Double.doubleToLongBits(dc.data[seg][off]);
        } else if (col instanceof DictColumn dc) {
          k[c] = dc.codes[seg][off];
        } else {
          k[c] = boxedCode(c, ((ValueColumn) col).data[seg][off]);
        }
      }
      gid[i] = find(k[0], cols.length > 1 ? k[1] : 0, (byte) nulls);
    }
  }

  private int boxedCode(int c, Value v) {
    TreeMap<Value, Integer> codes = boxedCodes.get(c);
    Integer code = codes.get(v);
    if (code == null) {
      code = codes.size();
      codes.put(v, code);
      boxedValues.get(c).add(v);
    }
    return code;
  }

  private void assignByCode(int seg, int[] sel, int m, int[] gid) {
    DictColumn col = (DictColumn) cols[0];
    long[] nb = col.nulls[seg];
    int[] codes = col.codes[seg];
    for (int i = 0; i < m; i++) {
      int off = sel[i];
      if (Aggregators.isNull(nb, off)) {
        if (nullGroup < 0) {
          nullGroup = newGroup(0, 0, (byte) 1);
        }
        gid[i] = nullGroup;
        continue;
      }
      int code = codes[off];
      if (code >= byCode.length) {
        byCode = Arrays.copyOf(byCode, Math.max(code + 1, byCode.length * 2));
      }
      int g = byCode[code] - 1;
      if (g < 0) {
        g = newGroup(code, 0, (byte) 0);
        byCode[code] = g + 1;
      }
      gid[i] = g;
    }
  }

  private static int hash(long a, long b, byte n) {
    long h = a * 0x9E3779B97F4A7C15L + b * 0xC2B2AE3D27D4EB4FL + n;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
  }

  private int find(long a, long b, byte n) {
    int mask = table.length - 1;
    int p = hash(a, b, n) & mask;
    while (true) {
      int e = table[p];
      if (e == 0) {
        int g = newGroup(a, b, n);
        table[p] = g + 1;
        if (groups * 2 > table.length) {
          rehash();
        }
        return g;
      }
      int g = e - 1;
      if (gk1[g] == a && gk2[g] == b && gnull[g] == n) {
        return g;
      }
      p = (p + 1) & mask;
    }
  }

  private void rehash() {
    table = new int[table.length * 2];
    int mask = table.length - 1;
    for (int g = 0; g < groups; g++) {
      int p = hash(gk1[g], gk2[g], gnull[g]) & mask;
      while (table[p] != 0) {
        p = (p + 1) & mask;
      }
      table[p] = g + 1;
    }
  }

  private int newGroup(long a, long b, byte n) {
    if (groups == gk1.length) {
      gk1 = Arrays.copyOf(gk1, groups * 2);
      gk2 = Arrays.copyOf(gk2, groups * 2);
      gnull = Arrays.copyOf(gnull, groups * 2);
    }
    gk1[groups] = a;
    gk2[groups] = b;
    gnull[groups] = n;
    return groups++;
  }

  /** The group-by values of group {@code g}. */
  List<Value> key(int g) {
    List<Value> out = new ArrayList<>(cols.length);
    for (int c = 0; c < cols.length; c++) {
      long key = c == 0 ? gk1[g] : gk2[g];
      if ((gnull[g] & (1 << c)) != 0) {
        out.add(Value.NULL);
        continue;
      }
      Column col = cols[c];
      if (col instanceof LongColumn) {
        out.add(LongColumn.decode(col.type, key));
      } else if (col instanceof DoubleColumn) {
        out.add(DoubleColumn.decode(col.type, Double.longBitsToDouble(key)));
      } else if (col instanceof DictColumn) {
        out.add(dicts[c][(int) key]);
      } else {
        out.add(boxedValues.get(c).get((int) key));
      }
    }
    return out;
  }
}
