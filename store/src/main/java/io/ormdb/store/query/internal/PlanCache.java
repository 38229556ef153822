package io.ormdb.store.query.internal;

import io.ormdb.protocol.schema.SchemaBundle;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An LRU map from a query's shape key to its plan, valid for one schema. When a view with another
 * schema is seen (another version, or an unequal bundle under the same version number, as two
 * stores sharing an engine would have), the whole cache is dropped so no plan outlives the schema
 * it was made for. Thread-safe (one lock; lookups are far cheaper than planning).
 */
public final class PlanCache {
  private final int capacity;
  private final LinkedHashMap<String, QueryPlan> plans;
  private SchemaBundle schema;
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

  /** The cached plan for {@code key} under {@code schema}, or null. */
  public synchronized QueryPlan get(SchemaBundle forSchema, String key) {
    if (!sameSchema(forSchema)) {
      plans.clear();
      schema = forSchema;
    }
    QueryPlan p = plans.get(key);
    if (p == null) {
      misses++;
    } else {
      hits++;
    }
    return p;
  }

  /**
   * The cached plan for {@code key} when the cache holds plans of {@code forSchema}, else null;
   * unlike {@link #get} it neither drops the cache for another schema nor counts a hit or miss (a
   * probe, not a planning).
   */
  public synchronized QueryPlan peek(SchemaBundle forSchema, String key) {
    return sameSchema(forSchema) ? plans.get(key) : null;
  }

  public synchronized void put(SchemaBundle forSchema, String key, QueryPlan plan) {
    if (sameSchema(forSchema) && capacity > 0) {
      plans.put(key, plan);
    }
  }

  private boolean sameSchema(SchemaBundle other) {
    // The reference check is the fast path: a store hands out one bundle per schema version.
    return other == schema
        || (schema != null && other.version() == schema.version() && other.equals(schema));
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
