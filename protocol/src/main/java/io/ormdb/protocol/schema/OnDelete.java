package io.ormdb.protocol.schema;

/** What deleting a referenced row does to the rows that reference it. */
public enum OnDelete {
  /** Refuse the delete while references exist (CONSTRAINT_VIOLATION). The default. */
  RESTRICT,
  /** Delete the referencing rows too, recursively, in the same batch. */
  CASCADE,
  /** Set the referencing field to null (the field must be optional). */
  SET_NULL
}
