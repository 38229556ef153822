package io.ormdb.protocol.query;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import java.util.Objects;

/**
 * One sort key: a field, a direction and where nulls go. By default null sorts as smaller than
 * every value: first ascending, last descending ({@link Nulls#DEFAULT}); {@link #nullsFirst()} and
 * {@link #nullsLast()} place nulls explicitly, whatever the direction. Values compare as {@link
 * Values#compare} orders them (text by Unicode code point).
 *
 * <p>The field is a field of the rows being ordered ({@code "last_name"}) or a path through to-one
 * relations (many to one, one to one) to a field of a related row: {@code
 * OrderSpec.asc("person.last_name")} orders cast members by their person's last name, {@code
 * "movie.director.last_name"} follows two relations. A row whose relation leads to no row orders as
 * if the field were null.
 *
 * @param field the field to order by, or a path to a related row's field
 * @param direction ascending or descending
 * @param nulls where nulls go
 */
public record OrderSpec(String field, Direction direction, Nulls nulls) {
  public OrderSpec {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(nulls, "nulls");
  }

  /** A key with the default placement of nulls. */
  public OrderSpec(String field, Direction direction) {
    this(field, direction, Nulls.DEFAULT);
  }

  public static OrderSpec asc(String field) {
    return new OrderSpec(field, Direction.ASC);
  }

  public static OrderSpec desc(String field) {
    return new OrderSpec(field, Direction.DESC);
  }

  /** This key with nulls before every value, in either direction. */
  public OrderSpec nullsFirst() {
    return new OrderSpec(field, direction, Nulls.FIRST);
  }

  /** This key with nulls after every value, in either direction. */
  public OrderSpec nullsLast() {
    return new OrderSpec(field, direction, Nulls.LAST);
  }

  /** Whether nulls come before the values in this key's order (placement and direction applied). */
  public boolean nullsSortFirst() {
    return nulls == Nulls.DEFAULT ? direction == Direction.ASC : nulls == Nulls.FIRST;
  }

  /**
   * Compares two values of this key in its order: nulls where {@link #nullsSortFirst} puts them,
   * other values by {@link Values#compare}, reversed when descending.
   */
  public int compare(Value a, Value b) {
    boolean an = a.isNull();
    boolean bn = b.isNull();
    if (an || bn) {
      return an == bn ? 0 : (an == nullsSortFirst() ? -1 : 1);
    }
    int c = Values.compare(a, b);
    return direction == Direction.DESC ? -c : c;
  }

  public enum Direction {
    ASC,
    DESC
  }

  /** Where nulls go: as the direction has it (smaller than every value), first, or last. */
  public enum Nulls {
    DEFAULT,
    FIRST,
    LAST
  }
}
