package io.ormdb.protocol.schema;

import io.ormdb.protocol.query.Expr;
import java.util.Objects;

/**
 * What makes a field computed ({@code full_name string = first_name + " " + last_name}): its value
 * is {@code expression} over the row's own fields, never written by a mutation.
 *
 * @param expression the expression, over the fields of the field's own entity
 * @param stored false (the default, a <em>virtual</em> field): computed whenever the row is read,
 *     never stored; true ({@code @stored}): computed and stored on every write of the row, so it
 *     can be indexed ({@code @index}, {@code @unique})
 */
public record Computed(Expr expression, boolean stored) {
  public Computed {
    Objects.requireNonNull(expression, "expression");
  }

  public static Computed virtual(Expr expression) {
    return new Computed(expression, false);
  }

  public static Computed stored(Expr expression) {
    return new Computed(expression, true);
  }
}
