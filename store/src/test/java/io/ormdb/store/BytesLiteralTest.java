package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bytes written with the query language's literal {@code 0xcafe} are stored, found by {@code ==}
 * and {@code in}, and print back as the same literal, which writes them again.
 */
class BytesLiteralTest {
  private static final Value CAFE = new Value.Bytes(new byte[] {(byte) 0xca, (byte) 0xfe});
  OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(
        SchemaParser.parse(
            """
            entity Blob {
              id    int64    @id
              data  bytes    @default(0xcafe)
              key   bytes?   @unique
              parts bytes[]?
            }
            """));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void write(String text) {
    store.commit(((Statement.Write) QueryParser.parse(text)).batch());
  }

  private List<Long> ids(String find) {
    return store.query(((Statement.Find) QueryParser.parse(find)).query()).root().ids().stream()
        .map(Value::asLong)
        .toList();
  }

  private Value field(long id, String field) {
    return StoreTestSupport.get(store, "Blob", Value.of(id)).orElseThrow().get(field);
  }

  @Test
  void writtenFoundAndComparedWithTheLiteral() {
    write("Blob.create({ id: 1 })");
    write("Blob.create({ id: 2, data: 0x00ff, key: 0x01, parts: [0xca, 0xfe] })");
    write("Blob.update(1).set({ key: 0x02 })");
    write("Blob.upsert(key: { key: 0x03 }).set({ id: 3, data: 0xbeef })");

    assertThat(field(1, "data")).isEqualTo(CAFE); // the default
    assertThat(field(2, "data")).isEqualTo(new Value.Bytes(new byte[] {0, (byte) 0xff}));
    assertThat(field(2, "parts").type()).isEqualTo(ValueType.ARRAY);
    assertThat(ids("Blob.findMany().where(data == 0xcafe)")).containsExactly(1L);
    assertThat(ids("Blob.findMany().where(data != 0xcafe)")).containsExactly(2L, 3L);
    assertThat(ids("Blob.findMany().where(data in [0xcafe, 0xbeef])")).containsExactly(1L, 3L);
    assertThat(ids("Blob.findMany().where(key == 0x02)")).containsExactly(1L); // unique index
    assertThat(ids("Blob.findMany().where(key in [0x01, 0x03])")).containsExactly(2L, 3L);
    assertThat(ids("Blob.findMany().where(parts == [0xca, 0xfe])")).containsExactly(2L);
  }

  @Test
  void whatIsReadPrintsAsTheLiteralThatWritesItAgain() {
    write("Blob.create({ id: 1, data: 0x00ff10, parts: [0xca, null] })");
    Value data = field(1, "data");
    Value parts = field(1, "parts");
    assertThat(data).hasToString("0x00ff10");
    assertThat(parts).hasToString("[0xca, null]");

    write("Blob.create({ id: 2, data: " + data + ", parts: " + parts + " })");
    assertThat(field(2, "data")).isEqualTo(data);
    assertThat(field(2, "parts")).isEqualTo(parts);
    assertThat(ids("Blob.findMany().where(data == " + data + ")")).containsExactly(1L, 2L);
  }
}
