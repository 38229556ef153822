package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small helpers for store tests. */
public final class StoreTestSupport {
  private StoreTestSupport() {}

  /** A field map from alternating names and plain Java values. */
  public static Map<String, Value> m(Object... kv) {
    Map<String, Value> out = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.put((String) kv[i], Value.of(kv[i + 1]));
    }
    return out;
  }

  public static Mutation.Insert insert(String entity, Object... kv) {
    return new Mutation.Insert(entity, m(kv));
  }

  public static MutationResult commit(OrmStore store, Mutation... ms) {
    return store.commit(MutationBatch.of(ms));
  }

  /** Commits and expects the given error code and exact message. */
  public static void assertRefused(OrmStore store, ErrorCode code, String message, Mutation... ms) {
    long before = store.currentLsn();
    OrmDbException e =
        catchThrowableOfType(OrmDbException.class, () -> store.commit(MutationBatch.of(ms)));
    assertThat(e).as("expected a refusal").isNotNull();
    assertThat(e.getMessage()).isEqualTo(message);
    assertThat(e.code()).isEqualTo(code);
    assertThat(store.currentLsn()).as("nothing committed").isEqualTo(before);
  }

  public static List<Row> all(OrmStore store, String entity) {
    try (ReadView v = store.snapshot()) {
      return list(v.scan(entity));
    }
  }

  public static List<Row> list(Iterator<Row> it) {
    List<Row> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  public static Optional<Row> get(OrmStore store, String entity, Value id) {
    try (ReadView v = store.snapshot()) {
      return v.get(entity, id);
    }
  }
}
