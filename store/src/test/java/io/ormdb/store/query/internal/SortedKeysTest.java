package io.ormdb.store.query.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The join-key set behaves as a TreeSet in {@link Values#ORDER} would, for any input order. */
class SortedKeysTest {

  @Property(tries = 2000)
  void agreesWithATreeSet(
      @ForAll("values") List<Value> values, @ForAll("values") List<Value> probes) {
    TreeSet<Value> expected = new TreeSet<>(Values.ORDER);
    values.stream().filter(v -> !v.isNull()).forEach(expected::add);
    SortedKeys keys = SortedKeys.of(values);
    assertThat(new ArrayList<>(keys)).containsExactlyElementsOf(expected);
    assertThat(keys).hasSize(expected.size());
    if (!expected.isEmpty()) {
      assertThat(keys.first()).isEqualTo(expected.first());
      assertThat(keys.last()).isEqualTo(expected.last());
    }
    for (Value p : probes) {
      if (p.isNull()) {
        assertThat(keys.contains(p)).isFalse();
        continue;
      }
      assertThat(keys.contains(p)).as("contains %s", p).isEqualTo(expected.contains(p));
      assertThat(new ArrayList<>(keys.headSet(p))).containsExactlyElementsOf(expected.headSet(p));
      assertThat(new ArrayList<>(keys.tailSet(p))).containsExactlyElementsOf(expected.tailSet(p));
      Value hi = probes.get(probes.size() - 1);
      if (!hi.isNull() && Values.compare(p, hi) <= 0) {
        assertThat(new ArrayList<>(keys.subSet(p, hi)))
            .containsExactlyElementsOf(expected.subSet(p, hi));
      }
    }
  }

  @Provide
  Arbitrary<List<Value>> values() {
    // int32 and int64 of equal value are one key; nulls are dropped; sorted runs are common
    Arbitrary<Value> one =
        Arbitraries.oneOf(
            Arbitraries.longs().between(-20, 20).map(Value::of),
            Arbitraries.integers().between(-20, 20).map(i -> (Value) new Value.Int32(i)),
            Arbitraries.just(Value.NULL));
    return Arbitraries.oneOf(
        one.list().ofMaxSize(30),
        Arbitraries.longs().between(-20, 20).list().ofMaxSize(30).map(l -> sorted(l)));
  }

  private static List<Value> sorted(List<Long> longs) {
    return longs.stream().sorted().map(l -> (Value) Value.of(l)).toList();
  }
}
