package io.ormdb.store.view;

import io.ormdb.protocol.value.Value;

/**
 * A row's fields laid out in an array shared by a layout: rows of one entity decoded by the engine
 * implement it, so a {@link FieldSlot} can find a field's position once per layout and read it from
 * each row without a lookup by name. Implementations are immutable maps, so they may be shared
 * between threads and kept without a copy.
 */
public interface SlottedFields {
  /** The layout these fields follow; equal layouts (by identity) put each field at one slot. */
  Object layout();

  /** The slot of {@code field} in this layout, or -1 when the row has no such field. */
  int slotOf(String field);

  /** The value at {@code slot}. */
  Value valueAt(int slot);
}
