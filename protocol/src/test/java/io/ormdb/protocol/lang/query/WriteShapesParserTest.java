package io.ormdb.protocol.lang.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.lang.ParseException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Expr;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.Writes;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Write shapes: nested connect, disconnect, update and delete, rows named in a batch and referred
 * to later, and computed values ({@code balance + 10}); each reads into the model the Java builder
 * ({@link Writes}) makes, and each mistake is reported at its position.
 */
class WriteShapesParserTest {
  static final SchemaBundle BLOG =
      SchemaParser.parse(
          """
          entity User {
            id      int64  @id
            email   string @unique
            name    string
            balance decimal(12, 2)
            relation posts: one to many Post by authorId
          }
          entity Post {
            id       int64  @id
            authorId int64?
            title    string
            views    int64
            relation author: many to one User by authorId
            relation tags: many to many Tag through PostTag(postId, tagId)
          }
          entity Tag {
            id     int64  @id
            name   string @unique
            conect string?
          }
          entity PostTag {
            id     int64 @id
            postId int64
            tagId  int64
          }
          """);

  private static Mutation only(String text, SchemaBundle schema) {
    MutationBatch b = ((Statement.Write) QueryParser.parse(text, schema)).batch();
    assertThat(b.mutations()).hasSize(1);
    return b.mutations().get(0);
  }

  @Test
  void connectAndCreateInACreateReadAsTheBuilderWritesThem() {
    String text =
        "Post.create({ title: \"x\", tags: { connect: [{ id: 1 }, { name: \"db\" }],"
            + " create: { name: \"new\" } }, author: { connect: { email: \"a@x\" } } })";
    Mutation.Insert expected =
        Writes.create("Post")
            .set("title", "x")
            .nested(
                Writes.on("tags")
                    .create(new Mutation.Insert("", Map.of("name", Value.of("new"))))
                    .connect(Writes.key("id", 1L), Writes.key("name", "db")))
            .nested(Writes.on("author").connect(Writes.key("email", "a@x")))
            .build();
    for (SchemaBundle schema : new SchemaBundle[] {null, BLOG}) {
      assertThat(only(text, schema)).isEqualTo(expected);
    }
  }

  @Test
  void anUpdateNestsEveryKindOfWrite() {
    String text =
        """
        User.update(id: 1).set({
          name: "B",
          posts: {
            create: [{ title: "t", views: 0 }],
            connect: [{ id: 4 }],
            disconnect: { id: 7 },
            update: [{ where: { id: 5 }, set: { title: "t", views: views + 1 } }],
            delete: [{ id: 6 }]
          }
        })
        """;
    Mutation.Update expected =
        Writes.update("User", 1L)
            .set("name", "B")
            .nested(
                Writes.on("posts")
                    .create(
                        new Mutation.Insert(
                            "", Map.of("title", Value.of("t"), "views", Value.of(0L))))
                    .connect(Writes.key("id", 4L))
                    .disconnect(Writes.key("id", 7L))
                    .update(
                        Writes.key("id", 5L),
                        Map.of("title", "t", "views", Writes.field("views").plus(1L)))
                    .delete(Writes.key("id", 6L)))
            .build();
    assertThat(only(text, null)).isEqualTo(expected);
    assertThat(only(text, BLOG)).isEqualTo(expected);
  }

  @Test
  void toOneWritesNameTheConnectedRowWithTrue() {
    Mutation.Update u =
        (Mutation.Update)
            only(
                "Post.update(id: 1).set({ author: { disconnect: true, update: { set: { name:"
                    + " \"A\" } }, delete: true } })",
                BLOG);
    Mutation.NestedWrite w = u.writes().get(0);
    assertThat(w.disconnect()).containsExactly(Map.of());
    assertThat(w.delete()).containsExactly(Map.of());
    assertThat(w.update())
        .containsExactly(
            new Mutation.NestedUpdate(Map.of(), Map.of("name", Expr.of(Value.of("A"))), List.of()));
  }

  @Test
  void thePlainNestedCreateStillReadsAsRows() {
    Mutation.Insert ins =
        (Mutation.Insert) only("User.create({ name: \"A\", posts: [{ title: \"x\" }] })", BLOG);
    assertThat(ins.writes()).isEmpty();
    assertThat(ins.nested())
        .containsExactly(
            new Mutation.NestedInsert(
                "posts", List.of(new Mutation.Insert("", Map.of("title", Value.of("x"))))));
  }

  @Test
  void aFieldNamedLikeANestedWriteIsARowWhenTheSchemaSaysSo() {
    // Tag has a field 'conect': with the schema, { conect: ... } is a row, not a misspelling
    String text = "Post.create({ title: \"x\", tags: { conect: [{ id: 1 }] } })";
    assertThatThrownBy(() -> QueryParser.parse(text))
        .hasMessage("line 1:35: unknown nested write 'conect' (did you mean 'connect'?)");
    Mutation.Insert ins = (Mutation.Insert) only(text, BLOG);
    assertThat(ins.nested().get(0).rows().get(0).nested().get(0).relation()).isEqualTo("conect");
  }

  @Test
  void arithmeticHasTheUsualPrecedenceAndRendersBack() {
    Mutation.Update u =
        (Mutation.Update)
            only(
                "User.update(id: 1).set({ balance: balance + 10.5m * 2 - (balance - 1) / 4 })",
                null);
    Expr e = u.exprs().get("balance");
    Expr balance = Expr.field("balance");
    assertThat(e)
        .isEqualTo(
            balance
                .plus(Expr.of(Value.of(new java.math.BigDecimal("10.5"))).times(2L))
                .minus(balance.minus(1L).dividedBy(4L)));
    assertThat(e.render()).isEqualTo("balance + 10.5m * 2 - (balance - 1) / 4");
    assertThat(e.readsRow()).isTrue();
    Mutation.Update again =
        (Mutation.Update) only("User.update(id: 1).set({ balance: " + e.render() + " })", null);
    assertThat(again.exprs().get("balance")).isEqualTo(e);
    assertThat(u.data()).isEmpty();
  }

  @Test
  void updateManyAndUpsertComputeToo() {
    Mutation.UpdateMany um =
        (Mutation.UpdateMany)
            only(
                "Post.updateMany().where(views > 5).set({ views: views * 2, title: \"hot\" })",
                BLOG);
    assertThat(um.exprs()).containsEntry("views", Expr.field("views").times(2L));
    assertThat(um.data()).containsEntry("title", Value.of("hot"));
    assertThat(um.filter()).isInstanceOf(Filter.Compare.class);

    Mutation.Upsert up =
        (Mutation.Upsert)
            only(
                "User.upsert(key: { email: \"a@x\" }).create({ name: \"A\", balance: 10 })"
                    + ".set({ balance: balance + 10 })",
                BLOG);
    assertThat(up.exprs()).containsEntry("balance", Expr.field("balance").plus(10L));
    assertThat(up.create())
        .isEqualTo(Map.of("name", Expr.of(Value.of("A")), "balance", Expr.of(Value.of(10L))));
  }

  @Test
  void aBatchNamesRowsAndLaterWritesReferToThem() {
    String text =
        """
        batch {
          let ann = User.create({ name: "Ann", email: "ann@x" });
          let db = Tag.upsert(key: { name: "db" });
          Post.create({ authorId: ann.id, title: "x", views: 0, tags: { connect: { id: db.id } } })
        }
        """;
    MutationBatch b = ((Statement.Write) QueryParser.parse(text, BLOG)).batch();
    Mutation.Insert ann =
        Writes.create("User").set("name", "Ann").set("email", "ann@x").named("ann");
    Mutation.Upsert db = Writes.upsert("Tag", Map.of("name", "db")).named("db");
    Mutation.Insert post =
        Writes.create("Post")
            .set("authorId", ann.ref().get("id"))
            .set("title", "x")
            .set("views", 0L)
            .nested(Writes.on("tags").connect(Writes.key("id", db.ref().get("id"))))
            .build();
    assertThat(b.mutations()).containsExactly(ann, db, post);
  }

  @Test
  void aForwardReferenceSaysWhereTheNameComesLater() {
    assertThatThrownBy(
            () ->
                QueryParser.parse(
                    "batch {\n  Post.create({ authorId: ann.id });\n  let ann = User.create({})\n}"))
        .isInstanceOf(ParseException.class)
        .hasMessage(
            "line 2:27: 'ann' names a row of a later write (line 3:7); a write refers only to rows"
                + " named before it");
  }

  @Test
  void aNameGivenTwiceSaysWhereItWasFirst() {
    assertThatThrownBy(
            () ->
                QueryParser.parse(
                    "batch {\n  let a = User.create({});\n  let a = User.create({})\n}"))
        .hasMessage("line 3:7: 'a' already names a row of this batch (line 2:7)");
  }

  @Test
  void withTheSchemaFieldNamesAreCheckedWhereTheyAreWritten() {
    assertThatThrownBy(
            () ->
                QueryParser.parse(
                    "batch { let ann = User.create({}); Post.create({ authorId: ann.idd }) }",
                    BLOG))
        .hasMessage("line 1:64: unknown field 'idd' on entity User (did you mean 'id'?)");
    assertThatThrownBy(
            () -> QueryParser.parse("User.update(id: 1).set({ balance: balanse + 1 })", BLOG))
        .hasMessage("line 1:35: unknown field 'balanse' on entity User (did you mean 'balance'?)");
    assertThatThrownBy(() -> QueryParser.parse("User.update(id: 1).set({ name: Ann })", BLOG))
        .hasMessage(
            "line 1:32: unknown field 'Ann' on entity User (write a string in quotes: \"Ann\")");
  }

  @Test
  void parenthesesNestOnlySoDeep() {
    String deep = "(".repeat(300) + "1" + ")".repeat(300);
    assertThatThrownBy(() -> QueryParser.parse("User.update(id: 1).set({ balance: " + deep + " })"))
        .hasMessageContaining("expression nested too deeply");
  }
}
