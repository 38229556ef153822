package io.ormdb.protocol.query;

import java.util.Objects;

/** One sort key: a field and a direction. Nulls sort first ascending, last descending. */
public record OrderSpec(String field, Direction direction) {
  public OrderSpec {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(direction, "direction");
  }

  public static OrderSpec asc(String field) {
    return new OrderSpec(field, Direction.ASC);
  }

  public static OrderSpec desc(String field) {
    return new OrderSpec(field, Direction.DESC);
  }

  public enum Direction {
    ASC,
    DESC
  }
}
