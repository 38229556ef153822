package io.ormdb.cdc.live;

import io.ormdb.cdc.live.LiveEvent.Row;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.query.RelationAggregate;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldPath;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.filter.FilterBinder;
import io.ormdb.store.filter.FilterEvaluator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a live query's result depends on — the entities, per include level the filter, order, page
 * and relation keys — and, for one change event, whether the result may have changed: not at all,
 * by edits the hub can make in place ({@link Edit}), or in a way that needs the query re-run.
 *
 * <p>Every decision reads the result as of the LSN before the event's change set (the hub applies a
 * change set's edits only after deciding on all its events) and the event's before and after
 * images. When anything is uncertain the answer is a re-run. The rules, per level the event's
 * entity is read at:
 *
 * <ul>
 *   <li>a row not in the result at that level that matches the level's filter neither before nor
 *       after the change cannot enter it and changes no page: skipped. At an include level a row
 *       that matches but links to no parent in the result (by its relation key before and after) is
 *       skipped too;
 *   <li>a row in the result that still matches, whose order fields and relation keys did not
 *       change: patched in place (new version and field values), since its position, its parents'
 *       child lists and pages and its own children stay as they were;
 *   <li>for a query without includes whose root is not paged (no limit, offset or cursor) and which
 *       returns its order fields, root rows that enter, leave or move are edited in place (put at
 *       their place in the root order);
 *   <li>an edge row of a many-to-many include matters only when it links (before or after) to a
 *       parent in the result;
 *   <li>a change to an entity an order key reaches through a relation ({@code person.last_name})
 *       re-runs the query, and a root ordered by such a key is not edited in place;
 *   <li>anything else — a row entering or leaving a level with includes or a page, a changed order
 *       field or relation key, an image missing a field the level reads — re-runs the query.
 * </ul>
 *
 * <p>A query with aggregates over relations ({@link RelationAggregate}, at any level) also reads
 * the related entities (and the edge entity of a many-to-many relation); every event on an entity
 * it reads re-runs it, since an edit in place would have to recompute the aggregates.
 */
final class ReadSet {
  /** An in-place edit of the result. */
  sealed interface Edit permits Patch, Enter, Leave, Move {}

  /** A row stays where it is with new values. */
  record Patch(Row row) implements Edit {}

  /** A root row enters (results without includes only). */
  record Enter(Row row) implements Edit {}

  /** A root row leaves (results without includes only). */
  record Leave(Value id) implements Edit {}

  /** A root row changes its order fields and so its place (results without includes only). */
  record Move(Row row) implements Edit {}

  /**
   * A range of one root field that holds every root row matching the root filter: the comparisons
   * of that field with a value that the filter requires (the conjuncts at its top). Both ends are
   * included (a strict comparison gives the same, wider, range); null = unbounded on that side.
   */
  record KeyRange(String field, Value low, Value high) {}

  /** Whether a row links to a parent in the result. */
  private enum Link {
    YES,
    NO,
    UNKNOWN
  }

  /** One level of the query: the root or an include. */
  private static final class Level {
    final String path;
    final EntityDef entity;
    final Level parent;
    final RelationDef relation;
    final boolean keyOnSource;
    final Filter filter;
    final List<String> fields;
    final Set<String> orderFields = new HashSet<>();
    final Set<String> keyFields = new HashSet<>();
    final Set<String> needed = new HashSet<>();
    final Set<String> relatedEntities = new HashSet<>();
    final Comparator<Row> order;
    final boolean unpaged;
    final boolean allLinkedIncluded;
    final ValueType identityType;

    Level(
        SchemaBundle schema,
        String path,
        EntityDef entity,
        Level parent,
        RelationDef relation,
        List<String> requested,
        Filter filter,
        List<OrderSpec> orderBy,
        Pagination page,
        Map<String, Value> attributes) {
      this.path = path;
      this.entity = entity;
      this.parent = parent;
      this.relation = relation;
      this.keyOnSource = relation != null && schema.keyOnSource(relation);
      this.filter =
          FilterBinder.bind(
              filter, entity, schema, attributes, "filter of live query level '" + path + "'");
      List<String> fs = new ArrayList<>();
      if (requested.isEmpty()) {
        entity.fields().forEach(f -> fs.add(f.name()));
      } else {
        fs.addAll(requested);
      }
      this.fields = List.copyOf(fs);
      this.order = order(schema, entity, orderBy.isEmpty() ? entity.defaultOrder() : orderBy);
      if (relation != null) {
        keyFields.add(relation.toField());
      }
      this.unpaged = page.limit() == 0 && page.offset() == 0 && page.cursor() == null;
      // every linked row that matches is in the result: no page cuts a parent's children (a to-one
      // include keeps one child per parent, so only one keyed by the target's identity qualifies)
      this.allLinkedIncluded =
          relation != null
              && page.offset() == 0
              && page.cursor() == null
              && (relation.cardinality().toMany()
                  ? page.limit() == 0
                  : keyOnSource && relation.toField().equals(entity.identityField()));
      FieldDef id = entity.identity();
      this.identityType = id.type().array() ? null : id.type().base();
      needed.addAll(Filter.fieldsOf(this.filter));
      needed.addAll(orderFields);
      needed.addAll(keyFields);
      needed.addAll(fields);
    }

    boolean isRoot() {
      return parent == null;
    }

    /**
     * The effective order as a comparator over result rows (each key's direction and nulls). A key
     * on a related row's field ({@code person.last_name}) adds the relation key it starts from to
     * the order fields and the entities it reaches to {@link #relatedEntities}; the comparator
     * cannot evaluate it, so such a root is never edited in place.
     */
    private Comparator<Row> order(SchemaBundle schema, EntityDef e, List<OrderSpec> specs) {
      List<OrderSpec> keys = new ArrayList<>();
      boolean identityKeyed = false;
      for (OrderSpec s : specs) {
        FieldPath path = FieldPath.resolve(schema, e, s.field());
        if (!identityKeyed) {
          keys.add(s);
          if (path.isLocal()) {
            orderFields.add(s.field());
          } else {
            orderFields.add(path.relations().get(0).fromField());
            path.relations().forEach(r -> relatedEntities.add(r.toEntity()));
          }
        }
        identityKeyed |= path.isLocal() && s.field().equals(e.identityField());
      }
      if (!identityKeyed) {
        keys.add(OrderSpec.asc(e.identityField()));
        orderFields.add(e.identityField());
      }
      return (a, b) -> {
        for (OrderSpec k : keys) {
          int c = k.compare(value(a, k.field()), value(b, k.field()));
          if (c != 0) {
            return c;
          }
        }
        return 0;
      };
    }

    private static Value value(Row r, String field) {
      Value v = r.fields().get(field);
      return v == null ? Value.NULL : v;
    }
  }

  private final long schemaVersion;
  private final Set<String> entities;
  private final Map<String, List<Level>> levelsByEntity = new HashMap<>();
  private final Map<String, List<Level>> edgesByEntity = new HashMap<>();
  private final Level root;
  private final boolean rootEdits;
  private final boolean aggregates;
  private final KeyRange rootRange;

  /** The entities order keys reach through relations: a change to any of them re-runs. */
  private final Set<String> orderEntities;

  private ReadSet(SchemaBundle schema, GraphQuery q, Map<String, Value> attributes) {
    this.schemaVersion = schema.version();
    EntityDef rootEntity = schema.requireEntity(q.rootEntity());
    this.root =
        new Level(
            schema,
            "",
            rootEntity,
            null,
            null,
            q.fields(),
            q.filter(),
            q.orderBy(),
            q.pagination(),
            attributes);
    List<Level> levels = new ArrayList<>();
    levels.add(root);
    Map<String, Level> byPath = new HashMap<>();
    byPath.put("", root);
    List<Include> byDepth = new ArrayList<>(q.includes());
    byDepth.sort(Comparator.comparingInt(Include::depth));
    Set<String> entities = new LinkedHashSet<>();
    entities.add(rootEntity.name());
    for (Include inc : byDepth) {
      Level parent = byPath.get(inc.parentPath());
      if (parent == null) {
        throw new IllegalArgumentException("include '" + inc.path() + "' without its parent");
      }
      RelationDef rel = schema.requireRelation(parent.entity.name(), inc.relationName());
      Level l =
          new Level(
              schema,
              inc.path(),
              schema.requireEntity(rel.toEntity()),
              parent,
              rel,
              inc.fields(),
              inc.filter(),
              inc.orderBy(),
              inc.pagination(),
              attributes);
      parent.keyFields.add(rel.fromField());
      parent.needed.add(rel.fromField());
      levels.add(l);
      byPath.put(inc.path(), l);
      entities.add(rel.toEntity());
      if (rel.cardinality() == Cardinality.MANY_TO_MANY) {
        entities.add(rel.edgeEntity());
        edgesByEntity.computeIfAbsent(rel.edgeEntity(), k -> new ArrayList<>()).add(l);
      }
    }
    Set<String> related = new HashSet<>();
    for (Level l : levels) {
      levelsByEntity.computeIfAbsent(l.entity.name(), k -> new ArrayList<>()).add(l);
      related.addAll(l.relatedEntities);
    }
    boolean aggregated = aggregatedEntities(schema, rootEntity.name(), q.aggregates(), entities);
    for (Include inc : byDepth) {
      aggregated |=
          aggregatedEntities(
              schema, byPath.get(inc.path()).entity.name(), inc.aggregates(), entities);
    }
    this.aggregates = aggregated;
    entities.addAll(related);
    this.orderEntities = Set.copyOf(related);
    this.entities = Set.copyOf(entities);
    this.rootEdits =
        q.includes().isEmpty()
            && root.unpaged
            && root.relatedEntities.isEmpty()
            && root.fields.containsAll(root.orderFields);
    // an aggregate over a relation, or an order key through one, may read the root entity too
    this.rootRange =
        !aggregated
                && !related.contains(rootEntity.name())
                && levelsByEntity.get(rootEntity.name()).size() == 1
                && !edgesByEntity.containsKey(rootEntity.name())
            ? keyRange(root.filter, rootEntity.identityField())
            : null;
  }

  /**
   * When the query reads its root entity at the root level only: a range of one root field outside
   * of which an event's row is of no concern to the query — it is not in the result (a row in it
   * matches the root filter, as its image before the change set shows) and matches the filter
   * neither before nor after the change. Null when the root filter requires no such range, the root
   * entity is read at other levels too, or the query has aggregates over relations. The identity
   * field's range is preferred.
   */
  KeyRange rootRange() {
    return rootRange;
  }

  private static KeyRange keyRange(Filter filter, String identityField) {
    Map<String, Bound> bounds = new LinkedHashMap<>();
    collectBounds(filter, bounds);
    Bound b = bounds.get(identityField);
    if (b == null || b.mixed) {
      b = bounds.values().stream().filter(x -> !x.mixed).findFirst().orElse(null);
    }
    return b == null ? null : new KeyRange(b.field, b.low, b.high);
  }

  /** The bounds of one field that a filter's top conjuncts require. */
  private static final class Bound {
    final String field;
    final Object kind;
    Value low;
    Value high;
    boolean mixed; // values of different kinds: no range

    Bound(String field, Object kind) {
      this.field = field;
      this.kind = kind;
    }
  }

  private static void collectBounds(Filter f, Map<String, Bound> bounds) {
    if (f instanceof Filter.And and) {
      for (Filter operand : and.operands()) {
        collectBounds(operand, bounds);
      }
      return;
    }
    if (!(f instanceof Filter.Compare c) || c.op() == Filter.Op.NE) {
      return; // or, not, in, like, null tests: no range (they can only narrow the result further)
    }
    Object kind = RangeIndex.kind(c.value());
    if (kind == null) {
      return; // a comparison with null matches nothing; a range would be sound but is not needed
    }
    Bound b = bounds.computeIfAbsent(c.field(), k -> new Bound(k, kind));
    if (!b.kind.equals(kind)) {
      b.mixed = true;
      return;
    }
    Value v = c.value();
    if (c.op() != Filter.Op.LT && c.op() != Filter.Op.LE) { // ==, >, >=
      b.low = b.low == null || Values.compare(v, b.low) > 0 ? v : b.low;
    }
    if (c.op() != Filter.Op.GT && c.op() != Filter.Op.GE) { // ==, <, <=
      b.high = b.high == null || Values.compare(v, b.high) < 0 ? v : b.high;
    }
  }

  /** Adds the entities {@code aggregates} over relations of {@code entity} read; any at all? */
  private static boolean aggregatedEntities(
      SchemaBundle schema, String entity, List<RelationAggregate> aggregates, Set<String> out) {
    for (RelationAggregate a : aggregates) {
      RelationDef rel = schema.requireRelation(entity, a.relation());
      out.add(rel.toEntity());
      if (rel.cardinality() == Cardinality.MANY_TO_MANY) {
        out.add(rel.edgeEntity());
      }
    }
    return !aggregates.isEmpty();
  }

  /**
   * The read set of {@code q} under {@code schema}, with the session attributes its filters refer
   * to. Throws what resolving the query throws (an invalid query has no read set).
   */
  static ReadSet of(SchemaBundle schema, GraphQuery q, Map<String, Value> attributes) {
    return new ReadSet(schema, q, attributes);
  }

  /** The schema version the read set was computed for. */
  long schemaVersion() {
    return schemaVersion;
  }

  /**
   * The entities whose rows the query can read: the root, each include's target, the targets of
   * aggregates over relations, for many-to-many relations the edge entity, and the entities order
   * keys reach through relations. A change to any other entity is skipped unseen.
   */
  Set<String> entities() {
    return entities;
  }

  /**
   * Decides on one event of a change set: adds the edits it makes to {@code out} (nothing when the
   * result is unaffected) and returns true, or returns false when the query must be re-run. {@code
   * view} is the result as of the LSN before the change set.
   */
  boolean decide(ChangeEvent e, LiveView view, List<Edit> out) {
    if (aggregates || orderEntities.contains(e.entity())) {
      return false; // an aggregate, or a related row's field some rows are ordered by, may change
    }
    List<Level> levels = levelsByEntity.get(e.entity());
    if (levels != null) {
      for (Level l : levels) {
        if (!atLevel(l, e, view, out)) {
          return false;
        }
      }
    }
    List<Level> edges = edgesByEntity.get(e.entity());
    if (edges != null) {
      for (Level l : edges) {
        if (!edge(l, e, view)) {
          return false;
        }
      }
    }
    return true;
  }

  private boolean atLevel(Level l, ChangeEvent e, LiveView view, List<Edit> out) {
    Map<String, Value> before = e.before();
    Map<String, Value> after = e.after();
    if (!carries(before, l.needed) || !carries(after, l.needed)) {
      return false; // an image without a field the level reads (another schema's row)
    }
    boolean in = view.has(l.path, e.id());
    boolean matchedBefore = !before.isEmpty() && FilterEvaluator.matches(l.filter, before::get);
    boolean matchesAfter = !after.isEmpty() && FilterEvaluator.matches(l.filter, after::get);
    if (l.isRoot() && rootEdits) {
      if (!in) {
        if (matchedBefore) {
          return false; // an unpaged root holds every matching row: the view disagrees, re-run
        }
        if (matchesAfter) {
          out.add(new Enter(row(l, e)));
        }
        return true;
      }
      if (!matchesAfter) {
        out.add(new Leave(e.id()));
      } else {
        out.add(changes(e, l.orderFields) ? new Move(row(l, e)) : new Patch(row(l, e)));
      }
      return true;
    }
    if (in) {
      if (!matchesAfter || changes(e, l.orderFields) || changes(e, l.keyFields)) {
        return false;
      }
      out.add(new Patch(row(l, e)));
      return true;
    }
    if (l.isRoot()) {
      return !matchedBefore && !matchesAfter;
    }
    // an include level: the row is out of the result; does it stay out?
    Link linkedBefore = Link.NO;
    if (matchedBefore) {
      linkedBefore = l.allLinkedIncluded ? Link.NO : parentLink(l, before, view);
      if (linkedBefore != Link.NO) {
        return false;
      }
    } else if (!before.isEmpty()) {
      linkedBefore = parentLink(l, before, view);
    }
    if (!matchesAfter) {
      return true;
    }
    Link linkedAfter = parentLink(l, after, view);
    if (linkedAfter == Link.UNKNOWN
        && e.op() == ChangeEvent.Op.UPDATE
        && linkedBefore == Link.NO
        && !e.changedFields().contains(l.relation.toField())) {
      // its key is unchanged, so it links to the parents it linked to: none in the result
      linkedAfter = Link.NO;
    }
    return linkedAfter == Link.NO;
  }

  /** An event on the edge entity of the many-to-many include {@code l}. */
  private boolean edge(Level l, ChangeEvent e, LiveView view) {
    RelationDef r = l.relation;
    if (e.op() == ChangeEvent.Op.UPDATE
        && !e.changedFields().contains(r.edgeFromField())
        && !e.changedFields().contains(r.edgeToField())) {
      return true; // edge rows are not returned: only their keys matter
    }
    for (Map<String, Value> image : List.of(e.before(), e.after())) {
      if (image.isEmpty()) {
        continue;
      }
      Value from = image.get(r.edgeFromField());
      if (from == null || parentHas(l.parent, r.fromField(), from, view) != Link.NO) {
        return false;
      }
    }
    return true;
  }

  /** Whether the row {@code image} of level {@code l} links to a parent row in the result. */
  private static Link parentLink(Level l, Map<String, Value> image, LiveView view) {
    if (l.relation.cardinality() == Cardinality.MANY_TO_MANY) {
      return Link.UNKNOWN; // through edge rows the result does not hold
    }
    Value key = image.get(l.relation.toField());
    return key == null ? Link.UNKNOWN : parentHas(l.parent, l.relation.fromField(), key, view);
  }

  /** Whether a row of level {@code parent} in the result has {@code key} in {@code field}. */
  private static Link parentHas(Level parent, String field, Value key, LiveView view) {
    if (key.isNull()) {
      return Link.NO; // a null key links to nothing
    }
    Map<Value, Row> rows = view.rowsAt(parent.path);
    if (field.equals(parent.entity.identityField())) {
      if (rows.containsKey(key)) {
        return Link.YES;
      }
      return key.type() == parent.identityType ? Link.NO : Link.UNKNOWN;
    }
    if (!parent.fields.contains(field)) {
      return Link.UNKNOWN; // the result does not hold the parents' key values
    }
    for (Row p : rows.values()) {
      Value v = p.fields().get(field);
      if (v != null && !v.isNull() && Values.compare(v, key) == 0) {
        return Link.YES;
      }
    }
    return Link.NO;
  }

  /** The comparator of root rows in result order (for {@link Enter} and {@link Move}). */
  Comparator<Row> rootOrder() {
    return root.order;
  }

  private static boolean changes(ChangeEvent e, Set<String> fields) {
    if (e.op() != ChangeEvent.Op.UPDATE) {
      return true;
    }
    for (String f : e.changedFields()) {
      if (fields.contains(f)) {
        return true;
      }
    }
    return false;
  }

  private static boolean carries(Map<String, Value> image, Set<String> fields) {
    return image.isEmpty() || image.keySet().containsAll(fields);
  }

  /** The row as the level returns it after the event: its returned fields and the new version. */
  private static Row row(Level l, ChangeEvent e) {
    Map<String, Value> fields = new LinkedHashMap<>();
    for (String f : l.fields) {
      fields.put(f, e.after().get(f));
    }
    return new Row(l.path, e.id(), e.lsn(), fields);
  }
}
