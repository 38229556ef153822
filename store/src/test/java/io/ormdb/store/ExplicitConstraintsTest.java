package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.all;
import static io.ormdb.store.StoreTestSupport.assertRefused;
import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static io.ormdb.store.TestSchemas.f;
import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.view.ReadView;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Explicit foreign keys, unique keys with nulls, uuid defaults, on an in-memory store. */
class ExplicitConstraintsTest {
  OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.inMemory());
    EntityDef owner =
        new EntityDef("Owner", "code", List.of(f("code", ValueType.STRING)), false, List.of());
    EntityDef device =
        new EntityDef(
            "Device",
            "id",
            List.of(
                f("id", ValueType.UUID),
                f("serial", ValueType.STRING).asOptional().asUnique(),
                f("ownerCode", ValueType.STRING).asOptional(),
                f("token", ValueType.UUID).withDefault(new DefaultValue.AutoUuid())),
            false,
            List.of());
    store.applySchema(
        new SchemaBundle(
            0,
            List.of(),
            List.of(owner, device),
            List.of(),
            List.of(
                new ConstraintDef.ForeignKey(
                    "Device_owner_fk", "Device", "ownerCode", "Owner", "code", OnDelete.SET_NULL)),
            List.of(),
            List.of()));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void uniqueIgnoresNullsAndUuidDefaultsAreFresh() {
    commit(store, insert("Device"), insert("Device"));
    assertThat(all(store, "Device")).hasSize(2);
    assertThat(all(store, "Device").get(0).get("token"))
        .isInstanceOf(Value.Uuid.class)
        .isNotEqualTo(all(store, "Device").get(1).get("token"));
    commit(store, insert("Device", "serial", "s1"));
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 0 (insert into Device): unique constraint Device_serial_key violated by"
            + " serial=\"s1\"",
        insert("Device", "serial", "s1"));
  }

  @Test
  void explicitForeignKeyIsEnforcedAndSetsNullOnDelete() {
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 1 (insert into Device): foreign key Device_owner_fk violated by"
            + " ownerCode=\"nobody\": no Owner with code=\"nobody\"",
        insert("Owner", "code", "acme"),
        insert("Device", "ownerCode", "nobody"));
    commit(store, insert("Owner", "code", "acme"), insert("Device", "ownerCode", "acme"));
    try (ReadView v = store.snapshot()) {
      assertThat(v.indexes("Device"))
          .extracting(i -> i.name())
          .containsExactly("Device_serial_key", "Device_ownerCode_fk");
      Value id = v.scan("Device").next().id();
      assertThat(v.getAll("Device", List.of(id, Value.Uuid.random(), id))).hasSize(2);
    }
    commit(store, new Mutation.Delete("Owner", Value.of("acme"), 0));
    assertThat(all(store, "Device").get(0).get("ownerCode")).isEqualTo(Value.NULL);
  }
}
