package io.ormdb.protocol.query;

import java.util.List;
import java.util.Objects;

/**
 * Aggregates over the rows of one entity that match {@code filter}, optionally grouped. The result
 * has one row per group: the group-by values, then one value per aggregation, in order.
 */
public record AggregateQuery(
    String entity,
    List<Aggregation> aggregations,
    Filter filter,
    List<String> groupBy,
    ReadOptions readOptions) {
  public AggregateQuery {
    Objects.requireNonNull(entity, "entity");
    aggregations = List.copyOf(aggregations);
    groupBy = groupBy == null ? List.of() : List.copyOf(groupBy);
    readOptions = readOptions == null ? ReadOptions.DEFAULT : readOptions;
  }

  /** One aggregate: {@code count()} has no field; the others need a numeric (or ordered) one. */
  public record Aggregation(Function function, String field) {
    public Aggregation {
      Objects.requireNonNull(function, "function");
    }

    /** The column label: {@code count}, {@code sum(price)}, ... */
    public String label() {
      String fn = function.name().toLowerCase(java.util.Locale.ROOT);
      return field == null ? fn : fn + "(" + field + ")";
    }
  }

  public enum Function {
    /** Rows (no field), or non-null values of the field. */
    COUNT,
    SUM,
    AVG,
    MIN,
    MAX
  }
}
