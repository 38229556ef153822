package io.ormdb.protocol.lang.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.lang.ParseException;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.EnumDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.Masking;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.PolicyDef;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.SchemaProblem;
import io.ormdb.protocol.schema.SchemaRules;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each rule of {@link SchemaRules} says the same thing whether the schema is text ({@link
 * SchemaParser#parse}, at a line and column) or a bundle built in code (as the store reports it,
 * naming the declaration): every case breaks a valid schema once in its text and once in the bundle
 * parsed from it.
 */
class SchemaRulesBothWaysTest {
  static final String VALID =
      String.join(
          "\n",
          "enum Role { admin, reader }",
          "enum Mood { calm }",
          "entity User {",
          "  id uuid @id",
          "  email string @unique",
          "  name string",
          "  age int32 @default(10)",
          "  role Role @default(admin)",
          "  created timestamp @default(now)",
          "  bio string? @default(null)",
          "  ssn string @sensitive(restricted) @mask(hash)",
          "  managerId uuid?",
          "  relation posts: one to many Post by authorId on delete cascade",
          "  relation profile: one to one Profile by userId",
          "  unique u (email, name)",
          "  index v (name)",
          "  check (age >= 0)",
          "  check (managerId is not null || age >= 0)",
          "  foreign key (managerId) references User",
          "  order by name",
          "}",
          "entity Profile {",
          "  id uuid @id",
          "  userId uuid @unique",
          "}",
          "entity Post {",
          "  id uuid @id",
          "  authorId uuid?",
          "  authorEmail string?",
          "  relation author: many to one User by authorId",
          "  relation byEmail: many to one User (authorEmail -> email)",
          "  relation tags: many to many Tag through PostTag(postId, tagId)",
          "}",
          "entity Tag { id uuid @id }",
          "entity PostTag { id uuid @id  postId uuid  tagId uuid }",
          "entity Note { id uuid @id }",
          "policy p on User using (managerId == $user.id)",
          "policy q on User using (managerId == $user.id)");

  static Stream<Arguments> faults() {
    return Stream.of(
        fault(
            "unknown relation target",
            "Post by authorId on delete cascade",
            "Pst by authorId on delete cascade",
            relation("User", "posts", r -> target(r, "Pst")),
            "relation User.posts",
            "unknown entity 'Pst' (did you mean 'Post'?)"),
        fault(
            "an enum as relation target",
            "relation profile: one to one Profile by userId",
            "relation profile: many to one Role by managerId",
            relation(
                "User",
                "profile",
                r -> RelationDef.manyToOne("profile", "User", "managerId", "Role", "id")),
            "relation User.profile",
            "'Role' is an enum, not an entity"),
        fault(
            "unknown edge entity",
            "through PostTag(",
            "through PostTg(",
            relation("Post", "tags", r -> edge(r, "PostTg", r.edgeToField(), r.onDelete())),
            "relation Post.tags",
            "unknown entity 'PostTg' (did you mean 'PostTag'?)"),
        fault(
            "unknown edge key field",
            "PostTag(postId, tagId)",
            "PostTag(postId, tgId)",
            relation("Post", "tags", r -> edge(r, r.edgeEntity(), "tgId", r.onDelete())),
            "relation Post.tags",
            "unknown field 'tgId' on entity PostTag (did you mean 'tagId'?)"),
        fault(
            "unknown field in an index",
            "index v (name)",
            "index v (nmae)",
            index("v", i -> new IndexDef("v", "User", List.of("nmae"), i.kind(), i.unique())),
            "index v",
            "unknown field 'nmae' on entity User (did you mean 'name'?)"),
        fault(
            "a default that does not fit",
            "@default(10)",
            "@default(\"ten\")",
            field("User", "age", f -> f.withDefault(new DefaultValue.Literal(Value.of("ten")))),
            "field User.age",
            "default \"ten\" is not a valid int32"),
        fault(
            "now on a string",
            "created timestamp @default(now)",
            "created string @default(now)",
            field("User", "created", f -> typed(f, FieldType.of(ValueType.STRING))),
            "field User.created",
            "@default(now) needs a timestamp or date field, but 'created' is string"),
        fault(
            "null default on a required field",
            "bio string? @default(null)",
            "bio string @default(null)",
            field("User", "bio", f -> required(f)),
            "field User.bio",
            "@default(null) needs an optional field, but 'bio' is required"),
        fault(
            "unknown variant as default",
            "@default(admin)",
            "@default(admn)",
            field(
                "User",
                "role",
                f -> f.withDefault(new DefaultValue.Literal(new Value.Enum("admn")))),
            "field User.role",
            "unknown variant 'admn' of enum Role (did you mean 'admin'?)"),
        fault(
            "unknown enum type",
            "role Role @default(admin)",
            "role Rol @default(admin)",
            field("User", "role", f -> typed(f, FieldType.enumType("Rol"))),
            "field User.role",
            "unknown type 'Rol' (did you mean 'Role'?)"),
        fault(
            "mask without sensitivity",
            "ssn string @sensitive(restricted) @mask(hash)",
            "ssn string @mask(hash)",
            field("User", "ssn", f -> f.withSecurity(Sensitivity.PUBLIC, new Masking.Hash())),
            "field User.ssn",
            "@mask needs a sensitivity above public: add @sensitive(..) to field 'ssn'"),
        fault(
            "optional identity",
            "entity Note { id uuid @id }",
            "entity Note { id uuid? @id }",
            field("Note", "id", FieldDef::asOptional),
            "entity Note",
            "the identity field 'id' cannot be optional"),
        fault(
            "identity of a type the store cannot key",
            "entity Note { id uuid @id }",
            "entity Note { id bool @id }",
            field("Note", "id", f -> typed(f, FieldType.of(ValueType.BOOL))),
            "entity Note",
            "the identity field 'id' must be uuid, int64, int32 or string, not bool"),
        fault(
            "no identity",
            "entity Note { id uuid @id }",
            "entity Note { id uuid }",
            entity("Note", e -> new EntityDef("Note", "", e.fields(), false, e.defaultOrder())),
            "entity Note",
            "entity Note has no identity field (mark one field with @id)"),
        fault(
            "unknown field in default order",
            "order by name",
            "order by nme",
            entity(
                "User",
                e ->
                    new EntityDef(
                        "User",
                        "id",
                        e.fields(),
                        false,
                        List.of(new OrderSpec("nme", OrderSpec.Direction.ASC)))),
            "default order of User",
            "unknown field 'nme' on entity User (did you mean 'name'?)"),
        fault(
            "duplicate variant",
            "enum Role { admin, reader }",
            "enum Role { admin, admin }",
            enumDef("Role", e -> new EnumDef("Role", List.of("admin", "admin"))),
            "enum Role",
            "duplicate variant 'admin' in enum Role"),
        fault(
            "enum without variants",
            "enum Mood { calm }",
            "enum Mood { }",
            enumDef("Mood", e -> new EnumDef("Mood", List.of())),
            "enum Mood",
            "enum Mood has no variants"),
        fault(
            "built-in type name",
            "enum Mood { calm }",
            "enum string { calm }",
            enumDef("Mood", e -> new EnumDef("string", e.variants())),
            "enum string",
            "'string' is a built-in type and cannot name an enum"),
        fault(
            "relation named like a field",
            "  authorEmail string?\n",
            "  authorEmail string?\n  author string?\n",
            entity(
                "Post", e -> withFields(e, FieldDef.of("author", FieldType.of(ValueType.STRING)))),
            "relation Post.author",
            "relation 'author' clashes with field Post.author"),
        fault(
            "relation to a field that is not a key",
            "email string @unique",
            "email string",
            field("User", "email", f -> notUnique(f)),
            "relation Post.byEmail",
            "relation 'byEmail' must reference an identity or @unique field, but User.email is"
                + " neither"),
        fault(
            "one-to-one key that is not unique",
            "userId uuid @unique",
            "userId uuid",
            field("Profile", "userId", f -> notUnique(f)),
            "relation User.profile",
            "relation 'profile' is one to one, so its key Profile.userId must be @unique (or the"
                + " identity): otherwise several Profile rows could refer to the same User row"),
        fault(
            "key types that differ",
            "authorEmail string?",
            "authorEmail int64?",
            field("Post", "authorEmail", f -> typed(f, FieldType.of(ValueType.INT64))),
            "relation Post.byEmail",
            "key types differ: Post.authorEmail is int64, User.email is string"),
        fault(
            "set null on a required key",
            "one to one Profile by userId",
            "one to one Profile by userId on delete set null",
            relation("User", "profile", r -> onDelete(r, OnDelete.SET_NULL)),
            "relation User.profile",
            "on delete set null needs an optional key, but Profile.userId is required"),
        fault(
            "a relation and its inverse disagreeing",
            "many to one User by authorId",
            "many to one User by authorId on delete set null",
            relation("Post", "author", r -> onDelete(r, OnDelete.SET_NULL)),
            "relation Post.author",
            "on delete set null conflicts with on delete cascade of relation User.posts, which"
                + " uses the same key Post.authorId"),
        fault(
            "set null on many-to-many",
            "PostTag(postId, tagId)",
            "PostTag(postId, tagId) on delete set null",
            relation(
                "Post", "tags", r -> edge(r, r.edgeEntity(), r.edgeToField(), OnDelete.SET_NULL)),
            "relation Post.tags",
            "on delete set null does not apply to many-to-many relations"),
        fault(
            "a field twice in a unique constraint",
            "unique u (email, name)",
            "unique u (email, email)",
            constraint("u", c -> new ConstraintDef.Unique("u", "User", List.of("email", "email"))),
            "constraint u",
            "field 'email' appears twice in a unique constraint"),
        fault(
            "unknown field in a check",
            "check (age >= 0)",
            "check (agee >= 0)",
            constraint(
                "User_check_1",
                c ->
                    new ConstraintDef.Check(
                        "User_check_1", "User", Filter.cmp("agee", Filter.Op.GE, 0), "agee >= 0")),
            "constraint User_check_1",
            "unknown field 'agee' on entity User (did you mean 'age'?)"),
        fault(
            "a session attribute in a check",
            "check (managerId is not null || age >= 0)",
            "check (managerId == $user.id)",
            constraint(
                "User_check_2",
                c ->
                    new ConstraintDef.Check(
                        "User_check_2",
                        "User",
                        new Filter.AttrCompare("managerId", Filter.Op.EQ, "user.id"),
                        "managerId == $user.id")),
            "constraint User_check_2",
            "session attributes ($user.id) can only be used in policies, not in checks"),
        fault(
            "foreign key to an unknown entity",
            "references User",
            "references Usr",
            constraint(
                "User_managerId_fkey", c -> references((ConstraintDef.ForeignKey) c, "Usr", "id")),
            "constraint User_managerId_fkey",
            "unknown entity 'Usr' (did you mean 'User'?)"),
        fault(
            "foreign key to a field that is not a key",
            "references User",
            "references User(name)",
            constraint(
                "User_managerId_fkey",
                c -> references((ConstraintDef.ForeignKey) c, "User", "name")),
            "constraint User_managerId_fkey",
            "a foreign key must reference an identity or @unique field, but User.name is neither"),
        fault(
            "policy on an unknown entity",
            "policy p on User",
            "policy p on Usr",
            policy("p", p -> new PolicyDef("p", "Usr", p.kind(), p.operations(), p.using(), null)),
            "policy p on Usr",
            "unknown entity 'Usr' (did you mean 'User'?)"),
        fault(
            "unknown field in a policy",
            "policy p on User using (managerId",
            "policy p on User using (managrId",
            policy(
                "p",
                p ->
                    new PolicyDef(
                        "p",
                        "User",
                        p.kind(),
                        p.operations(),
                        new Filter.AttrCompare("managrId", Filter.Op.EQ, "user.id"),
                        null)),
            "policy p on User",
            "unknown field 'managrId' on entity User (did you mean 'managerId'?)"));
  }

  /** Repeats: the text also says where the name was first declared. */
  static Stream<Arguments> repeats() {
    return Stream.of(
        fault(
            "duplicate field",
            "  name string\n",
            "  name string\n  name string\n",
            entity("User", e -> withFields(e, FieldDef.of("name", FieldType.of(ValueType.STRING)))),
            "field User.name",
            "duplicate field 'name' in entity User"),
        fault(
            "duplicate entity",
            "entity Note { id uuid @id }",
            "entity Note { id uuid @id }\nentity Note { id uuid @id }",
            b -> {
              List<EntityDef> entities = new ArrayList<>(b.entities());
              entities.add(copy(b.requireEntity("Note")));
              return with(b, null, entities, null, null, null, null);
            },
            "entity Note",
            "duplicate entity 'Note'"),
        fault(
            "duplicate constraint or index name",
            "index v (name)",
            "index u (name)",
            index("v", i -> new IndexDef("u", "User", i.fields(), i.kind(), i.unique())),
            "index u",
            "duplicate constraint or index name 'u'"),
        fault(
            "duplicate policy",
            "policy q on User",
            "policy p on User",
            policy("q", p -> new PolicyDef("p", "User", p.kind(), p.operations(), p.using(), null)),
            "policy p on User",
            "duplicate policy 'p' on entity User"));
  }

  private static Arguments fault(
      String kind,
      String valid,
      String faulty,
      UnaryOperator<SchemaBundle> fault,
      String where,
      String message) {
    return Arguments.of(kind, valid, faulty, fault, where, message);
  }

  @Test
  void theValidSchemaIsValidBothWays() {
    assertThat(SchemaRules.check(SchemaParser.parse(VALID))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void aFaultReadsTheSameInTextAndInABundle(
      String kind,
      String valid,
      String faulty,
      UnaryOperator<SchemaBundle> fault,
      String where,
      String message) {
    assertThat(textProblem(valid, faulty)).isEqualTo(message);
    assertThat(bundleProblem(fault)).isEqualTo(where + ": " + message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("repeats")
  void aRepeatedNameReadsTheSameInTextAndInABundle(
      String kind,
      String valid,
      String faulty,
      UnaryOperator<SchemaBundle> fault,
      String where,
      String message) {
    assertThat(textProblem(valid, faulty))
        .matches(Pattern.quote(message) + " \\(first (declared|used) at line \\d+:\\d+\\)");
    assertThat(bundleProblem(fault)).isEqualTo(where + ": " + message);
  }

  /**
   * The one problem of the text with {@code valid} replaced by {@code faulty}, its position cut.
   */
  private static String textProblem(String valid, String faulty) {
    assertThat(VALID).contains(valid);
    String text = VALID.replaceFirst(Pattern.quote(valid), faulty.replace("$", "\\$"));
    ParseException e = catchThrowableOfType(ParseException.class, () -> SchemaParser.parse(text));
    assertThat(e).as(text).isNotNull();
    assertThat(e.problems()).as(e.getMessage()).hasSize(1);
    return e.detail();
  }

  /** The one problem of the valid bundle changed by {@code fault}, as the store lists it. */
  private static String bundleProblem(UnaryOperator<SchemaBundle> fault) {
    List<SchemaProblem> problems = SchemaRules.check(fault.apply(SchemaParser.parse(VALID)));
    assertThat(problems).hasSize(1);
    return problems.get(0).toString();
  }

  // ---- changing one declaration of a bundle ----

  private static <T> List<T> replace(List<T> xs, Predicate<T> which, UnaryOperator<T> f) {
    return xs.stream().map(x -> which.test(x) ? f.apply(x) : x).toList();
  }

  /** {@code b} with the lists given (not null) instead of its own. */
  private static SchemaBundle with(
      SchemaBundle b,
      List<EnumDef> enums,
      List<EntityDef> entities,
      List<RelationDef> relations,
      List<ConstraintDef> constraints,
      List<IndexDef> indexes,
      List<PolicyDef> policies) {
    return new SchemaBundle(
        0,
        enums != null ? enums : b.enums(),
        entities != null ? entities : b.entities(),
        relations != null ? relations : b.relations(),
        constraints != null ? constraints : b.constraints(),
        indexes != null ? indexes : b.indexes(),
        policies != null ? policies : b.policies());
  }

  private static UnaryOperator<SchemaBundle> enumDef(String name, UnaryOperator<EnumDef> f) {
    return b ->
        with(b, replace(b.enums(), e -> e.name().equals(name), f), null, null, null, null, null);
  }

  private static UnaryOperator<SchemaBundle> entity(String name, UnaryOperator<EntityDef> f) {
    return b ->
        with(b, null, replace(b.entities(), e -> e.name().equals(name), f), null, null, null, null);
  }

  private static UnaryOperator<SchemaBundle> field(
      String entity, String field, UnaryOperator<FieldDef> f) {
    return entity(
        entity,
        e ->
            new EntityDef(
                e.name(),
                e.identityField(),
                replace(e.fields(), x -> x.name().equals(field), f),
                e.softDelete(),
                e.defaultOrder()));
  }

  private static UnaryOperator<SchemaBundle> relation(
      String from, String name, UnaryOperator<RelationDef> f) {
    Predicate<RelationDef> which = r -> r.fromEntity().equals(from) && r.name().equals(name);
    return b -> with(b, null, null, replace(b.relations(), which, f), null, null, null);
  }

  private static UnaryOperator<SchemaBundle> constraint(
      String name, UnaryOperator<ConstraintDef> f) {
    return b ->
        with(
            b,
            null,
            null,
            null,
            replace(b.constraints(), c -> c.name().equals(name), f),
            null,
            null);
  }

  private static UnaryOperator<SchemaBundle> index(String name, UnaryOperator<IndexDef> f) {
    return b ->
        with(b, null, null, null, null, replace(b.indexes(), i -> i.name().equals(name), f), null);
  }

  private static UnaryOperator<SchemaBundle> policy(String name, UnaryOperator<PolicyDef> f) {
    return b ->
        with(b, null, null, null, null, null, replace(b.policies(), p -> p.name().equals(name), f));
  }

  /** {@code f} with another type, optionality or uniqueness (and another instance). */
  private static FieldDef field(FieldDef f, FieldType type, boolean optional, boolean unique) {
    return new FieldDef(
        f.name(),
        type,
        optional,
        f.defaultValue(),
        unique,
        f.indexed(),
        f.sensitivity(),
        f.masking());
  }

  private static FieldDef typed(FieldDef f, FieldType t) {
    return field(f, t, f.optional(), f.unique());
  }

  private static FieldDef required(FieldDef f) {
    return field(f, f.type(), false, f.unique());
  }

  private static FieldDef notUnique(FieldDef f) {
    return field(f, f.type(), f.optional(), false);
  }

  private static EntityDef withFields(EntityDef e, FieldDef extra) {
    List<FieldDef> fields = new ArrayList<>(e.fields());
    fields.add(extra);
    return new EntityDef(e.name(), e.identityField(), fields, e.softDelete(), e.defaultOrder());
  }

  /** An equal entity that is another instance (of other field instances). */
  private static EntityDef copy(EntityDef e) {
    return new EntityDef(
        e.name(),
        e.identityField(),
        e.fields().stream().map(f -> typed(f, f.type())).toList(),
        e.softDelete(),
        e.defaultOrder());
  }

  /** {@code r} with another target, on-delete rule, edge entity or edge key to the target. */
  private static RelationDef relationDef(
      RelationDef r, String target, OnDelete onDelete, String edge, String edgeTo) {
    return new RelationDef(
        r.name(),
        r.fromEntity(),
        target,
        r.cardinality(),
        r.fromField(),
        r.toField(),
        onDelete,
        edge,
        r.edgeFromField(),
        edgeTo);
  }

  private static RelationDef target(RelationDef r, String target) {
    return relationDef(r, target, r.onDelete(), r.edgeEntity(), r.edgeToField());
  }

  private static RelationDef onDelete(RelationDef r, OnDelete onDelete) {
    return relationDef(r, r.toEntity(), onDelete, r.edgeEntity(), r.edgeToField());
  }

  private static RelationDef edge(RelationDef r, String edge, String edgeTo, OnDelete onDelete) {
    return relationDef(r, r.toEntity(), onDelete, edge, edgeTo);
  }

  private static ConstraintDef references(
      ConstraintDef.ForeignKey fk, String entity, String field) {
    return new ConstraintDef.ForeignKey(
        fk.name(), fk.entity(), fk.field(), entity, field, fk.onDelete());
  }
}
