package io.ormdb.store.view;

import io.ormdb.protocol.value.Value;
import java.util.List;
import java.util.Objects;

/**
 * A range over an index's composite key: the first {@code equal.size()} key fields equal {@code
 * equal}; then, optionally, the next key field lies between {@code lower} and {@code upper} (either
 * may be null = unbounded). Values compare with {@link io.ormdb.protocol.value.Values}'s order, in
 * which null sorts first.
 */
public record KeyRange(List<Value> equal, Bound lower, Bound upper) {
  public KeyRange {
    equal = List.copyOf(equal);
  }

  public static KeyRange all() {
    return new KeyRange(List.of(), null, null);
  }

  public static KeyRange eq(Value... values) {
    return new KeyRange(List.of(values), null, null);
  }

  /** One end of a range on the key field after the equal prefix. */
  public record Bound(Value value, boolean inclusive) {
    public Bound {
      Objects.requireNonNull(value, "value");
    }
  }
}
