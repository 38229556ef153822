package io.ormdb.store.query.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.ValueType;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanCacheTest {
  private static SchemaBundle schema(long version, String field) {
    return new SchemaBundle(
        version,
        List.of(),
        List.of(
            new EntityDef(
                "E",
                "id",
                List.of(
                    FieldDef.of("id", FieldType.of(ValueType.INT64)),
                    FieldDef.of(field, FieldType.of(ValueType.STRING))),
                false,
                List.of())),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  private static QueryPlan somePlan() {
    return new QueryPlan(null, List.of());
  }

  @Test
  void aPlanIsReusedForTheSameSchemaAndAnEqualCopyOfIt() {
    PlanCache cache = new PlanCache(10);
    SchemaBundle s = schema(1, "a");
    assertThat(cache.get(s, "k")).isNull();
    QueryPlan p = somePlan();
    cache.put(s, "k", p);
    assertThat(cache.get(s, "k")).isSameAs(p);
    assertThat(cache.get(schema(1, "a"), "k")).isSameAs(p);
  }

  @Test
  void anotherSchemaUnderTheSameVersionNumberDropsTheCache() {
    // Two stores sharing an engine both number their first schema 1.
    PlanCache cache = new PlanCache(10);
    cache.put(schema(1, "a"), "k", somePlan());
    cache.get(schema(1, "a"), "k");
    cache.put(schema(1, "a"), "k", somePlan());
    assertThat(cache.get(schema(1, "b"), "k")).isNull();
    assertThat(cache.size()).isZero();
  }

  @Test
  void aNewVersionDropsTheCache() {
    PlanCache cache = new PlanCache(10);
    SchemaBundle v1 = schema(1, "a");
    cache.get(v1, "k");
    cache.put(v1, "k", somePlan());
    assertThat(cache.get(v1.withVersion(2), "k")).isNull();
  }
}
