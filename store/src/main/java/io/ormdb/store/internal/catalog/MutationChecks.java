package io.ormdb.store.internal.catalog;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.ExprPrinter;
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
}
