package io.ormdb.store.query;

import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.KeyRange;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;

/** Counts the row-reading calls made on a view, per entity. */
final class CountingReadView implements ReadView {
  private final ReadView delegate;
  final Map<String, Integer> calls = new TreeMap<>();

  /** Rows handed out by scans (full, identity-range and index scans). */
  long rowsScanned;

  CountingReadView(ReadView delegate) {
    this.delegate = delegate;
  }

  private void record(String entity) {
    calls.merge(entity, 1, Integer::sum);
  }

  @Override
  public long lsn() {
    return delegate.lsn();
  }

  @Override
  public SchemaBundle schema() {
    return delegate.schema();
  }

  @Override
  public Optional<Row> get(String entity, Value id) {
    record(entity);
    return delegate.get(entity, id);
  }

  @Override
  public List<Row> getAll(String entity, List<Value> ids) {
    record(entity);
    return delegate.getAll(entity, ids);
  }

  @Override
  public Iterator<Row> scan(String entity) {
    record(entity);
    return counted(delegate.scan(entity));
  }

  private Iterator<Row> counted(Iterator<Row> it) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Row next() {
        rowsScanned++;
        return it.next();
      }
    };
  }

  @Override
  public Iterator<Row> indexScanIn(String entity, String index, SortedSet<Value> keys) {
    record(entity);
    return counted(delegate.indexScanIn(entity, index, keys));
  }

  @Override
  public Iterator<Row> scan(
      String entity, KeyRange.Bound lower, KeyRange.Bound upper, boolean descending) {
    record(entity);
    return counted(delegate.scan(entity, lower, upper, descending));
  }

  @Override
  public List<IndexDef> indexes(String entity) {
    return delegate.indexes(entity);
  }

  @Override
  public Iterator<Row> indexScan(String entity, String index, KeyRange range, boolean descending) {
    record(entity);
    return counted(delegate.indexScan(entity, index, range, descending));
  }

  @Override
  public long count(String entity) {
    return delegate.count(entity);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
