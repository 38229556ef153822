package io.ormdb.store.query.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An LRU map from a query's shape key to its plan. Keys carry the schema version; when a view with
 * another schema version is seen, the whole cache is dropped so plans for old schemas do not
 * linger. Thread-safe (one lock; lookups are far cheaper than planning).
 */
public final class PlanCache {
  private final int capacity;
  private final LinkedHashMap<String, QueryPlan> plans;
  private long schemaVersion = Long.MIN_VALUE;
  private long hits;
  private long misses;

  public PlanCache(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0");
    }
    this.capacity = capacity;
    this.plans =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, QueryPlan> eldest) {
            return size() > PlanCache.this.capacity;
          }
        };
  }

  /** The cached plan for {@code key} under {@code version}, or null. */
  public synchronized QueryPlan get(long version, String key) {
    if (version != schemaVersion) {
      plans.clear();
      schemaVersion = version;
    }
    QueryPlan p = plans.get(key);
    if (p == null) {
      misses++;
    } else {
      hits++;
    }
    return p;
  }

  public synchronized void put(long version, String key, QueryPlan plan) {
    if (version == schemaVersion && capacity > 0) {
      plans.put(key, plan);
    }
  }

  public synchronized int size() {
    return plans.size();
  }

  public synchronized long hits() {
    return hits;
  }

  public synchronized long misses() {
    return misses;
  }
}
