package io.ormdb.cdc.live;

import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.value.Value;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The live queries that read one entity, and which of them an event on that entity may concern.
 *
 * <p>A query whose root filter confines its root rows to a range of one field ({@link
 * ReadSet#rootRange()}) is kept in an interval index of that field: an event whose row lies outside
 * the range before and after the change cannot concern it (the row is not in its result and does
 * not match its filter), so it is not even looked at. Every other query of the entity is looked at
 * for each event. So finding the queries of a change is O(log n) plus the queries it finds, not
 * O(n) row-level decisions — what lets a node keep many narrow live queries over one busy entity.
 * When an event's images lack an indexed field or carry a value of another kind, or the change set
 * is under another schema version than the one the ranges were taken from, every query of the
 * entity is looked at: the index only ever saves work.
 */
final class Readers {
  /** Every query reading the entity. */
  final List<SharedQuery> all = new ArrayList<>();

  private final List<SharedQuery> scanned = new ArrayList<>();
  private final List<FieldIndex> indexes = new ArrayList<>();
  private long schemaVersion = -1;

  private record FieldIndex(String field, Object kind, RangeIndex<SharedQuery> ranges) {}

  private Readers() {}

  /** The readers of every entity some query reads; queries without a read set are left out. */
  static Map<String, Readers> of(Collection<SharedQuery> queries) {
    Map<String, Builder> builders = new HashMap<>();
    for (SharedQuery q : queries) {
      if (q.readSet == null) {
        continue;
      }
      String rootEntity = q.key.query().rootEntity();
      for (String entity : q.readSet.entities()) {
        builders
            .computeIfAbsent(entity, k -> new Builder())
            .add(q, entity.equals(rootEntity) ? q.readSet.rootRange() : null);
      }
    }
    Map<String, Readers> out = new HashMap<>();
    builders.forEach((entity, b) -> out.put(entity, b.build()));
    return out;
  }

  /** Queries kept in a range index (the others are looked at for every event). */
  int indexed() {
    return all.size() - scanned.size();
  }

  /**
   * Hands every query that the event (of a change set under {@code schemaVersion}) may concern to
   * {@code to}; a query may be handed over twice (by its range before and after the change).
   */
  void forEach(ChangeEvent e, long schemaVersion, Consumer<SharedQuery> to) {
    if (indexes.isEmpty() || schemaVersion != this.schemaVersion || !covered(e)) {
      all.forEach(to);
      return;
    }
    scanned.forEach(to);
    for (FieldIndex i : indexes) {
      find(i, e.before(), to);
      find(i, e.after(), to);
    }
  }

  private static void find(FieldIndex i, Map<String, Value> image, Consumer<SharedQuery> to) {
    if (!image.isEmpty()) {
      Value v = image.get(i.field());
      if (!v.isNull()) { // a comparison with null is never true: no range holds it
        i.ranges().forEachHolding(v, to);
      }
    }
  }

  /** Whether the event's images carry every indexed field with a value of the index's kind. */
  private boolean covered(ChangeEvent e) {
    for (FieldIndex i : indexes) {
      if (!carries(e.before(), i) || !carries(e.after(), i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean carries(Map<String, Value> image, FieldIndex i) {
    if (image.isEmpty()) {
      return true; // no row before (insert) or after (delete)
    }
    Value v = image.get(i.field());
    return v != null && (v.isNull() || i.kind().equals(RangeIndex.kind(v)));
  }

  private static final class Builder {
    final Readers readers = new Readers();
    final Map<String, Object> kinds = new LinkedHashMap<>();
    final Map<String, List<RangeIndex.Range<SharedQuery>>> ranges = new LinkedHashMap<>();

    void add(SharedQuery q, ReadSet.KeyRange r) {
      readers.all.add(q);
      Object kind = r == null ? null : RangeIndex.kind(r.low() != null ? r.low() : r.high());
      if (kind == null) {
        readers.scanned.add(q);
        return;
      }
      if (readers.schemaVersion < 0) {
        readers.schemaVersion = q.readSet.schemaVersion();
      }
      if (q.readSet.schemaVersion() != readers.schemaVersion
          || !kinds.computeIfAbsent(r.field(), f -> kind).equals(kind)) {
        readers.scanned.add(q);
        return;
      }
      ranges
          .computeIfAbsent(r.field(), f -> new ArrayList<>())
          .add(new RangeIndex.Range<>(r.low(), r.high(), q));
    }

    Readers build() {
      ranges.forEach(
          (field, rs) ->
              readers.indexes.add(new FieldIndex(field, kinds.get(field), new RangeIndex<>(rs))));
      return readers;
    }
  }
}
