package io.ormdb.protocol.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.codec.ModelArbitraries;
import io.ormdb.protocol.lang.ParseException;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.result.Column;
import io.ormdb.protocol.result.EdgeBlock;
import io.ormdb.protocol.result.EntityBlock;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.SchemaBundle;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@code Value.toString()} is the literal the query language reads, and {@code 0xcafe} is the one
 * literal of bytes: read, written, printed.
 */
class ValueLiteralTest {
  private static final byte[] CAFE = {(byte) 0xca, (byte) 0xfe};

  @Test
  void everyTypePrintsAsItsLiteral() {
    assertThat(Value.NULL).hasToString("null");
    assertThat(Value.TRUE).hasToString("true");
    assertThat(new Value.Int32(-7)).hasToString("-7");
    assertThat(new Value.Int64(1010)).hasToString("1010");
    assertThat(new Value.Float32(0.1f)).hasToString("0.1");
    assertThat(new Value.Float64(2.5e-10)).hasToString("2.5E-10");
    assertThat(new Value.Float64(Double.NaN)).hasToString("NaN");
    assertThat(new Value.Float32(Float.NEGATIVE_INFINITY)).hasToString("-Infinity");
    assertThat(new Value.Decimal(new BigDecimal("12.50"))).hasToString("12.50m");
    assertThat(new Value.Str("say \"hi\"\n\\ \u0001"))
        .hasToString("\"say \\\"hi\\\"\\n\\\\ \\u0001\"");
    assertThat(new Value.Bytes(CAFE)).hasToString("0xcafe");
    assertThat(new Value.Bytes(new byte[0])).hasToString("0x");
    assertThat(Value.Timestamp.of(Instant.parse("2024-01-02T03:04:05Z")))
        .hasToString("\"2024-01-02T03:04:05Z\"");
    assertThat(Value.Date.of(LocalDate.of(2024, 2, 29))).hasToString("\"2024-02-29\"");
    assertThat(Value.Uuid.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000")))
        .hasToString("\"123e4567-e89b-12d3-a456-426614174000\"");
    assertThat(new Value.Enum("reader")).hasToString("\"reader\"");
    assertThat(new Value.Json("{\"a\": [1]}")).hasToString("\"{\\\"a\\\": [1]}\"");
    assertThat(Value.of(List.of(1, 2))).hasToString("[1, 2]");
    assertThat(new Value.Array(ValueType.BYTES, List.of(new Value.Bytes(CAFE), Value.NULL)))
        .hasToString("[0xcafe, null]");
    String longText = "x".repeat(100);
    assertThat(new Value.Str(longText)).hasToString('"' + longText + '"'); // not cut, unlike render
  }

  @Test
  void changeEventsChangeSetsAndResultsPrintLiterals() {
    Value id = new Value.Uuid(1, 2);
    ChangeEvent e =
        new ChangeEvent(
            7,
            7,
            0,
            "Note",
            id,
            ChangeEvent.Op.CREATE,
            Map.of(),
            Map.of("id", id, "n", new Value.Int64(1010), "raw", new Value.Bytes(CAFE)),
            List.of("id", "n", "raw"),
            1,
            0);
    assertThat(e.toString())
        .contains("id=\"00000000-0000-0001-0000-000000000002\"", "n=1010", "raw=0xcafe")
        .doesNotContain("Int64[", "Uuid[", "Bytes[");
    assertThat(new ChangeSet(7, 7, 1, 0, List.of(e)).toString()).contains("n=1010", "raw=0xcafe");

    QueryResult r =
        new QueryResult(
            List.of(
                new EntityBlock(
                    "",
                    "Note",
                    List.of(new Value.Int64(1010)),
                    List.of(1L),
                    List.of(new Column("text", List.of(new Value.Str("hi")))))),
            List.of(
                new EdgeBlock(
                    "tags",
                    true,
                    List.of(new EdgeBlock.Edge(new Value.Int64(1010), new Value.Int32(3))),
                    List.of())),
            false,
            null,
            7);
    assertThat(r.toString())
        .contains("ids=[1010]", "values=[\"hi\"]", "from=1010, to=3")
        .doesNotContain("Int64[", "Str[");
  }

  @Test
  void bytesAreWrittenAsHexAfter0x() {
    Statement.Write w =
        (Statement.Write)
            QueryParser.parse("Blob.create({ data: 0xCAFE, parts: [0x00, 0x, null] })");
    Map<String, Value> data = ((Mutation.Insert) w.batch().mutations().get(0)).data();
    assertThat(data.get("data")).isEqualTo(new Value.Bytes(CAFE));
    assertThat(data.get("parts"))
        .isEqualTo(
            new Value.Array(
                ValueType.BYTES,
                List.of(new Value.Bytes(new byte[1]), new Value.Bytes(new byte[0]), Value.NULL)));
    assertThat(QueryParser.parseFilter("data == 0xcafe || data in [0xcafe, 0x01]"))
        .isEqualTo(
            Filter.or(
                Filter.eq("data", CAFE),
                new Filter.In(
                    "data",
                    List.of(new Value.Bytes(CAFE), new Value.Bytes(new byte[] {1})),
                    false)));

    assertThatThrownBy(() -> QueryParser.parseFilter("data == 0xcaf"))
        .isInstanceOf(ParseException.class)
        .hasMessage("line 1:9: bytes '0xcaf' need an even number of hex digits");
    assertThatThrownBy(() -> QueryParser.parseFilter("data == 0xcafg"))
        .isInstanceOf(ParseException.class)
        .hasMessage("line 1:9: invalid bytes '0xcafg': write 0x and hex digits, 0xcafe");
  }

  @Test
  void aBytesDefaultIsWrittenTheSameWayAndTheOlderStringsStillParse() {
    SchemaBundle s =
        SchemaParser.parse(
            """
            entity Blob {
              id int64 @id
              a  bytes @default(0xcafe)
              b  bytes @default("cafe")
              c  bytes @default("0xCAFE")
              d  bytes[] @default([0xca, 0xfe])
            }
            """);
    DefaultValue cafe = new DefaultValue.Literal(new Value.Bytes(CAFE));
    assertThat(s.entity("Blob").orElseThrow().field("a").orElseThrow().defaultValue())
        .isEqualTo(cafe);
    assertThat(s.entity("Blob").orElseThrow().field("b").orElseThrow().defaultValue())
        .isEqualTo(cafe);
    assertThat(s.entity("Blob").orElseThrow().field("c").orElseThrow().defaultValue())
        .isEqualTo(cafe);
    assertThat(s.entity("Blob").orElseThrow().field("d").orElseThrow().defaultValue())
        .isEqualTo(
            new DefaultValue.Literal(
                new Value.Array(
                    ValueType.BYTES,
                    List.of(
                        new Value.Bytes(new byte[] {(byte) 0xca}),
                        new Value.Bytes(new byte[] {(byte) 0xfe})))));
    assertThatThrownBy(
            () ->
                SchemaParser.parse("entity Blob {\n  id int64 @id\n  n int32 @default(0xcafe)\n}"))
        .isInstanceOf(ParseException.class)
        .hasMessage("line 3:20: default 0xcafe is not a valid int32");
  }

  @Provide
  Arbitrary<Value> values() {
    return ModelArbitraries.values();
  }

  /** What the engine does with a literal written for a field of {@code type}. */
  private static Value asFieldType(Value parsed, Value original) {
    if (original instanceof Value.Array a) {
      List<Value> out = new ArrayList<>();
      for (Value e : ((Value.Array) parsed).elements()) {
        out.add(Values.convert(e, a.elementType()));
      }
      return new Value.Array(a.elementType(), out);
    }
    return Values.convert(parsed, original.type());
  }

  @Property(tries = 2000)
  void theQueryLanguageReadsEveryValuesToStringBack(@ForAll("values") Value v) {
    Statement.Write w = (Statement.Write) QueryParser.parse("M.create({ f: " + v + " })");
    Value parsed = ((Mutation.Insert) w.batch().mutations().get(0)).data().get("f");
    Value back = asFieldType(parsed, v);
    if (v instanceof Value.Decimal d) {
      // the literal keeps the digits; a negative scale (1E+3) comes back as scale 0 (1000)
      assertThat(back.asDecimal()).isEqualByComparingTo(d.value());
      if (d.value().scale() >= 0) {
        assertThat(back).isEqualTo(v);
      }
    } else if (v instanceof Value.Array a && a.elementType() == ValueType.DECIMAL) {
      assertThat(Values.compare(back, v)).isZero();
    } else {
      assertThat(back).isEqualTo(v);
    }
  }
}
