package io.ormdb.protocol.schema;

import java.util.Objects;

/**
 * A directed, named relation from one entity to another, navigable in queries by {@code name}.
 *
 * <p>Key fields by cardinality:
 *
 * <ul>
 *   <li>ONE_TO_MANY: {@code toField} on the target references {@code fromField} (usually the
 *       identity) on the source: {@code User.posts -> Post.authorId}.
 *   <li>MANY_TO_ONE: {@code fromField} on the source references {@code toField} (usually the
 *       identity) on the target: {@code Post.author: Post.authorId -> User.id}.
 *   <li>ONE_TO_ONE: like MANY_TO_ONE when the key is on the source, like ONE_TO_MANY when it is on
 *       the target (the side whose field is not the identity holds the key).
 *   <li>MANY_TO_MANY: rows of {@code edgeEntity} hold {@code edgeFromField} (→ source {@code
 *       fromField}) and {@code edgeToField} (→ target {@code toField}).
 * </ul>
 *
 * @param onDelete what deleting a source-side referenced row does to referencing rows
 */
public record RelationDef(
    String name,
    String fromEntity,
    String toEntity,
    Cardinality cardinality,
    String fromField,
    String toField,
    OnDelete onDelete,
    String edgeEntity,
    String edgeFromField,
    String edgeToField) {
  public RelationDef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(fromEntity, "fromEntity");
    Objects.requireNonNull(toEntity, "toEntity");
    Objects.requireNonNull(cardinality, "cardinality");
    Objects.requireNonNull(fromField, "fromField");
    Objects.requireNonNull(toField, "toField");
    onDelete = onDelete == null ? OnDelete.RESTRICT : onDelete;
    if (cardinality == Cardinality.MANY_TO_MANY
        && (edgeEntity == null || edgeFromField == null || edgeToField == null)) {
      throw new IllegalArgumentException(
          "many-to-many relation " + name + " needs an edge entity and its two key fields");
    }
  }

  public static RelationDef oneToMany(
      String name, String from, String fromField, String to, String toField, OnDelete onDelete) {
    return new RelationDef(
        name, from, to, Cardinality.ONE_TO_MANY, fromField, toField, onDelete, null, null, null);
  }

  public static RelationDef manyToOne(
      String name, String from, String fromField, String to, String toField) {
    return new RelationDef(
        name, from, to, Cardinality.MANY_TO_ONE, fromField, toField, null, null, null, null);
  }

  public static RelationDef manyToMany(
      String name,
      String from,
      String fromField,
      String to,
      String toField,
      String edgeEntity,
      String edgeFromField,
      String edgeToField) {
    return new RelationDef(
        name,
        from,
        to,
        Cardinality.MANY_TO_MANY,
        fromField,
        toField,
        OnDelete.CASCADE,
        edgeEntity,
        edgeFromField,
        edgeToField);
  }
}
