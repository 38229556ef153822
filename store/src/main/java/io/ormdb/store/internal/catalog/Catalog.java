package io.ormdb.store.internal.catalog;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.ExprPrinter;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.store.filter.ComputedFields;
import io.ormdb.store.filter.FilterBinder;
import io.ormdb.store.internal.codec.Buf;
import io.ormdb.store.internal.codec.FieldMap;
import io.ormdb.store.internal.codec.ModelCodec;
import io.ormdb.store.internal.codec.RowCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One applied schema version, compiled for the engine: stable numeric ids for entities, fields and
 * indexes, the implicit indexes and foreign keys the schema implies, and bound check constraints.
 * Immutable.
 */
public final class Catalog {
  public final SchemaBundle bundle;
  public final long version;

  /** The changelog position when this version was applied: views at LSN >= it use it. */
  public final long appliedAtLsn;

  public final Ids ids;
  public final Map<String, EntityInfo> entities;
  public final Map<Integer, EntityInfo> entitiesById = new java.util.HashMap<>();

  private Catalog(SchemaBundle bundle, long appliedAtLsn, Ids ids) {
    this.bundle = bundle;
    this.version = bundle.version();
    this.appliedAtLsn = appliedAtLsn;
    this.ids = ids;
    Map<String, EntityInfo> map = new LinkedHashMap<>();
    for (EntityDef e : bundle.entities()) {
      map.put(e.name(), new EntityInfo(e, ids, ComputedFields.of(e, bundle)));
    }
    this.entities = Collections.unmodifiableMap(map);
    for (EntityInfo e : map.values()) {
      entitiesById.put(e.id, e);
    }
    for (FkRule fk : foreignKeys(bundle)) {
      EntityInfo child = entities.get(fk.child());
      EntityInfo parent = entities.get(fk.parent());
      child.outgoing.add(fk);
      parent.incoming.add(fk);
    }
    for (EntityInfo e : entities.values()) {
      for (IndexDef def : implicitAndDeclaredIndexes(bundle, e.def)) {
        int id = ids.indexId(e.def.name(), def.name());
        e.addIndex(new IndexInfo(def, id, e));
      }
      for (ConstraintDef c : bundle.constraintsOf(e.def.name())) {
        if (c instanceof ConstraintDef.Check ck) {
          Filter bound =
              FilterBinder.bind(
                  ck.expression(), e.def, bundle, Map.of(), "check constraint " + ck.name());
          e.checks.add(new CheckRule(ck.name(), bound, Filter.fieldsOf(ck.expression())));
        }
      }
    }
  }

  /** Compiles a validated bundle, assigning ids for new names on top of {@code previous}. */
  public static Catalog compile(SchemaBundle bundle, long appliedAtLsn, Ids previous) {
    Ids ids = previous.extend(bundle);
    return new Catalog(bundle, appliedAtLsn, ids);
  }

  public EntityInfo entity(String name) {
    EntityInfo e = entities.get(name);
    if (e == null) {
      throw OrmDbException.invalid(bundle.unknownEntity(name));
    }
    return e;
  }

  // ---------------------------------------------------------------------------------------------
  // persistence of ids and versions

  public byte[] encode() {
    Buf out = new Buf(256);
    out.putVarLong(appliedAtLsn);
    ModelCodec.writeBundle(bundle, out);
    ids.write(out);
    return out.toBytes();
  }

  public static Catalog decode(byte[] bytes) {
    Buf.In in = new Buf.In(bytes);
    long applied = in.getVarLong();
    SchemaBundle b = ModelCodec.readBundle(in);
    Ids ids = Ids.read(in);
    return new Catalog(b, applied, ids);
  }

  /**
   * Stable numeric ids, never reused: entities, fields (per entity) and indexes (per entity) keep
   * their id across schema versions so stored rows and index entries survive schema evolution.
   */
  public static final class Ids {
    final TreeMap<String, Integer> map;
    final int next;

    public Ids(TreeMap<String, Integer> map, int next) {
      this.map = map;
      this.next = next;
    }

    public static Ids empty() {
      return new Ids(new TreeMap<>(), 1);
    }

    int entityId(String entity) {
      return map.get("e:" + entity);
    }

    /** The id of {@code field} of {@code entity}, or null for a virtual field (never stored). */
    Integer fieldId(String entity, FieldDef field) {
      String key = fieldKey(entity, field);
      return key == null ? null : map.get(key);
    }

    /**
     * The key of a field's id: {@code f:Entity.field}; a stored computed field's also names its
     * type and expression, so that one whose expression changes (dropping {@code @stored} and
     * adding it back with another) gets a new id and its rows' values of the old expression are not
     * read as values of the new one; null for a virtual field.
     */
    static String fieldKey(String entity, FieldDef f) {
      if (f.computed() == null) {
        return "f:" + entity + "." + f.name();
      }
      if (!f.computed().stored()) {
        return null;
      }
      return "f:"
          + entity
          + "."
          + f.name()
          + "="
          + f.type().render()
          + "="
          + ExprPrinter.print(f.computed().expression());
    }

    int indexId(String entity, String index) {
      return map.get("i:" + entity + "." + index);
    }

    /** Every index id ever assigned, with the index's name ({@code Entity.index}). */
    public Map<Integer, String> indexNames() {
      Map<Integer, String> out = new java.util.HashMap<>();
      map.forEach(
          (k, v) -> {
            if (k.startsWith("i:")) {
              out.put(v, k.substring(2));
            }
          });
      return out;
    }

    Ids extend(SchemaBundle bundle) {
      TreeMap<String, Integer> m = new TreeMap<>(map);
      int n = next;
      for (EntityDef e : bundle.entities()) {
        if (m.putIfAbsent("e:" + e.name(), n) == null) {
          n++;
        }
        for (FieldDef f : e.fields()) {
          String key = fieldKey(e.name(), f);
          if (key != null && m.putIfAbsent(key, n) == null) {
            n++;
          }
        }
        for (IndexDef i : implicitAndDeclaredIndexes(bundle, e)) {
          if (m.putIfAbsent("i:" + e.name() + "." + i.name(), n) == null) {
            n++;
          }
        }
      }
      return new Ids(m, n);
    }

    void write(Buf out) {
      out.putVarInt(next).putVarInt(map.size());
      map.forEach((k, v) -> out.putString(k).putVarInt(v));
    }

    static Ids read(Buf.In in) {
      int next = in.getVarInt();
      int n = in.getVarInt();
      TreeMap<String, Integer> m = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        m.put(in.getString(), in.getVarInt());
      }
      return new Ids(m, next);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // implied structure

  /** The name of the implicit unique index of a {@code unique} field. */
  static String uniqueFieldIndexName(String entity, String field) {
    return entity + "_" + field + "_key";
  }

  /** The name of the implicit index of an {@code indexed} field. */
  static String indexedFieldIndexName(String entity, String field) {
    return entity + "_" + field + "_idx";
  }

  /** The name of the implicit index on a foreign-key field. */
  static String fkIndexName(String entity, String field) {
    return entity + "_" + field + "_fk";
  }

  /** The name of a foreign key implied by a relation. */
  static String fkName(String entity, String field) {
    return entity + "_" + field + "_fkey";
  }

  /**
   * Every index of {@code e}: unique fields, indexed fields, unique constraints, foreign-key
   * fields, then the declared ones; deduplicated by name.
   */
  static List<IndexDef> implicitAndDeclaredIndexes(SchemaBundle s, EntityDef e) {
    Map<String, IndexDef> out = new LinkedHashMap<>();
    String n = e.name();
    for (FieldDef f : e.fields()) {
      if (f.name().equals(e.identityField())) {
        continue;
      }
      if (f.unique()) {
        String name = uniqueFieldIndexName(n, f.name());
        out.putIfAbsent(name, new IndexDef(name, n, List.of(f.name()), IndexDef.Kind.BTREE, true));
      }
      if (f.indexed()) {
        String name = indexedFieldIndexName(n, f.name());
        out.putIfAbsent(name, new IndexDef(name, n, List.of(f.name()), IndexDef.Kind.BTREE, false));
      }
    }
    for (ConstraintDef c : s.constraintsOf(n)) {
      if (c instanceof ConstraintDef.Unique u) {
        out.putIfAbsent(u.name(), new IndexDef(u.name(), n, u.fields(), IndexDef.Kind.BTREE, true));
      }
    }
    for (FkRule fk : foreignKeys(s)) {
      if (fk.child().equals(n) && !fk.childField().equals(e.identityField())) {
        String name = fkIndexName(n, fk.childField());
        out.putIfAbsent(
            name, new IndexDef(name, n, List.of(fk.childField()), IndexDef.Kind.BTREE, false));
      }
    }
    for (IndexDef i : s.indexesOf(n)) {
      out.putIfAbsent(i.name(), i);
    }
    return new ArrayList<>(out.values());
  }

  /**
   * The foreign keys of a schema: one per relation's key side (a relation and its inverse share
   * one), both sides of every many-to-many edge, and the explicit ones. Where a relation and its
   * inverse disagree, a non-RESTRICT on-delete wins over RESTRICT (the validator refuses CASCADE
   * against SET_NULL).
   */
  static List<FkRule> foreignKeys(SchemaBundle s) {
    Map<String, FkRule> out = new LinkedHashMap<>();
    for (RelationDef r : s.relations()) {
      for (FkRule fk : relationFks(s, r)) {
        String k = fk.child() + "." + fk.childField() + "->" + fk.parent() + "." + fk.parentField();
        FkRule prev = out.get(k);
        if (prev == null || prev.onDelete() == OnDelete.RESTRICT) {
          out.put(k, fk);
        }
      }
    }
    for (ConstraintDef c : s.constraints()) {
      if (c instanceof ConstraintDef.ForeignKey fk) {
        out.put(
            "explicit:" + fk.name(),
            new FkRule(
                fk.name(),
                fk.entity(),
                fk.field(),
                fk.references(),
                fk.referencedField(),
                fk.onDelete()));
      }
    }
    List<FkRule> list = new ArrayList<>();
    for (FkRule fk : out.values()) {
      if (s.entity(fk.child()).isPresent() && s.entity(fk.parent()).isPresent()) {
        list.add(fk);
      }
    }
    return list;
  }

  /** The foreign keys one relation implies (validated schemas only). */
  static List<FkRule> relationFks(SchemaBundle s, RelationDef r) {
    Cardinality c = r.cardinality();
    if (c == Cardinality.MANY_TO_MANY) {
      return List.of(
          new FkRule(
              fkName(r.edgeEntity(), r.edgeFromField()),
              r.edgeEntity(),
              r.edgeFromField(),
              r.fromEntity(),
              r.fromField(),
              OnDelete.CASCADE),
          new FkRule(
              fkName(r.edgeEntity(), r.edgeToField()),
              r.edgeEntity(),
              r.edgeToField(),
              r.toEntity(),
              r.toField(),
              OnDelete.CASCADE));
    }
    if (!s.keyOnSource(r)) {
      return List.of(
          new FkRule(
              fkName(r.toEntity(), r.toField()),
              r.toEntity(),
              r.toField(),
              r.fromEntity(),
              r.fromField(),
              r.onDelete()));
    }
    return List.of(
        new FkRule(
            fkName(r.fromEntity(), r.fromField()),
            r.fromEntity(),
            r.fromField(),
            r.toEntity(),
            r.toField(),
            r.onDelete()));
  }

  /** A foreign key: a non-null {@code child.childField} must match a live parent row. */
  public record FkRule(
      String name,
      String child,
      String childField,
      String parent,
      String parentField,
      OnDelete onDelete) {}

  /** A bound check constraint and the fields it reads (named in error messages). */
  public record CheckRule(String name, Filter bound, List<String> fields) {}

  /** One index, compiled: its id-prefixed key space and field definitions. */
  public static final class IndexInfo {
    public final IndexDef def;
    public final int id;
    public final List<FieldDef> fields;
    public final byte[] prefix;

    public IndexInfo(IndexDef def, int id, EntityInfo e) {
      this.def = def;
      this.id = id;
      List<FieldDef> fs = new ArrayList<>();
      for (String f : def.fields()) {
        fs.add(e.def.field(f).orElseThrow());
      }
      this.fields = List.copyOf(fs);
      this.prefix = new Buf(4).putInt(id).toBytes();
    }
  }

  /** One entity, compiled. */
  public static final class EntityInfo {
    public final EntityDef def;
    public final int id;
    public final byte[] prefix;
    public final FieldDef identity;
    public final Map<String, FieldDef> fields = new LinkedHashMap<>();
    public final Map<String, Integer> fieldIds = new LinkedHashMap<>();
    final Map<Integer, FieldDef> fieldsById = new LinkedHashMap<>();
    public final List<IndexInfo> indexes = new ArrayList<>();
    public final Map<String, IndexInfo> indexByName = new LinkedHashMap<>();
    public final List<FkRule> outgoing = new ArrayList<>();
    public final List<FkRule> incoming = new ArrayList<>();
    public final List<CheckRule> checks = new ArrayList<>();

    /** The computed fields, ready to evaluate (none for most entities). */
    public final ComputedFields computed;

    EntityInfo(EntityDef def, Ids ids, ComputedFields computed) {
      this.def = def;
      this.id = ids.entityId(def.name());
      this.prefix = new Buf(4).putInt(id).toBytes();
      this.identity = def.identity();
      this.computed = computed;
      for (FieldDef f : def.fields()) {
        fields.put(f.name(), f);
        Integer fid = ids.fieldId(def.name(), f);
        if (fid != null) { // a virtual field is never stored: it has no id
          fieldIds.put(f.name(), fid);
          fieldsById.put(fid, f);
        }
      }
    }

    private FieldMap.Layout layout;

    /**
     * The decoding layout of this entity's rows (built on first use; fields never change): one slot
     * per field in declaration order, computed fields filled by {@link #computed}.
     */
    public FieldMap.Layout layout() {
      FieldMap.Layout l = layout;
      if (l == null) {
        List<FieldDef> all = def.fields();
        int n = all.size();
        String[] names = new String[n];
        Map<String, Integer> slots = new java.util.HashMap<>(n * 2);
        int maxId = 0;
        for (int fid : fieldsById.keySet()) {
          maxId = Math.max(maxId, fid);
        }
        int[] slotByFieldId = new int[maxId + 1];
        java.util.Arrays.fill(slotByFieldId, -1);
        io.ormdb.protocol.value.Value[] absent = new io.ormdb.protocol.value.Value[n];
        for (int slot = 0; slot < n; slot++) {
          FieldDef f = all.get(slot);
          names[slot] = f.name();
          slots.put(names[slot], slot);
          Integer fid = fieldIds.get(f.name());
          if (fid != null) {
            slotByFieldId[fid] = slot;
          }
          absent[slot] = f.isComputed() ? null : RowCodec.absent(f);
        }
        l = new FieldMap.Layout(names, Map.copyOf(slots), slotByFieldId, absent, computer(slots));
        layout = l;
      }
      return l;
    }

    /** Fills the computed slots still null, each after those it reads; null when none. */
    private FieldMap.Computer computer(Map<String, Integer> slots) {
      if (computed.isEmpty()) {
        return null;
      }
      List<ComputedFields.Field> order = computed.fields();
      int[] at = new int[order.size()];
      for (int i = 0; i < at.length; i++) {
        at[i] = slots.get(order.get(i).name());
      }
      return (values, row) -> {
        for (int i = 0; i < at.length; i++) {
          if (values[at[i]] == null) {
            values[at[i]] = order.get(i).compute(row::get);
          }
        }
      };
    }

    void addIndex(IndexInfo ix) {
      indexes.add(ix);
      indexByName.put(ix.def.name(), ix);
    }

    public String name() {
      return def.name();
    }

    /** The first index whose leading field is {@code field}, or null. */
    public IndexInfo indexLeadingWith(String field) {
      for (IndexInfo ix : indexes) {
        if (ix.def.fields().get(0).equals(field)) {
          return ix;
        }
      }
      return null;
    }

    public FieldDef field(String name) {
      FieldDef f = fields.get(name);
      if (f == null) {
        throw OrmDbException.invalid(def.unknownField(name));
      }
      return f;
    }
  }
}
