package io.ormdb.store.internal.catalog;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.ExprPrinter;
import io.ormdb.protocol.mutation.Expr;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.FieldValues;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;

/**
 * The checks of a mutation and their messages, written once for the two places that make them: the
 * write path ({@code WriteTx}, at commit) and {@link io.ormdb.store.MutationValidator} (the
 * pre-check a caller may run before submitting a batch), so both refuse a mutation with the same
 * words.
 */
public final class MutationChecks {
  private MutationChecks() {}

  /** {@code id} converted to the identity's type; a null identity is refused. */
  public static Value identity(SchemaBundle schema, EntityDef e, Value id) {
    if (id.isNull()) {
      throw OrmDbException.invalid("identity " + e.name() + "." + e.identityField() + " is null");
    }
    return FieldValues.convert(schema, e.name(), e.requireField(e.identityField()), id);
  }

  /**
   * The field {@code name} of {@code e} as a field a mutation may give a value: INVALID_REQUEST
   * when {@code e} has no such field (with a did-you-mean) or when it is computed ({@code field
   * Person.full_name is computed from first_name + " " + last_name and cannot be written; write the
   * fields it reads instead}).
   */
  public static FieldDef writable(EntityDef e, String name) {
    FieldDef f = e.requireField(name);
    if (f.isComputed()) {
      throw OrmDbException.invalid(
          "field "
              + e.name()
              + "."
              + f.name()
              + " is computed from "
              + ExprPrinter.print(f.computed().expression())
              + " and cannot be written; write the fields it reads instead");
    }
    return f;
  }

  /** {@code field Post.title is required}, or {@code identity field Tag.id is required}. */
  public static OrmDbException required(EntityDef e, String field) {
    return OrmDbException.invalid(
        (field.equals(e.identityField()) ? "identity field " : "field ")
            + e.name()
            + "."
            + field
            + " is required");
  }

  /**
   * Whether the store assigns an identity of this type to a row inserted without one (see {@code
   * WriteTx.generateId}).
   */
  public static boolean assignsIdentity(FieldType identity) {
    ValueType t = identity.base();
    return !identity.array()
        && (t == ValueType.UUID || t == ValueType.INT64 || t == ValueType.INT32);
  }

  /**
   * Refuses a row nested under {@code r} that names an entity other than {@code r}'s target; an
   * empty entity means the target (the query language writes nested rows so).
   */
  public static void checkTarget(RelationDef r, Mutation.Insert row) {
    if (!row.entity().isEmpty() && !row.entity().equals(r.toEntity())) {
      throw OrmDbException.invalid(
          "relation " + r.name() + " leads to " + r.toEntity() + ", not " + row.entity());
    }
  }

  /**
   * {@code e} placed at row {@code index} of nested insert {@code n}: {@code nested insert posts[1]
   * into Post: ...}.
   */
  public static OrmDbException inNested(
      OrmDbException e, Mutation.NestedInsert n, int index, String target) {
    return e.within("nested insert " + n.relation() + "[" + index + "] into " + target);
  }

  /**
   * {@code e} placed at item {@code index} of nested write {@code op} through {@code relation}:
   * {@code nested connect tags[0] to Tag: ...}, {@code nested delete posts[1] of Post: ...}.
   */
  public static OrmDbException inNested(
      OrmDbException e, String op, String relation, int index, String target) {
    String preposition =
        switch (op) {
          case "insert" -> " into ";
          case "connect" -> " to ";
          case "disconnect" -> " from ";
          default -> " of ";
        };
    return e.within("nested " + op + " " + relation + "[" + index + "]" + preposition + target);
  }

  /** {@code field Account.balance is given twice: as a value and computed}. */
  public static OrmDbException givenTwice(EntityDef e, String field) {
    return OrmDbException.invalid(
        "field " + e.name() + "." + field + " is given twice: as a value and computed");
  }

  /**
   * {@code field Account.balance: balance + 1 reads field 'balance' of the row, which a new row
   * does not have yet}.
   */
  public static OrmDbException readsNewRow(EntityDef e, FieldDef target, Expr.Field read) {
    return OrmDbException.invalid(
        "field "
            + e.name()
            + "."
            + target.name()
            + " reads field '"
            + read.name()
            + "' of the row, which a new row does not have yet");
  }

  /**
   * {@code relation Post.author: disconnecting sets Post.authorId to null, and it is required}: a
   * disconnect through a relation whose key field is not optional.
   */
  public static OrmDbException keyRequired(RelationDef r, String entity, String field) {
    return OrmDbException.invalid(
        "relation "
            + r.fromEntity()
            + "."
            + r.name()
            + ": disconnecting sets "
            + entity
            + "."
            + field
            + " to null, and it is required"
            + (entity.equals(r.fromEntity()) ? "" : "; delete the " + entity + " instead"));
  }

  /** A disconnect, update or delete nested in an insert: the new row has no related rows. */
  public static OrmDbException notWhenInserting(String op, RelationDef r) {
    return OrmDbException.invalid(
        "nested "
            + op
            + " through "
            + r.name()
            + " is not available when inserting: a new row has no related rows yet");
  }

  /**
   * {@code relation Post.author refers to one User: create or connect exactly one, not 2}: too many
   * (or, when inserting, no) rows for a relation whose key is on the row itself.
   */
  public static OrmDbException toOne(RelationDef r, int items, boolean exactly) {
    return OrmDbException.invalid(
        "relation "
            + r.fromEntity()
            + "."
            + r.name()
            + " refers to one "
            + r.toEntity()
            + ": create or connect "
            + (exactly ? "exactly" : "at most")
            + " one, not "
            + items);
  }

  /** An empty key where a row must be named. */
  public static OrmDbException emptyKey(String target) {
    return OrmDbException.invalid(
        "a key names a row of "
            + target
            + " by its identity or all fields of a unique constraint; it cannot be empty");
  }

  /**
   * {@code relation User.posts leads to many rows: name each row to delete by its key}: an empty
   * key (true, the row connected now) through a to-many relation.
   */
  public static OrmDbException keysNeeded(RelationDef r, String op) {
    return OrmDbException.invalid(
        "relation "
            + r.fromEntity()
            + "."
            + r.name()
            + " leads to many rows: name each row to "
            + op
            + " by its key");
  }

  /**
   * An upsert whose set reads the row and that gives no separate values for the row it may insert.
   */
  public static OrmDbException upsertReadsRow(EntityDef e, String field, Expr x) {
    return OrmDbException.invalid(
        "set "
            + field
            + ": "
            + x.render()
            + " reads the row, which a new row does not have yet: give the new row's values"
            + " in create");
  }
}
