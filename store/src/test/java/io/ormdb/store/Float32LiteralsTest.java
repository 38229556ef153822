package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A number written for a float32 field, in a write, a default or a filter, is the nearest float32,
 * as in SQL databases: {@code x == 0.1} finds the row written with {@code x: 0.1}.
 */
class Float32LiteralsTest {
  OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(
        SchemaParser.parse(
            """
            entity M {
              id int64    @id
              x  float32  @default(0.1)
              y  float32? @index
              zs float32[]?
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
    return StoreTestSupport.get(store, "M", Value.of(id)).orElseThrow().get(field);
  }

  @Test
  void writesRoundDecimalLiteralsToTheNearestFloat32() {
    write("M.create({ id: 1 })");
    write("M.create({ id: 2, x: 0.2, y: 0.3, zs: [0.1, 0.7] })");
    write("M.update(1).set({ x: 0.7 })");
    write("M.upsert(key: { id: 3 }).set({ x: 1.1, y: 2.2 })");
    write("M.upsert(key: { id: 3 }).set({ y: 3.3 })");
    write("M.create({ id: 4, x: 16777217, y: 0.4m })");

    assertThat(field(1, "x")).isEqualTo(new Value.Float32(0.7f));
    assertThat(field(2, "x")).isEqualTo(new Value.Float32(0.2f));
    assertThat(field(2, "y")).isEqualTo(new Value.Float32(0.3f));
    assertThat(field(2, "zs"))
        .isEqualTo(
            new Value.Array(
                ValueType.FLOAT32, List.of(new Value.Float32(0.1f), new Value.Float32(0.7f))));
    assertThat(field(3, "x")).isEqualTo(new Value.Float32(1.1f));
    assertThat(field(3, "y")).isEqualTo(new Value.Float32(3.3f));
    assertThat(field(4, "x")).isEqualTo(new Value.Float32(16777216f));
    assertThat(field(4, "y")).isEqualTo(new Value.Float32(0.4f));
  }

  @Test
  void filtersCompareAsFloat32() {
    write("M.create({ id: 1 })"); // the default 0.1
    write("M.create({ id: 2, x: 0.2, zs: [0.1, 0.2] })");
    assertThat(ids("M.findMany().where(x == 0.1)")).containsExactly(1L);
    assertThat(ids("M.findMany().where(x != 0.1)")).containsExactly(2L);
    assertThat(ids("M.findMany().where(x <= 0.1)")).containsExactly(1L);
    assertThat(ids("M.findMany().where(x < 0.1)")).isEmpty();
    assertThat(ids("M.findMany().where(x > 0.1 && x <= 0.2)")).containsExactly(2L);
    assertThat(ids("M.findMany().where(x in [0.2, 0.5])")).containsExactly(2L);
    assertThat(ids("M.findMany().where(x not in [0.2])")).containsExactly(1L);
    assertThat(ids("M.findMany().where(x == 0.1m)")).containsExactly(1L);
    assertThat(ids("M.findMany().where(zs == [0.1, 0.2])")).containsExactly(2L);

    write("M.updateMany().where(x == 0.2).set({ x: 0.3 })");
    assertThat(ids("M.findMany().where(x == 0.3)")).containsExactly(2L);
    write("M.deleteMany().where(x == 0.3)");
    assertThat(ids("M.findMany()")).containsExactly(1L);
  }

  @Test
  void anIndexedFieldIsSearchedWithTheFloat32Bound() {
    for (int i = 1; i <= 9; i++) {
      write("M.create({ id: " + i + ", y: 0." + i + " })");
    }
    assertThat(ids("M.findMany().where(y == 0.3)")).containsExactly(3L);
    assertThat(ids("M.findMany().where(y <= 0.3)")).containsExactly(1L, 2L, 3L);
    assertThat(ids("M.findMany().where(y < 0.3)")).containsExactly(1L, 2L);
    assertThat(ids("M.findMany().where(y > 0.7)")).containsExactly(8L, 9L);
    assertThat(ids("M.findMany().where(y >= 0.7 && y <= 0.8)")).containsExactly(7L, 8L);
    assertThat(ids("M.findMany().where(y in [0.2, 0.6])")).containsExactly(2L, 6L);
    ExplainResult plan =
        store.explain(
            ((Statement.Find) QueryParser.parse("M.findMany().where(y <= 0.3)")).query(), false);
    assertThat(plan.steps().get(0).access()).isEqualTo("index-range");
  }

  @Test
  void aggregateFiltersCompareAsFloat32() {
    write("M.create({ id: 1 })");
    write("M.create({ id: 2, x: 0.1 })");
    write("M.create({ id: 3, x: 0.25 })");
    Statement.Aggregate count =
        (Statement.Aggregate) QueryParser.parse("M.count().where(x == 0.1)");
    assertThat(store.aggregate(count.query()).rows().get(0)).containsExactly(Value.of(2L));
  }

  @Test
  void aDefaultBuiltInCodeAsAFloat64IsTheNearestFloat32() {
    SchemaBundle base = store.schema();
    List<EntityDef> entities = new ArrayList<>(base.entities());
    entities.add(
        new EntityDef(
            "N",
            "id",
            List.of(
                FieldDef.of("id", FieldType.of(ValueType.INT64)),
                FieldDef.of("f", FieldType.of(ValueType.FLOAT32))
                    .withDefault(new DefaultValue.Literal(new Value.Float64(0.1)))),
            false,
            List.of()));
    store.applySchema(
        new SchemaBundle(
            0,
            base.enums(),
            entities,
            base.relations(),
            base.constraints(),
            base.indexes(),
            base.policies()));
    write("N.create({ id: 1 })");
    assertThat(StoreTestSupport.get(store, "N", Value.of(1L)).orElseThrow().get("f"))
        .isEqualTo(new Value.Float32(0.1f));
  }

  @Test
  void aNumberBeyondTheFloat32RangeIsRefusedNamingTheField() {
    assertThatThrownBy(() -> write("M.create({ id: 1, x: 1e39 })"))
        .isInstanceOf(OrmDbException.class)
        .hasMessageContaining("field M.x: cannot convert float64 1.0E39 to float32")
        .hasMessageContaining("out of float32 range")
        .extracting(e -> ((OrmDbException) e).code())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThatThrownBy(() -> ids("M.findMany().where(y < -1e39)"))
        .isInstanceOf(OrmDbException.class)
        .hasMessage(
            "filter: field M.y is float32 and cannot hold float64 -1.0E39 (out of float32 range)");
    assertThat(store.currentLsn()).isZero();
  }
}
