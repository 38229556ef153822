package io.ormdb.protocol.lang.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.ParseException;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.LinkFields;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.ValueType;
import org.junit.jupiter.api.Test;

/**
 * Link fields of many-to-many relations in the schema language: the edge entity's fields besides
 * its keys, and the inline form {@code through MovieCast(movie_id, person_id) { list_order int32?
 * }} that declares the edge entity with them.
 */
class LinkFieldsSchemaTest {
  static final String MOVIES =
      """
      entity Movie {
        id    int64 @id
        title string
        relation cast: many to many Person through MovieCast(movie_id, person_id) {
          list_order int32?
          character  string? @sensitive(internal) @mask(redact("***"))
        }
      }

      entity Person {
        id   uuid @id
        name string
        relation movies: many to many Movie through MovieCast(person_id, movie_id)
      }
      """;

  @Test
  void linkFieldsDeclareTheEdgeEntity() {
    SchemaBundle b = SchemaParser.parse(MOVIES);
    EntityDef edge = b.entity("MovieCast").orElseThrow();
    assertThat(b.entities())
        .extracting(EntityDef::name)
        .containsExactly("Movie", "Person", "MovieCast");
    assertThat(edge.identityField()).isEqualTo("id");
    assertThat(edge.fields())
        .extracting(FieldDef::name)
        .containsExactly("id", "movie_id", "person_id", "list_order", "character");
    assertThat(edge.field("id").orElseThrow().type()).isEqualTo(FieldType.of(ValueType.INT64));
    assertThat(edge.field("movie_id").orElseThrow())
        .isEqualTo(FieldDef.of("movie_id", FieldType.of(ValueType.INT64)));
    assertThat(edge.field("person_id").orElseThrow())
        .isEqualTo(FieldDef.of("person_id", FieldType.of(ValueType.UUID)));
    assertThat(edge.field("list_order").orElseThrow())
        .isEqualTo(FieldDef.of("list_order", FieldType.of(ValueType.INT32)).asOptional());
    assertThat(b.constraintsOf("MovieCast"))
        .containsExactly(
            new ConstraintDef.Unique(
                "MovieCast_movie_id_person_id_key",
                "MovieCast",
                java.util.List.of("movie_id", "person_id")));

    RelationDef cast = b.relation("Movie", "cast").orElseThrow();
    assertThat(LinkFields.of(b, cast))
        .extracting(FieldDef::name)
        .containsExactly("id", "list_order", "character");
    RelationDef movies = b.relation("Person", "movies").orElseThrow();
    assertThat(LinkFields.of(b, movies))
        .extracting(FieldDef::name)
        .containsExactly("id", "list_order", "character");
  }

  @Test
  void theCanonicalTextDeclaresTheEdgeAsAnEntityAndReadsBackEqual() {
    SchemaBundle b = SchemaParser.parse(MOVIES);
    String text = SchemaPrinter.print(b);
    assertThat(text).contains("entity MovieCast {").doesNotContain("{ list_order");
    assertThat(SchemaParser.parse(text)).isEqualTo(b);
  }

  @Test
  void theSameSchemaWithAnExplicitEdgeEntityHasTheSameLinkFields() {
    SchemaBundle explicit =
        SchemaParser.parse(
            """
            entity Movie {
              id    int64 @id
              title string
              relation cast: many to many Person through MovieCast(movie_id, person_id)
            }
            entity Person {
              id   uuid @id
              name string
              relation movies: many to many Movie through MovieCast(person_id, movie_id)
            }
            entity MovieCast {
              id         int64 @id
              movie_id   int64
              person_id  uuid
              list_order int32?
              character  string? @sensitive(internal) @mask(redact("***"))
              unique (movie_id, person_id)
            }
            """);
    assertThat(explicit).isEqualTo(SchemaParser.parse(MOVIES));
  }

  @Test
  void aLinkFieldMayBeTheEdgesIdentityAndEmptyBracesDeclareAnEdgeWithoutLinkFields() {
    SchemaBundle b =
        SchemaParser.parse(
            """
            entity Post {
              id uuid @id
              relation tags: many to many Tag through PostTag(postId, tagId) {}
              relation links: many to many Post through PostLink(fromId, toId) { id uuid @id @default(uuid), weight float64 }
            }
            entity Tag { id int64 @id }
            """);
    assertThat(b.entity("PostTag").orElseThrow().fields())
        .extracting(FieldDef::name)
        .containsExactly("id", "postId", "tagId");
    EntityDef link = b.entity("PostLink").orElseThrow();
    assertThat(link.fields())
        .extracting(FieldDef::name)
        .containsExactly("fromId", "toId", "id", "weight");
    assertThat(link.identity().type()).isEqualTo(FieldType.of(ValueType.UUID));
    assertThat(link.field("toId").orElseThrow().type()).isEqualTo(FieldType.of(ValueType.UUID));
  }

  @Test
  void linkFieldsOnARelationThatIsNotManyToManyAreAnError() {
    fails(
        """
        entity Post {
          id uuid @id
          authorId uuid
          relation author: many to one User by authorId { since timestamp }
        }
        entity User { id uuid @id }
        """,
        "line 4:49: link fields '{ ... }' belong to a many-to-many relation, but relation 'author'"
            + " is many to one");
  }

  @Test
  void linkFieldsNeedTheEdge() {
    fails(
        "entity A { id int64 @id\n relation bs: many to many B { w int32 } }\nentity B { id int64 @id }",
        "line 2:30: link fields need the edge they are stored on: through <Edge>(<keyToThis>,"
            + " <keyToTarget>) { ... }");
  }

  @Test
  void anEdgeDeclaredBothAsAnEntityAndByLinkFieldsIsAnError() {
    fails(
        """
        entity Movie {
          id int64 @id
          relation cast: many to many Person through MovieCast(movie_id, person_id) { list_order int32? }
        }
        entity Person { id int64 @id }
        entity MovieCast { id int64 @id  movie_id int64  person_id int64 }
        """,
        "line 3:46: edge entity 'MovieCast' is declared twice: as entity MovieCast (line 6:8) and by"
            + " the link fields of relation 'cast' here; declare its link fields in the entity, or"
            + " drop the entity");
  }

  @Test
  void anEdgeDeclaredByTheLinkFieldsOfTwoRelationsIsAnError() {
    fails(
        """
        entity Movie {
          id int64 @id
          relation cast: many to many Person through MovieCast(movie_id, person_id) { list_order int32? }
        }
        entity Person {
          id int64 @id
          relation movies: many to many Movie through MovieCast(person_id, movie_id) { list_order int32? }
        }
        """,
        "line 7:47: edge entity 'MovieCast' is declared twice: by the link fields of relation"
            + " Movie.cast (line 3:77) and here; write this relation without '{ ... }'");
  }

  @Test
  void aLinkFieldNamedLikeAKeyOrTheIdentityIsAnError() {
    fails(
        """
        entity Movie {
          id int64 @id
          relation cast: many to many Person through MovieCast(movie_id, person_id) {
            movie_id int64
            id string
          }
        }
        entity Person { id int64 @id }
        """,
        "line 4:5: 'movie_id' is a key of edge entity MovieCast (through MovieCast(movie_id,"
            + " person_id)), not a link field\n"
            + "line 5:5: 'id' is the identity edge entity MovieCast gets; mark this link field @id"
            + " to make it the identity, or name it differently");
  }

  @Test
  void linkFieldsAreCheckedAsFields() {
    fails(
        """
        entity Movie {
          id int64 @id
          relation cast: many to many Person through MovieCast(movie_id, person_id) { list_order int23? }
        }
        entity Person { id int64 @id }
        """,
        "line 3:90: unknown type 'int23' (did you mean 'int32'?)");
  }

  @Test
  void theEdgeOfAnUnknownTargetIsReportedOnceAtTheTarget() {
    assertThatThrownBy(
            () ->
                SchemaParser.parse(
                    """
                    entity Movie {
                      id int64 @id
                      relation cast: many to many Persn through MovieCast(movie_id, person_id) { n int32 }
                    }
                    entity Person { id int64 @id }
                    """))
        .isInstanceOf(ParseException.class)
        .hasMessage("line 3:31: unknown entity 'Persn' (did you mean 'Person'?)");
  }

  @Test
  void aLinkReferenceResolvesOnlyOnAManyToManyRelation() {
    SchemaBundle b = SchemaParser.parse(MOVIES);
    RelationDef cast = b.relation("Movie", "cast").orElseThrow();
    assertThat(LinkFields.resolve(b, cast, "@list_order").name()).isEqualTo("list_order");
    assertThatThrownBy(() -> LinkFields.resolve(b, cast, "@list_ordr"))
        .isInstanceOf(OrmDbException.class)
        .hasMessage(
            "unknown link field '@list_ordr' of relation Movie.cast (did you mean '@list_order'?)");
    assertThatThrownBy(() -> LinkFields.resolve(b, cast, "@name"))
        .hasMessage(
            "'@name' names a link field, but 'name' is a field of Person: write it without '@'");
    assertThatThrownBy(() -> LinkFields.resolve(b, cast, "@person_id"))
        .hasMessage(
            "'@person_id' is a key of the edge entity MovieCast (it holds Person.id), not a link"
                + " field; the link fields of Movie.cast are @id, @list_order, @character");
    assertThatThrownBy(() -> LinkFields.resolve(b, cast, "@zzz"))
        .hasMessage(
            "unknown link field '@zzz' of relation Movie.cast; its link fields (the fields of edge"
                + " entity MovieCast besides its keys) are @id, @list_order, @character");
    assertThatThrownBy(() -> LinkFields.resolve(b, null, "@list_order"))
        .hasMessage(
            "'@list_order' is a link field: only an include over a many-to-many relation has link"
                + " fields (the fields of its edge entity)");
  }

  private static void fails(String text, String message) {
    assertThatThrownBy(() -> SchemaParser.parse(text))
        .isInstanceOf(ParseException.class)
        .hasMessage(message);
  }
}
