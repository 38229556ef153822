package io.ormdb.architecture.violations.store.internal.file;

import org.h2.mvstore.MVMap;

/** Allowed: the one class of the pretend store that writes its maps. */
public final class LoggedMap {
  private final MVMap<String, String> map;

  public LoggedMap(MVMap<String, String> map) {
    this.map = map;
  }

  public void put(String key, String value) {
    map.put(key, value);
  }

  public void remove(String key) {
    map.remove(key);
  }
}
