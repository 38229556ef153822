package io.ormdb.store.internal.file;

import io.ormdb.store.VerifyReport.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.Page;
import org.h2.mvstore.type.DataType;

/**
 * Checks the store file below the maps, read-only: its two store headers, every page of every map
 * (each map walked from its root to every leaf: every page read, keys in order, the entry count the
 * tree records), and the chunks that hold those pages — header and footer with their checksum, and
 * the header of every page the chunk's table of contents lists (its position check value, length
 * and map). A chunk intact in the file but newer than the version MVStore could open means the
 * newest state is damaged and the file reads as it was at an older checkpoint.
 *
 * <p>The file format is MVStore's (its {@code MVStoreTool} dumps it): 4 KiB blocks; blocks 0 and 1
 * hold a store header each ({@code key:value,...,fletcher:checksum}); a chunk starts at a block
 * with a header line ({@code chunk:id,len:blocks,pages:n,...,toc:offset,...}), holds pages (each:
 * length, check value, page number, map id, key count, type, ...) and a table of contents (one long
 * per page: map id, offset, length code, type), and ends with a 128-byte footer ({@code
 * chunk:id,len:blocks,version:v,fletcher:checksum}). MVStore checks a page's length and position
 * when it reads it, not its contents: contents that no longer decode, or decode to something the
 * store never wrote, are what the table checks find.
 */
public final class FileCheck {
  private static final int BLOCK = 4096;
  private static final int FOOTER = 128;
  private static final int MAX_HEADER = 1024;

  private final StoreFile file;
  private final MVStore store;
  private final Findings found;
  private final Set<Integer> usedChunks = new HashSet<>();
  private final Map<Integer, String> usedBy = new HashMap<>();

  private FileCheck(StoreFile file, Findings found) {
    this.file = file;
    this.store = file.store();
    this.found = found;
  }

  /**
   * Runs the checks of {@code file} (opened read-only) into {@code found}; whether every map's root
   * page could be read (else the maps cannot be opened together, and their tables cannot be
   * checked).
   */
  public static boolean run(StoreFile file, Findings found) {
    FileCheck c = new FileCheck(file, found);
    boolean[] opened = {true};
    try (FileChannel ch = FileChannel.open(file.file().toPath(), StandardOpenOption.READ)) {
      c.headers(ch);
      c.walk("MVStore meta", store(file).getMetaMap());
      Map<String, MVMap<?, ?>> maps =
          StoreMaps.openEach(
              file,
              (name, e) -> {
                opened[0] = false;
                found.problem(
                    Kind.MAP, "map " + name, "its root page cannot be read: " + Findings.plain(e));
              });
      maps.forEach((name, map) -> c.walk("map " + name, map));
      c.chunks(ch);
    } catch (IOException e) {
      found.problem(Kind.FILE, file.file().toString(), "it cannot be read: " + plainIo(e));
    }
    return opened[0];
  }

  private static MVStore store(StoreFile file) {
    return file.store();
  }

  // ---------------------------------------------------------------------------------------------
  // store headers

  private void headers(FileChannel ch) throws IOException {
    int valid = 0;
    for (int i = 0; i < 2; i++) {
      byte[] b = read(ch, (long) i * BLOCK, BLOCK);
      Map<String, String> m = checksummed(b, 0, b.length);
      String where =
          "store header " + i + " (bytes " + i * BLOCK + "-" + ((i + 1) * BLOCK - 1) + ")";
      if (m == null || !m.containsKey("H")) {
        found.problem(
            Kind.FILE,
            where,
            allZero(b)
                ? "is all zeros"
                : "is damaged: it is not a store header whose checksum matches");
      } else {
        valid++;
      }
    }
    found.checked("store headers with a matching checksum", valid, "of 2");
  }

  // ---------------------------------------------------------------------------------------------
  // maps

  /** Reads every page of {@code map}; problems for pages that cannot be read or disagree. */
  private <K, V> void walk(String name, MVMap<K, V> map) {
    Walk<K> w = new Walk<>(name, map.getKeyType());
    try {
      w.visit(map.getRootPage());
    } catch (RuntimeException e) {
      found.problem(Kind.MAP, name, "its root page cannot be read: " + Findings.plain(e));
      return;
    }
    long recorded = map.sizeAsLong();
    if (w.broken == 0 && recorded != w.entries) {
      found.problem(
          Kind.MAP,
          name,
          "its tree records " + recorded + " entries, but its leaves hold " + w.entries);
    }
    found.checked(name, w.entries, "entries in " + w.pages + " pages");
  }

  private final class Walk<K> {
    final String name;
    final DataType<K> keys;
    long pages;
    long entries;
    long broken;
    K last;

    Walk(String name, DataType<K> keys) {
      this.name = name;
      this.keys = keys;
    }

    <V> void visit(Page<K, V> p) {
      pages++;
      if (p.isSaved()) {
        int chunk = DataUtils.getPageChunkId(p.getPos());
        if (usedChunks.add(chunk)) {
          usedBy.put(chunk, name);
        }
      }
      if (p.isLeaf()) {
        for (int i = 0; i < p.getKeyCount(); i++) {
          K k = p.getKey(i);
          if (last != null && keys.compare(last, k) >= 0) {
            found.problem(
                Kind.MAP,
                name + ", key " + render(k),
                "it is not above the key before it ("
                    + render(last)
                    + "): the keys are out of order");
          }
          last = k;
          entries++;
        }
        return;
      }
      for (int i = 0; i < p.getRawChildPageCount(); i++) {
        Page<K, V> child;
        try {
          child = p.getChildPage(i);
        } catch (RuntimeException e) {
          broken++;
          long pos = p.getChildPagePos(i);
          found.problem(
              Kind.MAP,
              name + ", page at chunk " + DataUtils.getPageChunkId(pos) + " offset " + offset(pos),
              "it cannot be read: " + Findings.plain(e));
          continue;
        }
        visit(child);
      }
    }
  }

  private static String render(Object key) {
    return key instanceof byte[] b ? Findings.hex(b) : String.valueOf(key);
  }

  private static String offset(long pos) {
    return "0x" + Integer.toHexString(DataUtils.getPageOffset(pos));
  }

  // ---------------------------------------------------------------------------------------------
  // chunks

  /** A chunk as its header, the layout or a footer describe it. */
  private record Chunk(int id, long block, int len, long version, int pages, int toc) {
    static Chunk of(Map<String, String> m, long block) {
      return new Chunk(
          hexInt(m, "chunk", -1),
          m.containsKey("block") ? Long.parseLong(m.get("block"), 16) : block,
          hexInt(m, "len", 0),
          m.containsKey("version") ? Long.parseLong(m.get("version"), 16) : -1,
          hexInt(m, "pages", 0),
          hexInt(m, "toc", 0));
    }

    String where() {
      return "chunk " + id + " at block " + block;
    }
  }

  private static int hexInt(Map<String, String> m, String key, int absent) {
    String v = m.get(key);
    return v == null ? absent : (int) Long.parseLong(v, 16);
  }

  private void chunks(FileChannel ch) throws IOException {
    // the chunks the layout lists (all but the newest, which holds the layout itself)
    Map<Integer, Chunk> listed = new TreeMap<>();
    Set<Integer> live = new HashSet<>();
    for (Map.Entry<String, String> e : store.getLayoutMap().entrySet()) {
      if (!e.getKey().startsWith(DataUtils.LAYOUT_CHUNK)) {
        continue;
      }
      try {
        Map<String, String> m = DataUtils.parseMap(e.getValue());
        Chunk c = Chunk.of(m, 0);
        listed.put(c.id(), c);
        if (hexInt(m, "livePages", c.pages()) > 0 && c.block() > 0) {
          live.add(c.id());
        }
      } catch (RuntimeException ex) {
        found.problem(
            Kind.FILE, "layout entry " + e.getKey(), "it cannot be read: " + Findings.plain(ex));
      }
    }
    // every intact chunk in the file: the newest is found here, and one newer than the version
    // MVStore opened tells that the newest state could not be read
    Map<Integer, Chunk> intact = scan(ch);
    long opened = store.getFileStore().lastChunkVersion();
    for (Chunk c : intact.values()) {
      if (c.version() > opened) {
        found.problem(
            Kind.FILE,
            c.where(),
            "it holds version "
                + c.version()
                + " of the file, but only version "
                + opened
                + " could be opened: chunks of a newer state are damaged or missing, and the file"
                + " reads as it was at an older checkpoint");
      }
    }
    Set<Integer> check = new java.util.TreeSet<>(usedChunks);
    check.addAll(live);
    long pages = 0;
    int checkedChunks = 0;
    for (int id : check) {
      Chunk at =
          listed.containsKey(id) && listed.get(id).block() > 0 ? listed.get(id) : intact.get(id);
      if (at == null) {
        found.problem(
            Kind.FILE,
            "chunk " + id,
            "it holds pages "
                + (usedBy.containsKey(id) ? "of " + usedBy.get(id) : "in use")
                + ", but the file has no intact copy of it (its header or footer is damaged)");
        continue;
      }
      checkedChunks++;
      pages += chunk(ch, id, at.block());
    }
    found.checked(
        "chunks in use, header and footer checksums and page headers", checkedChunks, "chunks");
    found.checked("page headers in those chunks", pages, "pages");
  }

  /** The chunks of the file whose header and footer are intact, by id (the newest copy). */
  private Map<Integer, Chunk> scan(FileChannel ch) throws IOException {
    Map<Integer, Chunk> out = new HashMap<>();
    long blocks = ch.size() / BLOCK;
    for (long b = 2; b < blocks; ) {
      Chunk c = header(ch, b);
      if (c == null || c.len() <= 0 || b + c.len() > blocks || footer(ch, b, c) == null) {
        b++;
        continue;
      }
      Chunk prev = out.get(c.id());
      if (prev == null || prev.version() < c.version()) {
        out.put(c.id(), c);
      }
      b += c.len();
    }
    return out;
  }

  /** The chunk whose header starts block {@code block}, or null. */
  private static Chunk header(FileChannel ch, long block) throws IOException {
    byte[] b = read(ch, block * BLOCK, MAX_HEADER);
    if (b.length < 6 || !new String(b, 0, 6, StandardCharsets.ISO_8859_1).equals("chunk:")) {
      return null;
    }
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n') {
        try {
          return Chunk.of(
              DataUtils.parseMap(new String(b, 0, i, StandardCharsets.ISO_8859_1).trim()), block);
        } catch (RuntimeException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** The footer of {@code c} (starting at {@code block}) when its checksum matches, or null. */
  private static Chunk footer(FileChannel ch, long block, Chunk c) throws IOException {
    byte[] b = read(ch, (block + c.len()) * BLOCK - FOOTER, FOOTER);
    Map<String, String> m = checksummed(b, 0, b.length);
    if (m == null) {
      return null;
    }
    Chunk f = Chunk.of(m, block);
    return f.id() == c.id() && f.len() == c.len() && f.version() == c.version() ? f : null;
  }

  /** Checks chunk {@code id} at {@code block}; returns the number of page headers checked. */
  private int chunk(FileChannel ch, int id, long block) throws IOException {
    Chunk c = header(ch, block);
    String where = "chunk " + id + " at block " + block;
    if (c == null || c.id() != id) {
      found.problem(Kind.FILE, where, "its header is damaged");
      return 0;
    }
    if (footer(ch, block, c) == null) {
      found.problem(
          Kind.FILE, where, "its footer is damaged (missing, or its checksum does not match)");
      return 0;
    }
    if (c.toc() <= 0 || c.pages() <= 0) {
      return 0;
    }
    long start = block * BLOCK;
    long end = start + (long) c.len() * BLOCK - FOOTER;
    if (start + c.toc() + 8L * c.pages() > end) {
      found.problem(Kind.FILE, where, "its table of contents lies outside the chunk");
      return 0;
    }
    ByteBuffer toc = ByteBuffer.wrap(read(ch, start + c.toc(), 8 * c.pages()));
    int checked = 0;
    for (int i = 0; i < c.pages(); i++) {
      long t = toc.getLong();
      int offset = DataUtils.getPageOffset(t);
      int map = DataUtils.getPageMapId(t);
      String page =
          where + ", page at offset 0x" + Integer.toHexString(offset) + " (" + mapName(map) + ")";
      if (offset <= 0 || start + offset + 16 > end) {
        found.problem(
            Kind.FILE,
            where,
            "its table of contents is damaged: entry "
                + i
                + " of "
                + c.pages()
                + " points outside the chunk (its pages were not checked)");
        return checked;
      }
      String bad = pageHeader(ByteBuffer.wrap(read(ch, start + offset, 16)), id, offset, t, c);
      if (bad != null) {
        found.problem(Kind.FILE, page, bad);
      }
      checked++;
    }
    return checked;
  }

  /** What is wrong with the header of the page at {@code offset}, or null. */
  private static String pageHeader(ByteBuffer b, int chunk, int offset, long toc, Chunk c) {
    int length = b.getInt();
    short check = b.getShort();
    short expected =
        (short)
            (DataUtils.getCheckValue(chunk)
                ^ DataUtils.getCheckValue(offset)
                ^ DataUtils.getCheckValue(length));
    if (check != expected) {
      return "its check value does not match its position and length: the page is damaged or was"
          + " overwritten";
    }
    int max = DataUtils.getPageMaxLength(toc);
    if (length < 6 || length > c.toc() - offset || (max != DataUtils.PAGE_LARGE && length > max)) {
      return "its length of " + length + " bytes does not fit the chunk";
    }
    try {
      DataUtils.readVarInt(b); // page number
      int map = DataUtils.readVarInt(b);
      if (map != DataUtils.getPageMapId(toc)) {
        return "it belongs to map " + map + ", not to the map the table of contents names";
      }
      DataUtils.readVarInt(b); // key count
      if ((b.get() & 1) != DataUtils.getPageType(toc)) {
        return "its type (leaf or node) is not the one the table of contents names";
      }
    } catch (RuntimeException e) {
      return "its header cannot be read";
    }
    return null;
  }

  private String mapName(int id) {
    String n = null;
    try {
      n = store.getMapName(id);
    } catch (RuntimeException e) {
      // a map id the meta map does not know
    }
    return n == null ? "map id " + id : "map " + n;
  }

  // ---------------------------------------------------------------------------------------------
  // bytes

  /**
   * The {@code key:value,...} map in {@code b[from, to)} (trimmed of blanks and zeros) when it ends
   * with a {@code fletcher:} checksum of what precedes it that matches; else null.
   */
  static Map<String, String> checksummed(byte[] b, int from, int to) {
    while (from < to && (b[from] & 0xFF) <= ' ') {
      from++;
    }
    while (to > from && (b[to - 1] & 0xFF) <= ' ') {
      to--;
    }
    String s = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    int k = s.indexOf(",fletcher:");
    if (k <= 0) {
      return null;
    }
    try {
      int end = s.indexOf(',', k + 1);
      String hex = s.substring(k + ",fletcher:".length(), end < 0 ? s.length() : end);
      int check = (int) Long.parseLong(hex, 16);
      if (check != DataUtils.getFletcher32(b, from, k)) {
        return null;
      }
      return DataUtils.parseMap(s.substring(0, k));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /** Up to {@code n} bytes at {@code pos} (fewer at the end of the file). */
  private static byte[] read(FileChannel ch, long pos, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      int r = ch.read(b, pos + b.position());
      if (r < 0) {
        break;
      }
    }
    return b.position() == n ? b.array() : java.util.Arrays.copyOf(b.array(), b.position());
  }

  private static String plainIo(IOException e) {
    return StorageErrors.plain(e).toLowerCase(Locale.ROOT);
  }
}
