package io.ormdb.store.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The write-path shortcuts of the codecs give the bytes and bounds of the plain encodings. */
class BufTest {
  /** A varint byte length, then the UTF-8 bytes: what putString wrote before its ASCII shortcut. */
  private static byte[] utf8Encoding(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return new Buf().putVarInt(b.length).put(b).toBytes();
  }

  @Property(tries = 500)
  void putStringWritesTheVarintLengthAndUtf8Bytes(@ForAll String s) {
    assertThat(new Buf(1).put(7).putString(s).toBytes())
        .isEqualTo(new Buf(1).put(7).put(utf8Encoding(s)).toBytes());
  }

  @Test
  void putStringAtTheEdgesOfItsAsciiShortcut() {
    for (String s :
        List.of(
            "",
            "a",
            "x".repeat(127),
            "x".repeat(128),
            "x".repeat(126) + "é",
            "é" + "x".repeat(10),
            "ab\u007f",
            "emoji \uD83D\uDE00",
            "\u0080")) {
      Buf b = new Buf(1);
      b.putString(s).putString(s);
      assertThat(b.toBytes())
          .as(s)
          .isEqualTo(new Buf().put(utf8Encoding(s)).put(utf8Encoding(s)).toBytes());
      Buf.In in = new Buf.In(b.toBytes());
      assertThat(in.getString()).isEqualTo(s);
      assertThat(in.getString()).isEqualTo(s);
    }
  }

  @Test
  void sizeAtMostIsNeverBelowTheEncodedSize() {
    List<Value> values =
        List.of(
            Value.NULL,
            Value.TRUE,
            new Value.Int32(Integer.MIN_VALUE),
            new Value.Int64(Long.MIN_VALUE),
            new Value.Int64(Long.MAX_VALUE),
            new Value.Float32(1.5f),
            new Value.Float64(-0.0),
            new Value.Decimal(new BigDecimal("-12345678901234567890.340")),
            new Value.Str(""),
            new Value.Str("héllo"),
            new Value.Str("\uD83D\uDE00".repeat(300)),
            new Value.Str("\u20ac".repeat(50_000)),
            new Value.Bytes(new byte[300]),
            new Value.Timestamp(Long.MIN_VALUE),
            new Value.Date(Integer.MIN_VALUE),
            Value.Uuid.random(),
            new Value.Enum("admin"),
            new Value.Json("{\"a\":\"\u00e9\"}"),
            new Value.Array(ValueType.STRING, List.of(new Value.Str("x"), Value.NULL)));
    for (Value v : values) {
      assertThat(ValueCodec.sizeAtMost(v))
          .as(v.type().name())
          .isGreaterThanOrEqualTo(ValueCodec.size(v));
    }
  }

  @Property(tries = 300)
  void sizeAtMostBoundsEveryString(@ForAll String s) {
    Value v = new Value.Str(s);
    assertThat(ValueCodec.sizeAtMost(v)).isGreaterThanOrEqualTo(ValueCodec.size(v));
  }

  @Test
  void aScratchBufferStartsEmptyAndALargeOneIsNotKept() {
    Buf a = Buf.scratch();
    a.put(1).put(2);
    assertThat(a.toBytes()).containsExactly(1, 2);
    Buf again = Buf.scratch();
    assertThat(again).isSameAs(a);
    assertThat(again.toBytes()).isEmpty();
    again.put(new byte[200_000]);
    Buf fresh = Buf.scratch();
    assertThat(fresh).as("a buffer grown past 64 KiB is dropped").isNotSameAs(again);
    assertThat(fresh.toBytes()).isEmpty();
    // encodings that use it give what a fresh buffer gives
    byte[] key = KeyCodec.encode(new Value.Str("k".repeat(1000)));
    Buf plain = new Buf();
    KeyCodec.encode(new Value.Str("k".repeat(1000)), plain);
    assertThat(key).isEqualTo(plain.toBytes());
  }
}
