package io.ormdb.store.query.internal;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.view.ReadView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses access paths and joins. The rules, in order of preference:
 *
 * <ol>
 *   <li>identity equality or IN on the identity: get / getAll;
 *   <li>an index narrowed by the query: the longest equality prefix, then a range (or a prefix LIKE
 *       on a string field) on the next field of a B-tree index, then a unique index fully matched,
 *       then the one that also yields the requested order; HASH indexes only when every key field
 *       is matched by an equality;
 *   <li>with a limit, a B-tree index whose fields (after any equality prefix) match the leading
 *       order keys in one direction, each with nulls where the index has them (null is the smallest
 *       value; any placement does for a field that holds no null): read in order, no sort, stop
 *       early;
 *   <li>a scan in identity order, narrowed to a range when the filter bounds the identity, read
 *       backwards for a descending identity order, and started at the cursor when the order begins
 *       with the identity (so keyset pages cost the same on the last page as on the first).
 * </ol>
 *
 * Only top-level conjuncts with non-null literals are pushed into an index; the whole filter is
 * still re-checked on every row read, so the index only narrows what is read.
 */
public final class Planner {
  private Planner() {}

  public static QueryPlan plan(ResolvedQuery rq, ReadView view) {
    Level root = rq.root();
    AccessPlan access =
        access(view, root.entity(), Conjuncts.of(root.filter()), root.order(), root.limit() > 0);
    List<JoinPlan> joins = new ArrayList<>();
    joins.add(null);
    for (int i = 1; i < rq.levels().size(); i++) {
      joins.add(join(view, rq.schema(), rq.levels().get(i).relation()));
    }
    List<JoinPlan> aggregateJoins = new ArrayList<>();
    for (AggregateGroup g : rq.aggregates()) {
      aggregateJoins.add(join(view, rq.schema(), g.relation()));
    }
    return new QueryPlan(access, joins, aggregateJoins);
  }

  public static AccessPlan access(
      ReadView view, EntityDef entity, List<Filter> conj, RowOrder order, boolean limited) {
    String identity = entity.identityField();
    int idEq = findCompare(conj, identity, Filter.Op.EQ);
    if (idEq >= 0) {
      return pk(conj, idEq);
    }
    for (int i = 0; i < conj.size(); i++) {
      if (conj.get(i) instanceof Filter.In in && in.field().equals(identity) && !in.negated()) {
        return pk(conj, i);
      }
    }

    Candidate best = null;
    List<IndexDef> indexes = new ArrayList<>(view.indexes(entity.name()));
    indexes.sort(Comparator.comparing(IndexDef::name));
    for (IndexDef idx : indexes) {
      Candidate c = candidate(entity, idx, conj, order, limited);
      if (c != null && (best == null || c.betterThan(best))) {
        best = c;
      }
    }
    int idLower =
        Math.max(
            findCompare(conj, identity, Filter.Op.GT), findCompare(conj, identity, Filter.Op.GE));
    int idUpper =
        Math.max(
            findCompare(conj, identity, Filter.Op.LT), findCompare(conj, identity, Filter.Op.LE));
    boolean idRange = idLower >= 0 || idUpper >= 0;
    // An index with an equality prefix narrows better than an identity range; otherwise the
    // identity range wins (it reads rows directly, no index entries to verify).
    if (best != null && (!idRange || best.eqLen > 0)) {
      return best.plan;
    }
    // The identity is unique, so an order starting with it is fully given by the scan.
    SortKey first = order.keys().get(0);
    boolean idOrder = first.field().equals(identity);
    return new AccessPlan(
        AccessPlan.Access.SCAN,
        null,
        List.of(),
        idLower,
        idUpper,
        -1,
        idOrder ? order.keys().size() : 0,
        idOrder && first.descending(),
        idOrder ? 0 : -1,
        render(conj, List.of(), idLower, idUpper, -1),
        idRange ? 0.3 : 1.0);
  }

  private static AccessPlan pk(List<Filter> conj, int i) {
    return new AccessPlan(
        AccessPlan.Access.PRIMARY_KEY,
        null,
        List.of(i),
        -1,
        -1,
        -1,
        0,
        false,
        -1,
        Conjuncts.shape(conj.get(i)),
        0.0);
  }

  private record Candidate(
      AccessPlan plan, boolean narrowing, int eqLen, boolean range, boolean uniqueFull) {
    boolean betterThan(Candidate o) {
      if (narrowing != o.narrowing) {
        return narrowing;
      }
      if (eqLen != o.eqLen) {
        return eqLen > o.eqLen;
      }
      if (range != o.range) {
        return range;
      }
      if (uniqueFull != o.uniqueFull) {
        return uniqueFull;
      }
      return plan.orderedKeys() > o.plan.orderedKeys();
    }
  }

  private static Candidate candidate(
      EntityDef entity, IndexDef idx, List<Filter> conj, RowOrder order, boolean limited) {
    List<String> fields = idx.fields();
    int n = fields.size();
    List<Integer> keyConj = new ArrayList<>();
    for (String f : fields) {
      int c = findCompare(conj, f, Filter.Op.EQ);
      if (c < 0) {
        break;
      }
      keyConj.add(c);
    }
    int eqLen = keyConj.size();
    if (eqLen == 0 && (idx.kind() != IndexDef.Kind.HASH || n == 1)) {
      int in = findIn(conj, fields.get(0));
      if (in >= 0) {
        // one equal range per listed value, in value order: rows come out unordered (sorted later)
        AccessPlan p =
            new AccessPlan(
                AccessPlan.Access.INDEX_IN,
                idx.name(),
                List.of(in),
                -1,
                -1,
                -1,
                0,
                false,
                -1,
                render(conj, List.of(in), -1, -1, -1),
                0.3);
        return new Candidate(p, true, 0, true, false);
      }
    }
    if (idx.kind() == IndexDef.Kind.HASH) {
      if (eqLen < n) {
        return null;
      }
      AccessPlan p =
          new AccessPlan(
              AccessPlan.Access.INDEX_EQ,
              idx.name(),
              keyConj,
              -1,
              -1,
              -1,
              0,
              false,
              -1,
              render(conj, keyConj, -1, -1, -1),
              Math.pow(0.1, eqLen));
      return new Candidate(p, true, eqLen, false, idx.unique());
    }
    int lower = -1;
    int upper = -1;
    int like = -1;
    if (eqLen < n) {
      String f = fields.get(eqLen);
      lower = Math.max(findCompare(conj, f, Filter.Op.GT), findCompare(conj, f, Filter.Op.GE));
      upper = Math.max(findCompare(conj, f, Filter.Op.LT), findCompare(conj, f, Filter.Op.LE));
      FieldDef fd = entity.field(f).orElse(null);
      if (lower < 0
          && upper < 0
          && fd != null
          && !fd.type().array()
          && fd.type().base() == ValueType.STRING) {
        for (int i = 0; i < conj.size(); i++) {
          if (conj.get(i) instanceof Filter.Like l
              && l.field().equals(f)
              && Conjuncts.isIndexablePrefix(l)) {
            like = i;
            break;
          }
        }
      }
    }
    boolean range = lower >= 0 || upper >= 0 || like >= 0;

    // Which leading order keys does reading this index (after the equality prefix) yield?
    Set<String> constant = new HashSet<>(fields.subList(0, eqLen));
    int p = eqLen;
    int k = 0;
    int moving = 0;
    Boolean desc = null;
    int cursorKey = -1;
    List<SortKey> keys = order.keys();
    for (int i = 0; i < keys.size(); i++) {
      SortKey key = keys.get(i);
      if (constant.contains(key.field())) {
        k++;
        continue;
      }
      boolean sameDir = desc == null || desc == key.descending();
      boolean nextIndexField = p < n && key.field().equals(fields.get(p));
      boolean identityAfterIndex = p == n && key.field().equals(entity.identityField());
      if (!sameDir || !(nextIndexField || identityAfterIndex)) {
        break;
      }
      // null is the smallest key value: an index read gives nulls first ascending and last
      // descending, which another placement can only take from it when the field holds no null
      if (!key.defaultNulls() && mayBeNull(entity, key.field())) {
        break;
      }
      if (moving == 0 && p == eqLen && !range && !key.descending() && nextIndexField) {
        cursorKey = i;
      }
      desc = key.descending();
      if (nextIndexField) {
        p++;
      }
      k++;
      moving++;
    }
    boolean narrowing = eqLen > 0 || range;
    if (!narrowing && !(limited && moving > 0)) {
      return null;
    }
    AccessPlan.Access access =
        range
            ? AccessPlan.Access.INDEX_RANGE
            : (narrowing ? AccessPlan.Access.INDEX_EQ : AccessPlan.Access.INDEX_ORDER);
    double selectivity = Math.pow(0.1, eqLen) * (like >= 0 ? 0.1 : (range ? 0.3 : 1.0));
    AccessPlan plan =
        new AccessPlan(
            access,
            idx.name(),
            keyConj,
            lower,
            upper,
            like,
            moving > 0 ? k : 0,
            desc != null && desc,
            cursorKey,
            render(conj, keyConj, lower, upper, like),
            selectivity);
    return new Candidate(plan, narrowing, eqLen, range, idx.unique() && eqLen == n);
  }

  private static boolean mayBeNull(EntityDef entity, String field) {
    return entity.field(field).map(FieldDef::optional).orElse(true);
  }

  private static String render(List<Filter> conj, List<Integer> keys, int lo, int hi, int like) {
    List<String> parts = new ArrayList<>();
    for (int i : keys) {
      parts.add(Conjuncts.shape(conj.get(i)));
    }
    for (int i : new int[] {lo, hi, like}) {
      if (i >= 0) {
        parts.add(Conjuncts.shape(conj.get(i)));
      }
    }
    return String.join(" and ", parts);
  }

  /** The first conjunct {@code field in [...]} (not negated), or -1. */
  static int findIn(List<Filter> conj, String field) {
    for (int i = 0; i < conj.size(); i++) {
      if (conj.get(i) instanceof Filter.In in && in.field().equals(field) && !in.negated()) {
        return i;
      }
    }
    return -1;
  }

  /** The first conjunct {@code field op literal} with a non-null literal, or -1. */
  static int findCompare(List<Filter> conj, String field, Filter.Op op) {
    for (int i = 0; i < conj.size(); i++) {
      if (conj.get(i) instanceof Filter.Compare c
          && c.field().equals(field)
          && c.op() == op
          && !c.value().isNull()) {
        return i;
      }
    }
    return -1;
  }

  public static JoinPlan join(ReadView view, SchemaBundle schema, RelationDef rel) {
    if (rel.cardinality() == io.ormdb.protocol.schema.Cardinality.MANY_TO_MANY) {
      return new JoinPlan(
          rel.fromField(),
          hop(view, schema, rel.edgeEntity(), rel.edgeFromField()),
          rel.edgeToField(),
          hop(view, schema, rel.toEntity(), rel.toField()));
    }
    return new JoinPlan(
        rel.fromField(), hop(view, schema, rel.toEntity(), rel.toField()), null, null);
  }

  /**
   * The batched lookup of rows of {@code entity} by {@code field}: by identity or an index on it.
   */
  static JoinPlan.Hop hop(ReadView view, SchemaBundle schema, String entity, String field) {
    EntityDef def = schema.requireEntity(entity);
    boolean byIdentity = def.identityField().equals(field);
    IndexDef range = null;
    IndexDef eq = null;
    List<IndexDef> indexes = new ArrayList<>(view.indexes(entity));
    indexes.sort(
        Comparator.<IndexDef>comparingInt(i -> i.fields().size()).thenComparing(IndexDef::name));
    for (IndexDef idx : indexes) {
      if (!idx.fields().get(0).equals(field)) {
        continue;
      }
      if (idx.kind() == IndexDef.Kind.BTREE && range == null) {
        range = idx;
      }
      if (eq == null && (idx.kind() == IndexDef.Kind.BTREE || idx.fields().size() == 1)) {
        eq = idx;
      }
    }
    return new JoinPlan.Hop(
        entity,
        field,
        byIdentity,
        range == null ? null : range.name(),
        eq == null ? null : eq.name());
  }
}
