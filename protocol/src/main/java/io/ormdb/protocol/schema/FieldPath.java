package io.ormdb.protocol.schema;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.Suggestions;
import java.util.ArrayList;
import java.util.List;

/**
 * A field named from an entity by a path: the field itself ({@code last_name}), or a field of a row
 * reached through to-one relations ({@code person.last_name}, {@code movie.director.last_name}).
 * Each relation of the path leads to at most one row, so the path names at most one value per row:
 * null when a relation leads to no row.
 *
 * @param path the path as written, names separated by {@code .}
 * @param relations the relations followed, in order; empty for a field of the entity itself
 * @param entity the entity holding the field
 * @param field the field
 */
public record FieldPath(
    String path, List<RelationDef> relations, EntityDef entity, FieldDef field) {
  public FieldPath {
    relations = List.copyOf(relations);
  }

  /** Whether the field is the entity's own (no relation followed). */
  public boolean isLocal() {
    return relations.isEmpty();
  }

  /**
   * Resolves {@code path} from {@code from}: every name but the last is a to-one relation (many to
   * one or one to one), the last a field of the entity the relations lead to.
   *
   * @throws Problem (INVALID_REQUEST) naming what is wrong and at which name of the path
   */
  public static FieldPath resolve(SchemaBundle schema, EntityDef from, String path) {
    String[] names = path.split("\\.", -1);
    List<RelationDef> relations = new ArrayList<>();
    EntityDef at = from;
    for (int i = 0; i < names.length; i++) {
      String name = names[i];
      if (name.isEmpty()) {
        throw new Problem(Problem.Kind.EMPTY_NAME, i, "'" + path + "' has an empty name");
      }
      if (i == names.length - 1) {
        FieldDef field = at.field(name).orElse(null);
        if (field != null) {
          return new FieldPath(path, relations, at, field);
        }
        RelationDef rel = schema.relation(at.name(), name).orElse(null);
        if (rel != null) {
          throw new Problem(
              Problem.Kind.RELATION_NOT_FIELD,
              i,
              "'"
                  + name
                  + "' is a relation of entity "
                  + at.name()
                  + ", not a field: name one of its fields, such as '"
                  + path
                  + "."
                  + example(schema, rel)
                  + "'");
        }
        throw new Problem(Problem.Kind.UNKNOWN_FIELD, i, at.unknownField(name));
      }
      RelationDef rel = schema.relation(at.name(), name).orElse(null);
      if (rel == null) {
        if (at.field(name).isPresent()) {
          throw new Problem(
              Problem.Kind.FIELD_NOT_RELATION,
              i,
              "'"
                  + name
                  + "' is a field of entity "
                  + at.name()
                  + ", not a relation: only the last name of a path names a field");
        }
        throw new Problem(Problem.Kind.UNKNOWN_RELATION, i, unknownRelation(schema, at, name));
      }
      if (rel.cardinality().toMany()) {
        throw new Problem(
            Problem.Kind.TO_MANY,
            i,
            "relation '"
                + name
                + "' of entity "
                + at.name()
                + " is "
                + rel.cardinality().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + ": a path to one value follows to-one relations only (many to one, one to one)");
      }
      relations.add(rel);
      at = schema.requireEntity(rel.toEntity());
    }
    throw new IllegalStateException("unreachable");
  }

  /**
   * {@code unknown relation 'persn' on entity CastMember (did you mean 'person'?)}, or, with no
   * relation close, a close field: {@code (did you mean the field 'last_name'?)}.
   */
  private static String unknownRelation(SchemaBundle schema, EntityDef at, String name) {
    String hint =
        Suggestions.didYouMean(
            name, schema.relationsFrom(at.name()).stream().map(RelationDef::name).toList());
    if (hint.isEmpty()) {
      hint =
          Suggestions.didYouMean(name, at.fields().stream().map(FieldDef::name).toList())
              .replace("(did you mean '", "(did you mean the field '");
    }
    return "unknown relation '" + name + "' on entity " + at.name() + hint;
  }

  /** A field of the relation's target to show in an example: the first that is not the identity. */
  private static String example(SchemaBundle schema, RelationDef rel) {
    EntityDef target = schema.requireEntity(rel.toEntity());
    for (FieldDef f : target.fields()) {
      if (!f.name().equals(target.identityField())) {
        return f.name();
      }
    }
    return target.identityField();
  }

  /** What is wrong with a path, and at which of its names (counted from 0). */
  public static final class Problem extends OrmDbException {
    private static final long serialVersionUID = 1L;

    /** The kinds of mistake. */
    public enum Kind {
      /** Two dots in a row, or a dot at an end. */
      EMPTY_NAME,
      /** A name before the last that no relation of the entity has (and no field either). */
      UNKNOWN_RELATION,
      /** A name before the last that is a field of the entity, not a relation. */
      FIELD_NOT_RELATION,
      /** A relation to many rows. */
      TO_MANY,
      /** The last name, which no field of the entity has (and no relation either). */
      UNKNOWN_FIELD,
      /** The last name, which is a relation of the entity, not a field. */
      RELATION_NOT_FIELD
    }

    private final Kind kind;
    private final int name;

    Problem(Kind kind, int name, String message) {
      super(ErrorCode.INVALID_REQUEST, message);
      this.kind = kind;
      this.name = name;
    }

    public Kind kind() {
      return kind;
    }

    /** The position of the name that is wrong, counted from 0. */
    public int name() {
      return name;
    }
  }
}
