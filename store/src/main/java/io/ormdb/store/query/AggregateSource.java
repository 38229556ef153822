package io.ormdb.store.query;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.store.view.ReadView;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where an aggregate gets its input: the values of some columns for every live row of an entity
 * that matches a filter, delivered in {@link ColumnBatch}es. The default reads rows through the
 * view (using an index when the filter allows); a columnar segment store can implement this
 * interface to feed the same aggregate executor from column segments without touching rows.
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
}
