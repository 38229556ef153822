package io.ormdb.store.query.internal;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.query.RelationAggregate;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldPath;
import io.ormdb.protocol.schema.LinkFields;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.filter.FilterBinder;
import io.ormdb.store.query.QueryBudget;
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
 * Checks a graph query against the schema and turns it into a {@link ResolvedQuery}. Every problem
 * is an INVALID_REQUEST naming what is wrong and where, with a did-you-mean where one is plausible;
 * a too-deep query is BUDGET_EXCEEDED.
 */
public final class QueryResolver {
  private QueryResolver() {}

  /**
   * The field {@code name} of {@code entity}, or INVALID_REQUEST: {@code where: unknown field ...}.
   */
  public static FieldDef field(EntityDef entity, String name, String where) {
    return entity
        .field(name)
        .orElseThrow(() -> OrmDbException.invalid(where + ": " + entity.unknownField(name)));
  }

  public static ResolvedQuery resolve(
      SchemaBundle schema, GraphQuery q, Map<String, Value> attributes, QueryBudget budget) {
    EntityDef rootEntity = schema.requireEntity(q.rootEntity());
    List<Level> levels = new ArrayList<>();
    levels.add(
        level(
            schema,
            0,
            0,
            "",
            rootEntity,
            null,
            -1,
            q.fields(),
            q.filter(),
            q.orderBy(),
            q.pagination(),
            attributes,
            q.rootEntity()));

    // Includes: duplicates and missing parents first, then resolve parents before children.
    Set<String> paths = new HashSet<>();
    for (Include inc : q.includes()) {
      if (!paths.add(inc.path())) {
        throw OrmDbException.invalid("include '" + inc.path() + "' is listed twice");
      }
    }
    for (Include inc : q.includes()) {
      String parentPath = inc.parentPath();
      if (!parentPath.isEmpty() && !paths.contains(parentPath)) {
        throw OrmDbException.invalid(
            "include '" + inc.path() + "': its parent path '" + parentPath + "' is not included");
      }
      if (inc.depth() > budget.maxDepth()) {
        throw new OrmDbException(
            ErrorCode.BUDGET_EXCEEDED,
            "query exceeds its depth budget: include '"
                + inc.path()
                + "' has depth "
                + inc.depth()
                + ", the budget allows "
                + budget.maxDepth());
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < q.includes().size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingInt(i -> q.includes().get(i).depth()));
    Map<String, Integer> levelByPath = new HashMap<>();
    levelByPath.put("", 0);
    for (int i : order) {
      Include inc = q.includes().get(i);
      int parentIndex = levelByPath.get(inc.parentPath());
      EntityDef from = levels.get(parentIndex).entity();
      String name = inc.relationName();
      RelationDef rel =
          schema
              .relation(from.name(), name)
              .orElseThrow(
                  () ->
                      OrmDbException.invalid(
                          "include '"
                              + inc.path()
                              + "': "
                              + schema.unknownRelation(from.name(), name)));
      EntityDef target = schema.requireEntity(rel.toEntity());
      int index = levels.size();
      levels.add(
          level(
              schema,
              index,
              i + 1,
              inc.path(),
              target,
              rel,
              parentIndex,
              inc.fields(),
              inc.filter(),
              inc.orderBy(),
              inc.pagination(),
              attributes,
              q.rootEntity()));
      levelByPath.put(inc.path(), index);
    }

    List<AggregateGroup> groups = new ArrayList<>();
    for (Level l : levels) {
      List<RelationAggregate> aggs =
          l.isRoot() ? q.aggregates() : q.includes().get(l.blockOrder() - 1).aggregates();
      if (!aggs.isEmpty()) {
        aggregates(schema, l, aggs, q.includes(), attributes, groups);
      }
    }

    StringBuilder key = new StringBuilder("v").append(schema.version());
    for (Level l : levels) {
      key.append(" | ").append(l.planShape());
    }
    for (AggregateGroup g : groups) {
      key.append(" | ").append(g.planShape());
    }
    return new ResolvedQuery(schema, levels, key.toString(), groups);
  }

  /**
   * Checks the aggregates of {@code level} and adds them to {@code groups}, one group per relation
   * in the order the relations first appear.
   */
  private static void aggregates(
      SchemaBundle schema,
      Level level,
      List<RelationAggregate> aggs,
      List<Include> includes,
      Map<String, Value> attributes,
      List<AggregateGroup> groups) {
    String of = level.isRoot() ? "" : " of include '" + level.path() + "'";
    EntityDef entity = level.entity();
    Set<String> included = new HashSet<>();
    for (Include inc : includes) {
      if (inc.parentPath().equals(level.path())) {
        included.add(inc.relationName());
      }
    }
    Set<String> labels = new HashSet<>();
    Map<String, List<AggregateGroup.Bound>> byRelation = new LinkedHashMap<>();
    Map<String, RelationDef> relations = new HashMap<>();
    for (int i = 0; i < aggs.size(); i++) {
      RelationAggregate a = aggs.get(i);
      String where = "select" + of + ": aggregate " + a.label() + " = " + a.expression();
      if (a.label().isEmpty() || a.label().startsWith("$")) {
        throw OrmDbException.invalid(
            where + ": a label is a name, not empty nor starting with '$'");
      }
      if (entity.field(a.label()).isPresent()) {
        throw OrmDbException.invalid(
            where
                + ": its label is a field of "
                + entity.name()
                + "; give the aggregate another label");
      }
      if (included.contains(a.label())) {
        throw OrmDbException.invalid(
            where
                + ": its label is the relation '"
                + a.label()
                + "' included under it; give the aggregate another label");
      }
      if (!labels.add(a.label())) {
        throw OrmDbException.invalid(
            "select" + of + ": aggregate label '" + a.label() + "' is listed twice");
      }
      RelationDef rel =
          schema
              .relation(entity.name(), a.relation())
              .orElseThrow(
                  () ->
                      OrmDbException.invalid(
                          where + ": " + schema.unknownRelation(entity.name(), a.relation())));
      if (!rel.cardinality().toMany()) {
        throw OrmDbException.invalid(
            where
                + ": "
                + entity.name()
                + "."
                + rel.name()
                + " is a to-one relation ("
                + rel.cardinality().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + "); aggregates read to-many relations, include '"
                + rel.name()
                + "' to read its row");
      }
      EntityDef target = schema.requireEntity(rel.toEntity());
      ValueType type = null;
      if (a.field() != null) {
        type = AggregateExecutor.argumentType(target, a.function(), a.field(), where);
      } else if (a.function() != AggregateQuery.Function.COUNT) {
        throw OrmDbException.invalid(where + ": needs a field of " + target.name());
      }
      Filter bound = FilterBinder.bind(a.filter(), target, schema, attributes, where + ", where");
      relations.put(rel.name(), rel);
      byRelation
          .computeIfAbsent(rel.name(), k -> new ArrayList<>())
          .add(
              new AggregateGroup.Bound(
                  i,
                  a.label(),
                  a.label() + " = " + a.expression(),
                  a.function(),
                  a.field(),
                  type,
                  bound));
    }
    for (Map.Entry<String, List<AggregateGroup.Bound>> e : byRelation.entrySet()) {
      RelationDef rel = relations.get(e.getKey());
      groups.add(
          new AggregateGroup(
              groups.size(),
              level.index(),
              rel,
              schema.requireEntity(rel.toEntity()),
              e.getValue()));
    }
  }

  private static Level level(
      SchemaBundle schema,
      int index,
      int blockOrder,
      String path,
      EntityDef entity,
      RelationDef relation,
      int parent,
      List<String> requestedFields,
      Filter filter,
      List<OrderSpec> orderBy,
      Pagination page,
      Map<String, Value> attributes,
      String rootEntity) {
    String of = path.isEmpty() ? "" : " of include '" + path + "'";

    List<String> fields = new ArrayList<>();
    List<String> links = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String f : requestedFields) {
      if (LinkFields.isLink(f)) {
        link(schema, relation, f, "select" + of);
        links.add(f);
      } else {
        field(entity, f, "select" + of);
        fields.add(f);
      }
      if (!seen.add(f)) {
        throw OrmDbException.invalid("select" + of + ": field '" + f + "' is listed twice");
      }
    }
    if (fields.isEmpty()) {
      for (FieldDef f : entity.fields()) {
        fields.add(f.name());
      }
    }
    boolean linksUsed = !links.isEmpty();

    Filter bound = FilterBinder.bind(filter, entity, relation, schema, attributes, "filter" + of);
    String filterShape = Conjuncts.shape(bound);

    List<OrderSpec> specs = orderBy.isEmpty() ? entity.defaultOrder() : orderBy;
    List<SortKey> keys = new ArrayList<>();
    Set<String> orderFields = new HashSet<>();
    boolean identityKeyed = false;
    for (OrderSpec s : specs) {
      if (LinkFields.isLink(s.field())) {
        link(schema, relation, s.field(), "order by" + of);
        if (!orderFields.add(s.field())) {
          throw OrmDbException.invalid(
              "order by" + of + ": field '" + s.field() + "' is listed twice");
        }
        if (!identityKeyed) {
          keys.add(
              new SortKey(
                  s.field(), s.direction() == OrderSpec.Direction.DESC, s.nullsSortFirst()));
        }
        linksUsed = true;
        continue;
      }
      FieldPath keyPath;
      try {
        keyPath = FieldPath.resolve(schema, entity, s.field());
      } catch (FieldPath.Problem p) {
        throw OrmDbException.invalid("order by" + of + ": " + p.getMessage(), p);
      }
      if (!orderFields.add(s.field())) {
        throw OrmDbException.invalid(
            "order by" + of + ": field '" + s.field() + "' is listed twice");
      }
      if (!identityKeyed) {
        keys.add(
            new SortKey(
                s.field(),
                s.direction() == OrderSpec.Direction.DESC,
                s.nullsSortFirst(),
                keyPath.relations(),
                keyPath.field().name()));
      }
      identityKeyed |= keyPath.isLocal() && s.field().equals(entity.identityField());
    }
    if (!identityKeyed) {
      keys.add(new SortKey(entity.identityField(), false));
    }
    RowOrder order = new RowOrder(keys);

    if (page.cursor() != null && page.offset() > 0) {
      throw OrmDbException.invalid("pagination" + of + ": offset cannot be combined with a cursor");
    }
    // Only a paged level hands out or accepts cursors: the others need no fingerprint (a point
    // read then builds no strings for it).
    boolean paged = page.limit() > 0 || page.cursor() != null;
    long fingerprint =
        !paged
            ? 0L
            : CursorCodec.fingerprint(
                (path.isEmpty() ? "root" : "include " + rootEntity + "." + path)
                    + " "
                    + entity.name()
                    + " where["
                    + filterShape
                    + "] order"
                    + keys);
    CursorCodec.Position cursor = cursor(page.cursor(), path, fingerprint, keys.size());
    return new Level(
        index,
        blockOrder,
        path,
        entity,
        relation,
        parent,
        fields,
        bound,
        filterShape,
        order,
        page.limit(),
        page.offset(),
        cursor,
        fingerprint,
        links(links, bound, linksUsed));
  }

  /** Checks the link field {@code ref} of {@code relation} (null at the root). */
  private static void link(SchemaBundle schema, RelationDef relation, String ref, String where) {
    try {
      LinkFields.resolve(schema, relation, ref);
    } catch (OrmDbException e) {
      throw OrmDbException.invalid(where + ": " + e.getMessage(), e);
    }
  }

  /**
   * What a level reads of its edge rows: nothing, or the selected link fields and its filter split
   * by what each conjunct reads (only link fields, only the target's fields, both).
   */
  static Level.Links links(List<String> selected, Filter filter, boolean used) {
    List<Filter> edge = new ArrayList<>();
    List<Filter> target = new ArrayList<>();
    List<Filter> pair = new ArrayList<>();
    for (Filter c : Conjuncts.of(filter)) {
      int linkFields = 0;
      List<String> read = Filter.fieldsOf(c);
      for (String f : read) {
        if (LinkFields.isLink(f)) {
          linkFields++;
        }
      }
      if (linkFields == 0) {
        target.add(c);
      } else if (linkFields == read.size()) {
        edge.add(c);
      } else {
        pair.add(c);
      }
    }
    if (!used && edge.isEmpty() && pair.isEmpty()) {
      return Level.Links.NONE;
    }
    return new Level.Links(selected, and(edge), and(target), and(pair), true);
  }

  private static Filter and(List<Filter> conjuncts) {
    return conjuncts.isEmpty()
        ? null
        : (conjuncts.size() == 1 ? conjuncts.get(0) : new Filter.And(conjuncts));
  }

  /**
   * The decoded {@code cursor} (null for none) of the level at {@code path}, or INVALID_REQUEST
   * when it was not handed out by a level of this shape: another fingerprint, another number of
   * order keys, or a root cursor given to an include (or the other way round).
   */
  static CursorCodec.Position cursor(String cursor, String path, long fingerprint, int keys) {
    if (cursor == null) {
      return null;
    }
    String prefix = path.isEmpty() ? "" : "include '" + path + "': ";
    CursorCodec.Position position;
    try {
      position = CursorCodec.decode(cursor);
    } catch (IllegalArgumentException e) {
      throw OrmDbException.invalid(prefix + "cursor does not belong to this query", e);
    }
    if (position.fingerprint() != fingerprint
        || position.values().size() != keys
        || (position.parentId() == null) != path.isEmpty()) {
      throw OrmDbException.invalid(prefix + "cursor does not belong to this query");
    }
    return position;
  }
}
