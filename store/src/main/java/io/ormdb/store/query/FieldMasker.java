package io.ormdb.store.query;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.Nesting;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Expr;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.RelationAggregate;
import io.ormdb.protocol.result.Column;
import io.ormdb.protocol.result.EdgeBlock;
import io.ormdb.protocol.result.EntityBlock;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldPath;
import io.ormdb.protocol.schema.LinkFields;
import io.ormdb.protocol.schema.Masking;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Field masking: how a session with a given clearance sees a query result, and which requests it
 * may not make because they would reveal masked values some other way. Pure functions over the
 * schema; the actor layer's executor applies them to every query result before it leaves.
 *
 * <p>A field is <em>masked</em> for a session when the field's {@link Sensitivity} is above the
 * session's clearance (a computed field's is at least that of every field it reads: {@link
 * EntityDef#sensitivityOf}) ({@code PUBLIC < INTERNAL < SENSITIVE < RESTRICTED}); a clearance of
 * {@code RESTRICTED} sees everything in clear. A masked column is rewritten per the field's {@link
 * Masking} (null masking = {@link Masking.Nullify}):
 *
 * <ul>
 *   <li>{@link Masking.Omit}: the column is removed from its block;
 *   <li>{@link Masking.Nullify}: every value becomes null;
 *   <li>{@link Masking.Redact}: every non-null value becomes the replacement text (a string);
 *   <li>{@link Masking.Partial}: every non-null value, as its {@linkplain #canonicalText canonical
 *       text}, keeps {@code visibleChars} characters (Unicode code points) at its start or end and
 *       has all others replaced by {@code maskChar}; a value no longer than {@code visibleChars}
 *       stays whole (a string);
 *   <li>{@link Masking.Hash}: every non-null value becomes the lowercase hex SHA-256 digest of the
 *       UTF-8 bytes of its canonical text (a string of 64 characters) — for a string field that is
 *       the digest of the string itself.
 * </ul>
 *
 * Except for Omit, null values stay null: a masked column still says which rows have no value.
 *
 * <p>The identity column is never masked, whatever its declared sensitivity: identities travel in
 * every block's {@code ids}, in edges and in cursors anyway, and a row must stay addressable (for
 * updates with an expected version). Masking applies to every block, root and includes alike, and
 * to the link fields an include returns per edge ({@code EdgeBlock.links}) as to the fields of the
 * edge entity they are; filtering or ordering by a masked link field ({@code @character}) is
 * refused as for any field.
 *
 * <p>Requests that would reveal masked values without returning them are refused with
 * PERMISSION_DENIED ({@link #checkQuery}, {@link #checkAggregate}, {@link #checkMutation}):
 *
 * <ul>
 *   <li><b>Ordering</b> by a masked field, explicitly or through the entity's default order (root
 *       and includes), a related row's masked field ({@code person.ssn}), or through a masked
 *       relation key: a next-page cursor carries the clear sort-key values of the last row, and the
 *       order itself ranks (or groups) the hidden values.
 *   <li><b>Filtering</b> on a masked field (root and include filters): a filter is an oracle —
 *       {@code ssn > "5"} and a few more range filters recover the value exactly.
 *   <li><b>Aggregates</b> naming a masked field (aggregated, grouped by or filtered on); {@code
 *       count()} without a field is allowed. The same holds for a graph query's aggregates over a
 *       relation (root and includes): their field and filter name fields of the related rows.
 *   <li><b>Writes that read</b> a masked field ({@link #checkMutation}): a computed value such as
 *       {@code set({ name: ssn })} copies it where the session can read it, and a nested write's
 *       key naming it ({@code connect: { ssn: "..." }}) is an oracle like a filter.
 * </ul>
 *
 * These checks apply to what the client asked, before any row-level-security rewrite adds filters
 * of its own (a policy may filter on a field the session cannot see).
 */
public final class FieldMasker {
  private FieldMasker() {}

  /** Whether {@code field} of {@code entity} is masked for a session with {@code clearance}. */
  public static boolean isMasked(EntityDef entity, FieldDef field, Sensitivity clearance) {
    return entity.sensitivityOf(field).compareTo(clearance) > 0
        && !field.name().equals(entity.identityField());
  }

  /** The masking a masked field gets: its own, or {@link Masking.Nullify} when it declares none. */
  public static Masking maskingOf(FieldDef field) {
    return field.masking() == null ? new Masking.Nullify() : field.masking();
  }

  /**
   * {@code result} as a session with {@code clearance} may see it, every block masked against the
   * entity definitions of {@code schema} (the schema the result was read with). Returns {@code
   * result} itself when nothing is masked. A block of an entity the schema does not know, or a
   * column that is not a field of it, is left as it is.
   */
  public static QueryResult mask(QueryResult result, SchemaBundle schema, Sensitivity clearance) {
    if (clearance == Sensitivity.RESTRICTED) {
      return result;
    }
    List<EntityBlock> blocks = new ArrayList<>(result.entities().size());
    boolean changed = false;
    Map<String, String> entityByPath = new HashMap<>();
    for (EntityBlock b : result.entities()) {
      entityByPath.put(b.path(), b.entity());
      EntityBlock m = maskBlock(b, schema, clearance);
      changed |= m != b;
      blocks.add(m);
    }
    List<EdgeBlock> edges = new ArrayList<>(result.edges().size());
    for (EdgeBlock eb : result.edges()) {
      EdgeBlock m = eb.links().isEmpty() ? eb : maskLinks(eb, entityByPath, schema, clearance);
      changed |= m != eb;
      edges.add(m);
    }
    if (!changed) {
      return result;
    }
    return new QueryResult(
        blocks, edges, result.hasMore(), result.nextCursor(), result.snapshotLsn());
  }

  /** The link columns of {@code eb} masked as the fields of the edge entity they are. */
  private static EdgeBlock maskLinks(
      EdgeBlock eb, Map<String, String> entityByPath, SchemaBundle schema, Sensitivity clearance) {
    int dot = eb.path().lastIndexOf('.');
    String parent = entityByPath.get(dot < 0 ? "" : eb.path().substring(0, dot));
    Optional<RelationDef> rel =
        parent == null ? Optional.empty() : schema.relation(parent, eb.path().substring(dot + 1));
    Optional<EntityDef> edge =
        rel.isEmpty() || rel.get().edgeEntity() == null
            ? Optional.empty()
            : schema.entity(rel.get().edgeEntity());
    if (edge.isEmpty()) {
      return eb;
    }
    List<Column> links = new ArrayList<>(eb.links().size());
    boolean changed = false;
    for (Column c : eb.links()) {
      Optional<FieldDef> f = edge.get().field(c.name());
      if (f.isEmpty() || !isMasked(edge.get(), f.get(), clearance)) {
        links.add(c);
        continue;
      }
      changed = true;
      Masking m = maskingOf(f.get());
      if (!(m instanceof Masking.Omit)) {
        links.add(maskColumn(c, m));
      }
    }
    return changed ? new EdgeBlock(eb.path(), eb.toMany(), eb.edges(), eb.pages(), links) : eb;
  }

  private static EntityBlock maskBlock(EntityBlock b, SchemaBundle schema, Sensitivity clearance) {
    Optional<EntityDef> entity = schema.entity(b.entity());
    if (entity.isEmpty()) {
      return b;
    }
    EntityDef e = entity.get();
    List<Column> columns = new ArrayList<>(b.columns().size());
    boolean changed = false;
    for (Column c : b.columns()) {
      Optional<FieldDef> f = e.field(c.name());
      if (f.isEmpty() || !isMasked(e, f.get(), clearance)) {
        columns.add(c);
        continue;
      }
      changed = true;
      Masking m = maskingOf(f.get());
      if (!(m instanceof Masking.Omit)) {
        columns.add(maskColumn(c, m));
      }
    }
    return changed ? new EntityBlock(b.path(), b.entity(), b.ids(), b.versions(), columns) : b;
  }

  private static Column maskColumn(Column c, Masking m) {
    List<Value> out = new ArrayList<>(c.values().size());
    for (Value v : c.values()) {
      out.add(v == null || v.isNull() ? Value.NULL : maskValue(v, m));
    }
    return new Column(c.name(), out);
  }

  /** One non-null value under {@code m} (not {@link Masking.Omit}, which removes the column). */
  static Value maskValue(Value v, Masking m) {
    if (m instanceof Masking.Nullify || m instanceof Masking.Omit) {
      return Value.NULL;
    }
    if (m instanceof Masking.Redact r) {
      return new Value.Str(r.replacement());
    }
    if (m instanceof Masking.Partial p) {
      return new Value.Str(partial(canonicalText(v), p));
    }
    if (m instanceof Masking.Hash) {
      return new Value.Str(sha256Hex(canonicalText(v)));
    }
    throw new IllegalStateException("unknown masking " + m);
  }

  private static String partial(String text, Masking.Partial p) {
    int[] cps = text.codePoints().toArray();
    int visible = Math.min(p.visibleChars(), cps.length);
    int hidden = cps.length - visible;
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < cps.length; i++) {
      boolean shown = p.fromEnd() ? i >= hidden : i < visible;
      if (shown) {
        sb.appendCodePoint(cps[i]);
      } else {
        sb.append(p.maskChar());
      }
    }
    return sb.toString();
  }

  private static String sha256Hex(String text) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(d.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /**
   * The text that Partial masks and Hash digests: a string, enum variant or JSON document as is;
   * bytes as lowercase hex without prefix; booleans and numbers as Java prints them (decimals
   * without exponent); timestamps as ISO-8601 instants ({@code 2024-01-02T03:04:05Z}); dates as
   * {@code 2024-02-29}; UUIDs in their lowercase 36-character form; arrays as {@code [a,b]} of
   * their elements' canonical texts ({@code null} for a null element).
   */
  public static String canonicalText(Value v) {
    if (v instanceof Value.Str s) {
      return s.value();
    }
    if (v instanceof Value.Enum e) {
      return e.variant();
    }
    if (v instanceof Value.Json j) {
      return j.text();
    }
    if (v instanceof Value.Bytes b) {
      return HexFormat.of().formatHex(b.value());
    }
    if (v instanceof Value.Array a) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < a.elements().size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        Value e = a.elements().get(i);
        sb.append(e.isNull() ? "null" : canonicalText(e));
      }
      return sb.append(']').toString();
    }
    // bool, integers, floats, decimal, timestamp, date, uuid, null: render() is complete for these
    return v.render();
  }

  /**
   * Refuses with PERMISSION_DENIED a graph query that orders or filters (root or any include) by a
   * field masked for {@code clearance}; see the class comment. Entities, relations and fields the
   * schema does not know are skipped: resolving the query reports them.
   */
  public static void checkQuery(GraphQuery q, SchemaBundle schema, Sensitivity clearance) {
    if (clearance == Sensitivity.RESTRICTED) {
      return;
    }
    Optional<EntityDef> root = schema.entity(q.rootEntity());
    if (root.isEmpty()) {
      return;
    }
    checkLevel(schema, root.get(), null, "", q.filter(), q.orderBy(), clearance);
    checkAggregates(root.get(), "", q.aggregates(), schema, clearance);
    Map<String, EntityDef> byPath = new HashMap<>();
    byPath.put("", root.get());
    List<Include> sorted = new ArrayList<>(q.includes());
    sorted.sort((a, b) -> Integer.compare(a.depth(), b.depth()));
    for (Include inc : sorted) {
      EntityDef parent = byPath.get(inc.parentPath());
      if (parent == null) {
        continue;
      }
      Optional<RelationDef> rel = schema.relation(parent.name(), inc.relationName());
      if (rel.isEmpty()) {
        continue;
      }
      Optional<EntityDef> target = schema.entity(rel.get().toEntity());
      if (target.isEmpty()) {
        continue;
      }
      byPath.put(inc.path(), target.get());
      checkLevel(
          schema, target.get(), rel.get(), inc.path(), inc.filter(), inc.orderBy(), clearance);
      checkAggregates(target.get(), inc.path(), inc.aggregates(), schema, clearance);
    }
  }

  /**
   * Refuses aggregates over a relation of {@code e} that aggregate or filter on a field of the
   * related rows masked for {@code clearance}, as {@link #checkAggregate} does; {@code count} of
   * rows is allowed.
   */
  private static void checkAggregates(
      EntityDef e,
      String path,
      List<RelationAggregate> aggregates,
      SchemaBundle schema,
      Sensitivity clearance) {
    String of = path.isEmpty() ? "" : " of include '" + path + "'";
    for (RelationAggregate a : aggregates) {
      Optional<RelationDef> rel = schema.relation(e.name(), a.relation());
      Optional<EntityDef> target =
          rel.isEmpty() ? Optional.empty() : schema.entity(rel.get().toEntity());
      if (target.isEmpty()) {
        continue;
      }
      String where = "select" + of + ": aggregate " + a.label() + " = " + a.expression();
      FieldDef f = a.field() == null ? null : maskedField(target.get(), a.field(), clearance);
      if (f != null) {
        throw denied(
            where
                + ": "
                + masked(target.get(), f, clearance)
                + "); only count of rows is allowed over it");
      }
      checkFilter(target.get(), a.filter(), where + ", where", clearance);
    }
  }

  private static void checkLevel(
      SchemaBundle schema,
      EntityDef e,
      RelationDef relation,
      String path,
      Filter filter,
      List<OrderSpec> orderBy,
      Sensitivity clearance) {
    String of = path.isEmpty() ? "" : " of include '" + path + "'";
    boolean explicit = !orderBy.isEmpty();
    Optional<EntityDef> edge =
        relation == null || relation.edgeEntity() == null
            ? Optional.empty()
            : schema.entity(relation.edgeEntity());
    for (OrderSpec s : explicit ? orderBy : e.defaultOrder()) {
      if (LinkFields.isLink(s.field())) {
        FieldDef f =
            edge.isEmpty() ? null : maskedField(edge.get(), LinkFields.field(s.field()), clearance);
        if (f != null) {
          throw denied(
              "order by"
                  + of
                  + " "
                  + s.field()
                  + ": "
                  + masked(edge.get(), f, clearance)
                  + "); ordering by it would reveal its values (and cursors carry them)");
        }
        continue;
      }
      FieldPath fp;
      try {
        fp = FieldPath.resolve(schema, e, s.field());
      } catch (FieldPath.Problem unknown) {
        continue; // resolving the query reports it
      }
      // the field, and the keys a path to it follows (the order groups rows by them)
      EntityDef owner = fp.entity();
      FieldDef f = maskedField(owner, fp.field().name(), clearance);
      EntityDef at = e;
      for (RelationDef rel : fp.relations()) {
        if (f != null) {
          break;
        }
        f = maskedField(at, rel.fromField(), clearance);
        owner = at;
        at = schema.entity(rel.toEntity()).orElse(at);
      }
      if (f != null) {
        throw denied(
            "order by"
                + of
                + (fp.isLocal() ? "" : " " + s.field())
                + ": "
                + masked(owner, f, clearance)
                + "); ordering by it would reveal its values (and cursors carry them)"
                + (explicit
                    ? ""
                    : "; it is the entity's default order, so give an order by a visible field"));
      }
    }
    Filter.checkDepth(filter, "filter" + of); // before walking it
    for (String field : Filter.fieldsOf(filter)) {
      if (!LinkFields.isLink(field)) {
        checkFilterField(e, field, "filter" + of, clearance);
      } else if (edge.isPresent()) {
        checkFilterField(edge.get(), LinkFields.field(field), "filter" + of, clearance);
      }
    }
  }

  /**
   * Refuses with PERMISSION_DENIED an aggregate that aggregates, groups by or filters on a field
   * masked for {@code clearance}; {@code count()} of rows is allowed.
   */
  public static void checkAggregate(AggregateQuery q, SchemaBundle schema, Sensitivity clearance) {
    if (clearance == Sensitivity.RESTRICTED) {
      return;
    }
    Optional<EntityDef> entity = schema.entity(q.entity());
    if (entity.isEmpty()) {
      return;
    }
    EntityDef e = entity.get();
    for (AggregateQuery.Aggregation a : q.aggregations()) {
      if (a.field() == null) {
        continue;
      }
      FieldDef f = maskedField(e, a.field(), clearance);
      if (f != null) {
        throw denied(
            "aggregate "
                + a.label()
                + ": "
                + masked(e, f, clearance)
                + "); only count() of rows is allowed over it");
      }
    }
    for (String g : q.groupBy()) {
      FieldDef f = maskedField(e, g, clearance);
      if (f != null) {
        throw denied("group by: " + masked(e, f, clearance) + ")");
      }
    }
    checkFilter(e, q.filter(), "filter", clearance);
  }

  private static void checkFilter(EntityDef e, Filter filter, String where, Sensitivity clr) {
    Filter.checkDepth(filter, where); // before walking it
    for (String field : Filter.fieldsOf(filter)) {
      checkFilterField(e, field, where, clr);
    }
  }

  private static void checkFilterField(EntityDef e, String field, String where, Sensitivity clr) {
    FieldDef f = maskedField(e, field, clr);
    if (f != null) {
      throw denied(where + ": " + masked(e, f, clr) + "); filtering on it would reveal its values");
    }
  }

  /**
   * Refuses with PERMISSION_DENIED a batch whose writes would read a field masked for {@code
   * clearance}: a computed value that reads one ({@code set({ name: ssn })} would copy it into a
   * field the session sees; {@code ann.ssn} likewise), or a key of a nested write that names one
   * ({@code connect: { ssn: "..." }} is an oracle, as a filter would be). Entities, relations and
   * fields the schema does not know are skipped: the write path reports them.
   */
  public static void checkMutation(
      MutationBatch batch, SchemaBundle schema, Sensitivity clearance) {
    if (clearance == Sensitivity.RESTRICTED) {
      return;
    }
    Map<String, EntityDef> named = new HashMap<>();
    for (Mutation m : batch.mutations()) {
      EntityDef e = schema.entity(m.entity()).orElse(null);
      if (e == null) {
        continue;
      }
      MutationReads reads = new MutationReads(schema, clearance, named);
      if (m instanceof Mutation.Insert ins) {
        reads.insert(e, ins);
      } else if (m instanceof Mutation.Update u) {
        reads.values(e, u.exprs());
        reads.writes(e, u.writes());
      } else if (m instanceof Mutation.UpdateMany um) {
        reads.values(e, um.exprs());
      } else if (m instanceof Mutation.Upsert up) {
        reads.values(e, up.exprs());
        if (up.create() != null) {
          reads.values(e, up.create());
        }
        if (up.name() != null) {
          named.put(up.name(), e);
        }
      }
    }
  }

  /**
   * The fields a mutation's computed values and nested keys read, checked as they are found; a
   * mutation nested deeper than {@link Nesting#MAX_LEVELS} is refused before it is walked further
   * (the write path refuses it too).
   */
  private record MutationReads(
      SchemaBundle schema, Sensitivity clearance, Map<String, EntityDef> named) {
    private static void enter(int depth) {
      if (depth > Nesting.MAX_LEVELS) {
        throw OrmDbException.invalid(Nesting.tooDeep("mutation"));
      }
    }

    void insert(EntityDef e, Mutation.Insert ins) {
      insert(e, ins, 1);
    }

    private void insert(EntityDef e, Mutation.Insert ins, int depth) {
      enter(depth);
      values(e, ins.exprs());
      for (Mutation.NestedInsert n : ins.nested()) {
        EntityDef target = target(e, n.relation());
        for (Mutation.Insert row : n.rows()) {
          if (target != null) {
            insert(target, row, depth + 1);
          }
        }
      }
      writes(e, ins.writes(), depth + 1);
      if (ins.name() != null) {
        named.put(ins.name(), e);
      }
    }

    void writes(EntityDef e, List<Mutation.NestedWrite> writes) {
      writes(e, writes, 1);
    }

    private void writes(EntityDef e, List<Mutation.NestedWrite> writes, int depth) {
      enter(depth);
      for (Mutation.NestedWrite w : writes) {
        EntityDef target = target(e, w.relation());
        if (target == null) {
          continue;
        }
        for (Mutation.Insert row : w.create()) {
          insert(target, row, depth + 1);
        }
        for (List<Map<String, Expr>> keys : List.of(w.connect(), w.disconnect(), w.delete())) {
          for (Map<String, Expr> k : keys) {
            key(target, k);
          }
        }
        for (Mutation.NestedUpdate u : w.update()) {
          key(target, u.where());
          values(target, u.set());
          writes(target, u.writes(), depth + 1);
        }
      }
    }

    private EntityDef target(EntityDef e, String relation) {
      return schema
          .relation(e.name(), relation)
          .flatMap(r -> schema.entity(r.toEntity()))
          .orElse(null);
    }

    void key(EntityDef e, Map<String, Expr> key) {
      for (String field : key.keySet()) {
        FieldDef f = maskedField(e, field, clearance);
        if (f != null) {
          throw denied(
              "key: " + masked(e, f, clearance) + "); naming rows by it would reveal its values");
        }
      }
      values(e, key);
    }

    void values(EntityDef e, Map<String, Expr> exprs) {
      for (Expr x : exprs.values()) {
        read(e, x, 1);
      }
    }

    private void read(EntityDef e, Expr x, int depth) {
      enter(depth);
      EntityDef from = e;
      String field = null;
      if (x instanceof Expr.Field f) {
        field = f.name();
      } else if (x instanceof Expr.Ref r) {
        from = named.get(r.name());
        field = r.field();
      } else if (x instanceof Expr.Arith a) {
        read(e, a.left(), depth + 1);
        read(e, a.right(), depth + 1);
      }
      FieldDef f = from == null || field == null ? null : maskedField(from, field, clearance);
      if (f != null) {
        throw denied(
            "computed value "
                + x.render()
                + ": "
                + masked(from, f, clearance)
                + "); writing it elsewhere would reveal its values");
      }
    }
  }

  private static FieldDef maskedField(EntityDef e, String name, Sensitivity clearance) {
    Optional<FieldDef> f = e.field(name);
    return f.isPresent() && isMasked(e, f.get(), clearance) ? f.get() : null;
  }

  private static String level(EntityDef e, FieldDef f) {
    return level(e.sensitivityOf(f));
  }

  private static String level(Sensitivity s) {
    return s.name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * {@code field E.f is sensitive and masked for this session (clearance public}: a ')' follows.
   */
  private static String masked(EntityDef e, FieldDef f, Sensitivity clearance) {
    return "field "
        + e.name()
        + "."
        + f.name()
        + " is "
        + level(e, f)
        + " and masked for this session (clearance "
        + level(clearance);
  }

  private static OrmDbException denied(String message) {
    return new OrmDbException(ErrorCode.PERMISSION_DENIED, message);
  }
}
