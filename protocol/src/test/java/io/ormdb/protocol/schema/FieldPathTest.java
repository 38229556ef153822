package io.ormdb.protocol.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.lang.schema.SchemaParser;
import org.junit.jupiter.api.Test;

/** Paths through to-one relations to a related row's field, and what is wrong with a bad one. */
class FieldPathTest {
  static final SchemaBundle MOVIES =
      SchemaParser.parse(
          """
          entity Person {
            id         int64  @id
            first_name string
            last_name  string
            relation roles: one to many CastMember by personId
          }
          entity Movie {
            id         int64  @id
            title      string
            directorId int64?
            relation director: many to one Person by directorId
            relation cast: one to many CastMember by movieId
          }
          entity CastMember {
            id        int64  @id
            movieId   int64
            personId  int64?
            character string
            relation movie: many to one Movie by movieId
            relation person: many to one Person by personId
          }
          """);

  private static EntityDef entity(String name) {
    return MOVIES.requireEntity(name);
  }

  private static FieldPath.Problem problem(String entity, String path) {
    return catchThrowableOfType(
        FieldPath.Problem.class, () -> FieldPath.resolve(MOVIES, entity(entity), path));
  }

  @Test
  void aFieldOfTheEntityOrOfARowReachedThroughToOneRelations() {
    FieldPath own = FieldPath.resolve(MOVIES, entity("CastMember"), "character");
    assertThat(own.isLocal()).isTrue();
    assertThat(own.field().name()).isEqualTo("character");

    FieldPath twoHops = FieldPath.resolve(MOVIES, entity("CastMember"), "movie.director.last_name");
    assertThat(twoHops.relations())
        .extracting(RelationDef::name)
        .containsExactly("movie", "director");
    assertThat(twoHops.entity().name()).isEqualTo("Person");
    assertThat(twoHops.field().name()).isEqualTo("last_name");
  }

  @Test
  void eachMistakeSaysWhatIsWrongAndWhere() {
    FieldPath.Problem p = problem("CastMember", "person.last_nme");
    assertThat(p.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(p.kind()).isEqualTo(FieldPath.Problem.Kind.UNKNOWN_FIELD);
    assertThat(p.name()).isEqualTo(1);
    assertThat(p.getMessage())
        .isEqualTo("unknown field 'last_nme' on entity Person (did you mean 'last_name'?)");

    p = problem("CastMember", "persn.last_name");
    assertThat(p.kind()).isEqualTo(FieldPath.Problem.Kind.UNKNOWN_RELATION);
    assertThat(p.name()).isZero();
    assertThat(p.getMessage())
        .isEqualTo("unknown relation 'persn' on entity CastMember (did you mean 'person'?)");

    p = problem("Person", "roles.character");
    assertThat(p.kind()).isEqualTo(FieldPath.Problem.Kind.TO_MANY);
    assertThat(p.getMessage())
        .isEqualTo(
            "relation 'roles' of entity Person is one to many: a path to one value follows to-one"
                + " relations only (many to one, one to one)");

    p = problem("CastMember", "movie.director");
    assertThat(p.kind()).isEqualTo(FieldPath.Problem.Kind.RELATION_NOT_FIELD);
    assertThat(p.name()).isEqualTo(1);
    assertThat(p.getMessage())
        .isEqualTo(
            "'director' is a relation of entity Movie, not a field: name one of its fields, such"
                + " as 'movie.director.first_name'");

    p = problem("Person", "last_name.first_name");
    assertThat(p.kind()).isEqualTo(FieldPath.Problem.Kind.FIELD_NOT_RELATION);
    assertThat(p.getMessage())
        .isEqualTo(
            "'last_name' is a field of entity Person, not a relation: only the last name of a path"
                + " names a field");

    p = problem("CastMember", "characte.x");
    assertThat(p.getMessage())
        .isEqualTo(
            "unknown relation 'characte' on entity CastMember (did you mean the field"
                + " 'character'?)");

    p = problem("CastMember", "person..last_name");
    assertThat(p.kind()).isEqualTo(FieldPath.Problem.Kind.EMPTY_NAME);
    assertThat(p.name()).isEqualTo(1);
  }
}
