package io.ormdb.node.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.lang.ParseException;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.value.Value;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/** Renders results, write outcomes, change sets and errors as text for the terminal. */
final class ResultPrinter {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .registerModule(
              new SimpleModule("ormdb-values")
                  .addSerializer(Instant.class, ToStringSerializer.instance)
                  .addSerializer(LocalDate.class, ToStringSerializer.instance)
                  .addSerializer(UUID.class, ToStringSerializer.instance)
                  .addSerializer(byte[].class, new BytesLiteral()));

  /**
   * Bytes as the query language's literal, {@code 0xcafe}, not JSON's base64: what is printed can
   * be written back into a query.
   */
  private static final class BytesLiteral extends StdSerializer<byte[]> {
    private static final long serialVersionUID = 1L;

    BytesLiteral() {
      super(byte[].class);
    }

    @Override
    public void serialize(byte[] value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeRawValue("0x" + HexFormat.of().formatHex(value));
    }
  }

  private ResultPrinter() {}

  /**
   * The rows as nested JSON objects, each with its version ({@code "$version"}: the LSN of its last
   * write, for {@code expectVersion}; bytes written {@code 0xcafe}, as in queries), then a line
   * with the row count, snapshot and cursor.
   */
  static String query(QueryResult r) {
    List<Map<String, Object>> objects = ResultObjects.toMaps(r, true);
    StringBuilder sb = new StringBuilder(json(objects)).append('\n');
    sb.append('(')
        .append(objects.size())
        .append(objects.size() == 1 ? " row" : " rows")
        .append(" of ")
        .append(r.root().entity())
        .append(", read at lsn ")
        .append(r.snapshotLsn());
    if (r.hasMore()) {
      sb.append("; more: .after(\"").append(r.nextCursor()).append("\")");
    }
    return sb.append(')').toString();
  }

  /** An aggregate as an aligned table. */
  static String aggregate(AggregateResult r) {
    List<List<String>> cells = new ArrayList<>();
    cells.add(r.columns());
    for (List<Value> row : r.rows()) {
      cells.add(row.stream().map(Value::render).toList());
    }
    int[] width = new int[r.columns().size()];
    for (List<String> row : cells) {
      for (int c = 0; c < row.size(); c++) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      List<String> row = cells.get(i);
      for (int c = 0; c < row.size(); c++) {
        sb.append(c == 0 ? "" : " | ").append(pad(row.get(c), width[c]));
      }
      sb.append('\n');
      if (i == 0) {
        for (int c = 0; c < width.length; c++) {
          sb.append(c == 0 ? "" : "-+-").append("-".repeat(width[c]));
        }
        sb.append('\n');
      }
    }
    int n = r.rows().size();
    return sb.append('(').append(n).append(n == 1 ? " row)" : " rows)").toString();
  }

  /**
   * {@code committed at lsn 8: 2 rows affected, new ids 1, 2}, then the rows the batch named
   * ({@code ; ann = 1}), or for a batch that changed nothing {@code nothing to commit: 0 rows
   * changed (read at lsn 7)}.
   */
  static String write(MutationResult r) {
    if (!r.committed()) {
      return "nothing to commit: 0 rows changed (read at lsn " + r.lsn() + ")";
    }
    String ids =
        r.insertedIds().isEmpty()
            ? ""
            : ", new ids "
                + r.insertedIds().stream().map(Value::render).collect(Collectors.joining(", "));
    return "committed at lsn "
        + r.lsn()
        + ": "
        + r.affected()
        + (r.affected() == 1 ? " row affected" : " rows affected")
        + ids
        + (r.named().isEmpty()
            ? ""
            : "; "
                + r.named().entrySet().stream()
                    .map(e -> e.getKey() + " = " + e.getValue().render())
                    .collect(Collectors.joining(", ")));
  }

  /** One line per change set: its LSN, transaction and how many rows of each entity changed how. */
  static String change(ChangeSet cs) {
    Map<String, Integer> counts = new TreeMap<>();
    for (ChangeEvent e : cs.events()) {
      counts.merge(
          e.entity() + " " + e.op().name().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
    }
    String what =
        counts.entrySet().stream()
            .map(e -> e.getValue() + " " + e.getKey())
            .collect(Collectors.joining(", "));
    return "lsn "
        + cs.lsn()
        + "  tx "
        + cs.txId()
        + "  schema v"
        + cs.schemaVersion()
        + "  "
        + what;
  }

  /** An error as users see it: its stable code name and number, then the message. */
  static String error(OrmDbException e) {
    if (e instanceof ParseException p) {
      return "error INVALID_REQUEST (" + e.code().code() + "): " + p.getMessage();
    }
    return "error " + e.code().name() + " (" + e.code().code() + "): " + e.getMessage();
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render a result as JSON", e);
    }
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(width - s.length());
  }
}
