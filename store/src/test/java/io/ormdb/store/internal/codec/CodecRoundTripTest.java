package io.ormdb.store.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.TestSchemas;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodecRoundTripTest {
  @Test
  void valuesRoundTrip() {
    List<Value> values =
        List.of(
            Value.NULL,
            Value.TRUE,
            new Value.Int32(-7),
            new Value.Int64(Long.MIN_VALUE),
            new Value.Float32(1.5f),
            new Value.Float64(-0.0),
            new Value.Decimal(new BigDecimal("-12.340")),
            new Value.Str("héllo"),
            new Value.Bytes(new byte[] {0, 1, -1}),
            new Value.Timestamp(123456789L),
            new Value.Date(-3),
            Value.Uuid.random(),
            new Value.Enum("admin"),
            new Value.Json("{\"a\":1}"),
            new Value.Array(ValueType.STRING, List.of(new Value.Str("x"), Value.NULL)));
    for (Value v : values) {
      Buf b = new Buf();
      ValueCodec.write(v, b);
      assertThat(ValueCodec.read(new Buf.In(b.toBytes()))).isEqualTo(v);
    }
  }

  @Test
  void schemaBundleRoundTrips() {
    SchemaBundle s = TestSchemas.blog().withVersion(3);
    Buf b = new Buf();
    ModelCodec.writeBundle(s, b);
    assertThat(ModelCodec.readBundle(new Buf.In(b.toBytes()))).isEqualTo(s);
  }

  @Test
  void defaultOrdersRoundTripWithEveryNullsPlacement() {
    SchemaBundle blog = TestSchemas.blog();
    List<EntityDef> entities = new ArrayList<>();
    for (EntityDef e : blog.entities()) {
      String f = e.fields().get(e.fields().size() - 1).name();
      entities.add(
          new EntityDef(
              e.name(),
              e.identityField(),
              e.fields(),
              e.softDelete(),
              List.of(
                  OrderSpec.asc(f).nullsLast(),
                  OrderSpec.desc(e.identityField()).nullsFirst(),
                  OrderSpec.desc(e.fields().get(0).name()))));
    }
    SchemaBundle s =
        new SchemaBundle(
            4,
            blog.enums(),
            entities,
            blog.relations(),
            blog.constraints(),
            blog.indexes(),
            blog.policies());
    Buf b = new Buf();
    ModelCodec.writeBundle(s, b);
    assertThat(ModelCodec.readBundle(new Buf.In(b.toBytes()))).isEqualTo(s);
  }

  @Test
  void computedFieldsRoundTripWithEveryKindOfExpressionAndMasking() {
    SchemaBundle s =
        SchemaParser.parse(
                """
            entity Person {
              id    int64   @id
              first string
              last  string?
              n     int32
              ssn   string? @sensitive(restricted)
              full  string? = first + " " + last
              calc  int64?  = -(n * 2 - 1) / 3 % 5 @stored @index
              pick  string  = if(n > 1 && last is not null, coalesce(last, first), "none")
              tail  string? = "#" + ssn @mask(partial(2, end, '*'))
              red   string? = ssn + "" @mask(redact("x"))
              hush  string? = last + ssn @sensitive(restricted) @mask(hash)
            }
            """)
            .withVersion(2);
    Buf b = new Buf();
    ModelCodec.writeBundle(s, b);
    assertThat(ModelCodec.readBundle(new Buf.In(b.toBytes()))).isEqualTo(s);
  }

  @Test
  void filtersRoundTrip() {
    Filter f =
        Filter.and(
            Filter.eq("a", 1),
            Filter.or(new Filter.IsNull("b", true), new Filter.Like("c", "x%", false)),
            Filter.not(new Filter.In("d", List.of(new Value.Str("q")), true)),
            new Filter.AttrCompare("e", Filter.Op.GE, "user.id"),
            new Filter.Const(true));
    Buf b = new Buf();
    ModelCodec.writeFilter(f, b);
    assertThat(ModelCodec.readFilter(new Buf.In(b.toBytes()))).isEqualTo(f);
  }

  @Test
  void changeSetsRoundTrip() {
    ChangeEvent e =
        new ChangeEvent(
            5,
            5,
            0,
            "User",
            new Value.Int64(1),
            ChangeEvent.Op.UPDATE,
            Map.of("name", new Value.Str("a")),
            Map.of("name", new Value.Str("b")),
            List.of("name"),
            2,
            99);
    ChangeSet cs = new ChangeSet(5, 5, 2, 99, List.of(e));
    assertThat(ChangeSetCodec.decode(5, ChangeSetCodec.encode(cs))).isEqualTo(cs);
    assertThat(ChangeSetCodec.commitTs(ChangeSetCodec.encode(cs))).isEqualTo(99);
  }

  /** The write path encodes its change sets with the writer, without ChangeEvents: same bytes. */
  @Test
  void theChangeSetWriterWritesWhatEncodeWrites() {
    Map<String, Value> a = new LinkedHashMap<>();
    a.put("id", new Value.Int64(1));
    a.put("name", new Value.Str("a"));
    a.put("age", Value.NULL);
    Map<String, Value> b = new LinkedHashMap<>(a);
    b.put("name", new Value.Str("b"));
    List<ChangeEvent> events =
        List.of(
            new ChangeEvent(
                7,
                7,
                0,
                "User",
                a.get("id"),
                ChangeEvent.Op.CREATE,
                null,
                a,
                List.copyOf(a.keySet()),
                3,
                99),
            new ChangeEvent(
                7,
                7,
                1,
                "User",
                new Value.Int64(2),
                ChangeEvent.Op.UPDATE,
                a,
                b,
                List.of("name"),
                3,
                99),
            new ChangeEvent(
                7,
                7,
                2,
                "Tag",
                new Value.Str("t"),
                ChangeEvent.Op.DELETE,
                b,
                null,
                List.of(),
                3,
                99));
    ChangeSet cs = new ChangeSet(7, 7, 3, 99, events);
    ChangeSetCodec.Writer w = new ChangeSetCodec.Writer(7, 3, 99, events.size());
    for (ChangeEvent e : events) {
      w.event(e.entity(), e.id(), e.op(), e.before(), e.after(), e.changedFields());
    }
    byte[] written = w.toBytes();
    assertThat(written).isEqualTo(ChangeSetCodec.encode(cs));
    assertThat(ChangeSetCodec.decode(7, written)).isEqualTo(cs);
  }
}
