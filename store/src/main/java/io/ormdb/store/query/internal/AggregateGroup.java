package io.ormdb.store.query.internal;

import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.value.ValueType;
import java.util.List;

/**
 * The aggregates of one level of a graph query over one of its to-many relations: the related rows
 * of all the level's rows are read with one batched lookup (two for many-to-many, edges then
 * targets), like an include's, and each aggregate takes the related rows its filter keeps.
 *
 * @param index position in {@link ResolvedQuery#aggregates()}
 * @param level the index of the level whose rows the aggregates are computed for
 * @param relation the to-many relation from the level's entity
 * @param target the relation's target entity
 * @param aggregates the level's aggregates over this relation
 */
public record AggregateGroup(
    int index, int level, RelationDef relation, EntityDef target, List<Bound> aggregates) {
  public AggregateGroup {
    aggregates = List.copyOf(aggregates);
  }

  /**
   * One aggregate, checked against the schema.
   *
   * @param column its position among the aggregate columns of its level (query order)
   * @param label the column's name
   * @param description {@code label = avg(reviews.rating)}, for messages
   * @param field the target's field, or null for count of rows
   * @param type the field's base type, or null
   * @param filter the bound filter over the target's rows, or null
   */
  public record Bound(
      int column,
      String label,
      String description,
      Function function,
      String field,
      ValueType type,
      Filter filter) {}

  /** The part of the shape that decides planning: which relation of which level. */
  String planShape() {
    return "aggregate " + level + ":" + relation.name();
  }
}
