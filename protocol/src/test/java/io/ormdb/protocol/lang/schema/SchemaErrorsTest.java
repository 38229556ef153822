package io.ormdb.protocol.lang.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.lang.ParseException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each kind of schema mistake gets an exact position and message. */
class SchemaErrorsTest {

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of(
            "missing closing brace",
            "entity User {\n  id uuid @id\n\nentity Post {\n  id uuid @id\n}",
            4,
            1,
            "expected '}' but found 'entity'"),
        Arguments.of(
            "brace missing at end of input",
            "entity User {\n  id uuid @id\n",
            3,
            1,
            "expected a field, a relation, a constraint or '}' but found end of input"),
        Arguments.of(
            "misspelled declaration keyword",
            "entiy User {\n  id uuid @id\n}",
            1,
            1,
            "expected 'entity', 'enum' or 'policy' but found 'entiy' (did you mean 'entity'?)"),
        Arguments.of(
            "unknown type with suggestion",
            "entity User {\n  id uuid @id\n  name strng\n}",
            3,
            8,
            "unknown type 'strng' (did you mean 'string'?)"),
        Arguments.of(
            "unknown attribute with suggestion",
            "entity User {\n  id uuid @id\n  email string @uniqe\n}",
            3,
            16,
            "unknown attribute '@uniqe' (did you mean '@unique'?)"),
        Arguments.of(
            "default that does not fit the type",
            "entity User {\n  id uuid @id\n  age int32 @default(\"ten\")\n}",
            3,
            22,
            "default \"ten\" is not a valid int32"),
        Arguments.of(
            "decimal default with too many digits",
            "entity User {\n  id uuid @id\n  b decimal(5, 2) @default(1.234)\n}",
            3,
            28,
            "default 1.234 is not a valid decimal(5,2)"),
        Arguments.of(
            "unterminated string",
            "entity User {\n  id uuid @id\n  name string @default(\"abc)\n}",
            3,
            24,
            "unterminated string"),
        Arguments.of(
            "unexpected token",
            "entity User {\n  id uuid @id,\n}",
            2,
            14,
            "expected a field, a relation, a constraint or '}' but found ','"),
        Arguments.of(
            "duplicate field",
            "entity User {\n  id uuid @id\n  name string\n  name string\n}",
            4,
            3,
            "duplicate field 'name' in entity User (first declared at line 3:3)"),
        Arguments.of(
            "duplicate entity",
            "entity User {\n  id uuid @id\n}\nentity User {\n  id uuid @id\n}",
            4,
            8,
            "duplicate entity 'User' (first declared at line 1:8)"),
        Arguments.of(
            "unknown entity in relation with suggestion",
            "entity User {\n  id uuid @id\n  relation posts: one to many Pst by authorId\n}\n"
                + "entity Post {\n  id uuid @id\n  authorId uuid\n}",
            3,
            31,
            "unknown entity 'Pst' (did you mean 'Post'?)"),
        Arguments.of(
            "index on unknown field",
            "entity User {\n  id uuid @id\n  email string\n  index (emial, id)\n}",
            4,
            10,
            "unknown field 'emial' on entity User (did you mean 'email'?)"),
        Arguments.of(
            "missing identity",
            "entity User {\n  name string\n}",
            1,
            8,
            "entity User has no identity field (mark one field with @id)"),
        Arguments.of(
            "many-to-many without edge",
            "entity Post {\n  id uuid @id\n  relation tags: many to many Tag\n}\n"
                + "entity Tag {\n  id uuid @id\n}",
            3,
            12,
            "many-to-many relation 'tags' needs an edge entity:"
                + " through <Edge>(<keyToThis>, <keyToTarget>)"),
        Arguments.of(
            "relation without key",
            "entity User {\n  id uuid @id\n}\nentity Post {\n  id uuid @id\n"
                + "  relation author: many to one User\n}",
            6,
            12,
            "relation 'author' needs a key: 'by <field>' or '(<fieldHere> -> <fieldOfTarget>)'"),
        Arguments.of(
            "misspelled member keyword",
            "entity User {\n  id uuid @id\n  relaton posts: one to many Post by authorId\n}",
            3,
            3,
            "unknown keyword 'relaton' (did you mean 'relation'?)"),
        Arguments.of(
            "set null on a required key",
            "entity User {\n  id uuid @id\n}\nentity Post {\n  id uuid @id\n  authorId uuid\n"
                + "  relation author: many to one User by authorId on delete set null\n}",
            7,
            49,
            "on delete set null needs an optional key, but Post.authorId is required"),
        Arguments.of(
            "key types that differ",
            "entity User {\n  id uuid @id\n}\nentity Post {\n  id uuid @id\n  authorId string\n"
                + "  relation author: many to one User by authorId\n}",
            7,
            12,
            "key types differ: Post.authorId is string, User.id is uuid"),
        Arguments.of(
            "session attribute in a check",
            "entity User {\n  id uuid @id\n  ownerId uuid\n  check (ownerId == $user.id)\n}",
            4,
            22,
            "session attributes ($user.id) can only be used in policies, not in checks"),
        Arguments.of(
            "entity used as a field type",
            "entity User {\n  id uuid @id\n  post Post\n}\nentity Post {\n  id uuid @id\n}",
            3,
            8,
            "'Post' is an entity, not a field type: link to it with a relation"
                + " (relation <name>: many to one Post by <keyField>)"),
        Arguments.of(
            "decimal precision out of range",
            "entity User {\n  id uuid @id\n  b decimal(40, 2)\n}",
            3,
            13,
            "decimal(40, 2): precision must be 1..38 and scale 0..precision"),
        Arguments.of(
            "inverse relations disagreeing on delete",
            "entity User {\n  id uuid @id\n"
                + "  relation posts: one to many Post by authorId on delete cascade\n}\n"
                + "entity Post {\n  id uuid @id\n  authorId uuid?\n"
                + "  relation author: many to one User by authorId on delete set null\n}",
            8,
            49,
            "on delete set null conflicts with on delete cascade of relation User.posts, which"
                + " uses the same key Post.authorId"),
        Arguments.of(
            "unknown sensitivity level",
            "entity User {\n  id uuid @id\n  ssn string @sensitive(secret)\n}",
            3,
            25,
            "expected a sensitivity level ('public', 'internal', 'sensitive' or 'restricted')"
                + " but found 'secret'"),
        Arguments.of(
            "optional marker before array brackets",
            "entity User {\n  id uuid @id\n  tags string?[]\n}",
            3,
            15,
            "write an optional array as T[]?, not T?[]"),
        Arguments.of(
            "misspelled policy operation",
            "entity User {\n  id uuid @id\n}\npolicy p on User for selct using (id == $user.id)",
            4,
            22,
            "expected an operation (select, insert, update, delete or all) but found 'selct'"
                + " (did you mean 'select'?)"),
        Arguments.of(
            "duplicate attribute",
            "entity User {\n  id uuid @id @id\n}",
            2,
            15,
            "duplicate attribute '@id'"),
        Arguments.of(
            "ambiguous one-to-one key",
            "entity User {\n  id uuid @id\n  profileId uuid\n"
                + "  relation profile: one to one Profile by profileId\n}\n"
                + "entity Profile {\n  id uuid @id\n  profileId uuid\n}",
            4,
            43,
            "the key 'profileId' of relation 'profile' is ambiguous: both User and Profile have"
                + " it; write (profileId -> ...) or (... -> profileId)"),
        Arguments.of(
            "one-to-one key that is not unique",
            "entity User {\n  id uuid @id\n  relation profile: one to one Profile by userId\n}\n"
                + "entity Profile {\n  id uuid @id\n  userId uuid\n}",
            3,
            12,
            "relation 'profile' is one to one, so its key Profile.userId must be @unique"
                + " (or the identity): otherwise several Profile rows could refer to the same User"
                + " row"),
        Arguments.of(
            "foreign key to an unknown entity",
            "entity User {\n  id uuid @id\n  managerId uuid?\n"
                + "  foreign key (managerId) references Usr\n}",
            4,
            38,
            "unknown entity 'Usr' (did you mean 'User'?)"),
        Arguments.of(
            "mask without sensitivity",
            "entity User {\n  id uuid @id\n  ssn string @mask(hash)\n}",
            3,
            14,
            "@mask needs a sensitivity above public: add @sensitive(..) to field 'ssn'"),
        Arguments.of(
            "now default on a string",
            "entity User {\n  id uuid @id\n  created string @default(now)\n}",
            3,
            27,
            "@default(now) needs a timestamp or date field, but 'created' is string"),
        Arguments.of(
            "unknown enum variant in a default",
            "enum Role { admin, reader }\nentity User {\n  id uuid @id\n"
                + "  role Role @default(admn)\n}",
            4,
            22,
            "unknown variant 'admn' of enum Role (did you mean 'admin'?)"),
        Arguments.of(
            "null default on a required field",
            "entity User {\n  id uuid @id\n  name string @default(null)\n}",
            3,
            24,
            "@default(null) needs an optional field, but 'name' is required"),
        Arguments.of(
            "reference to a field that is not unique",
            "entity User {\n  id uuid @id\n  email string\n}\nentity Post {\n  id uuid @id\n"
                + "  by string\n  relation author: many to one User (`by` -> email)\n}",
            8,
            12,
            "relation 'author' must reference an identity or @unique field,"
                + " but User.email is neither"),
        Arguments.of(
            "edge entity with an unknown key field",
            "entity Post {\n  id uuid @id\n"
                + "  relation tags: many to many Tag through PostTag(postId, tgId)\n}\n"
                + "entity Tag {\n  id uuid @id\n}\n"
                + "entity PostTag {\n  id uuid @id\n  postId uuid\n  tagId uuid\n}",
            3,
            59,
            "unknown field 'tgId' on entity PostTag (did you mean 'tagId'?)"),
        Arguments.of(
            "check on an unknown field",
            "entity User {\n  id uuid @id\n  age int32\n  check (agee >= 0)\n}",
            4,
            10,
            "unknown field 'agee' on entity User (did you mean 'age'?)"),
        Arguments.of(
            "bad operator in a check",
            "entity User {\n  id uuid @id\n  age int32\n  check (age = 0)\n}",
            4,
            14,
            "'=' is not an operator (did you mean '=='?)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void reportsTheMistakeWithItsPosition(
      String kind, String text, int line, int column, String detail) {
    assertThatThrownBy(() -> SchemaParser.parse(text))
        .isInstanceOf(ParseException.class)
        .hasMessage("line " + line + ":" + column + ": " + detail)
        .satisfies(
            e -> {
              ParseException pe = (ParseException) e;
              assertThat(pe.line()).isEqualTo(line);
              assertThat(pe.column()).isEqualTo(column);
              assertThat(pe.detail()).isEqualTo(detail);
              assertThat(pe.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            });
  }

  @Test
  void semanticProblemsAreAllReportedAtOnceInTextOrder() {
    String text =
        String.join(
            "\n",
            "enum Role { admin, admin }",
            "entity User {",
            "  id uuid @id",
            "  id string",
            "  role Role @default(admn)",
            "  ssn string @mask(hash)",
            "  created string @default(now)",
            "  order by nme",
            "}",
            "entity User {",
            "  id uuid @id",
            "}",
            "policy p on Usr using (a == 1)");
    assertThatThrownBy(() -> SchemaParser.parse(text))
        .isInstanceOf(ParseException.class)
        .hasMessage(
            String.join(
                "\n",
                "line 1:20: duplicate variant 'admin' in enum Role",
                "line 4:3: duplicate field 'id' in entity User (first declared at line 3:3)",
                "line 5:22: unknown variant 'admn' of enum Role (did you mean 'admin'?)",
                "line 6:14: @mask needs a sensitivity above public: add @sensitive(..) to field"
                    + " 'ssn'",
                "line 7:27: @default(now) needs a timestamp or date field, but 'created' is string",
                "line 8:12: unknown field 'nme' on entity User",
                "line 10:8: duplicate entity 'User' (first declared at line 2:8)",
                "line 13:13: unknown entity 'Usr' (did you mean 'User'?)"))
        .satisfies(e -> assertThat(((ParseException) e).problems()).hasSize(8));
  }
}
