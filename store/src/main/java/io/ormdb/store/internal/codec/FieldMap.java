package io.ormdb.store.internal.codec;

import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.SlottedFields;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The fields of a decoded row: an immutable map over an array of values laid out by the entity's
 * {@link Layout} (one slot per declared field, in declaration order), so decoding a row fills an
 * array instead of building hash maps. Equal to any map with the same entries.
 */
public final class FieldMap extends AbstractMap<String, Value> implements SlottedFields {

  /**
   * Fills the slots of computed fields in a decoded row's values: those still null (a virtual
   * field's always, a stored one's when the row was written before the field existed).
   */
  @FunctionalInterface
  public interface Computer {
    void fill(Value[] values, FieldMap row);
  }

  /** Where each field of an entity lives in a row's value array; shared by all its rows. */
  public static final class Layout {
    final String[] names;
    final Map<String, Integer> slots;
    final int[] slotByFieldId;
    final Value[] absent;
    final Computer computer;

    public Layout(String[] names, Map<String, Integer> slots, int[] slotByFieldId, Value[] absent) {
      this(names, slots, slotByFieldId, absent, null);
    }

    /**
     * @param absent what a field absent from a stored row reads as; null for a computed field (then
     *     {@code computer} fills it)
     * @param computer fills the computed fields, or null when the entity has none
     */
    public Layout(
        String[] names,
        Map<String, Integer> slots,
        int[] slotByFieldId,
        Value[] absent,
        Computer computer) {
      this.names = names;
      this.slots = slots;
      this.slotByFieldId = slotByFieldId;
      this.absent = absent;
      this.computer = computer;
    }

    /** The values of a new row: what absent fields read as (null for computed fields). */
    public Value[] absentValues() {
      return absent.clone();
    }

    /** Computes the computed fields of {@code values} still null, when there are any. */
    public void compute(Value[] values, FieldMap row) {
      if (computer != null) {
        computer.fill(values, row);
      }
    }

    /** The slot of stored field id {@code fid}, or -1 for a field the entity no longer has. */
    int slot(int fid) {
      return fid >= 0 && fid < slotByFieldId.length ? slotByFieldId[fid] : -1;
    }
  }

  private final Layout layout;
  private final Value[] values;

  public FieldMap(Layout layout, Value[] values) {
    this.layout = layout;
    this.values = values;
  }

  @Override
  public Object layout() {
    return layout;
  }

  @Override
  public int slotOf(String field) {
    Integer s = layout.slots.get(field);
    return s == null ? -1 : s;
  }

  @Override
  public Value valueAt(int slot) {
    return values[slot];
  }

  /** The name of the field in {@code slot}. */
  String nameAt(int slot) {
    return layout.names[slot];
  }

  @Override
  public Value get(Object key) {
    // Callers mostly pass the schema's own name strings: an identity scan of a few names is
    // cheaper than hashing.
    String[] names = layout.names;
    if (names.length <= 16) {
      for (int i = 0; i < names.length; i++) {
        if (names[i] == key) {
          return values[i];
        }
      }
      // another instance of the name (query text, a literal): compare a few short strings
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(key)) {
          return values[i];
        }
      }
      return null;
    }
    Integer slot = layout.slots.get(key);
    return slot == null ? null : values[slot];
  }

  @Override
  public boolean containsKey(Object key) {
    return layout.slots.containsKey(key);
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Value> action) {
    for (int i = 0; i < values.length; i++) {
      action.accept(layout.names[i], values[i]);
    }
  }

  @Override
  public Set<Entry<String, Value>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return values.length;
      }

      @Override
      public Iterator<Entry<String, Value>> iterator() {
        return new Iterator<>() {
          int i;

          @Override
          public boolean hasNext() {
            return i < values.length;
          }

          @Override
          public Entry<String, Value> next() {
            if (i >= values.length) {
              throw new NoSuchElementException();
            }
            int at = i++;
            return new SimpleImmutableEntry<>(layout.names[at], values[at]);
          }
        };
      }
    };
  }
}
