package io.ormdb.protocol.schema;

/** How many targets a source row relates to, and where the foreign key lives. */
public enum Cardinality {
  /** At most one target; the foreign key is on either side (see {@link RelationDef}). */
  ONE_TO_ONE,
  /** Many targets; the target holds a foreign key to the source. */
  ONE_TO_MANY,
  /** One target; the source holds a foreign key to the target. */
  MANY_TO_ONE,
  /** Many targets through rows of an edge entity holding a key to each side. */
  MANY_TO_MANY;

  public boolean toMany() {
    return this == ONE_TO_MANY || this == MANY_TO_MANY;
  }
}
