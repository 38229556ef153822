package io.ormdb.store.view;

import io.ormdb.protocol.value.Value;
import java.util.Map;

/**
 * Reads one field of many rows without a name lookup per row: rows decoded by the engine share
 * their entity's layout ({@link SlottedFields}), so the field's slot is found once per layout and
 * then read from the row's value array. Not thread-safe: make one per loop (it caches the last
 * layout it saw). Rows of another kind fall back to a map lookup.
 */
public final class FieldSlot {
  private final String name;
  private Object layout;
  private int slot = -1;

  public FieldSlot(String name) {
    this.name = name;
  }

  /** The field's value in {@code row} ({@link Value#NULL} when the row has no such field). */
  public Value of(Row row) {
    Map<String, Value> fields = row.fields();
    if (fields instanceof SlottedFields sf) {
      if (sf.layout() != layout) {
        layout = sf.layout();
        slot = sf.slotOf(name);
      }
      return slot < 0 ? Value.NULL : sf.valueAt(slot);
    }
    Value v = fields.get(name);
    return v == null ? Value.NULL : v;
  }
}
