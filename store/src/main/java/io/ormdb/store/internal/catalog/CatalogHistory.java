package io.ormdb.store.internal.catalog;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.store.internal.file.LoggedMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every applied schema version, oldest first, with the LSN after which it applies: read by any
 * thread, added to by the committer only (in the {@code catalog} map, version → catalog).
 */
public final class CatalogHistory {
  private final LoggedMap<Long, byte[]> map;
  private volatile List<Catalog> list;

  public CatalogHistory(LoggedMap<Long, byte[]> map) {
    this.map = map;
    List<Catalog> l = new ArrayList<>();
    for (Map.Entry<Long, byte[]> c : map.map().entrySet()) {
      l.add(Catalog.decode(c.getValue()));
    }
    this.list = List.copyOf(l);
  }

  /** The newest version, or null before the first schema. */
  public Catalog latest() {
    List<Catalog> l = list;
    return l.isEmpty() ? null : l.get(l.size() - 1);
  }

  /** The version in force at {@code lsn}: the newest applied at or before it (else empty). */
  public Catalog at(long lsn) {
    Catalog found = null;
    for (Catalog c : list) {
      if (c.appliedAtLsn <= lsn) {
        found = c;
      }
    }
    if (found == null) {
      found = Catalog.compile(SchemaBundle.empty(), 0, Catalog.Ids.empty());
    }
    return found;
  }

  /** The bundle of {@code version}; NOT_FOUND listing the versions when there is none. */
  public SchemaBundle bundle(long version) {
    for (Catalog c : list) {
      if (c.version == version) {
        return c.bundle;
      }
    }
    throw OrmDbException.notFound(
        "no schema version " + version + " (versions: " + versions() + ")");
  }

  public List<Long> versions() {
    List<Long> out = new ArrayList<>();
    for (Catalog c : list) {
      out.add(c.version);
    }
    return out;
  }

  /** One applied schema version and the LSN after which it applies, oldest first. */
  public List<long[]> history() {
    List<long[]> out = new ArrayList<>();
    for (Catalog c : list) {
      out.add(new long[] {c.version, c.appliedAtLsn});
    }
    return out;
  }

  /** Committer only: stores {@code cat} as the newest version. */
  public void add(Catalog cat) {
    map.put(cat.version, cat.encode());
    List<Catalog> l = new ArrayList<>(list);
    l.add(cat);
    list = List.copyOf(l);
  }
}
