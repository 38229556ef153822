package io.ormdb.protocol.schema;

import java.util.Objects;

/**
 * One thing wrong with a schema, found by {@link SchemaRules}: what is wrong ({@link #message}, the
 * same words whether the schema came as text or was built in code) and where in the model ({@link
 * #where}: {@code field User.age}, {@code relation Post.author}, {@code constraint Post_title_key},
 * ...). {@link #element}, {@link #part}, {@link #index} and {@link #name} say which declaration and
 * which part of it the problem is about, so that the schema language can report it at the position
 * of the text that wrote that part.
 *
 * @param where the declaration, as a store error names it
 * @param message what is wrong, without {@code where}
 * @param element the declaration of the bundle: an {@link EnumDef}, {@link EntityDef}, {@link
 *     FieldDef}, {@link RelationDef}, {@link ConstraintDef}, {@link IndexDef} or {@link PolicyDef}
 *     (the very instance, which equal declarations do not share)
 * @param part the part of {@code element} that is wrong
 * @param index the position in the list {@code part} names (variants, default order, fields of a
 *     constraint or index, the two halves of a many-to-many key), or -1
 * @param name the field or session attribute an expression reads, for {@link Part#EXPRESSION},
 *     {@link Part#ATTRIBUTE} and {@link Part#COMPUTED}; the attribute for {@link
 *     Part#COMPUTED_ATTRIBUTE}; else null
 */
public record SchemaProblem(
    String where, String message, Object element, Part part, int index, String name) {
  public SchemaProblem {
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(element, "element");
    Objects.requireNonNull(part, "part");
  }

  /** The part of a declaration a problem is about. */
  public enum Part {
    /** Its name, or the declaration as a whole. */
    NAME,
    /** Its name, which an earlier declaration of the same scope already has. */
    DUPLICATE,
    /** A variant of an enum ({@link #index}). */
    VARIANT,
    /** The identity field of an entity. */
    IDENTITY,
    /** An entry of an entity's default order ({@link #index}). */
    ORDER,
    /** The type of a field. */
    TYPE,
    /** The default of a field. */
    DEFAULT,
    /** The masking of a field. */
    MASK,
    /** The entity a relation leaves, or a constraint, index or policy belongs to. */
    ENTITY,
    /** The entity a relation leads to, or a foreign key references. */
    TARGET,
    /** The key field of a relation on the entity it leaves. */
    FROM_FIELD,
    /** The key field of a relation on the entity it leads to. */
    TO_FIELD,
    /** The edge entity of a many-to-many relation. */
    EDGE,
    /** The edge entity's key to the entity a many-to-many relation leaves. */
    EDGE_FROM_FIELD,
    /** The edge entity's key to the entity a many-to-many relation leads to. */
    EDGE_TO_FIELD,
    /** What a relation's or a foreign key's key references, or must be. */
    KEY,
    /**
     * The types of the two ends of a key: a relation's, a foreign key's, or (with {@link #index} 0
     * or 1) one half of a many-to-many relation's.
     */
    KEY_TYPES,
    /** The on-delete rule of a relation or foreign key. */
    ON_DELETE,
    /** A field of a unique constraint or an index ({@link #index}), or a foreign key's (0). */
    FIELDS,
    /** The field a foreign key references. */
    REFERENCED_FIELD,
    /** A field a check or policy expression reads ({@link #name}; null for the whole). */
    EXPRESSION,
    /** A session attribute a check expression reads ({@link #name}). */
    ATTRIBUTE,
    /**
     * The expression of a computed field: a field it reads ({@link #name}), or the whole (null).
     */
    COMPUTED,
    /**
     * An attribute a computed field cannot have as declared ({@link #name}: {@code id}, {@code
     * unique}, {@code index} or {@code default}).
     */
    COMPUTED_ATTRIBUTE
  }

  /** {@code where: message}, as the store lists it. */
  @Override
  public String toString() {
    return where + ": " + message;
  }
}
