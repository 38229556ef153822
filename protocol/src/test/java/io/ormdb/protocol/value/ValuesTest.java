package io.ormdb.protocol.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void wrapsAndUnwrapsPlainJavaObjects() {
    UUID u = UUID.randomUUID();
    Instant now = Instant.parse("2024-02-29T12:34:56.123456Z");
    List<Object> plain =
        List.of(
            true,
            7,
            7L,
            1.5f,
            2.5,
            new BigDecimal("12.50"),
            "s",
            u,
            now,
            LocalDate.of(2024, 2, 29));
    for (Object o : plain) {
      assertThat(Values.toJava(Values.of(o))).isEqualTo(o);
    }
    assertThat(Values.of(null)).isSameAs(Value.NULL);
    assertThat(Values.of(List.of(1, 2)))
        .isEqualTo(new Value.Array(ValueType.INT32, List.of(Value.of(1), Value.of(2))));
    assertThat(((Value.Timestamp) Values.of(now)).micros()).isEqualTo(1709210096123456L);
  }

  @Test
  void nullSortsFirstAndNumbersCompareAcrossTypes() {
    assertThat(Values.compare(Value.NULL, Value.of(Integer.MIN_VALUE))).isNegative();
    assertThat(Values.compare(Value.of(3), Value.of(3L))).isZero();
    assertThat(Values.compare(Value.of(3), Value.of(3.5))).isNegative();
    assertThat(Values.compare(Value.of(new BigDecimal("3.50")), Value.of(3.5))).isZero();
    assertThat(Values.compare(Value.of(Long.MAX_VALUE), Value.of(9.223372036854775807E18)))
        .isNegative();
    assertThat(Values.compare(Value.of(Double.NaN), Value.of(new BigDecimal("1")))).isPositive();
    assertThat(
            Values.compare(
                new Value.Bytes(new byte[] {(byte) 0xff}), new Value.Bytes(new byte[] {1})))
        .isPositive();
  }

  @Property
  void longOrderIsPreserved(@ForAll long a, @ForAll long b) {
    assertThat(Integer.signum(Values.compare(Value.of(a), Value.of(b))))
        .isEqualTo(Integer.signum(Long.compare(a, b)));
    assertThat(Integer.signum(Values.compare(Value.of(a), Value.of(new BigDecimal(b)))))
        .isEqualTo(Integer.signum(Long.compare(a, b)));
  }

  /** Text around the places where UTF-16 and code point order disagree, surrogates unpaired too. */
  @Provide
  Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.strings()
            .withChars('a', 'Z', '\ud7ff', '\ud800', '\ud83d', '\udbff', '\udc00', '\ude00')
            .withChars('\udfff', '\ue000', '\uf8ff', '\uffff')
            .ofMaxLength(6),
        Arbitraries.strings().ofMaxLength(6));
  }

  @Property(tries = 3000)
  void textComparesByCodePoint(@ForAll("text") String a, @ForAll("text") String b) {
    int byCodePoint =
        Integer.signum(Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray()));
    assertThat(Integer.signum(Values.compare(Value.of(a), Value.of(b)))).isEqualTo(byCodePoint);
    assertThat(Integer.signum(Values.compare(new Value.Enum(a), Value.of(b))))
        .isEqualTo(byCodePoint);
    assertThat(Integer.signum(Values.compare(new Value.Json(a), new Value.Json(b))))
        .isEqualTo(byCodePoint);
  }

  @Test
  void supplementaryCharactersSortAfterTheLastBmpCharacters() {
    Value emoji = Value.of("\ud83d\ude00"); // U+1F600
    for (String bmp : List.of("\ue000", "\uf8ff", "\ufffd", "\uffff")) {
      assertThat(bmp.compareTo(emoji.asString())).as("UTF-16 order").isPositive();
      assertThat(Values.compare(Value.of(bmp), emoji)).as("code point order").isNegative();
    }
    assertThat(Values.compare(Value.of("Z"), Value.of("a"))).isNegative();
  }

  @Test
  void convertsLosslesslyOrFailsNamingBothTypes() {
    assertThat(Values.convert(Value.of(5L), ValueType.INT32)).isEqualTo(new Value.Int32(5));
    assertThat(Values.convert(Value.of("2024-01-02"), ValueType.DATE))
        .isEqualTo(Value.Date.of(LocalDate.of(2024, 1, 2)));
    assertThat(Values.convert(Value.of("00000000-0000-0001-0000-000000000002"), ValueType.UUID))
        .isEqualTo(new Value.Uuid(1, 2));
    assertThat(Values.convert(Value.of(2.0), ValueType.INT64)).isEqualTo(new Value.Int64(2));
    assertThat(Values.convert(Value.NULL, ValueType.INT32)).isSameAs(Value.NULL);

    assertThatThrownBy(() -> Values.convert(Value.of(1L << 40), ValueType.INT32))
        .isInstanceOf(OrmDbException.class)
        .hasMessage("cannot convert int64 1099511627776 to int32: out of int32 range")
        .extracting(e -> ((OrmDbException) e).code())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThatThrownBy(() -> Values.convert(Value.of(2.5), ValueType.INT64))
        .hasMessageStartingWith("cannot convert float64 2.5 to int64");
    assertThatThrownBy(() -> Values.convert(Value.of("abc"), ValueType.UUID))
        .hasMessageStartingWith("cannot convert string \"abc\" to uuid");
    assertThatThrownBy(() -> Values.convert(Value.TRUE, ValueType.STRING))
        .hasMessage("cannot convert bool true to string");
    assertThatThrownBy(() -> Values.convert(Value.of(Double.NaN), ValueType.INT64))
        .hasMessageStartingWith("cannot convert float64 NaN to int64");
  }

  @Test
  void numbersConvertToTheNearestFloat32AndOnlyAnOverflowIsRefused() {
    assertThat(Values.convert(Value.of(0.1), ValueType.FLOAT32)).isEqualTo(new Value.Float32(0.1f));
    assertThat(Values.convert(Value.of(new BigDecimal("0.1")), ValueType.FLOAT32))
        .isEqualTo(new Value.Float32(0.1f));
    assertThat(Values.convert(Value.of(16_777_217L), ValueType.FLOAT32))
        .isEqualTo(new Value.Float32(16_777_216f));
    assertThat(Values.convert(Value.of(1e-50), ValueType.FLOAT32)).isEqualTo(new Value.Float32(0f));
    assertThat(Values.convert(Value.of(Double.NEGATIVE_INFINITY), ValueType.FLOAT32))
        .isEqualTo(new Value.Float32(Float.NEGATIVE_INFINITY));
    // a decimal rounds from its exact digits: this one is just above the midpoint between the
    // float32 values 1 and 1 + 2^-23, but a double rounds it to the midpoint itself
    BigDecimal aboveMidpoint = new BigDecimal("1.00000005960464477539062500000000001");
    assertThat(Values.convert(Value.of(aboveMidpoint), ValueType.FLOAT32))
        .isEqualTo(new Value.Float32(Math.nextUp(1f)));

    assertThatThrownBy(() -> Values.convert(Value.of(1e39), ValueType.FLOAT32))
        .hasMessage("cannot convert float64 1.0E39 to float32: out of float32 range");
    assertThatThrownBy(() -> Values.convert(Value.of(new BigDecimal("-1e39")), ValueType.FLOAT32))
        .hasMessage(
            "cannot convert decimal -1000000000000000000000000000000000000000 to float32: out of"
                + " float32 range");
  }

  @Test
  void accessorsNameTheActualType() {
    assertThatThrownBy(() -> Value.of("x").asLong())
        .hasMessage("expected an integer but got string \"x\"");
    assertThatThrownBy(() -> new Value.Array(ValueType.INT32, List.of(Value.of("x"))))
        .hasMessage("array of int32 has element 0 of type string");
  }

  @Test
  void bytesAreCopiedAndComparedByContent() {
    byte[] raw = {1, 2, 3};
    Value.Bytes b = new Value.Bytes(raw);
    raw[0] = 9;
    assertThat(b.value()[0]).isEqualTo((byte) 1);
    assertThat(b)
        .isEqualTo(new Value.Bytes(new byte[] {1, 2, 3}))
        .hasSameHashCodeAs(new Value.Bytes(new byte[] {1, 2, 3}));
  }
}
