package io.ormdb.store.query.internal;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SortedSet;

/**
 * The distinct non-null join keys of a batched lookup, in {@link Values#ORDER}: an immutable sorted
 * set over a sorted list. Built by one sort — linear when the keys arrive in order, as keys of
 * parents read in key order and key lists sent by an executor do — instead of a tree insert per
 * key.
 */
public final class SortedKeys extends AbstractSet<Value> implements SortedSet<Value> {
  private final List<Value> keys;

  private SortedKeys(List<Value> keys) {
    this.keys = keys;
  }

  /** The distinct non-null values of {@code values}, sorted. */
  public static SortedKeys of(Collection<Value> values) {
    List<Value> all = new ArrayList<>(values.size());
    for (Value v : values) {
      if (!v.isNull()) {
        all.add(v);
      }
    }
    all.sort(Values.ORDER);
    List<Value> distinct = new ArrayList<>(all.size());
    for (Value v : all) {
      if (distinct.isEmpty() || Values.compare(distinct.get(distinct.size() - 1), v) != 0) {
        distinct.add(v);
      }
    }
    return new SortedKeys(Collections.unmodifiableList(distinct));
  }

  @Override
  public Comparator<? super Value> comparator() {
    return Values.ORDER;
  }

  @Override
  public Iterator<Value> iterator() {
    return keys.iterator();
  }

  @Override
  public int size() {
    return keys.size();
  }

  @Override
  public boolean contains(Object o) {
    return o instanceof Value v
        && !v.isNull()
        && Collections.binarySearch(keys, v, Values.ORDER) >= 0;
  }

  @Override
  public Value first() {
    if (keys.isEmpty()) {
      throw new NoSuchElementException();
    }
    return keys.get(0);
  }

  @Override
  public Value last() {
    if (keys.isEmpty()) {
      throw new NoSuchElementException();
    }
    return keys.get(keys.size() - 1);
  }

  @Override
  public SortedSet<Value> subSet(Value fromInclusive, Value toExclusive) {
    return new SortedKeys(
        keys.subList(
            position(fromInclusive), Math.max(position(fromInclusive), position(toExclusive))));
  }

  @Override
  public SortedSet<Value> headSet(Value toExclusive) {
    return new SortedKeys(keys.subList(0, position(toExclusive)));
  }

  @Override
  public SortedSet<Value> tailSet(Value fromInclusive) {
    return new SortedKeys(keys.subList(position(fromInclusive), keys.size()));
  }

  /** The index of the first key not below {@code v}. */
  private int position(Value v) {
    int i = Collections.binarySearch(keys, v, Values.ORDER);
    return i >= 0 ? i : -i - 1;
  }
}
