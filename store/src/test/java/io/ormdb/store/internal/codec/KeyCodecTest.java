package io.ormdb.store.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.value.Values;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

class KeyCodecTest {

  @Provide
  Arbitrary<Tuple.Tuple2<Value, Value>> sameTypedPairs() {
    return Arbitraries.oneOf(
        pair(Arbitraries.integers().map(Value.Int32::new)),
        pair(Arbitraries.longs().map(Value.Int64::new)),
        pair(
            Arbitraries.oneOf(
                    Arbitraries.doubles(),
                    Arbitraries.of(
                        0.0, -0.0, Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY))
                .map(Value.Float64::new)),
        pair(Arbitraries.floats().map(Value.Float32::new)),
        pair(
            Arbitraries.bigDecimals()
                .ofScale(4)
                .between(new BigDecimal("-1e12"), new BigDecimal("1e12"))
                .map(Value.Decimal::new)),
        pair(strings().map(Value.Str::new)),
        pair(strings().map(Value.Enum::new)),
        pair(Arbitraries.bytes().array(byte[].class).ofMaxSize(8).map(Value.Bytes::new)),
        pair(Arbitraries.longs().map(Value.Timestamp::new)),
        pair(Arbitraries.integers().map(Value.Date::new)),
        pair(Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(Value.Uuid::new)),
        pair(Arbitraries.of(true, false).map(b -> b ? Value.TRUE : Value.FALSE)),
        pair(
            Arbitraries.integers()
                .between(-3, 3)
                .map(i -> (Value) new Value.Int32(i))
                .list()
                .ofMaxSize(3)
                .map(l -> new Value.Array(ValueType.INT32, l))));
  }

  private static Arbitrary<String> strings() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(6),
        Arbitraries.strings()
            .withChars('\u0000', '\u007e', '\u007f', '\u407e', '\u407f', '\uffff')
            .ofMaxLength(4),
        // surrogates, paired and unpaired, and the characters UTF-16 orders above them
        Arbitraries.strings()
            .withChars('a', '\ud7ff', '\ud800', '\ud83d', '\udbff', '\udc00', '\ude00', '\udfff')
            .withChars('\ue000', '\uffff')
            .ofMaxLength(5),
        Arbitraries.strings().all().ofMaxLength(4));
  }

  private static <T extends Value> Arbitrary<Tuple.Tuple2<Value, Value>> pair(Arbitrary<T> a) {
    Arbitrary<Value> v = a.map(x -> (Value) x).injectNull(0.1).map(x -> x == null ? Value.NULL : x);
    return Combinators.combine(v, v).as(Tuple::of);
  }

  @Property(tries = 3000)
  void encodingOrderEqualsValueOrder(@ForAll("sameTypedPairs") Tuple.Tuple2<Value, Value> p) {
    int byValue = Integer.signum(Values.compare(p.get1(), p.get2()));
    int byKey =
        Integer.signum(
            Arrays.compareUnsigned(KeyCodec.encode(p.get1()), KeyCodec.encode(p.get2())));
    assertThat(byKey).as("%s vs %s", p.get1(), p.get2()).isEqualTo(byValue);
  }

  @Property(tries = 3000)
  void roundTripsAndSelfDelimits(@ForAll("sameTypedPairs") Tuple.Tuple2<Value, Value> p) {
    byte[] both = KeyCodec.encodeAll(List.of(p.get1(), p.get2()));
    Buf.In in = new Buf.In(both);
    Value a = KeyCodec.decode(in);
    Value b = KeyCodec.decode(in);
    assertThat(in.hasMore()).isFalse();
    assertThat(Values.compare(a, p.get1())).isZero();
    assertThat(Values.compare(b, p.get2())).isZero();
    assertThat(a.type()).isEqualTo(p.get1().type());
    if (!(p.get1() instanceof Value.Decimal)
        && !(p.get1() instanceof Value.Float64)
        && !(p.get1() instanceof Value.Float32)) {
      assertThat(a).isEqualTo(p.get1());
    }
  }

  @Test
  void prefixOfAStringSortsBeforeTheString() {
    byte[] ab = KeyCodec.encode(new Value.Str("ab"));
    byte[] abc = KeyCodec.encode(new Value.Str("abc"));
    byte[] nul = KeyCodec.encode(Value.NULL);
    assertThat(Arrays.compareUnsigned(ab, abc)).isNegative();
    assertThat(Arrays.compareUnsigned(nul, ab)).isNegative();
    assertThat(KeyCodec.skip(ByteKeys.concat(ab, abc), 0)).isEqualTo(ab.length);
  }
}
