package io.ormdb.store.internal.engine;

import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.VerifyReport.Kind;
import io.ormdb.store.columnar.ColumnStore;
import io.ormdb.store.columnar.internal.ColumnCheckpoint;
import io.ormdb.store.columnar.internal.EntityColumns;
import io.ormdb.store.internal.catalog.Catalog;
import io.ormdb.store.internal.catalog.Catalog.EntityInfo;
import io.ormdb.store.internal.catalog.Catalog.IndexInfo;
import io.ormdb.store.internal.catalog.CatalogHistory;
import io.ormdb.store.internal.codec.ByteKeys;
import io.ormdb.store.internal.codec.ChangeSetCodec;
import io.ormdb.store.internal.codec.KeyCodec;
import io.ormdb.store.internal.codec.RowCodec;
import io.ormdb.store.internal.codec.RowCodec.RowData;
import io.ormdb.store.internal.codec.ValueCodec;
import io.ormdb.store.internal.file.Findings;
import io.ormdb.store.internal.file.StoreFile;
import io.ormdb.store.internal.file.StoreMaps;
import io.ormdb.store.view.ReadView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.h2.mvstore.Cursor;

/**
 * Checks the tables of a store file (opened read-only) against each other, as the engine writes
 * them:
 *
 * <ul>
 *   <li>the changelog: every change set decodes; LSNs are contiguous within each history epoch
 *       (meta {@code history.epochs}, {@code <epoch>@<firstLsn>,...}; a gap between two epochs is
 *       allowed) from the oldest retained one, and the newest is the one the file's checkpoint
 *       holds;
 *   <li>rows: every version decodes, none is newer than the changelog, and the live rows of each
 *       entity are as many as its count;
 *   <li>indexes: every entry the rows imply is there — for each index of the current schema, every
 *       live version written since the index exists, and the version an index built over existing
 *       rows started from — and every entry there is implied by a live version of its row (entries
 *       of indexes the schema dropped are counted, not checked);
 *   <li>columnar checkpoints: each reads (checksums, chunks, invariants) and holds exactly the rows
 *       a view at its LSN sees, when that LSN is still retained and the entity's columns are those
 *       of the current schema.
 * </ul>
 */
final class TableCheck {
  /** Meta key of the history epochs ({@code 1@1,2@111}); absent: one epoch from LSN 1. */
  static final String EPOCHS = "history.epochs";

  private final StoreFile file;
  private final StoreMaps maps;
  private final Tables tables;
  private final Findings found;
  private CatalogHistory history;
  private final List<Catalog> catalogs = new ArrayList<>();
  private long lastLsn;

  private TableCheck(StoreFile file, StoreMaps maps, Findings found) {
    this.file = file;
    this.maps = maps;
    this.tables = new Tables(maps);
    this.found = found;
  }

  static void run(StoreFile file, StoreMaps maps, Findings found) {
    TableCheck c = new TableCheck(file, maps, found);
    c.changelog();
    if (!c.catalogs()) {
      return;
    }
    c.rows();
    c.indexEntries();
    c.columns();
  }

  // ---------------------------------------------------------------------------------------------
  // changelog

  /** History epochs: first LSN of each, ascending. */
  private long[] epochs() {
    String s = tables.meta.map().get(EPOCHS);
    if (s == null || s.isBlank()) {
      return new long[] {1};
    }
    try {
      String[] parts = s.split(",");
      long[] first = new long[parts.length];
      for (int i = 0; i < parts.length; i++) {
        String p = parts[i].trim();
        first[i] = Long.parseLong(p.substring(p.indexOf('@') + 1));
        if (p.indexOf('@') <= 0 || (i > 0 && first[i] <= first[i - 1])) {
          throw new IllegalArgumentException();
        }
      }
      return first;
    } catch (RuntimeException e) {
      found.problem(
          Kind.CHANGELOG,
          "meta " + EPOCHS,
          "'" + s + "' is not a list of <epoch>@<first lsn> in ascending order");
      return new long[] {1};
    }
  }

  private static int epochOf(long[] firsts, long lsn) {
    int e = 0;
    for (int i = 0; i < firsts.length; i++) {
      if (firsts[i] <= lsn) {
        e = i;
      }
    }
    return e;
  }

  private void changelog() {
    long[] firsts = epochs();
    long oldest = metaLong(Tables.OLDEST_LOG, 1);
    long expected = Math.max(1, oldest);
    long count = 0;
    long below = 0;
    Long first = null;
    Long last = null;
    Cursor<Long, byte[]> c = tables.changelog.map().cursor(null);
    while (c.hasNext()) {
      long lsn = c.next();
      count++;
      try {
        ChangeSetCodec.decode(lsn, c.getValue());
      } catch (RuntimeException e) {
        found.problem(
            Kind.CHANGELOG, "lsn " + lsn, "its change set cannot be decoded: " + Findings.plain(e));
      }
      if (lsn < oldest) {
        below++; // being removed by a compaction pass: the oldest retained LSN was published first
        continue;
      }
      if (lsn > expected) {
        int epoch = epochOf(firsts, lsn);
        boolean epochStart = epoch != epochOf(firsts, expected) && lsn == firsts[epoch];
        if (!epochStart) {
          found.problem(
              Kind.CHANGELOG,
              "lsn " + expected + (lsn - 1 > expected ? " to " + (lsn - 1) : ""),
              (lsn - 1 > expected ? "these change sets are" : "this change set is")
                  + " missing (the changelog goes on at lsn "
                  + lsn
                  + (firsts.length > 1 ? ", in history epoch " + (epoch + 1) : "")
                  + ")");
        }
      }
      if (first == null) {
        first = lsn;
      }
      last = lsn;
      expected = lsn + 1;
    }
    lastLsn = last == null ? 0 : last;
    String checkpoint = tables.meta.map().get(WriteAheadLog.LSN);
    if (checkpoint != null && Long.parseLong(checkpoint) != lastLsn) {
      found.problem(
          Kind.CHANGELOG,
          "lsn " + Long.parseLong(checkpoint),
          "the file's checkpoint holds lsn "
              + checkpoint
              + ", but the changelog ends at lsn "
              + lastLsn);
    }
    found.checked(
        "changelog"
            + (first == null ? "" : ", lsn " + first + " to " + lastLsn)
            + (firsts.length > 1 ? " in " + firsts.length + " history epochs" : "")
            + (below > 0 ? " (" + below + " older than the oldest retained being removed)" : ""),
        count,
        "change sets");
  }

  private long metaLong(String key, long absent) {
    try {
      return tables.metaLong(key, absent);
    } catch (NumberFormatException e) {
      found.problem(Kind.ROWS, "meta " + key, "'" + tables.meta.map().get(key) + "' is no number");
      return absent;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // catalog

  private boolean catalogs() {
    try {
      for (Map.Entry<Long, byte[]> e : maps.catalog.map().entrySet()) {
        catalogs.add(Catalog.decode(e.getValue()));
      }
      history = new CatalogHistory(maps.catalog);
    } catch (RuntimeException e) {
      found.problem(
          Kind.ROWS,
          "map catalog",
          "a schema version cannot be decoded, so rows and indexes cannot be checked: "
              + Findings.plain(e));
      return false;
    }
    found.checked("schema versions", catalogs.size(), "versions");
    return true;
  }

  private Catalog latest() {
    return catalogs.isEmpty() ? null : catalogs.get(catalogs.size() - 1);
  }

  // ---------------------------------------------------------------------------------------------
  // rows, and the index entries they imply

  /** For an index of the current schema: since when it exists, and whether it was built then. */
  private record Since(long lsn, boolean built) {}

  private final Map<Integer, Since> since = new HashMap<>();

  /**
   * The LSN after which {@code ix} (of entity {@code e}) exists without interruption in every
   * schema version up to the current one, and whether the version that added it found the entity
   * there already (then it built entries for the rows as they were).
   */
  private Since since(EntityInfo e, IndexInfo ix) {
    return since.computeIfAbsent(
        ix.id,
        id -> {
          int k = catalogs.size() - 1;
          while (k > 0 && has(catalogs.get(k - 1), e.name(), id)) {
            k--;
          }
          boolean built = k > 0 && catalogs.get(k - 1).entities.containsKey(e.name());
          return new Since(catalogs.get(k).appliedAtLsn, built);
        });
  }

  private static boolean has(Catalog c, String entity, int indexId) {
    EntityInfo e = c.entities.get(entity);
    if (e == null) {
      return false;
    }
    for (IndexInfo ix : e.indexes) {
      if (ix.id == indexId) {
        return true;
      }
    }
    return false;
  }

  private record Version(long lsn, RowData row) {}

  private void rows() {
    Catalog cat = latest();
    Map<Integer, Long> live = new HashMap<>();
    long versions = 0;
    long groups = 0;
    long otherEntities = 0;
    long required = 0;
    byte[] group = null;
    EntityInfo groupEntity = null;
    List<Version> list = new ArrayList<>();
    Cursor<byte[], byte[]> c = tables.rows.map().cursor(null);
    while (c.hasNext()) {
      byte[] k = c.next();
      versions++;
      if (k.length < 4 + 1 + 8) {
        found.problem(
            Kind.ROWS, "map rows, key " + Findings.hex(k), "it is too short for a row key");
        continue;
      }
      EntityInfo e = cat == null ? null : cat.entitiesById.get(readInt(k));
      if (e == null) {
        otherEntities++;
        continue;
      }
      byte[] g = Storage.groupOf(k);
      if (group == null || !Arrays.equals(g, group)) {
        if (group != null) {
          groups++;
          required += group(groupEntity, Storage.idKeyOf(lastKey(group)), list, live);
        }
        group = g;
        groupEntity = e;
        list.clear();
      }
      long lsn = Storage.lsnOf(k);
      String where = "map rows, " + e.name() + " " + id(Storage.idKeyOf(k)) + " at lsn " + lsn;
      if (lsn > lastLsn || lsn < 1) {
        found.problem(
            Kind.ROWS,
            where,
            "this row version is not in the changelog, which ends at lsn " + lastLsn);
      }
      try {
        list.add(new Version(lsn, RowCodec.decode(e.layout(), c.getValue(), lsn)));
      } catch (RuntimeException ex) {
        found.problem(Kind.ROWS, where, "the row cannot be decoded: " + Findings.plain(ex));
      }
    }
    if (group != null) {
      groups++;
      required += group(groupEntity, Storage.idKeyOf(lastKey(group)), list, live);
    }
    if (cat != null) {
      for (EntityInfo e : cat.entities.values()) {
        long counted = metaLong("count." + e.id, 0);
        long n = live.getOrDefault(e.id, 0L);
        if (counted != n) {
          found.problem(
              Kind.ROWS,
              "entity " + e.name(),
              "its live row count says " + counted + ", but " + n + " rows are live");
        }
      }
    }
    found.checked(
        "rows: row versions of "
            + groups
            + " rows"
            + (otherEntities > 0 ? " (" + otherEntities + " of entities the schema dropped)" : ""),
        versions,
        "versions");
    found.checked("index entries the rows imply, looked up", required, "entries");
  }

  /** A row key for {@code group} (its identity group with any LSN). */
  private static byte[] lastKey(byte[] group) {
    return Arrays.copyOf(group, group.length + 8);
  }

  /**
   * Checks one row's versions (newest first): counts it when live, and looks up the index entries
   * they imply. Returns how many it looked up.
   */
  private long group(EntityInfo e, byte[] idKey, List<Version> versions, Map<Integer, Long> live) {
    if (versions.isEmpty()) {
      return 0;
    }
    if (versions.get(0).row().live()) {
      live.merge(e.id, 1L, Long::sum);
    }
    long n = 0;
    for (IndexInfo ix : e.indexes) {
      Since s = since(e, ix);
      boolean atStart = false;
      for (Version v : versions) {
        boolean needed = v.lsn() > s.lsn() || (s.built() && !atStart);
        if (v.lsn() <= s.lsn()) {
          atStart = true;
        }
        if (!needed || !v.row().live()) {
          continue;
        }
        n++;
        byte[] key = Storage.indexKey(ix, Storage.indexValues(ix, v.row().fields()), idKey);
        if (!tables.idx.map().containsKey(key)) {
          found.problem(
              Kind.INDEX,
              "map idx, index " + ix.def.name() + ", key " + Findings.hex(key),
              "the entry is missing: "
                  + e.name()
                  + " "
                  + id(idKey)
                  + " is live at lsn "
                  + v.lsn()
                  + " with "
                  + values(ix, v.row()));
        }
      }
    }
    return n;
  }

  private static String values(IndexInfo ix, RowData row) {
    List<String> out = new ArrayList<>();
    for (var f : ix.fields) {
      Value v = row.fields().get(f.name());
      out.add(f.name() + "=" + (v == null ? "null" : v.render()));
    }
    return String.join(", ", out);
  }

  private static String id(byte[] idKey) {
    try {
      return "id=" + KeyCodec.decode(idKey).render();
    } catch (RuntimeException e) {
      return "identity " + Findings.hex(idKey);
    }
  }

  private static int readInt(byte[] b) {
    return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
  }

  // ---------------------------------------------------------------------------------------------
  // index entries, each implied by a row

  private void indexEntries() {
    Catalog cat = latest();
    Map<Integer, IndexInfo> indexes = new HashMap<>();
    Map<Integer, EntityInfo> owners = new HashMap<>();
    Map<Integer, String> ever = cat == null ? Map.of() : cat.ids.indexNames();
    if (cat != null) {
      for (EntityInfo e : cat.entities.values()) {
        for (IndexInfo ix : e.indexes) {
          indexes.put(ix.id, ix);
          owners.put(ix.id, e);
        }
      }
    }
    long entries = 0;
    long dropped = 0;
    Cursor<byte[], byte[]> c = tables.idx.map().cursor(null);
    while (c.hasNext()) {
      byte[] k = c.next();
      entries++;
      int id = k.length < 4 ? -1 : readInt(k);
      IndexInfo ix = indexes.get(id);
      if (ix == null) {
        if (ever.containsKey(id)) {
          dropped++;
        } else {
          found.problem(
              Kind.INDEX,
              "map idx, key " + Findings.hex(k),
              "the entry belongs to no index of any schema version");
        }
        continue;
      }
      String where = "map idx, index " + ix.def.name() + ", key " + Findings.hex(k);
      byte[] idKey;
      byte[] values;
      try {
        int end = Storage.valuesEnd(ix, k);
        values = Arrays.copyOfRange(k, 4, end);
        idKey = Arrays.copyOfRange(k, end, k.length);
        KeyCodec.decode(idKey);
      } catch (RuntimeException e) {
        found.problem(Kind.INDEX, where, "the key cannot be decoded: " + Findings.plain(e));
        continue;
      }
      EntityInfo e = owners.get(id);
      if (!impliedByARow(e, ix, idKey, values)) {
        found.problem(
            Kind.INDEX,
            where,
            "the entry is extra: no live version of "
                + e.name()
                + " "
                + id(idKey)
                + " holds these values");
      }
    }
    found.checked(
        "index entries, each matched to a live row version"
            + (dropped > 0 ? " (" + dropped + " of dropped indexes, not matched)" : ""),
        entries,
        "entries");
  }

  private boolean impliedByARow(EntityInfo e, IndexInfo ix, byte[] idKey, byte[] values) {
    byte[] prefix = Storage.rowPrefix(e, idKey);
    Cursor<byte[], byte[]> c = tables.rows.map().cursor(prefix);
    while (c.hasNext()) {
      byte[] k = c.next();
      if (!ByteKeys.startsWith(k, prefix)) {
        return false;
      }
      if (k.length != prefix.length + 8) {
        continue;
      }
      try {
        RowData r = RowCodec.decode(e.layout(), c.getValue(), Storage.lsnOf(k));
        if (r.live() && Arrays.equals(Storage.indexValues(ix, r.fields()), values)) {
          return true;
        }
      } catch (RuntimeException ex) {
        // reported by the row check
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // columnar checkpoints

  private void columns() {
    ColumnStore.Checkpoints io = checkpointsReadOnly();
    long oldest = metaLong(Tables.OLDEST, 0);
    int compared = 0;
    int skipped = 0;
    long chunks = 0;
    Set<String> referenced = new HashSet<>();
    for (byte[] k = io.meta().higherKey(new byte[0]); k != null; k = io.meta().higherKey(k)) {
      String name = new String(k, StandardCharsets.UTF_8);
      String where = "map col.meta, entity " + name;
      ColumnCheckpoint.Meta m;
      try {
        m = ColumnCheckpoint.readMeta(io, name);
        for (byte[] ck : ColumnCheckpoint.chunkKeys(io, name)) {
          referenced.add(Findings.hex(ck));
        }
      } catch (RuntimeException e) {
        found.problem(Kind.COLUMNAR, where, "the checkpoint cannot be read: " + Findings.plain(e));
        continue;
      }
      where += " at lsn " + m.lsn();
      EntityDef def;
      try {
        def = history.bundle(m.schemaVersion()).entity(name).orElse(null);
      } catch (RuntimeException e) {
        def = null;
      }
      Catalog latest = latest();
      if (latest == null || !latest.entities.containsKey(name)) {
        skipped++; // of an entity the schema dropped: the next checkpoint removes it
        continue;
      }
      if (def == null || ColumnCheckpoint.fingerprint(def) != m.fingerprint()) {
        found.problem(
            Kind.COLUMNAR,
            where,
            "the checkpoint says it holds "
                + name
                + " as schema version "
                + m.schemaVersion()
                + " declares it, but that version declares it otherwise");
        continue;
      }
      EntityColumns stored;
      try {
        stored = ColumnCheckpoint.load(io, m, def);
      } catch (RuntimeException e) {
        found.problem(Kind.COLUMNAR, where, "the checkpoint cannot be read: " + Findings.plain(e));
        continue;
      }
      if (m.lsn() > lastLsn) {
        found.problem(
            Kind.COLUMNAR,
            where,
            "the checkpoint is newer than the changelog, which ends at lsn " + lastLsn);
        continue;
      }
      Catalog atLsn = history.at(m.lsn());
      EntityDef viewDef = atLsn.bundle.entity(name).orElse(null);
      if (m.lsn() < oldest
          || viewDef == null
          || ColumnCheckpoint.fingerprint(viewDef) != m.fingerprint()) {
        skipped++; // the rows at its LSN are no longer kept, or are read as another schema
        continue;
      }
      compared++;
      compare(where, def, stored, m.lsn());
    }
    for (byte[] k = io.chunks().higherKey(new byte[0]); k != null; k = io.chunks().higherKey(k)) {
      chunks++;
    }
    found.checked(
        "columnar checkpoints compared with the rows at their lsn"
            + (skipped > 0
                ? " (" + skipped + " older than the retained rows or stale, read only)"
                : ""),
        compared,
        "entities");
    found.checked(
        "columnar chunks"
            + (chunks > referenced.size()
                ? " (" + (chunks - referenced.size()) + " of unfinished or replaced checkpoints)"
                : ""),
        chunks,
        "chunks");
  }

  /** Compares the checkpoint's rows with those a view at {@code lsn} sees. */
  private void compare(String where, EntityDef def, EntityColumns stored, long lsn) {
    Map<Value, Map<String, Value>> expected;
    try (ReadView view =
        new Snapshot(file, tables, lsn, history.at(lsn), file.pin(), KeyOwner.ALL)) {
      expected = EntityColumns.build(view, def).liveRows();
    } catch (RuntimeException e) {
      found.problem(
          Kind.COLUMNAR,
          where,
          "the rows at its lsn cannot be read to compare: " + Findings.plain(e));
      return;
    }
    Map<Value, Map<String, Value>> actual = stored.liveRows();
    Map<Value, Map<String, Value>> sorted = new TreeMap<>(io.ormdb.protocol.value.Values.ORDER);
    sorted.putAll(expected);
    for (Map.Entry<Value, Map<String, Value>> e : sorted.entrySet()) {
      Map<String, Value> got = actual.get(e.getKey());
      String row = "id=" + e.getKey().render();
      if (got == null) {
        found.problem(Kind.COLUMNAR, where + ", " + row, "the row is missing from the columns");
      } else if (!Objects.equals(got, e.getValue())) {
        for (String f : e.getValue().keySet()) {
          if (!Objects.equals(got.get(f), e.getValue().get(f))) {
            found.problem(
                Kind.COLUMNAR,
                where + ", " + row + ", field " + f,
                "the columns hold "
                    + render(got.get(f))
                    + " but the row holds "
                    + render(e.getValue().get(f)));
          }
        }
      }
    }
    for (Value id : actual.keySet()) {
      if (!expected.containsKey(id)) {
        found.problem(
            Kind.COLUMNAR,
            where + ", id=" + id.render(),
            "the columns hold a row that no row version at this lsn holds");
      }
    }
  }

  private static String render(Value v) {
    return v == null ? "nothing" : v.render();
  }

  /** The two columnar maps, for reading checkpoints only. */
  private ColumnStore.Checkpoints checkpointsReadOnly() {
    ColumnStore.Bytes meta = bytes(maps.columnMeta.map());
    ColumnStore.Bytes chunks = bytes(maps.columnChunks.map());
    return new ColumnStore.Checkpoints() {
      @Override
      public ColumnStore.Bytes meta() {
        return meta;
      }

      @Override
      public ColumnStore.Bytes chunks() {
        return chunks;
      }

      @Override
      public CompletableFuture<Void> write(BooleanSupplier slice) {
        throw new UnsupportedOperationException("a verification writes nothing");
      }

      @Override
      public Set<String> entities() {
        Catalog c = latest();
        return c == null ? Set.of() : c.entities.keySet();
      }

      @Override
      public byte[] encodeValues(Value[] values, int from, int to) {
        return ValueCodec.encodeAll(values, from, to);
      }

      @Override
      public List<Value> decodeValues(byte[] bytes, int offset) {
        return ValueCodec.decodeAll(bytes, offset);
      }
    };
  }

  private static ColumnStore.Bytes bytes(org.h2.mvstore.MVMap<byte[], byte[]> map) {
    return new ColumnStore.Bytes() {
      @Override
      public byte[] get(byte[] key) {
        return map.get(key);
      }

      @Override
      public byte[] higherKey(byte[] key) {
        return map.higherKey(key);
      }

      @Override
      public void put(byte[] key, byte[] value) {
        throw new UnsupportedOperationException("a verification writes nothing");
      }

      @Override
      public void remove(byte[] key) {
        throw new UnsupportedOperationException("a verification writes nothing");
      }
    };
  }
}
