package io.ormdb.cdc.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.journal.ConsumerOffset;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TS = 1_700_000_000_123_456L; // 2023-11-14T22:13:20.123456Z

  @Test
  void aLineCarriesWhoWhatWhenInAFixedFieldOrder() throws Exception {
    ChangeEvent e =
        new ChangeEvent(
            7,
            42,
            1,
            "Item",
            Value.of(5L),
            ChangeEvent.Op.UPDATE,
            Map.of("id", Value.of(5L), "name", Value.of("a")),
            Map.of("id", Value.of(5L), "name", Value.of("b")),
            List.of("name"),
            3,
            TS);
    String line = AuditJson.lineText(e);
    assertThat(line)
        .isEqualTo(
            "{\"lsn\":7,\"txId\":42,\"index\":1,\"ts\":\"2023-11-14T22:13:20.123456Z\","
                + "\"entity\":\"Item\",\"id\":5,\"op\":\"u\","
                + "\"before\":{\"id\":5,\"name\":\"a\"},\"after\":{\"id\":5,\"name\":\"b\"},"
                + "\"changedFields\":[\"name\"],\"schemaVersion\":3,\"principal\":null}")
        .doesNotContain("\n");
    assertThat(AuditJson.position(line)).contains(new ConsumerOffset(7, 1));
  }

  @Test
  void createsHaveNoBeforeAndDeletesNoAfter() throws Exception {
    JsonNode c =
        JSON.readTree(
            AuditJson.line(
                new ChangeEvent(
                    1,
                    1,
                    0,
                    "Note",
                    Value.of(1L),
                    ChangeEvent.Op.CREATE,
                    Map.of(),
                    Map.of("id", Value.of(1L)),
                    List.of("id"),
                    1,
                    TS)));
    assertThat(c.get("before").isNull()).isTrue();
    assertThat(c.get("after").get("id").asLong()).isEqualTo(1);
    JsonNode d =
        JSON.readTree(
            AuditJson.line(
                new ChangeEvent(
                    2,
                    2,
                    0,
                    "Note",
                    Value.of(1L),
                    ChangeEvent.Op.DELETE,
                    Map.of("id", Value.of(1L)),
                    Map.of(),
                    List.of(),
                    1,
                    TS)));
    assertThat(d.get("after").isNull()).isTrue();
    assertThat(d.get("before").get("id").asLong()).isEqualTo(1);
    assertThat(d.get("op").asText()).isEqualTo("d");
  }

  @Test
  void valuesAreRenderedFaithfully() throws Exception {
    UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    Map<String, Value> row = new LinkedHashMap<>();
    row.put("n", Value.NULL);
    row.put("b", Value.TRUE);
    row.put("i32", new Value.Int32(-7));
    row.put("i64", new Value.Int64(Long.MAX_VALUE));
    row.put("f32", new Value.Float32(1.5f));
    row.put("f64", new Value.Float64(0.1));
    row.put("nan", new Value.Float64(Double.NaN));
    row.put("dec", new Value.Decimal(new BigDecimal("12345678901234567890.1234567890")));
    row.put("s", new Value.Str("line\nbreak \"quoted\" é"));
    row.put("bytes", new Value.Bytes(new byte[] {0, 1, 2, (byte) 255}));
    row.put("ts", Value.Timestamp.of(Instant.parse("2024-02-29T12:34:56.000789Z")));
    row.put("date", Value.Date.of(LocalDate.of(1969, 12, 31)));
    row.put("uuid", Value.Uuid.of(uuid));
    row.put("enum", new Value.Enum("GOLD"));
    row.put("json", new Value.Json("{\n  \"a\": [1, 2.50, 123456789012345678901234567890.5]\n}"));
    row.put("arr", new Value.Array(ValueType.INT32, List.of(new Value.Int32(1), Value.NULL)));
    byte[] line =
        AuditJson.line(
            new ChangeEvent(
                9,
                9,
                0,
                "All",
                Value.Uuid.of(uuid),
                ChangeEvent.Op.CREATE,
                Map.of(),
                row,
                List.copyOf(row.keySet()),
                1,
                TS));
    String text = new String(line, java.nio.charset.StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("\n");
    JsonNode after = JSON.readTree(line).get("after");
    assertThat(JSON.readTree(line).get("id").asText()).isEqualTo(uuid.toString());
    assertThat(after.get("n").isNull()).isTrue();
    assertThat(after.get("b").asBoolean()).isTrue();
    assertThat(after.get("i32").asInt()).isEqualTo(-7);
    assertThat(after.get("i64").asLong()).isEqualTo(Long.MAX_VALUE);
    assertThat(after.get("f32").asDouble()).isEqualTo(1.5);
    assertThat(after.get("f64").asDouble()).isEqualTo(0.1);
    assertThat(after.get("nan").asText()).isEqualTo("NaN");
    assertThat(after.get("dec").asText()).isEqualTo("12345678901234567890.1234567890");
    assertThat(after.get("s").asText()).isEqualTo("line\nbreak \"quoted\" é");
    assertThat(after.get("bytes").asText()).isEqualTo("AAEC/w==");
    assertThat(after.get("ts").asText()).isEqualTo("2024-02-29T12:34:56.000789Z");
    assertThat(after.get("date").asText()).isEqualTo("1969-12-31");
    assertThat(after.get("uuid").asText()).isEqualTo(uuid.toString());
    assertThat(after.get("enum").asText()).isEqualTo("GOLD");
    assertThat(text).contains("\"json\":{\"a\":[1,2.50,123456789012345678901234567890.5]}");
    assertThat(text).contains("\"arr\":[1,null]");
    // fields of a row are sorted by name
    assertThat(text.indexOf("\"arr\"")).isLessThan(text.indexOf("\"b\""));
  }

  @Test
  void tornOrForeignTextHasNoPosition() {
    assertThat(AuditJson.position("{\"lsn\":3,\"txId\":1,\"ind")).isEmpty();
    assertThat(AuditJson.position("")).isEmpty();
    assertThat(AuditJson.position("\u0000\u0000")).isEmpty();
    assertThat(AuditJson.position("[1,2]")).isEmpty();
    assertThat(AuditJson.position("{\"lsn\":3,\"index\":0}")).contains(new ConsumerOffset(3, 0));
  }
}
