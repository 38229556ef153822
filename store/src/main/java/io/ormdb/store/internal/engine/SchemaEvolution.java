package io.ormdb.store.internal.engine;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.filter.FilterEvaluator;
import io.ormdb.store.internal.catalog.Catalog;
import io.ormdb.store.internal.catalog.Catalog.EntityInfo;
import io.ormdb.store.internal.catalog.Catalog.FkRule;
import io.ormdb.store.internal.catalog.Catalog.IndexInfo;
import io.ormdb.store.internal.codec.ByteKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Which schema changes a populated database accepts. Compatible: new entities, optional fields,
 * fields with a literal default (existing rows read it), new indexes and constraints that existing
 * rows satisfy (indexes are built over them), computed fields added, dropped or changed (a stored
 * one added reads its value computed from rows written before it, and its index is built over
 * them). Refused until a migration engine exists: dropping an entity or field, changing a field's
 * type or the identity, making a field required when rows lack it, changing an existing index,
 * changing a stored computed field's expression while rows hold its values.
 */
final class SchemaEvolution {
  private SchemaEvolution() {}

  static void check(Tables tables, Catalog old, Catalog next) {
    if (old == null) {
      return;
    }
    List<String> p = new ArrayList<>();
    for (EntityInfo oe : old.entities.values()) {
      EntityInfo ne = next.entities.get(oe.name());
      if (ne == null) {
        p.add("cannot drop entity " + oe.name() + " (its rows would be lost)");
        continue;
      }
      if (!oe.def.identityField().equals(ne.def.identityField())) {
        p.add(
            "cannot change the identity of "
                + oe.name()
                + " from '"
                + oe.def.identityField()
                + "' to '"
                + ne.def.identityField()
                + "'");
      }
      boolean populated = tables.scanLatest(oe).hasNext();
      for (FieldDef of : oe.def.fields()) {
        FieldDef nf = ne.def.field(of.name()).orElse(null);
        String where = oe.name() + "." + of.name();
        if (nf == null) {
          if (!of.isComputed()) { // a computed field's values are computed again from its row
            p.add("cannot drop field " + where + " (its values would be lost)");
          }
          continue;
        }
        if (of.isComputed() || nf.isComputed()) {
          computed(where, of, nf, populated, p);
          continue;
        }
        if (!of.type().equals(nf.type())) {
          p.add(
              "cannot change the type of "
                  + where
                  + " from "
                  + of.type().render()
                  + " to "
                  + nf.type().render());
        }
        if (of.optional() && !nf.optional() && populated) {
          if (!(nf.defaultValue() instanceof DefaultValue.Literal)) {
            p.add(
                "cannot make " + where + " required without a default: " + oe.name() + " has rows");
          } else if (anyNull(tables, ne, of.name())) {
            p.add("cannot make " + where + " required: some " + oe.name() + " rows hold null");
          }
        }
      }
      for (FieldDef nf : ne.def.fields()) {
        if (oe.def.field(nf.name()).isEmpty()
            && !nf.isComputed() // computed from the rows, which need nothing
            && !nf.optional()
            && populated
            && !(nf.defaultValue() instanceof DefaultValue.Literal)) {
          p.add(
              "cannot add required field "
                  + ne.name()
                  + "."
                  + nf.name()
                  + " without a literal default: "
                  + ne.name()
                  + " has rows");
        }
      }
      for (IndexInfo oi : oe.indexes) {
        IndexInfo ni = ne.indexByName.get(oi.def.name());
        if (ni != null
            && (!ni.def.fields().equals(oi.def.fields()) || ni.def.unique() != oi.def.unique())) {
          p.add("cannot change index " + oi.def.name() + " of " + oe.name() + "; add a new one");
        }
      }
    }
    if (!p.isEmpty()) {
      throw OrmDbException.invalid("incompatible schema change (" + String.join("; ", p) + ")");
    }
    List<String> data = new ArrayList<>();
    for (EntityInfo ne : next.entities.values()) {
      EntityInfo oe = old.entities.get(ne.name());
      if (oe == null) {
        continue;
      }
      checkData(tables, oe, ne, next, data);
    }
    if (!data.isEmpty()) {
      throw OrmDbException.constraint(
          "schema change refused: existing rows violate it (" + String.join("; ", data) + ")");
    }
  }

  /**
   * A field computed in the old or the new version: virtual ones change freely (nothing of them is
   * stored); a stored one keeps its type and expression while the entity has rows (its rows hold
   * values of them); a field that writes set cannot become computed, nor a computed one such a
   * field, while the entity has rows.
   */
  private static void computed(
      String where, FieldDef of, FieldDef nf, boolean populated, List<String> p) {
    if (!populated) {
      return;
    }
    if (!of.isComputed()) {
      p.add("cannot make " + where + " computed (its values would be lost); add a new field");
    } else if (!nf.isComputed()) {
      p.add(
          "cannot make computed field "
              + where
              + " a field that writes set (its rows hold no value for it); add a new field");
    } else if (of.computed().stored()
        && nf.computed().stored()
        && (!of.computed().expression().equals(nf.computed().expression())
            || !of.type().equals(nf.type()))) {
      p.add(
          "cannot change the expression or type of stored computed field "
              + where
              + " (its rows hold values of the old one); add a new field, or make it virtual"
              + " first (drop @stored and its indexes)");
    }
  }

  private static boolean anyNull(Tables tables, EntityInfo e, String field) {
    for (Iterator<Storage.Keyed> it = tables.scanLatest(e); it.hasNext(); ) {
      if (it.next().row().fields().get(field).isNull()) {
        return true;
      }
    }
    return false;
  }

  private static void checkData(
      Tables tables, EntityInfo oe, EntityInfo ne, Catalog next, List<String> p) {
    List<IndexInfo> newUnique = new ArrayList<>();
    for (IndexInfo ni : ne.indexes) {
      if (ni.def.unique() && !oe.indexByName.containsKey(ni.def.name())) {
        newUnique.add(ni);
      }
    }
    List<Catalog.CheckRule> newChecks = new ArrayList<>();
    for (Catalog.CheckRule ck : ne.checks) {
      if (oe.checks.stream().noneMatch(o -> o.name().equals(ck.name()))) {
        newChecks.add(ck);
      }
    }
    List<FkRule> newFks = new ArrayList<>();
    for (FkRule fk : ne.outgoing) {
      if (!oe.outgoing.contains(fk)) {
        newFks.add(fk);
      }
    }
    if (newUnique.isEmpty() && newChecks.isEmpty() && newFks.isEmpty()) {
      return;
    }
    List<Map<ByteKeys.Key, Boolean>> seen = new ArrayList<>();
    newUnique.forEach(u -> seen.add(new HashMap<>()));
    boolean[] reported = new boolean[newUnique.size() + newChecks.size() + newFks.size()];
    for (Iterator<Storage.Keyed> it = tables.scanLatest(ne); it.hasNext(); ) {
      Map<String, Value> row = it.next().row().fields();
      for (int i = 0; i < newUnique.size(); i++) {
        IndexInfo ix = newUnique.get(i);
        if (ix.def.fields().stream().anyMatch(f -> row.get(f).isNull()) || reported[i]) {
          continue;
        }
        if (seen.get(i).put(new ByteKeys.Key(Storage.indexValues(ix, row)), true) != null) {
          reported[i] = true;
          p.add(
              "unique constraint "
                  + ix.def.name()
                  + " is violated by "
                  + render(ix.def.fields(), row));
        }
      }
      for (int i = 0; i < newChecks.size(); i++) {
        Catalog.CheckRule ck = newChecks.get(i);
        int r = newUnique.size() + i;
        if (!reported[r] && FilterEvaluator.matches(new Filter.Not(ck.bound()), row::get)) {
          reported[r] = true;
          p.add("check constraint " + ck.name() + " is violated by " + render(ck.fields(), row));
        }
      }
      for (int i = 0; i < newFks.size(); i++) {
        FkRule fk = newFks.get(i);
        int r = newUnique.size() + newChecks.size() + i;
        Value v = row.get(fk.childField());
        if (reported[r] || v.isNull()) {
          continue;
        }
        EntityInfo parent = next.entities.get(fk.parent());
        boolean found = false;
        for (Iterator<Storage.Keyed> pit = tables.scanLatest(parent); pit.hasNext() && !found; ) {
          found = Values.compare(pit.next().row().fields().get(fk.parentField()), v) == 0;
        }
        if (!found) {
          reported[r] = true;
          p.add(
              "foreign key " + fk.name() + " is violated by " + fk.childField() + "=" + v.render());
        }
      }
    }
  }

  private static String render(List<String> fields, Map<String, Value> row) {
    List<String> parts = new ArrayList<>();
    for (String f : fields) {
      parts.add(f + "=" + row.get(f).render());
    }
    return String.join(", ", parts);
  }

  /** Writes index entries of indexes new in {@code next} for every live row. */
  static void buildNewIndexes(Tables tables, Catalog old, Catalog next) {
    if (old == null) {
      return;
    }
    for (EntityInfo ne : next.entities.values()) {
      EntityInfo oe = old.entities.get(ne.name());
      if (oe == null) {
        continue;
      }
      List<IndexInfo> fresh = new ArrayList<>();
      for (IndexInfo ni : ne.indexes) {
        if (!oe.indexByName.containsKey(ni.def.name())) {
          fresh.add(ni);
        }
      }
      if (fresh.isEmpty()) {
        continue;
      }
      for (Iterator<Storage.Keyed> it = tables.scanLatest(ne); it.hasNext(); ) {
        Storage.Keyed k = it.next();
        for (IndexInfo ix : fresh) {
          tables.putIndexEntry(
              Storage.indexKey(ix, Storage.indexValues(ix, k.row().fields()), k.idKey()));
        }
      }
    }
  }
}
