package io.ormdb.store.internal.engine;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.mutation.Expr;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldValues;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.MutationValidator;
import io.ormdb.store.filter.FilterBinder;
import io.ormdb.store.filter.FilterEvaluator;
import io.ormdb.store.internal.catalog.Arithmetic;
import io.ormdb.store.internal.catalog.Catalog;
import io.ormdb.store.internal.catalog.Catalog.EntityInfo;
import io.ormdb.store.internal.catalog.Catalog.FkRule;
import io.ormdb.store.internal.catalog.Catalog.IndexInfo;
import io.ormdb.store.internal.catalog.MutationChecks;
import io.ormdb.store.internal.codec.ByteKeys;
import io.ormdb.store.internal.codec.ChangeSetCodec;
import io.ormdb.store.internal.codec.FieldMap;
import io.ormdb.store.internal.codec.KeyCodec;
import io.ormdb.store.internal.codec.RowCodec;
import io.ormdb.store.internal.codec.RowCodec.RowData;
import io.ormdb.store.internal.codec.ValueCodec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Applies one batch: every mutation is validated and applied to a private overlay over the latest
 * committed state, in order, so later mutations see earlier ones. Nothing reaches the store until
 * the whole batch succeeded; a failing batch is simply dropped. The result is the net change per
 * touched row, from which the engine writes row versions, index entries and the changelog entry.
 */
final class WriteTx {
  private final Tables tables;
  final Catalog cat;
  final long lsn;
  final long ts;
  private final int maxValueBytes;

  /** Touched rows in first-touch order; key = entity prefix + identity key. */
  private LinkedHashMap<ByteKeys.Key, Touched> touched = new LinkedHashMap<>();

  /** Index entries written by this batch so far (for lookups within the batch). */
  private final TreeSet<byte[]> newIndexEntries = new TreeSet<>(ByteKeys.ORDER);

  final List<Value> insertedIds = new ArrayList<>();

  /** The identity of each row a mutation named ({@code let ann = ...}), by name. */
  final Map<String, Value> namedIds = new LinkedHashMap<>();

  /** The rows mutations named so far, by name: their entity and key. */
  private final Map<String, NamedRow> names = new HashMap<>();

  private record NamedRow(EntityInfo e, byte[] idKey, Value id) {}

  /** Writes through relations ({@link Mutation.NestedWrite}). */
  private final NestedWrites nestedWrites = new NestedWrites(this);

  /**
   * Per entity id with an integer identity, once this batch generated an id for it: the largest id
   * the entity holds as this batch sees it (so generating n ids costs one lookup, not n scans).
   */
  private final Map<Integer, Long> maxIds = new HashMap<>();

  /**
   * The committed versions this batch read, by row key ({@link #NONE}: the row has none), so that
   * each is looked up once; inserts with given ids are looked up together before the batch runs
   * ({@link #prefetch}). The committed state does not change while a batch runs.
   */
  private Map<ByteKeys.Key, RowData> committed = new HashMap<>();

  /** Marks a row without a committed version in {@link #committed}. */
  private static final RowData NONE = new RowData(RowCodec.DELETED, 0, Map.of());

  /** The fewest inserts into one entity that are looked up together (see {@link #prefetch}). */
  static final int PREFETCH_MIN = 8;

  /** One touched row: its state before the batch and its state now. */
  static final class Touched {
    final EntityInfo e;
    final byte[] idKey;
    final RowData before;
    RowData after;

    Touched(EntityInfo e, byte[] idKey, RowData before) {
      this.e = e;
      this.idKey = idKey;
      this.before = before;
    }
  }

  WriteTx(Tables tables, Catalog cat, long lsn, long ts, int maxValueBytes) {
    this.tables = tables;
    this.cat = cat;
    this.lsn = lsn;
    this.ts = ts;
    this.maxValueBytes = maxValueBytes;
  }

  void run(MutationBatch batch) {
    MutationValidator.checkNames(batch);
    List<Mutation> ms = batch.mutations();
    if (ms.size() >= PREFETCH_MIN) {
      // sized for a row per mutation, so that a large batch's maps do not grow step by step
      touched = new LinkedHashMap<>(capacity(ms.size()));
      committed = new HashMap<>(capacity(ms.size()));
      prefetch(ms);
    }
    for (int i = 0; i < ms.size(); i++) {
      Mutation m = ms.get(i);
      try {
        apply(m, i);
      } catch (OrmDbException e) {
        throw e.within(m.context(i));
      }
    }
  }

  private void apply(Mutation m, int index) {
    EntityInfo e = cat.entity(m.entity());
    if (m instanceof Mutation.Insert ins) {
      insert(e, ins, null, prefetched == null ? null : prefetched[index]);
    } else if (m instanceof Mutation.Update u) {
      Value id = identity(e, u.id());
      byte[] idKey = KeyCodec.encode(id);
      RowData old = existing(e, id, idKey, u.expectedVersion());
      nestedWrites.checkKeysNotGiven(e, u);
      update(e, idKey, old, assignments(e, u.data(), u.exprs(), old.fields()));
      nestedWrites.apply(e, idKey, u.writes(), false);
    } else if (m instanceof Mutation.UpdateMany um) {
      Map<String, Value> data = convertAll(e, um.data());
      for (Map.Entry<byte[], RowData> r : matching(e, um.filter(), "filter").entrySet()) {
        RowData now = current(e, r.getKey());
        if (now != null) {
          update(
              e,
              r.getKey(),
              now,
              um.exprs().isEmpty() ? data : computed(e, data, um.exprs(), now.fields()));
        }
      }
    } else if (m instanceof Mutation.Delete d) {
      Value id = identity(e, d.id());
      byte[] idKey = KeyCodec.encode(id);
      delete(e, idKey, existing(e, id, idKey, d.expectedVersion()));
    } else if (m instanceof Mutation.DeleteMany dm) {
      for (Map.Entry<byte[], RowData> r : matching(e, dm.filter(), "filter").entrySet()) {
        RowData now = current(e, r.getKey());
        if (now != null) {
          delete(e, r.getKey(), now);
        }
      }
    } else if (m instanceof Mutation.Upsert up) {
      upsert(e, up);
    } else {
      throw OrmDbException.invalid("unsupported mutation " + m);
    }
  }

  /**
   * The live row an update or delete names, at the version it expects (when it gives one): else
   * NOT_FOUND or CONFLICT.
   */
  private RowData existing(EntityInfo e, Value id, byte[] idKey, long expected) {
    RowData row = current(e, idKey);
    if (row == null) {
      throw OrmDbException.notFound(
          "no " + e.name() + " with " + e.identity.name() + "=" + id.render());
    }
    if (expected > 0 && row.version() != expected) {
      throw OrmDbException.conflict(
          "expected version "
              + expected
              + " of "
              + e.name()
              + " "
              + e.identity.name()
              + "="
              + id.render()
              + " but it is at version "
              + row.version());
    }
    return row;
  }

  // ---------------------------------------------------------------------------------------------
  // reads through the overlay

  /** The live row as this batch sees it, or null. */
  RowData current(EntityInfo e, byte[] idKey) {
    return current(e, rowKey(e, idKey), idKey);
  }

  private RowData current(EntityInfo e, ByteKeys.Key key, byte[] idKey) {
    Touched t = touched.get(key);
    RowData r = t != null ? t.after : committed(e, key, idKey);
    return r != null && r.live() ? r : null;
  }

  private static ByteKeys.Key rowKey(EntityInfo e, byte[] idKey) {
    return new ByteKeys.Key(Storage.rowPrefix(e, idKey));
  }

  /** The newest committed version of a row (live or not), or null; looked up once per batch. */
  private RowData committed(EntityInfo e, ByteKeys.Key key, byte[] idKey) {
    RowData r = committed.get(key);
    if (r == null) {
      r = tables.latestVersion(e, idKey);
      committed.put(key, r == null ? NONE : r);
      return r;
    }
    return r == NONE ? null : r;
  }

  /**
   * Looks up the committed versions of the rows that the batch's inserts name by identity, per
   * entity with at least {@link #PREFETCH_MIN} of them in one ordered pass over the row map instead
   * of one descent per row. An identity that does not convert is left for the insert to refuse.
   */
  private void prefetch(List<Mutation> ms) {
    Map<EntityInfo, List<Prefetched>> byEntity = new LinkedHashMap<>();
    Prefetched[] at = new Prefetched[ms.size()];
    for (int i = 0; i < ms.size(); i++) {
      if (!(ms.get(i) instanceof Mutation.Insert ins)) {
        continue;
      }
      try {
        EntityInfo e = cat.entity(ins.entity());
        Value id = ins.data().get(e.identity.name());
        if (id != null && !id.isNull()) {
          Value converted = FieldValues.convert(cat.bundle, e.name(), e.identity, id);
          byte[] idKey = KeyCodec.encode(converted);
          at[i] = new Prefetched(converted, idKey, rowKey(e, idKey));
          byEntity.computeIfAbsent(e, k -> new ArrayList<>()).add(at[i]);
        }
      } catch (OrmDbException ignored) {
        // the insert itself reports it
      }
    }
    for (Map.Entry<EntityInfo, List<Prefetched>> g : byEntity.entrySet()) {
      List<Prefetched> rows = g.getValue();
      if (rows.size() < PREFETCH_MIN) {
        continue; // looked up one by one (their keys are kept all the same)
      }
      EntityInfo e = g.getKey();
      byte[][] idKeys = new byte[rows.size()][];
      for (int i = 0; i < idKeys.length; i++) {
        idKeys[i] = rows.get(i).idKey;
      }
      RowData[] found = tables.latestVersions(e, idKeys);
      for (int i = 0; i < idKeys.length; i++) {
        committed.put(rows.get(i).key, found[i] == null ? NONE : found[i]);
      }
    }
    prefetched = at;
  }

  /**
   * What {@link #prefetch} made of an insert's identity, for the insert to use instead of encoding
   * it again: the converted id, its key and its row key.
   */
  private static final class Prefetched {
    final Value id;
    final byte[] idKey;
    final ByteKeys.Key key;

    Prefetched(Value id, byte[] idKey, ByteKeys.Key key) {
      this.id = id;
      this.idKey = idKey;
      this.key = key;
    }
  }

  /** Per mutation of the batch, what {@link #prefetch} made of its identity, or null. */
  private Prefetched[] prefetched;

  /** Identity keys of live rows whose index key starts with {@code values}, as seen now. */
  private List<byte[]> lookup(IndexInfo ix, byte[] values, EntityInfo e) {
    Set<ByteKeys.Key> seen = new LinkedHashSet<>();
    for (byte[] idKey : tables.indexCandidates(ix, values)) {
      seen.add(new ByteKeys.Key(idKey));
    }
    byte[] from = ByteKeys.concat(ix.prefix, values);
    byte[] to = ByteKeys.prefixEnd(from);
    for (byte[] k : to == null ? newIndexEntries.tailSet(from) : newIndexEntries.subSet(from, to)) {
      seen.add(
          new ByteKeys.Key(java.util.Arrays.copyOfRange(k, Storage.valuesEnd(ix, k), k.length)));
    }
    List<byte[]> out = new ArrayList<>();
    for (ByteKeys.Key k : seen) {
      RowData r = current(e, k.bytes());
      if (r != null && ByteKeys.startsWith(Storage.indexValues(ix, r.fields()), values)) {
        out.add(k.bytes());
      }
    }
    return out;
  }

  /** Live rows of {@code e} with {@code field} equal to {@code value}, as seen now. */
  List<byte[]> rowsWhere(EntityInfo e, String field, Value value) {
    if (field.equals(e.identity.name())) {
      byte[] idKey = KeyCodec.encode(Values.convert(value, e.identity.type().base()));
      return current(e, idKey) == null ? List.of() : List.of(idKey);
    }
    IndexInfo ix = e.indexLeadingWith(field);
    Value v = value;
    FieldDef fd = e.field(field);
    if (!fd.type().array()) {
      v = Values.convert(value, fd.type().base());
    }
    if (ix != null) {
      return lookup(ix, KeyCodec.encode(v), e);
    }
    List<byte[]> out = new ArrayList<>();
    for (Map.Entry<byte[], RowData> r : allRows(e).entrySet()) {
      if (Values.compare(r.getValue().fields().get(field), v) == 0) {
        out.add(r.getKey());
      }
    }
    return out;
  }

  /** All live rows of {@code e} as seen now, in identity order. */
  private Map<byte[], RowData> allRows(EntityInfo e) {
    TreeMap<byte[], RowData> out = new TreeMap<>(ByteKeys.ORDER);
    Iterator<Storage.Keyed> it = tables.scanLatest(e);
    while (it.hasNext()) {
      Storage.Keyed k = it.next();
      out.put(k.idKey(), k.row());
    }
    for (Touched t : touched.values()) {
      if (t.e.id == e.id) {
        if (t.after != null && t.after.live()) {
          out.put(t.idKey, t.after);
        } else {
          out.remove(t.idKey);
        }
      }
    }
    return out;
  }

  private Map<byte[], RowData> matching(EntityInfo e, Filter filter, String where) {
    Filter bound = FilterBinder.bind(filter, e.def, cat.bundle, Map.of(), where);
    Map<byte[], RowData> out = new LinkedHashMap<>();
    for (Map.Entry<byte[], RowData> r : allRows(e).entrySet()) {
      Map<String, Value> f = r.getValue().fields();
      if (FilterEvaluator.matches(bound, f::get)) {
        out.put(r.getKey(), r.getValue());
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // writes to the overlay

  private void put(EntityInfo e, byte[] idKey, int state, Map<String, Value> fields) {
    put(e, rowKey(e, idKey), idKey, state, fields);
  }

  private void put(
      EntityInfo e, ByteKeys.Key key, byte[] idKey, int state, Map<String, Value> fields) {
    Touched t = touched.get(key);
    if (t == null) {
      t = new Touched(e, idKey, committed(e, key, idKey));
      touched.put(key, t);
    }
    put(t, state, fields);
  }

  private void put(Touched t, int state, Map<String, Value> fields) {
    EntityInfo e = t.e;
    byte[] idKey = t.idKey;
    t.after = new RowData(state, lsn, fields);
    if (state == RowCodec.LIVE) {
      for (IndexInfo ix : e.indexes) {
        newIndexEntries.add(Storage.indexKey(ix, Storage.indexValues(ix, fields), idKey));
      }
    }
  }

  Value insert(EntityInfo e, Mutation.Insert ins, Map<String, Value> forced) {
    return insert(e, ins, forced, null);
  }

  /**
   * Inserts a row; {@code given} is what {@link #prefetch} made of the identity the insert gives
   * (used when the row's identity is still that value), or null.
   */
  private Value insert(
      EntityInfo e, Mutation.Insert ins, Map<String, Value> forced, Prefetched given) {
    FieldDef idField = e.identity;
    Value[] plain =
        ins.nested().isEmpty() && ins.writes().isEmpty() && ins.exprs().isEmpty() && forced == null
            ? plainRow(e, ins.data())
            : null;
    Map<String, Value> row;
    Value id;
    if (plain != null) {
      FieldMap fields = new FieldMap(e.layout(), plain); // in field order, as plainRow fills it
      int idSlot = fields.slotOf(idField.name());
      id = plain[idSlot];
      if (id.isNull()) {
        id = generateId(e);
        plain[idSlot] = id; // before anything reads the row
      }
      e.layout().compute(plain, fields); // its computed fields, left null by plainRow
      row = fields;
    } else {
      row = row(e, ins, forced);
      id = row.get(idField.name());
      if (id.isNull()) {
        id = generateId(e);
        row.put(idField.name(), id);
      }
      e.computed.computeInto(row);
    }
    List<FieldDef> fields = e.def.fields();
    for (int i = 0; i < fields.size(); i++) { // by index: an immutable list's iterator is an object
      FieldDef f = fields.get(i);
      if (!f.optional() && f.computed() == null && row.get(f.name()).isNull()) {
        throw MutationChecks.required(e.def, f.name());
      }
    }
    byte[] idKey;
    ByteKeys.Key key;
    if (given != null && given.id.equals(id)) {
      idKey = given.idKey;
      key = given.key;
    } else {
      idKey = KeyCodec.encode(id);
      key = rowKey(e, idKey);
    }
    // current() and put() in one: the row is looked up in the overlay once
    Touched t = touched.get(key);
    RowData before = t == null ? committed(e, key, idKey) : null;
    RowData now = t == null ? before : t.after;
    if (now != null && now.live()) {
      throw OrmDbException.constraint(
          "primary key " + e.name() + "_pkey violated by " + idField.name() + "=" + id.render());
    }
    if (t == null) {
      t = new Touched(e, idKey, before);
      touched.put(key, t);
    }
    put(t, RowCodec.LIVE, row);
    if (!maxIds.isEmpty()) {
      Value inserted = id;
      maxIds.computeIfPresent(e.id, (k, max) -> Math.max(max, inserted.asLong()));
    }
    checkRow(e, idKey, row, null);
    insertedIds.add(id);
    if (ins.name() != null) {
      name(ins.name(), e, idKey, id);
    }
    for (Mutation.NestedInsert n : ins.nested()) {
      RelationDef r = nestedRelation(e, n);
      if (!cat.bundle.keyOnSource(r)) {
        nested(e, row, r, n);
      }
    }
    if (!ins.writes().isEmpty()) {
      nestedWrites.apply(e, idKey, ins.writes(), true);
    }
    return id;
  }

  /** Names the row {@code idKey} of {@code e} for the batch's later mutations. */
  private void name(String name, EntityInfo e, byte[] idKey, Value id) {
    names.put(name, new NamedRow(e, idKey, id));
    namedIds.put(name, id);
  }

  /**
   * The values of the row a plain insert (no nested rows, nothing forced) gives, in field order
   * (the entity's {@link FieldMap.Layout}) — converted, defaults for the rest — or null when a
   * field is unknown or anything fails: then {@link #row} does it again and reports the first error
   * by field name, as it always has.
   */
  private Value[] plainRow(EntityInfo e, Map<String, Value> data) {
    List<FieldDef> fields = e.def.fields();
    Value[] row = new Value[fields.size()];
    int given = 0;
    try {
      for (int i = 0; i < fields.size(); i++) {
        FieldDef f = fields.get(i);
        Value v = data.get(f.name());
        if (f.computed() != null) {
          if (v != null) {
            return null; // refused by row(), with the field's name
          }
          continue; // computed once the row has its identity (left null until then)
        }
        if (v != null) {
          given++;
          v = convert(e, f, v);
        } else {
          v = defaultFor(e, f);
        }
        row[i] = v;
      }
    } catch (OrmDbException ex) {
      return null;
    }
    return given == data.size() ? row : null;
  }

  /**
   * The row an insert gives: its values converted, nested references and forced values, defaults.
   */
  private Map<String, Value> row(EntityInfo e, Mutation.Insert ins, Map<String, Value> forced) {
    Map<String, Value> given =
        ins.exprs().isEmpty()
            ? convertAll(e, ins.data())
            : assignments(e, ins.data(), ins.exprs(), null);
    // Rows this row refers to (a to-one relation whose key is on this row) are inserted first, so
    // that this row's foreign key is set from them and checked against them.
    for (Mutation.NestedInsert n : ins.nested()) {
      RelationDef r = nestedRelation(e, n);
      if (cat.bundle.keyOnSource(r)) {
        referenced(e, given, r, n);
      }
    }
    nestedWrites.referenced(e, given, ins.writes());
    if (forced != null) {
      for (Map.Entry<String, Value> f : forced.entrySet()) {
        Value g = given.get(f.getKey());
        if (g != null && !g.isNull() && Values.compare(g, f.getValue()) != 0) {
          throw OrmDbException.invalid(
              "field "
                  + e.name()
                  + "."
                  + f.getKey()
                  + " is set by the nested insert to "
                  + f.getValue().render()
                  + " but the row gives "
                  + g.render());
        }
        given.put(f.getKey(), convert(e, e.field(f.getKey()), f.getValue()));
      }
    }
    Map<String, Value> row = new LinkedHashMap<>(capacity(e.def.fields().size()));
    for (FieldDef f : e.def.fields()) {
      Value v = given.get(f.name());
      if (v == null) {
        v = defaultFor(e, f);
      }
      row.put(f.name(), v);
    }
    return row;
  }

  private RelationDef nestedRelation(EntityInfo parent, Mutation.NestedInsert n) {
    return cat.bundle.requireRelation(parent.name(), n.relation());
  }

  /**
   * Inserts the one row a to-one relation with the key on {@code source} refers to, and sets the
   * source's key field ({@code given}, before the source row is built) to the new row's key.
   */
  private void referenced(
      EntityInfo source, Map<String, Value> given, RelationDef r, Mutation.NestedInsert n) {
    EntityInfo target = cat.entity(r.toEntity());
    withContext(
        n,
        target,
        0,
        () -> {
          if (n.rows().size() != 1) {
            throw OrmDbException.invalid(
                "relation "
                    + r.name()
                    + " refers to one "
                    + target.name()
                    + ": give exactly one row, not "
                    + n.rows().size());
          }
          Mutation.Insert row = n.rows().get(0);
          MutationChecks.checkTarget(r, row);
          Value given0 = given.get(r.fromField());
          if (given0 != null && !given0.isNull()) {
            throw OrmDbException.invalid(
                "field "
                    + source.name()
                    + "."
                    + r.fromField()
                    + " is set by the nested insert; the row also gives "
                    + given0.render());
          }
          Value id = insert(target, row, null);
          Value key = current(target, KeyCodec.encode(id)).fields().get(r.toField());
          given.put(r.fromField(), convert(source, source.field(r.fromField()), key));
        });
  }

  /** Runs {@code work}, prefixing a refusal with the nested insert it came from. */
  private static void withContext(
      Mutation.NestedInsert n, EntityInfo target, int index, Runnable work) {
    try {
      work.run();
    } catch (OrmDbException ex) {
      throw MutationChecks.inNested(ex, n, index, target.name());
    }
  }

  private void nested(
      EntityInfo parent, Map<String, Value> parentRow, RelationDef r, Mutation.NestedInsert n) {
    EntityInfo target = cat.entity(r.toEntity());
    for (int i = 0; i < n.rows().size(); i++) {
      Mutation.Insert child = n.rows().get(i);
      withContext(
          n,
          target,
          i,
          () -> {
            MutationChecks.checkTarget(r, child);
            Value key = parentRow.get(r.fromField());
            if (r.cardinality() == Cardinality.MANY_TO_MANY) {
              Value childId = insert(target, child, null);
              Value childKey = current(target, KeyCodec.encode(childId)).fields().get(r.toField());
              insertEdge(r, key, childKey);
            } else {
              insert(target, child, Map.of(r.toField(), key));
            }
          });
    }
  }

  /** Inserts the edge row of many-to-many relation {@code r} from {@code from} to {@code to}. */
  void insertEdge(RelationDef r, Value from, Value to) {
    EntityInfo edge = cat.entity(r.edgeEntity());
    Map<String, Value> edgeData = new LinkedHashMap<>();
    edgeData.put(r.edgeFromField(), from);
    edgeData.put(r.edgeToField(), to);
    int before = insertedIds.size();
    insert(edge, new Mutation.Insert(edge.name(), edgeData), null);
    insertedIds.remove(before); // edge rows are not reported as inserted ids
  }

  void update(EntityInfo e, byte[] idKey, RowData old, Map<String, Value> data) {
    String idName = e.identity.name();
    Value newId = data.get(idName);
    if (newId != null && Values.compare(newId, old.fields().get(idName)) != 0) {
      throw OrmDbException.invalid(
          "identity field " + e.name() + "." + idName + " cannot be changed");
    }
    Map<String, Value> row = new LinkedHashMap<>(old.fields());
    row.putAll(data);
    e.computed.computeInto(row);
    for (Map.Entry<String, Value> f : data.entrySet()) {
      if (f.getValue().isNull() && !e.field(f.getKey()).optional()) {
        throw MutationChecks.required(e.def, f.getKey());
      }
    }
    if (row.equals(old.fields())) {
      return;
    }
    // referenced fields may not change while referenced
    for (FkRule fk : e.incoming) {
      Value before = old.fields().get(fk.parentField());
      if (!before.isNull() && Values.compare(before, row.get(fk.parentField())) != 0) {
        EntityInfo child = cat.entity(fk.child());
        if (!rowsWhere(child, fk.childField(), before).isEmpty()) {
          throw OrmDbException.constraint(
              "foreign key "
                  + fk.name()
                  + " restricts changing "
                  + e.name()
                  + "."
                  + fk.parentField()
                  + "="
                  + before.render()
                  + ": "
                  + child.name()
                  + " rows reference it");
        }
      }
    }
    put(e, idKey, RowCodec.LIVE, row);
    checkRow(e, idKey, row, old.fields());
  }

  void delete(EntityInfo e, byte[] idKey, RowData row) {
    put(e, idKey, e.def.softDelete() ? RowCodec.SOFT_DELETED : RowCodec.DELETED, row.fields());
    for (FkRule fk : e.incoming) {
      Value key = row.fields().get(fk.parentField());
      if (key == null || key.isNull()) {
        continue;
      }
      EntityInfo child = cat.entity(fk.child());
      for (byte[] childKey : rowsWhere(child, fk.childField(), key)) {
        RowData c = current(child, childKey);
        if (c == null) {
          continue;
        }
        switch (fk.onDelete()) {
          case RESTRICT:
            throw OrmDbException.constraint(
                "foreign key "
                    + fk.name()
                    + " restricts delete of "
                    + e.name()
                    + " "
                    + e.identity.name()
                    + "="
                    + row.fields().get(e.identity.name()).render()
                    + ": referenced by "
                    + child.name()
                    + " "
                    + child.identity.name()
                    + "="
                    + c.fields().get(child.identity.name()).render());
          case CASCADE:
            delete(child, childKey, c);
            break;
          case SET_NULL:
            {
              Map<String, Value> updated = new LinkedHashMap<>(c.fields());
              updated.put(fk.childField(), Value.NULL);
              child.computed.computeInto(updated);
              put(child, childKey, RowCodec.LIVE, updated);
              break;
            }
          default:
            throw new IllegalStateException("unreachable");
        }
      }
    }
  }

  private void upsert(EntityInfo e, Mutation.Upsert up) {
    if (up.create() == null) {
      for (String f : new TreeSet<>(up.exprs().keySet())) {
        if (up.exprs().get(f).readsRow()) {
          throw MutationChecks.upsertReadsRow(e.def, f, up.exprs().get(f));
        }
      }
    }
    Map<String, Value> key = convertAll(e, up.key());
    byte[] found = find(e, key, "upsert key");
    byte[] idKey;
    if (found != null) {
      RowData now = current(e, found);
      update(e, found, now, assignments(e, up.data(), up.exprs(), now.fields()));
      idKey = found;
    } else {
      Map<String, Value> all = new LinkedHashMap<>(key);
      Map<String, Value> values =
          up.create() == null
              ? assignments(e, up.data(), up.exprs(), null)
              : assignments(e, Map.of(), up.create(), null);
      for (Map.Entry<String, Value> v : values.entrySet()) {
        Value k = key.get(v.getKey());
        if (k != null && !k.equals(v.getValue())) {
          throw OrmDbException.invalid(
              "field "
                  + e.name()
                  + "."
                  + v.getKey()
                  + " is "
                  + k.render()
                  + " in the upsert key but "
                  + v.getValue().render()
                  + " in the new row's values");
        }
        all.put(v.getKey(), v.getValue());
      }
      Value id = insert(e, new Mutation.Insert(e.name(), all), null);
      idKey = KeyCodec.encode(id);
    }
    if (up.name() != null) {
      name(up.name(), e, idKey, current(e, idKey).fields().get(e.identity.name()));
    }
  }

  /**
   * The live row whose {@code key} (converted values) is its identity or all the fields of one of
   * its unique constraints, or null; INVALID_REQUEST when the key is neither ({@code what} names
   * the key in that error).
   */
  byte[] find(EntityInfo e, Map<String, Value> key, String what) {
    String idName = e.identity.name();
    if (key.size() == 1 && key.containsKey(idName)) {
      byte[] idKey = KeyCodec.encode(key.get(idName));
      return current(e, idKey) != null ? idKey : null;
    }
    IndexInfo match = null;
    for (IndexInfo ix : e.indexes) {
      if (ix.def.unique() && new TreeSet<>(ix.def.fields()).equals(new TreeSet<>(key.keySet()))) {
        match = ix;
        break;
      }
    }
    if (match == null) {
      throw OrmDbException.invalid(
          what
              + " "
              + new TreeSet<>(key.keySet())
              + " is neither the identity '"
              + idName
              + "' nor the fields of a unique constraint of "
              + e.name());
    }
    List<byte[]> hits = lookup(match, Storage.indexValues(match, key), e);
    return hits.isEmpty() ? null : hits.get(0);
  }

  // ---------------------------------------------------------------------------------------------
  // constraints

  /** Unique, check and (child-side) foreign-key rules for a row just put. */
  private void checkRow(
      EntityInfo e, byte[] idKey, Map<String, Value> row, Map<String, Value> old) {
    for (IndexInfo ix : e.indexes) {
      if (!ix.def.unique() || (old != null && unchanged(ix.def.fields(), row, old))) {
        continue;
      }
      boolean hasNull = false;
      for (FieldDef f : ix.fields) {
        hasNull |= row.get(f.name()).isNull();
      }
      if (hasNull) {
        continue;
      }
      byte[] values = Storage.indexValues(ix, row);
      for (byte[] other : lookup(ix, values, e)) {
        if (!java.util.Arrays.equals(other, idKey)) {
          throw OrmDbException.constraint(
              "unique constraint "
                  + ix.def.name()
                  + " violated by "
                  + render(ix.def.fields(), row));
        }
      }
    }
    for (Catalog.CheckRule ck : e.checks) {
      if (FilterEvaluator.matches(new Filter.Not(ck.bound()), row::get)) {
        throw OrmDbException.constraint(
            "check constraint " + ck.name() + " violated by " + render(ck.fields(), row));
      }
    }
    for (FkRule fk : e.outgoing) {
      Value v = row.get(fk.childField());
      if (v.isNull() || (old != null && unchanged(List.of(fk.childField()), row, old))) {
        continue;
      }
      EntityInfo parent = cat.entity(fk.parent());
      if (rowsWhere(parent, fk.parentField(), v).isEmpty()) {
        throw OrmDbException.constraint(
            "foreign key "
                + fk.name()
                + " violated by "
                + fk.childField()
                + "="
                + v.render()
                + ": no "
                + parent.name()
                + " with "
                + fk.parentField()
                + "="
                + v.render());
      }
    }
  }

  private static boolean unchanged(
      List<String> fields, Map<String, Value> row, Map<String, Value> old) {
    for (String f : fields) {
      if (!row.get(f).equals(old.get(f))) {
        return false;
      }
    }
    return true;
  }

  private static String render(List<String> fields, Map<String, Value> row) {
    StringBuilder sb = new StringBuilder();
    for (String f : fields) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      Value v = row.get(f);
      sb.append(f).append('=').append(v == null ? "null" : v.render());
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // values

  private Value identity(EntityInfo e, Value id) {
    return checkSize(e, e.identity, MutationChecks.identity(cat.bundle, e.def, id));
  }

  /** The values of {@code data} converted to their fields' types, in field-name order. */
  private Map<String, Value> convertAll(EntityInfo e, Map<String, Value> data) {
    // in name order, so that of two bad fields the first by name is reported
    String[] names = data.keySet().toArray(new String[0]);
    java.util.Arrays.sort(names);
    Map<String, Value> out = new LinkedHashMap<>(capacity(names.length + 1));
    for (String name : names) {
      out.put(name, convert(e, MutationChecks.writable(e.def, name), data.get(name)));
    }
    return out;
  }

  /**
   * The values an update or insert writes: {@code data} converted, and {@code exprs} computed
   * against {@code row} (the row before the write; null for a new row, which none may read).
   */
  Map<String, Value> assignments(
      EntityInfo e, Map<String, Value> data, Map<String, Expr> exprs, Map<String, Value> row) {
    Map<String, Value> out = convertAll(e, data);
    return exprs.isEmpty() ? out : computed(e, out, exprs, row);
  }

  /** {@code converted} plus {@code exprs} computed against {@code row}, in field-name order. */
  private Map<String, Value> computed(
      EntityInfo e, Map<String, Value> converted, Map<String, Expr> exprs, Map<String, Value> row) {
    Map<String, Value> out = new LinkedHashMap<>(converted);
    for (String name : new TreeSet<>(exprs.keySet())) {
      if (converted.containsKey(name)) {
        throw MutationChecks.givenTwice(e.def, name);
      }
      out.put(name, evaluate(e, e.field(name), exprs.get(name), row));
    }
    return out;
  }

  /**
   * {@code x} as a value of field {@code f} of {@code e}, computed against {@code row} (the row
   * being written as it was before; null when there is none yet).
   */
  Value evaluate(EntityInfo e, FieldDef f, Expr x, Map<String, Value> row) {
    if (x instanceof Expr.Arith a) {
      if (!Arithmetic.numeric(f.type())) {
        throw Arithmetic.notNumeric(e.name(), f, x);
      }
      return checkSize(e, f, arith(e, f, a, row));
    }
    return convert(e, f, operand(e, f, x, row));
  }

  private Value arith(EntityInfo e, FieldDef f, Expr.Arith a, Map<String, Value> row) {
    Value left =
        a.left() instanceof Expr.Arith l
            ? arith(e, f, l, row)
            : convert(e, f, operand(e, f, a.left(), row));
    Value right =
        a.right() instanceof Expr.Arith r
            ? arith(e, f, r, row)
            : convert(e, f, operand(e, f, a.right(), row));
    return Arithmetic.apply(e.name(), f, a.op(), left, right);
  }

  /** The value of a literal, a field of {@code row} or a field of a named row. */
  private Value operand(EntityInfo e, FieldDef f, Expr x, Map<String, Value> row) {
    if (x instanceof Expr.Literal l) {
      return l.value();
    } else if (x instanceof Expr.Field fr) {
      FieldDef read = e.field(fr.name());
      if (row == null) {
        throw MutationChecks.readsNewRow(e.def, f, fr);
      }
      return row.get(read.name());
    }
    Expr.Ref ref = (Expr.Ref) x;
    NamedRow n = names.get(ref.name());
    if (n == null) {
      throw OrmDbException.invalid(
          "unknown row '" + ref.name() + "': no earlier mutation of the batch is named so");
    }
    RowData now = current(n.e, n.idKey);
    if (now == null) {
      throw OrmDbException.notFound(
          "row '"
              + ref.name()
              + "' ("
              + n.e.name()
              + " "
              + n.e.identity.name()
              + "="
              + n.id.render()
              + ") was deleted earlier in the batch");
    }
    return now.fields().get(n.e.field(ref.field()).name());
  }

  /** A hash map capacity that holds {@code n} entries without growing. */
  private static int capacity(int n) {
    return (int) (n / 0.75f) + 1;
  }

  Value convert(EntityInfo e, FieldDef f, Value v) {
    return checkSize(e, f, FieldValues.convert(cat.bundle, e.name(), f, v));
  }

  private Value checkSize(EntityInfo e, FieldDef f, Value v) {
    if (ValueCodec.sizeAtMost(v) <= maxValueBytes) {
      return v; // without encoding it: most values are far below the limit
    }
    int size = ValueCodec.size(v);
    if (size > maxValueBytes) {
      throw OrmDbException.invalid(
          "field "
              + e.name()
              + "."
              + f.name()
              + ": value of "
              + size
              + " bytes exceeds the maximum of "
              + maxValueBytes
              + " bytes");
    }
    return v;
  }

  private Value defaultFor(EntityInfo e, FieldDef f) {
    DefaultValue d = f.defaultValue();
    if (d instanceof DefaultValue.Literal l) {
      return convert(e, f, l.value());
    } else if (d instanceof DefaultValue.Now) {
      Value t = new Value.Timestamp(ts);
      return f.type().base() == ValueType.DATE
          ? new Value.Date((int) Math.floorDiv(ts, 86_400_000_000L))
          : t;
    } else if (d instanceof DefaultValue.AutoUuid) {
      return Value.Uuid.random();
    }
    return Value.NULL;
  }

  /**
   * An identity for a row inserted without one: a random UUID, or for int32 and int64 one more than
   * the largest id the entity has ever held (live, deleted or compacted away; see {@link
   * Tables#largestIdentityHeld}) or that this batch inserted, 1 when there is none. Never wraps:
   * when that largest id is the type's maximum the insert is refused.
   */
  private Value generateId(EntityInfo e) {
    ValueType t = e.identity.type().base();
    if (t == ValueType.UUID) {
      return Value.Uuid.random();
    }
    if (t == ValueType.INT64 || t == ValueType.INT32) {
      Long known = maxIds.get(e.id);
      long max;
      if (known != null) {
        max = known;
      } else {
        // once per entity and batch; later inserts keep maxIds up to date (see insert)
        max = tables.largestIdentityHeld(e);
        if (max == Long.MIN_VALUE) {
          max = 0; // the first id is 1
        }
        for (Touched x : touched.values()) {
          if (x.e.id == e.id) {
            max = Math.max(max, KeyCodec.decode(x.idKey).asLong());
          }
        }
        maxIds.put(e.id, max);
      }
      long limit = t == ValueType.INT64 ? Long.MAX_VALUE : Integer.MAX_VALUE;
      if (max >= limit) {
        throw OrmDbException.constraint(
            "no id left to assign to "
                + e.name()
                + "."
                + e.identity.name()
                + " ("
                + t.displayName()
                + "): an assigned id is one more than the largest id "
                + e.name()
                + " has held, which is "
                + max
                + ", the largest "
                + t.displayName()
                + "; give ids explicitly"
                + (t == ValueType.INT32 ? ", or use an int64 identity" : ""));
      }
      return t == ValueType.INT64 ? new Value.Int64(max + 1) : new Value.Int32((int) (max + 1));
    }
    throw MutationChecks.required(e.def, e.identity.name());
  }

  // ---------------------------------------------------------------------------------------------
  // result

  /**
   * The net change of one touched row: what the changelog records as its event (the before and
   * after images are {@link #before()} and {@link #after()}; the changed fields of an insert, every
   * field of its row, are null: {@link ChangeSetCodec.Writer} writes the row's names).
   */
  record Change(Touched row, ChangeEvent.Op op, Collection<String> changedFields) {
    /**
     * The row before the batch, or empty when it was not live; without virtual computed fields
     * (change events carry what is stored).
     */
    Map<String, Value> before() {
      return op == ChangeEvent.Op.CREATE
          ? Map.of()
          : row.e.computed.withoutVirtual(row.before.fields());
    }

    /** The row after the batch, or empty when it is not live; without virtual computed fields. */
    Map<String, Value> after() {
      return op == ChangeEvent.Op.DELETE
          ? Map.of()
          : row.e.computed.withoutVirtual(row.after.fields());
    }
  }

  /** The net change of every touched row, in first-touch order; unchanged rows left out. */
  List<Change> changes() {
    List<Change> out = new ArrayList<>(touched.size());
    for (Touched t : touched.values()) {
      boolean wasLive = t.before != null && t.before.live();
      boolean isLive = t.after != null && t.after.live();
      if (!wasLive) {
        if (isLive) {
          out.add(new Change(t, ChangeEvent.Op.CREATE, null));
        }
      } else if (!isLive) {
        out.add(new Change(t, ChangeEvent.Op.DELETE, List.of()));
      } else {
        Map<String, Value> before = t.before.fields();
        Map<String, Value> after = t.after.fields();
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, Value> f : after.entrySet()) {
          if (!f.getValue().equals(before.get(f.getKey()))
              && !t.e.computed.virtualNames().contains(f.getKey())) {
            changed.add(f.getKey());
          }
        }
        if (!changed.isEmpty()) {
          out.add(new Change(t, ChangeEvent.Op.UPDATE, changed));
        }
      }
    }
    return out;
  }
}
