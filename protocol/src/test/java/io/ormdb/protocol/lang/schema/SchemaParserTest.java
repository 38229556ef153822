package io.ormdb.protocol.lang.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.Masking;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.PolicyDef;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SchemaParserTest {

  static String resource(String path) throws IOException {
    try (InputStream in = SchemaParserTest.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static FieldDef field(SchemaBundle b, String entity, String field) {
    return b.entity(entity).orElseThrow().field(field).orElseThrow();
  }

  @Test
  void parsesTheBlogExample() throws IOException {
    SchemaBundle b = SchemaParser.parse(resource("/examples/blog.ormdb"));

    assertThat(b.version()).isZero();
    assertThat(b.enums())
        .extracting(e -> e.name())
        .containsExactly("Role", "UserStatus", "PostStatus");
    assertThat(b.enumDef("Role").orElseThrow().variants())
        .containsExactly("admin", "editor", "reader");
    assertThat(b.entities())
        .extracting(EntityDef::name)
        .containsExactly("User", "Profile", "Post", "Comment", "Tag", "PostTag");
    assertThat(b.relations()).hasSize(10);
    assertThat(b.constraints()).hasSize(5);
    assertThat(b.indexes()).hasSize(2);
    assertThat(b.policies()).hasSize(2);

    EntityDef user = b.entity("User").orElseThrow();
    assertThat(user.identityField()).isEqualTo("id");
    assertThat(user.defaultOrder()).containsExactly(OrderSpec.desc("createdAt"));
    assertThat(user.softDelete()).isFalse();
    assertThat(field(b, "User", "id").defaultValue()).isEqualTo(new DefaultValue.AutoUuid());
    assertThat(field(b, "User", "email").unique()).isTrue();
    assertThat(field(b, "User", "role"))
        .isEqualTo(
            FieldDef.of("role", FieldType.enumType("Role"))
                .withDefault(new DefaultValue.Literal(new Value.Enum("reader"))));
    assertThat(field(b, "User", "age"))
        .isEqualTo(FieldDef.of("age", FieldType.of(ValueType.INT32)).asOptional());
    assertThat(field(b, "User", "balance").defaultValue())
        .isEqualTo(new DefaultValue.Literal(new Value.Decimal(new BigDecimal("0.00"))));
    assertThat(field(b, "User", "ssn"))
        .isEqualTo(
            FieldDef.of("ssn", FieldType.of(ValueType.STRING))
                .asOptional()
                .withSecurity(Sensitivity.RESTRICTED, new Masking.Partial(4, true, '*')));
    assertThat(field(b, "User", "createdAt").indexed()).isTrue();
    assertThat(field(b, "User", "createdAt").defaultValue()).isEqualTo(new DefaultValue.Now());
    assertThat(b.entity("Post").orElseThrow().softDelete()).isTrue();

    assertThat(b.relation("User", "posts"))
        .contains(
            RelationDef.oneToMany("posts", "User", "id", "Post", "authorId", OnDelete.RESTRICT));
    assertThat(b.relation("Post", "author").orElseThrow().cardinality())
        .isEqualTo(Cardinality.MANY_TO_ONE);
    assertThat(b.relation("Post", "tags"))
        .contains(
            RelationDef.manyToMany(
                "tags", "Post", "id", "Tag", "id", "PostTag", "postId", "tagId"));
    assertThat(b.relation("User", "comments").orElseThrow().onDelete())
        .isEqualTo(OnDelete.SET_NULL);

    // Relations imply their foreign keys: the only ForeignKey is the one declared explicitly.
    assertThat(b.constraints())
        .filteredOn(c -> c instanceof ConstraintDef.ForeignKey)
        .containsExactly(
            new ConstraintDef.ForeignKey(
                "Comment_parentId_fkey",
                "Comment",
                "parentId",
                "Comment",
                "id",
                OnDelete.SET_NULL));
    assertThat(b.constraintsOf("Post"))
        .containsExactly(
            new ConstraintDef.Unique(
                "Post_authorId_title_key", "Post", List.of("authorId", "title")),
            new ConstraintDef.Check(
                "Post_check_1", "Post", Filter.cmp("views", Filter.Op.GE, 0L), "views >= 0"));
    assertThat(b.constraintsOf("User"))
        .singleElement()
        .satisfies(
            c -> {
              ConstraintDef.Check check = (ConstraintDef.Check) c;
              assertThat(check.name()).isEqualTo("adult");
              assertThat(check.source()).isEqualTo("age is null || age >= 18");
              assertThat(check.expression())
                  .isEqualTo(
                      Filter.or(
                          new Filter.IsNull("age", false), Filter.cmp("age", Filter.Op.GE, 18L)));
            });
    assertThat(b.indexes())
        .containsExactly(
            new IndexDef(
                "Post_status_createdAt_idx",
                "Post",
                List.of("status", "createdAt"),
                IndexDef.Kind.BTREE,
                false),
            new IndexDef(
                "Comment_postId_idx", "Comment", List.of("postId"), IndexDef.Kind.HASH, false));

    PolicyDef own = b.policies().get(0);
    assertThat(own)
        .isEqualTo(
            new PolicyDef(
                "own_posts",
                "Post",
                PolicyDef.Kind.RESTRICTIVE,
                Set.of(PolicyDef.Operation.UPDATE, PolicyDef.Operation.DELETE),
                new Filter.AttrCompare("authorId", Filter.Op.EQ, "user.id"),
                "admin"));
    PolicyDef published = b.policies().get(1);
    assertThat(published.kind()).isEqualTo(PolicyDef.Kind.PERMISSIVE);
    assertThat(published.operations()).containsExactly(PolicyDef.Operation.SELECT);
    assertThat(published.bypassCapability()).isNull();
  }

  @Test
  void defaultsAreConvertedToTheFieldType() {
    SchemaBundle b =
        SchemaParser.parse(
            String.join(
                "\n",
                "entity T {",
                "  id    int64 @id",
                "  i     int32 @default(-7)",
                "  f     float32 @default(0.1)",
                "  d     float64 @default(2)",
                "  m     decimal(10, 3) @default(12.5m)",
                "  b     bool @default(true)",
                "  ts    timestamp @default(\"2024-01-02T03:04:05.123456Z\")",
                "  day   date @default(\"2024-02-29\")",
                "  ref   uuid @default(\"123e4567-e89b-12d3-a456-426614174000\")",
                "  doc   json @default(\"{\\\"a\\\": 1}\")",
                "  raw   bytes @default(\"0xCAFE\")",
                "  tags  string[] @default([\"a\", \"b\"])",
                "  nums  int32[]? @default(null)",
                "  today date @default(now)",
                "}"));
    assertThat(b.entity("T").orElseThrow().fields())
        .extracting(f -> f.defaultValue())
        .containsExactly(
            null,
            new DefaultValue.Literal(new Value.Int32(-7)),
            new DefaultValue.Literal(new Value.Float32(0.1f)),
            new DefaultValue.Literal(new Value.Float64(2.0)),
            new DefaultValue.Literal(new Value.Decimal(new BigDecimal("12.500"))),
            new DefaultValue.Literal(Value.TRUE),
            new DefaultValue.Literal(
                Value.Timestamp.of(Instant.parse("2024-01-02T03:04:05.123456Z"))),
            new DefaultValue.Literal(Value.Date.of(LocalDate.of(2024, 2, 29))),
            new DefaultValue.Literal(
                Value.Uuid.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))),
            new DefaultValue.Literal(new Value.Json("{\"a\": 1}")),
            new DefaultValue.Literal(new Value.Bytes(new byte[] {(byte) 0xca, (byte) 0xfe})),
            new DefaultValue.Literal(
                new Value.Array(ValueType.STRING, List.of(Value.of("a"), Value.of("b")))),
            new DefaultValue.Literal(Value.NULL),
            new DefaultValue.Now());
    assertThat(field(b, "T", "nums").type()).isEqualTo(FieldType.arrayOf(ValueType.INT32));
    assertThat(field(b, "T", "nums").optional()).isTrue();
  }

  @Test
  void oneToOneKeysAreFoundOnEitherSide() {
    SchemaBundle b =
        SchemaParser.parse(
            String.join(
                "\n",
                "entity User {",
                "  id uuid @id",
                "  relation profile: one to one Profile by userId on delete cascade",
                "}",
                "entity Profile {",
                "  id uuid @id",
                "  userId uuid @unique",
                "  relation user: one to one User by userId on delete cascade",
                "  relation owner: one to one User (userId -> id) on delete cascade",
                "}"));
    assertThat(b.relation("User", "profile").orElseThrow())
        .extracting(RelationDef::fromField, RelationDef::toField)
        .containsExactly("id", "userId");
    assertThat(b.relation("Profile", "user").orElseThrow())
        .extracting(RelationDef::fromField, RelationDef::toField)
        .containsExactly("userId", "id");
    assertThat(b.relation("Profile", "owner"))
        .isEqualTo(
            b.relation("Profile", "user")
                .map(
                    r ->
                        new RelationDef(
                            "owner",
                            r.fromEntity(),
                            r.toEntity(),
                            r.cardinality(),
                            r.fromField(),
                            r.toField(),
                            r.onDelete(),
                            null,
                            null,
                            null)));
  }

  @Test
  void namedConstraintsUniqueIndexesAndQuotedNames() {
    SchemaBundle b =
        SchemaParser.parse(
            String.join(
                "\n",
                "entity Account {",
                "  id      uuid @id",
                "  `order` int32",
                "  `index` string",
                "  parent  uuid?",
                "  unique by_order (`order`, `index`)",
                "  unique index code_idx (`index`) using hash",
                "  index (`order`)",
                "  check positive (`order` > 0)",
                "  foreign key parent_fk (parent) references Account(id) on delete cascade",
                "  order by `order` desc, id asc",
                "}"));
    assertThat(b.entity("Account").orElseThrow().fields())
        .extracting(FieldDef::name)
        .containsExactly("id", "order", "index", "parent");
    assertThat(b.constraints())
        .extracting(ConstraintDef::name)
        .containsExactly("by_order", "positive", "parent_fk");
    assertThat(b.indexes())
        .containsExactly(
            new IndexDef("code_idx", "Account", List.of("index"), IndexDef.Kind.HASH, true),
            new IndexDef(
                "Account_order_idx", "Account", List.of("order"), IndexDef.Kind.BTREE, false));
    assertThat(b.entity("Account").orElseThrow().defaultOrder())
        .containsExactly(OrderSpec.desc("order"), OrderSpec.asc("id"));
    assertThat(SchemaParser.parse(SchemaPrinter.print(b))).isEqualTo(b);
  }

  @Test
  void aDefaultOrderMayPlaceNulls() {
    SchemaBundle b =
        SchemaParser.parse(
            String.join(
                "\n",
                "entity Task {",
                "  id    int64 @id",
                "  due   date?",
                "  prio  int32?",
                "  order by due nulls last, prio desc nulls first, id",
                "  nulls int32?",
                "}"));
    assertThat(b.entity("Task").orElseThrow().defaultOrder())
        .containsExactly(
            OrderSpec.asc("due").nullsLast(),
            OrderSpec.desc("prio").nullsFirst(),
            OrderSpec.asc("id"));
    assertThat(b.entity("Task").orElseThrow().field("nulls")).isPresent();
    assertThat(SchemaPrinter.print(b))
        .contains("order by due nulls last, prio desc nulls first, id");
    assertThat(SchemaParser.parse(SchemaPrinter.print(b))).isEqualTo(b);
  }

  @Test
  void theBlogExamplePrintsToCanonicalTextThatReadsBackEqual() throws IOException {
    SchemaBundle b = SchemaParser.parse(resource("/examples/blog.ormdb"));
    String printed = SchemaPrinter.print(b);
    assertThat(SchemaParser.parse(printed)).isEqualTo(b);
    assertThat(SchemaPrinter.print(SchemaParser.parse(printed))).isEqualTo(printed);
    assertThat(printed)
        .contains("  relation tags: many to many Tag (id -> id) through PostTag(postId, tagId)\n")
        .contains(
            "  ssn       string?        @sensitive(restricted) @mask(partial(4, end, \"*\"))\n")
        .contains(
            "policy own_posts on Post restrictive for update, delete\n"
                + "  using (authorId == $user.id) bypass \"admin\"\n");
  }

  @Test
  void anEmptySchemaIsValid() {
    assertThat(SchemaParser.parse("// nothing yet\n")).isEqualTo(SchemaBundle.empty());
    assertThat(SchemaPrinter.print(SchemaBundle.empty())).isEqualTo("\n");
  }
}
