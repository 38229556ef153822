package io.ormdb.protocol.schema;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One complete, versioned schema: what the catalog applies and keeps in its history. Lookups are
 * linear; callers that look up often build their own maps (the catalog does).
 */
public record SchemaBundle(
    long version,
    List<EnumDef> enums,
    List<EntityDef> entities,
    List<RelationDef> relations,
    List<ConstraintDef> constraints,
    List<IndexDef> indexes,
    List<PolicyDef> policies) {
  public SchemaBundle {
    enums = List.copyOf(enums);
    entities = List.copyOf(entities);
    relations = List.copyOf(relations);
    constraints = List.copyOf(constraints);
    indexes = List.copyOf(indexes);
    policies = List.copyOf(policies);
  }

  public static SchemaBundle empty() {
    return new SchemaBundle(0, List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
  }

  public SchemaBundle withVersion(long newVersion) {
    return new SchemaBundle(newVersion, enums, entities, relations, constraints, indexes, policies);
  }

  // Lookups are plain loops: every query resolves names through them, and a schema has few
  // entities and relations.

  public Optional<EntityDef> entity(String name) {
    for (EntityDef e : entities) {
      if (e.name().equals(name)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  public Optional<EnumDef> enumDef(String name) {
    for (EnumDef e : enums) {
      if (e.name().equals(name)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** The relation named {@code name} leaving {@code fromEntity}. */
  public Optional<RelationDef> relation(String fromEntity, String name) {
    for (RelationDef r : relations) {
      if (r.fromEntity().equals(fromEntity) && r.name().equals(name)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * The relation named {@code name} leaving {@code fromEntity}, or an INVALID_REQUEST error saying
   * so ({@link #unknownRelation}).
   */
  public RelationDef requireRelation(String fromEntity, String name) {
    return relation(fromEntity, name)
        .orElseThrow(() -> OrmDbException.invalid(unknownRelation(fromEntity, name)));
  }

  /**
   * The entity named {@code name}, or an INVALID_REQUEST error saying so ({@link #unknownEntity}).
   */
  public EntityDef requireEntity(String name) {
    return entity(name).orElseThrow(() -> OrmDbException.invalid(unknownEntity(name)));
  }

  /**
   * How every lookup says that this schema has no entity {@code name}: {@code unknown entity 'Pst'
   * (did you mean 'Post'?)}, or {@code 'Role' is an enum, not an entity}.
   */
  public String unknownEntity(String name) {
    if (enumDef(name).isPresent()) {
      return "'" + name + "' is an enum, not an entity";
    }
    return "unknown entity '"
        + name
        + "'"
        + Suggestions.didYouMean(name, entities.stream().map(EntityDef::name).toList());
  }

  /**
   * How every lookup says that {@code fromEntity} has no relation {@code name}: {@code unknown
   * relation 'coments' on entity Post (did you mean 'comments'?)}.
   */
  public String unknownRelation(String fromEntity, String name) {
    String didYouMean =
        Suggestions.didYouMean(
            name, relationsFrom(fromEntity).stream().map(RelationDef::name).toList());
    String message = "unknown relation '" + name + "' on entity " + fromEntity + didYouMean;
    if (!didYouMean.isEmpty()) {
      return message;
    }
    List<String> backlinks = new ArrayList<>();
    for (RelationDef r : relations) {
      if (r.toEntity().equals(fromEntity) && !hasReverse(r)) {
        backlinks.add(
            r.fromEntity()
                + "."
                + r.name()
                + " leads here; to navigate it from "
                + fromEntity
                + ", declare in entity "
                + fromEntity
                + ": "
                + reverseDeclaration(r, name));
      }
    }
    // the relations whose source is named like the requested relation come first
    String wanted = name.toLowerCase(java.util.Locale.ROOT);
    backlinks.sort(
        java.util.Comparator.comparing(
            (String b) -> !wanted.startsWith(b.substring(0, b.indexOf('.')).toLowerCase())));
    return backlinks.isEmpty()
        ? message
        : message
            + " ("
            + String.join("; ", backlinks.subList(0, Math.min(3, backlinks.size())))
            + ")";
  }

  /** Whether the target of {@code r} declares a relation back over the same key. */
  private boolean hasReverse(RelationDef r) {
    for (RelationDef back : relationsFrom(r.toEntity())) {
      if (!back.toEntity().equals(r.fromEntity())) {
        continue;
      }
      boolean sameKey =
          r.cardinality() == Cardinality.MANY_TO_MANY
              ? r.edgeEntity().equals(back.edgeEntity())
                  && r.edgeFromField().equals(back.edgeToField())
              : r.fromField().equals(back.toField()) && r.toField().equals(back.fromField());
      if (sameKey) {
        return true;
      }
    }
    return false;
  }

  /** The declaration, in the schema language, of the relation back over {@code r}'s key. */
  private String reverseDeclaration(RelationDef r, String name) {
    String head = "relation " + name + ": ";
    return switch (r.cardinality()) {
      case MANY_TO_ONE ->
          head
              + "one to many "
              + r.fromEntity()
              + " ("
              + r.toField()
              + " -> "
              + r.fromField()
              + ")";
      case ONE_TO_MANY ->
          head
              + "many to one "
              + r.fromEntity()
              + " ("
              + r.toField()
              + " -> "
              + r.fromField()
              + ")";
      case ONE_TO_ONE ->
          head + "one to one " + r.fromEntity() + " (" + r.toField() + " -> " + r.fromField() + ")";
      case MANY_TO_MANY ->
          head
              + "many to many "
              + r.fromEntity()
              + " through "
              + r.edgeEntity()
              + "("
              + r.edgeToField()
              + ", "
              + r.edgeFromField()
              + ")";
    };
  }

  /**
   * Whether {@code r}'s key field is on its source rows — many-to-one, and one-to-one whose target
   * field is the target's identity — rather than on its target rows (one-to-many, the other
   * one-to-ones) or on edge rows (many-to-many). The one rule for foreign keys, nested inserts and
   * their validation.
   */
  public boolean keyOnSource(RelationDef r) {
    return switch (r.cardinality()) {
      case MANY_TO_ONE -> true;
      case ONE_TO_ONE ->
          entity(r.toEntity()).map(t -> t.identityField().equals(r.toField())).orElse(false);
      default -> false;
    };
  }

  public List<RelationDef> relationsFrom(String fromEntity) {
    List<RelationDef> out = new ArrayList<>();
    for (RelationDef r : relations) {
      if (r.fromEntity().equals(fromEntity)) {
        out.add(r);
      }
    }
    return out;
  }

  public List<ConstraintDef> constraintsOf(String entity) {
    List<ConstraintDef> out = new ArrayList<>();
    for (ConstraintDef c : constraints) {
      if (c.entity().equals(entity)) {
        out.add(c);
      }
    }
    return out;
  }

  public List<IndexDef> indexesOf(String entity) {
    return indexes.stream().filter(i -> i.entity().equals(entity)).toList();
  }

  public List<PolicyDef> policiesOf(String entity) {
    return policies.stream().filter(p -> Objects.equals(p.entity(), entity)).toList();
  }
}
