package io.ormdb.protocol.change;

import io.ormdb.protocol.value.Value;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row change of a committed batch, in the Debezium envelope's terms.
 *
 * @param lsn the batch's changelog position; all events of a batch share it
 * @param txId the batch's transaction id
 * @param index the event's position within its batch (0-based; Debezium's total_order − 1)
 * @param entity the entity (Debezium's data collection)
 * @param id the row's identity
 * @param op c (create), u (update), d (delete) or r (snapshot read)
 * @param before the row before the change (empty for c and r)
 * @param after the row after the change (empty for d)
 * @param changedFields the fields whose values differ between before and after
 * @param schemaVersion the schema version the batch committed under
 * @param commitTsMicros the commit time, microseconds since the epoch
 */
public record ChangeEvent(
    long lsn,
    long txId,
    int index,
    String entity,
    Value id,
    Op op,
    Map<String, Value> before,
    Map<String, Value> after,
    List<String> changedFields,
    long schemaVersion,
    long commitTsMicros)
    implements ChangeFeedItem {
  public ChangeEvent {
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(op, "op");
    before = before == null ? Map.of() : Map.copyOf(before);
    after = after == null ? Map.of() : Map.copyOf(after);
    changedFields = changedFields == null ? List.of() : List.copyOf(changedFields);
  }

  /** Debezium's operation letters. */
  public enum Op {
    CREATE("c"),
    UPDATE("u"),
    DELETE("d"),
    READ("r");

    private final String code;

    Op(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }

    public static Op fromCode(String code) {
      for (Op op : values()) {
        if (op.code.equals(code)) {
          return op;
        }
      }
      throw new IllegalArgumentException(
          "unknown change op '" + code + "' (expected c, u, d or r)");
    }
  }
}
