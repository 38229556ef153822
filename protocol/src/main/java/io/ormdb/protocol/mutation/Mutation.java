package io.ormdb.protocol.mutation;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.value.Value;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One typed write. Mutations travel in a {@link MutationBatch} that commits atomically.
 *
 * <p>{@code data} maps field names to values; values are converted to the declared field types when
 * lossless ({@link io.ormdb.protocol.schema.FieldValues}), and unknown fields are refused.
 */
public sealed interface Mutation
    permits Mutation.Insert,
        Mutation.Update,
        Mutation.UpdateMany,
        Mutation.Delete,
        Mutation.DeleteMany,
        Mutation.Upsert {

  String entity();

  /**
   * How errors name this mutation: {@code insert into Post}, {@code update Post}, {@code update
   * many Post}, {@code delete from Post}, {@code delete many from Post}, {@code upsert into Post}.
   */
  default String describe() {
    if (this instanceof Insert) {
      return "insert into " + entity();
    } else if (this instanceof Update) {
      return "update " + entity();
    } else if (this instanceof UpdateMany) {
      return "update many " + entity();
    } else if (this instanceof Delete) {
      return "delete from " + entity();
    } else if (this instanceof DeleteMany) {
      return "delete many from " + entity();
    } else {
      return "upsert into " + entity();
    }
  }

  /**
   * How errors place this mutation in its batch, in front of what was wrong with it: {@code
   * mutation 3 (insert into Post)}.
   */
  default String context(int index) {
    return "mutation " + index + " (" + describe() + ")";
  }

  /**
   * Inserts a row. A missing identity is generated (uuid identities) or refused. {@code nested}
   * inserts related rows in the same batch, their keys filled in from this row.
   */
  record Insert(String entity, Map<String, Value> data, List<NestedInsert> nested)
      implements Mutation {
    public Insert {
      Objects.requireNonNull(entity, "entity");
      data = Map.copyOf(data);
      nested = nested == null ? List.of() : List.copyOf(nested);
    }

    public Insert(String entity, Map<String, Value> data) {
      this(entity, data, List.of());
    }
  }

  /**
   * Updates the named fields of the row with identity {@code id}. With {@code expectedVersion} &gt;
   * 0, fails with CONFLICT unless the row's version is exactly that (optimistic concurrency).
   */
  record Update(String entity, Value id, Map<String, Value> data, long expectedVersion)
      implements Mutation {
    public Update {
      Objects.requireNonNull(entity, "entity");
      Objects.requireNonNull(id, "id");
      data = Map.copyOf(data);
    }
  }

  /** Updates every row matching {@code filter}. */
  record UpdateMany(String entity, Filter filter, Map<String, Value> data) implements Mutation {
    public UpdateMany {
      Objects.requireNonNull(entity, "entity");
      Objects.requireNonNull(filter, "filter");
      data = Map.copyOf(data);
    }
  }

  /** Deletes the row with identity {@code id}, honouring on-delete rules and expected version. */
  record Delete(String entity, Value id, long expectedVersion) implements Mutation {
    public Delete {
      Objects.requireNonNull(entity, "entity");
      Objects.requireNonNull(id, "id");
    }
  }

  /** Deletes every row matching {@code filter}. */
  record DeleteMany(String entity, Filter filter) implements Mutation {
    public DeleteMany {
      Objects.requireNonNull(entity, "entity");
      Objects.requireNonNull(filter, "filter");
    }
  }

  /**
   * Inserts or updates by key. {@code key} holds either the identity field, or all the fields of
   * one unique constraint. Found: {@code data} updates the row. Not found: a row of {@code key}
   * plus {@code data} is inserted.
   */
  record Upsert(String entity, Map<String, Value> key, Map<String, Value> data)
      implements Mutation {
    public Upsert {
      Objects.requireNonNull(entity, "entity");
      key = Map.copyOf(key);
      data = Map.copyOf(data);
      if (key.isEmpty()) {
        throw new IllegalArgumentException("upsert into " + entity + " needs a key");
      }
    }
  }

  /**
   * Related rows inserted with their parent through {@code relation} (a relation of the parent).
   */
  record NestedInsert(String relation, List<Insert> rows) {
    public NestedInsert {
      Objects.requireNonNull(relation, "relation");
      rows = List.copyOf(rows);
    }
  }
}
