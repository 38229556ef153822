package io.ormdb.protocol.query;

import io.ormdb.protocol.query.AggregateQuery.Function;
import java.util.Locale;
import java.util.Objects;

/**
 * An aggregate over the rows related to each row of one level of a graph query (the root or an
 * include), returned as a column of that level's block named {@code label}: each movie's average
 * review rating is {@code RelationAggregate.of("avgRating", Function.AVG, "reviews", "rating")} on
 * the Movie level. It reads the related rows of the level's rows in the query's snapshot, through
 * the relation's key, in one batched lookup for all rows of the level.
 *
 * <p>The relation must be to-many (one-to-many or many-to-many). {@code count} without a field
 * counts the related rows; with a field, and the other functions, it takes the related rows'
 * non-null values of {@code field}, as {@link AggregateQuery} does, with the same result types.
 *
 * @param label the column's name: not a field of the level's entity, nor the name of a relation
 *     included under that level, and unique among the level's aggregates
 * @param relation the relation from the level's entity (one name, not a path)
 * @param field a field of the relation's target; null for {@code count} of rows
 * @param filter keeps only the related rows that match; may be null
 */
public record RelationAggregate(
    String label, Function function, String relation, String field, Filter filter) {
  public RelationAggregate {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(relation, "relation");
  }

  /** {@code label: count(relation)}: the number of related rows. */
  public static RelationAggregate count(String label, String relation) {
    return new RelationAggregate(label, Function.COUNT, relation, null, null);
  }

  /** {@code label: function(relation.field)}. */
  public static RelationAggregate of(
      String label, Function function, String relation, String field) {
    return new RelationAggregate(label, function, relation, field, null);
  }

  /** This aggregate over the related rows that match {@code f} only. */
  public RelationAggregate where(Filter f) {
    return new RelationAggregate(label, function, relation, field, f);
  }

  /**
   * The aggregate as the query language writes it, without its filter: {@code avg(reviews.rating)}.
   */
  public String expression() {
    return function.name().toLowerCase(Locale.ROOT)
        + "("
        + relation
        + (field == null ? "" : "." + field)
        + ")";
  }
}
