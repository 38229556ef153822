package io.ormdb.cdc.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.journal.ConsumerOffset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The audit line format: one JSON object per committed change, without line breaks, fields in this
 * order: {@code lsn}, {@code txId}, {@code index}, {@code ts} (the commit time, ISO-8601 UTC with
 * microseconds), {@code entity}, {@code id}, {@code op} ({@code c}, {@code u}, {@code d}, {@code
 * r}), {@code before} and {@code after} (objects with fields sorted by name; {@code null} for the
 * side a create or delete does not have), {@code changedFields}, {@code schemaVersion}, {@code
 * principal} (who committed: {@code null} until the changelog records principals).
 *
 * <p>Values: null, booleans, 32/64-bit integers and floats as JSON literals (NaN and infinities as
 * strings); decimals as strings of their exact plain digits (every JSON reader keeps them exact and
 * the scale survives); timestamps as ISO-8601 instants; dates as ISO-8601 dates; bytes as base64;
 * uuids and enum variants as strings; JSON values embedded as JSON; arrays as arrays.
 */
public final class AuditJson {
  // JSON values keep their numbers exactly (no detour through double, trailing zeros kept)
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private AuditJson() {}

  /** The line of {@code e}, without the line break, as UTF-8. */
  public static byte[] line(ChangeEvent e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("lsn", e.lsn());
      g.writeNumberField("txId", e.txId());
      g.writeNumberField("index", e.index());
      g.writeStringField("ts", micros(e.commitTsMicros()).toString());
      g.writeStringField("entity", e.entity());
      g.writeFieldName("id");
      value(g, e.id());
      g.writeStringField("op", e.op().code());
      g.writeFieldName("before");
      row(g, e.before(), e.op() == ChangeEvent.Op.CREATE || e.op() == ChangeEvent.Op.READ);
      g.writeFieldName("after");
      row(g, e.after(), e.op() == ChangeEvent.Op.DELETE);
      g.writeArrayFieldStart("changedFields");
      for (String f : e.changedFields()) {
        g.writeString(f);
      }
      g.writeEndArray();
      g.writeNumberField("schemaVersion", e.schemaVersion());
      g.writeNullField("principal");
      g.writeEndObject();
    } catch (IOException x) {
      throw new UncheckedIOException("cannot render the audit line of lsn " + e.lsn(), x);
    }
    return out.toByteArray();
  }

  /** The line of {@code e} as a string (tests, tools). */
  public static String lineText(ChangeEvent e) {
    return new String(line(e), java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * The feed position ({@code lsn}, {@code index}) of a line, or empty when the text is not a
   * complete audit line (a torn or damaged one).
   */
  public static Optional<ConsumerOffset> position(String line) {
    try {
      JsonNode n = MAPPER.readTree(line);
      if (n == null
          || !n.isObject()
          || !n.path("lsn").canConvertToLong()
          || !n.path("index").canConvertToInt()) {
        return Optional.empty();
      }
      return Optional.of(new ConsumerOffset(n.get("lsn").asLong(), n.get("index").asInt()));
    } catch (JsonProcessingException | IllegalArgumentException x) {
      return Optional.empty();
    }
  }

  private static void row(JsonGenerator g, Map<String, Value> row, boolean absent)
      throws IOException {
    if (absent && row.isEmpty()) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    for (Map.Entry<String, Value> f : new TreeMap<>(row).entrySet()) {
      g.writeFieldName(f.getKey());
      value(g, f.getValue());
    }
    g.writeEndObject();
  }

  private static void value(JsonGenerator g, Value v) throws IOException {
    if (v instanceof Value.Null) {
      g.writeNull();
    } else if (v instanceof Value.Bool b) {
      g.writeBoolean(b.value());
    } else if (v instanceof Value.Int32 i) {
      g.writeNumber(i.value());
    } else if (v instanceof Value.Int64 l) {
      g.writeNumber(l.value());
    } else if (v instanceof Value.Float32 f) {
      g.writeNumber(f.value());
    } else if (v instanceof Value.Float64 d) {
      g.writeNumber(d.value());
    } else if (v instanceof Value.Decimal d) {
      g.writeString(d.value().toPlainString());
    } else if (v instanceof Value.Str s) {
      g.writeString(s.value());
    } else if (v instanceof Value.Bytes b) {
      g.writeString(Base64.getEncoder().encodeToString(b.value()));
    } else if (v instanceof Value.Timestamp t) {
      g.writeString(t.toInstant().toString());
    } else if (v instanceof Value.Date d) {
      g.writeString(d.toLocalDate().toString());
    } else if (v instanceof Value.Uuid u) {
      g.writeString(u.asUuid().toString());
    } else if (v instanceof Value.Enum en) {
      g.writeString(en.variant());
    } else if (v instanceof Value.Json j) {
      json(g, j.text());
    } else if (v instanceof Value.Array a) {
      g.writeStartArray();
      for (Value element : a.elements()) {
        value(g, element);
      }
      g.writeEndArray();
    } else {
      throw new IllegalStateException("no audit rendering for " + v.type());
    }
  }

  /** A JSON value re-serialized (compact: stored text may contain line breaks). */
  private static void json(JsonGenerator g, String text) throws IOException {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(text);
    } catch (JsonProcessingException x) {
      tree = null;
    }
    if (tree == null) {
      g.writeString(text); // not JSON after all: keep it, faithfully, as text
    } else {
      g.writeTree(tree);
    }
  }

  private static Instant micros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }
}
