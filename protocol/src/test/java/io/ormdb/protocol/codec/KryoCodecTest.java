package io.ormdb.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.schema.PolicyDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KryoCodecTest {
  private final KryoCodec codec = new KryoCodec();

  @Test
  void decodesToTheRequestedTypeOnly() {
    byte[] bytes = codec.toBytes(new Value.Str("x"));

    assertThat(codec.fromBytes(bytes, Value.class)).isEqualTo(new Value.Str("x"));
    assertThatThrownBy(() -> codec.fromBytes(bytes, SchemaBundle.class))
        .isInstanceOf(OrmDbException.class)
        .hasMessage(
            "cannot decode SchemaBundle from 3 bytes: the bytes hold Value.Str, not SchemaBundle");
  }

  @Test
  void refusesTrailingAndMissingBytes() {
    byte[] bytes = codec.toBytes(new Value.Int64(5));
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 2);
    byte[] shorter = Arrays.copyOf(bytes, bytes.length - 1);

    assertThatThrownBy(() -> codec.fromBytes(longer, Value.class))
        .hasMessage("cannot decode Value from 4 bytes: 2 bytes left over after the Value.Int64");
    assertThatThrownBy(() -> codec.fromBytes(shorter, Value.class))
        .hasMessage(
            "cannot decode Value from 1 byte: the bytes end before the value does"
                + " (at Value.Int64.value)");
  }

  @Test
  void decodedCollectionsAreImmutable() {
    ChangeSet set = new ChangeSet(1, 2, 3, 4, List.of());
    Filter.In in = new Filter.In("f", List.of(new Value.Int32(1)), false);

    Filter.In back = codec.fromBytes(codec.toBytes(in), Filter.In.class);
    assertThat(back).isEqualTo(in);
    assertThatThrownBy(() -> back.values().add(Value.NULL))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(codec.fromBytes(codec.toBytes(set), ChangeSet.class).events()).isEmpty();
  }

  @Test
  void equalMapsAndSetsEncodeToEqualBytesWhateverTheirIterationOrder() {
    Map<String, Value> a = Map.of("a", Value.TRUE, "b", Value.FALSE, "c", Value.NULL);
    Map<String, Value> b = new java.util.LinkedHashMap<>();
    b.put("c", Value.NULL);
    b.put("b", Value.FALSE);
    b.put("a", Value.TRUE);
    var insertA = new io.ormdb.protocol.mutation.Mutation.Insert("E", a);
    var insertB = new io.ormdb.protocol.mutation.Mutation.Insert("E", b);
    Set<PolicyDef.Operation> ops =
        EnumSet.of(PolicyDef.Operation.DELETE, PolicyDef.Operation.SELECT);
    var p1 = new PolicyDef("p", "E", PolicyDef.Kind.PERMISSIVE, ops, new Filter.Const(true), null);
    var p2 =
        new PolicyDef(
            "p",
            "E",
            PolicyDef.Kind.PERMISSIVE,
            Set.of(PolicyDef.Operation.SELECT, PolicyDef.Operation.DELETE),
            new Filter.Const(true),
            null);

    assertThat(codec.toBytes(insertA)).isEqualTo(codec.toBytes(insertB));
    assertThat(codec.toBytes(p1)).isEqualTo(codec.toBytes(p2));
  }

  @Test
  void nestingIsLimitedWhenEncodingAndWhenDecoding() {
    Filter deep = nestedNot(150);
    KryoCodec lenient = new KryoCodec(1_000);

    assertThatThrownBy(() -> codec.toBytes(deep))
        .isInstanceOf(OrmDbException.class)
        .hasMessage("cannot encode Filter.Not: records nested more than 100 levels deep");
    byte[] bytes = lenient.toBytes(deep);
    assertThat(lenient.fromBytes(bytes, Filter.class)).isEqualTo(deep);
    assertThatThrownBy(() -> codec.fromBytes(bytes, Filter.class))
        .isInstanceOf(OrmDbException.class)
        .hasMessageStartingWith(
            "cannot decode Filter from "
                + bytes.length
                + " bytes: records nested more than 100"
                + " levels deep (at Filter.Not.operand.operand.operand.operand.operand...");
    assertThat(codec.fromBytes(codec.toBytes(nestedNot(99)), Filter.class))
        .isEqualTo(nestedNot(99));
  }

  /** Depth far beyond the stack: refused by the limit, never a StackOverflowError. */
  @Test
  void veryDeepNestingIsRefusedWithoutExhaustingTheStack() {
    byte[] notId = {(byte) (186 + 2 | 0x80), (byte) ((186 + 2) >>> 7)};
    byte[] bytes = new byte[2 * 200_000 + 2];
    for (int i = 0; i < 200_000; i++) {
      bytes[2 * i] = notId[0];
      bytes[2 * i + 1] = notId[1];
    }
    bytes[bytes.length - 2] = (byte) (188 + 2 | 0x80); // Filter.Const
    bytes[bytes.length - 1] = (byte) ((188 + 2) >>> 7);

    assertThatThrownBy(() -> codec.fromBytes(bytes, Filter.class))
        .isInstanceOf(OrmDbException.class)
        .hasMessageContaining("records nested more than 100 levels deep");
  }

  @Test
  void stringsKeepEveryCodeUnitAndRefuseInvalidBytes() {
    String tricky = "a\u0000é\u07FF\u0800日\uD83D\uDE00\uD800\uDFFF\uDC00 lone\uD800";
    assertThat(codec.fromBytes(codec.toBytes(new Value.Str(tricky)), Value.class))
        .isEqualTo(new Value.Str(tricky));

    byte[] good = codec.toBytes(new Value.Str("é"));
    assertThat(good).endsWith(0xC3 - 256, 0xA9 - 256); // plain UTF-8 for the BMP
    byte[] overlong = good.clone();
    overlong[overlong.length - 2] = (byte) 0xC0;
    overlong[overlong.length - 1] = (byte) 0x80;
    assertThatThrownBy(() -> codec.fromBytes(overlong, Value.class))
        .hasMessage(
            "cannot decode Value from 4 bytes: string has an invalid lead byte 0xC0 at offset 0"
                + " (at Value.Str.value)");
  }

  @Test
  void lengthsThatExceedTheBytesLeftAreRefusedBeforeAllocating() {
    // Value.Str (id 107, written 109) whose length varint says 2^31 - 2 bytes.
    byte[] bytes = {109, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
    // Filter.And (id 184, written 186 as a two-byte varint) whose list claims 2^31 - 2 elements.
    byte[] hugeList = {(byte) 0xBA, 0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};

    assertThatThrownBy(() -> codec.fromBytes(bytes, Value.class))
        .hasMessageContaining("string length")
        .hasMessageContaining("exceeds the 0 bytes left in the body");
    assertThatThrownBy(() -> codec.fromBytes(hugeList, Filter.class))
        .hasMessageContaining("a list of ")
        .hasMessageContaining("elements cannot fit in the 0 bytes left in the body")
        .hasMessageEndingWith("(at Filter.And.operands)");
  }

  @Test
  void modelValidationRunsOnDecodeAndNamesThePlace() {
    byte[] bytes = codec.toBytes(new Pagination(5, 0, null));
    assertThat(bytes[2]).isEqualTo((byte) 10); // zig-zag 5
    bytes[2] = 1; // zig-zag -1

    assertThatThrownBy(() -> codec.fromBytes(bytes, Pagination.class))
        .isInstanceOf(OrmDbException.class)
        .hasMessage(
            "cannot decode Pagination from 5 bytes: Pagination refused its fields:"
                + " limit must be >= 0, got -1");
  }

  @Test
  void decimalsOutsideTheWireRangeAreRefused() {
    BigDecimal ok = new BigDecimal(BigInteger.TEN.pow(2_000), -10_000);
    BigDecimal hugeScale = BigDecimal.ONE.scaleByPowerOfTen(-20_000);

    assertThat(codec.fromBytes(codec.toBytes(new Value.Decimal(ok)), Value.class))
        .isEqualTo(new Value.Decimal(ok));
    assertThatThrownBy(() -> codec.toBytes(new Value.Decimal(hugeScale)))
        .isInstanceOf(OrmDbException.class)
        .hasMessage(
            "decimal out of range for the wire: 1 unscaled bytes (max 1024), scale 20000 (max"
                + " ±10000)");
  }

  @Test
  void isSafeToShareBetweenThreads() {
    List<Value> values =
        IntStream.range(0, 2_000).mapToObj(i -> (Value) new Value.Str("v" + i)).toList();

    List<Value> decoded =
        values.parallelStream().map(v -> codec.fromBytes(codec.toBytes(v), Value.class)).toList();

    assertThat(decoded).isEqualTo(values);
  }

  @Test
  void decodeErrorsAreInvalidRequests() {
    assertThatThrownBy(() -> codec.fromBytes(new byte[0], Value.class))
        .isInstanceOf(OrmDbException.class)
        .extracting(e -> ((OrmDbException) e).code())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  private static Filter nestedNot(int depth) {
    Filter f = new Filter.Const(true);
    for (int i = 1; i < depth; i++) {
      f = new Filter.Not(f);
    }
    return f;
  }
}
