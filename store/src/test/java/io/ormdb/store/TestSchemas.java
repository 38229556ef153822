package io.ormdb.store;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.EnumDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.util.List;

/** Schemas shared by the store tests. */
public final class TestSchemas {
  private TestSchemas() {}

  public static FieldDef f(String name, ValueType t) {
    return FieldDef.of(name, FieldType.of(t));
  }

  /**
   * User 1-n Post (cascade) 1-n Comment (set null); Post n-n Tag through PostTag; Account 1-n
   * Invoice (restrict); Note is soft-deleted.
   */
  public static SchemaBundle blog() {
    EntityDef user =
        new EntityDef(
            "User",
            "id",
            List.of(
                f("id", ValueType.UUID),
                f("email", ValueType.STRING).asUnique(),
                f("name", ValueType.STRING),
                f("age", ValueType.INT32).asOptional(),
                FieldDef.of("role", FieldType.enumType("Role"))
                    .withDefault(new DefaultValue.Literal(new Value.Str("member"))),
                f("createdAt", ValueType.TIMESTAMP).withDefault(new DefaultValue.Now()),
                f("bio", ValueType.STRING).asOptional()),
            false,
            List.of());
    EntityDef post =
        new EntityDef(
            "Post",
            "id",
            List.of(
                f("id", ValueType.UUID),
                f("authorId", ValueType.UUID),
                f("title", ValueType.STRING),
                f("score", ValueType.INT64)
                    .withDefault(new DefaultValue.Literal(new Value.Int64(0)))),
            false,
            List.of());
    EntityDef comment =
        new EntityDef(
            "Comment",
            "id",
            List.of(
                f("id", ValueType.INT64),
                f("postId", ValueType.UUID).asOptional(),
                f("body", ValueType.STRING)),
            false,
            List.of());
    EntityDef tag =
        new EntityDef(
            "Tag",
            "id",
            List.of(f("id", ValueType.UUID), f("name", ValueType.STRING).asUnique()),
            false,
            List.of());
    EntityDef postTag =
        new EntityDef(
            "PostTag",
            "id",
            List.of(
                f("id", ValueType.UUID), f("postId", ValueType.UUID), f("tagId", ValueType.UUID)),
            false,
            List.of());
    EntityDef account =
        new EntityDef("Account", "id", List.of(f("id", ValueType.STRING)), false, List.of());
    EntityDef invoice =
        new EntityDef(
            "Invoice",
            "id",
            List.of(
                f("id", ValueType.INT64),
                f("accountId", ValueType.STRING),
                FieldDef.of("amount", FieldType.decimal(10, 2))),
            false,
            List.of());
    EntityDef note =
        new EntityDef(
            "Note",
            "id",
            List.of(f("id", ValueType.UUID), f("slug", ValueType.STRING).asUnique()),
            true,
            List.of());
    return new SchemaBundle(
        0,
        List.of(new EnumDef("Role", List.of("admin", "member"))),
        List.of(user, post, comment, tag, postTag, account, invoice, note),
        List.of(
            RelationDef.oneToMany("posts", "User", "id", "Post", "authorId", OnDelete.CASCADE),
            RelationDef.manyToOne("author", "Post", "authorId", "User", "id"),
            RelationDef.oneToMany("comments", "Post", "id", "Comment", "postId", OnDelete.SET_NULL),
            RelationDef.manyToMany("tags", "Post", "id", "Tag", "id", "PostTag", "postId", "tagId"),
            RelationDef.oneToMany(
                "invoices", "Account", "id", "Invoice", "accountId", OnDelete.RESTRICT)),
        List.of(
            new ConstraintDef.Check(
                "User_age_check", "User", Filter.cmp("age", Filter.Op.GE, 0), "age >= 0"),
            new ConstraintDef.Unique("Post_author_title_key", "Post", List.of("authorId", "title")),
            new ConstraintDef.Check(
                "Invoice_amount_check",
                "Invoice",
                Filter.cmp("amount", Filter.Op.GT, 0),
                "amount > 0")),
        List.of(
            new IndexDef("Post_score_idx", "Post", List.of("score"), IndexDef.Kind.BTREE, false)),
        List.of());
  }
}
