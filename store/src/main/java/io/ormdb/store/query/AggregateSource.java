package io.ormdb.store.query;

import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.store.view.ReadView;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where an aggregate gets its input: the values of some columns for every live row of an entity
 * that matches a filter, delivered in {@link ColumnBatch}es. The default reads rows through the
 * view (using an index when the filter allows); a columnar segment store can implement this
 * interface to feed the same aggregate executor from column segments without touching rows, or
 * answer a whole aggregate itself through {@link #tryAggregate}.
 */
public interface AggregateSource {

  /**
   * Feeds {@code sink} with batches holding {@code columns} (in that order) of every row of {@code
   * entity} visible in {@code view} for which the bound {@code filter} is true (null = all rows).
   */
  void scan(
      ReadView view,
      EntityDef entity,
      Filter filter,
      List<String> columns,
      Consumer<ColumnBatch> sink);

  /**
   * Answers the whole aggregate {@code q} over {@code view} from a faster representation, or
   * returns empty to have the executor {@link #scan} rows instead. Called after the query was
   * validated against {@code entity} and its filter bound (session attributes substituted; null =
   * all rows). A result must be identical to what the row scan would give at the same view: same
   * values and types, same groups in the same order, same errors. The default answers nothing.
   */
  default Optional<AggregateResult> tryAggregate(
      ReadView view, EntityDef entity, AggregateQuery q, Filter boundFilter) {
    return Optional.empty();
  }

  /**
   * How explain names the path of {@link #tryAggregate} (e.g. {@code columnar}), or null when this
   * source never answers a whole aggregate (the default).
   */
  default String wholeAggregateAccess() {
    return null;
  }
}
