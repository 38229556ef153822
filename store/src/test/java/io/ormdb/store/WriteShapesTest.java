package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Expr;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.mutation.Writes;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Write shapes through the store: connect and disconnect through every cardinality, nested updates
 * and deletes, rows named in a batch and referred to later, and arithmetic sets; each atomic with
 * its batch, checked by the constraints and recorded in the changelog like any other write.
 */
class WriteShapesTest {
  static final String SCHEMA =
      """
      entity User {
        id      int64          @id
        email   string         @unique
        name    string
        balance decimal(12, 2) @default(0.00)
        score   int32          @default(0)
        bonus   int32?
        ratio   float64?
        relation posts: one to many Post by authorId
        relation profile: one to one Profile by userId
      }
      entity Profile {
        id     int64   @id
        userId int64?  @unique
        bio    string?
        relation user: one to one User by userId
      }
      entity Post {
        id       int64  @id
        authorId int64?
        title    string
        views    int64  @default(0)
        relation author: many to one User by authorId
        relation tags: many to many Tag through PostTag(postId, tagId)
        relation comments: one to many Comment by postId on delete cascade
      }
      entity Comment {
        id     int64  @id
        postId int64
        text   string
        relation post: many to one Post by postId on delete cascade
      }
      entity Tag {
        id   int64  @id
        name string @unique
      }
      entity PostTag {
        id     int64 @id
        postId int64
        tagId  int64
        relation post: many to one Post by postId on delete cascade
        relation tag: many to one Tag by tagId on delete cascade
        unique (postId, tagId)
      }
      entity Doc {
        id    uuid   @id
        title string
        relation notes: one to many Note by docId
      }
      entity Note {
        id    int64 @id
        docId uuid
        relation doc: many to one Doc by docId
      }
      """;

  OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(SchemaParser.parse(SCHEMA));
    run(
        """
        batch {
          User.create({ id: 1, email: "ann@x", name: "Ann", balance: 10.00m, score: 5 });
          User.create({ id: 2, email: "bo@x", name: "Bo" });
          Post.create({ id: 10, authorId: 1, title: "one" });
          Post.create({ id: 11, authorId: 1, title: "two" });
          Post.create({ id: 12, title: "loose" });
          Comment.create({ id: 100, postId: 11, text: "hi" });
          Tag.create({ id: 1, name: "db" });
          Tag.create({ id: 2, name: "jvm" });
          Profile.create({ id: 50, bio: "free" })
        }
        """);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private MutationResult run(String text) {
    return store.commit(((Statement.Write) QueryParser.parse(text, store.schema())).batch());
  }

  private OrmDbException refused(String text) {
    long before = store.currentLsn();
    OrmDbException e = catchThrowableOfType(OrmDbException.class, () -> run(text));
    assertThat(e).as("refused: %s", text).isNotNull();
    assertThat(store.currentLsn()).as("nothing committed").isEqualTo(before);
    return e;
  }

  private Map<String, Value> row(String entity, Object id) {
    try (ReadView v = store.snapshot()) {
      return v.get(entity, Value.of(id)).map(Row::fields).orElse(null);
    }
  }

  private Value field(String entity, Object id, String field) {
    Map<String, Value> r = row(entity, id);
    return r == null ? null : r.get(field);
  }

  /** Tag ids of each post, by post id, from the edge rows. */
  private Map<Long, List<Long>> tags() {
    Map<Long, List<Long>> out = new TreeMap<>();
    for (Row r : StoreTestSupport.all(store, "PostTag")) {
      out.computeIfAbsent(r.fields().get("postId").asLong(), k -> new ArrayList<>())
          .add(r.fields().get("tagId").asLong());
    }
    out.values().forEach(l -> l.sort(null));
    return out;
  }

  // ---- connect ----

  @Test
  void connectThroughEveryCardinalityInACreate() {
    run(
        """
        batch {
          User.create({ id: 3, email: "cy@x", name: "Cy", posts: { connect: [{ id: 12 }] },
                        profile: { connect: { id: 50 } } });
          Post.create({ id: 13, title: "t", author: { connect: { email: "bo@x" } },
                        tags: { connect: [{ id: 1 }, { name: "jvm" }] } });
          Profile.create({ id: 51, user: { connect: { id: 2 } } })
        }
        """);
    assertThat(field("Post", 12L, "authorId")).isEqualTo(Value.of(3L)); // one-to-many
    assertThat(field("Profile", 50L, "userId")).isEqualTo(Value.of(3L)); // one-to-one, parent side
    assertThat(field("Post", 13L, "authorId")).isEqualTo(Value.of(2L)); // many-to-one
    assertThat(field("Profile", 51L, "userId")).isEqualTo(Value.of(2L)); // one-to-one, child side
    assertThat(tags()).isEqualTo(Map.of(13L, List.of(1L, 2L))); // many-to-many
  }

  @Test
  void aKeyThatLooksLikeARowIsStillARowToCreate() {
    // the plain nested form creates, as it always has; connect says otherwise
    OrmDbException e = refused("Post.create({ title: \"x\", tags: [{ id: 1 }] })");
    assertThat(e.getMessage())
        .isEqualTo(
            "mutation 0 (insert into Post): nested insert tags[0] into Tag: field Tag.name is"
                + " required");
    run("Post.create({ id: 14, title: \"x\", tags: [{ name: \"new\" }] })");
    assertThat(tags().get(14L)).hasSize(1);
  }

  @Test
  void connectingARowThatDoesNotExistIsNotFoundNamingTheRelationAndTheKey() {
    OrmDbException e =
        refused(
            "Post.create({ title: \"x\", tags: { connect: [{ id: 1 }, { name: \"rust\" }] } })");
    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(e.getMessage())
        .isEqualTo(
            "mutation 0 (insert into Post): nested connect tags[1] to Tag: no Tag with"
                + " name=\"rust\"");
    assertThat(tags()).isEmpty();
    e = refused("User.update(id: 1).set({ posts: { connect: { id: 99 } } })");
    assertThat(e.getMessage())
        .isEqualTo("mutation 0 (update User): nested connect posts[0] to Post: no Post with id=99");
  }

  @Test
  void connectingAManyToManyRowTwiceKeepsOneEdge() {
    run("Post.update(id: 10).set({ tags: { connect: [{ id: 1 }, { id: 1 }] } })");
    assertThat(tags()).isEqualTo(Map.of(10L, List.of(1L)));
    MutationResult again = run("Post.update(id: 10).set({ tags: { connect: { name: \"db\" } } })");
    assertThat(again.committed()).as("connected already: nothing to commit").isFalse();
    assertThat(tags()).isEqualTo(Map.of(10L, List.of(1L)));
  }

  @Test
  void aKeyMustBeTheIdentityOrAUniqueConstraint() {
    OrmDbException e =
        refused("Post.create({ title: \"x\", author: { connect: { name: \"Ann\" } } })");
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage())
        .isEqualTo(
            "mutation 0 (insert into Post): nested connect author[0] to User: key [name] is"
                + " neither the identity 'id' nor the fields of a unique constraint of User");
  }

  @Test
  void aToOneRelationTakesOneRow() {
    OrmDbException e =
        refused(
            "Post.create({ title: \"x\", author: { connect: { id: 1 }, create: { email: \"z@x\","
                + " name: \"Z\" } } })");
    assertThat(e.getMessage())
        .isEqualTo(
            "mutation 0 (insert into Post): relation Post.author refers to one User: create or"
                + " connect exactly one, not 2");
  }

  // ---- disconnect ----

  @Test
  void disconnectThroughEveryCardinality() {
    run("Post.update(id: 10).set({ tags: { connect: [{ id: 1 }, { id: 2 }] } })");
    run("Profile.update(id: 50).set({ user: { connect: { id: 1 } } })");
    run(
        """
        batch {
          User.update(id: 1).set({ posts: { disconnect: [{ id: 10 }] } });
          Post.update(id: 11).set({ author: { disconnect: true } });
          Post.update(id: 10).set({ tags: { disconnect: { name: "db" } } });
          User.update(id: 1).set({ profile: { disconnect: true } })
        }
        """);
    assertThat(field("Post", 10L, "authorId")).isEqualTo(Value.NULL);
    assertThat(field("Post", 11L, "authorId")).isEqualTo(Value.NULL);
    assertThat(tags()).isEqualTo(Map.of(10L, List.of(2L)));
    assertThat(field("Profile", 50L, "userId")).isEqualTo(Value.NULL);
    assertThat(row("Tag", 1L)).as("the tag itself stays").isNotNull();
  }

  @Test
  void disconnectingARowThatIsNotConnectedChangesNothing() {
    MutationResult r =
        run("User.update(id: 2).set({ posts: { disconnect: [{ id: 10 }] }, name: \"Bo\" })");
    assertThat(r.committed()).isFalse();
    assertThat(field("Post", 10L, "authorId")).isEqualTo(Value.of(1L));
  }

  @Test
  void disconnectNeedsAnOptionalKey() {
    OrmDbException e =
        refused("Post.update(id: 11).set({ comments: { disconnect: { id: 100 } } })");
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage())
        .isEqualTo(
            "mutation 0 (update Post): relation Post.comments: disconnecting sets"
                + " Comment.postId to null, and it is required; delete the Comment instead");
  }

  // ---- nested updates ----

  @Test
  void anUpdateNestsEveryWriteInOneAtomicBatch() {
    MutationResult r =
        run(
            """
            User.update(id: 1).set({
              name: "B",
              posts: {
                create: [{ id: 20, title: "new" }],
                connect: [{ id: 12 }],
                disconnect: [{ id: 10 }],
                update: [{ where: { id: 11 }, set: { title: "t", views: views + 1 } }],
                delete: [{ id: 11 }]
              }
            })
            """);
    assertThat(r.committed()).isTrue();
    assertThat(field("User", 1L, "name")).isEqualTo(Value.of("B"));
    assertThat(field("Post", 20L, "authorId")).isEqualTo(Value.of(1L));
    assertThat(field("Post", 12L, "authorId")).isEqualTo(Value.of(1L));
    assertThat(field("Post", 10L, "authorId")).isEqualTo(Value.NULL);
    assertThat(row("Post", 11L)).as("updated, then deleted").isNull();
    assertThat(row("Comment", 100L)).as("its comments cascade").isNull();
    assertThat(r.insertedIds()).containsExactly(Value.of(20L));
  }

  @Test
  void aFailingNestedWriteLeavesNothingBehind() {
    OrmDbException e =
        refused(
            """
            User.update(id: 1).set({
              name: "B",
              posts: { create: [{ id: 20, title: "new" }], delete: [{ id: 12 }] }
            })
            """);
    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(e.getMessage())
        .isEqualTo(
            "mutation 0 (update User): nested delete posts[0] of Post: Post id=12 is not"
                + " connected to User id=1");
    assertThat(field("User", 1L, "name")).isEqualTo(Value.of("Ann"));
    assertThat(row("Post", 20L)).isNull();
  }

  @Test
  void toOneUpdatesAndDeletesNameTheConnectedRow() {
    run("Profile.update(id: 50).set({ user: { connect: { id: 2 } } })");
    run("User.update(id: 2).set({ profile: { update: { set: { bio: \"set\" } } } })");
    assertThat(field("Profile", 50L, "bio")).isEqualTo(Value.of("set"));
    run("Post.update(id: 10).set({ author: { update: { set: { score: score * 3 } } } })");
    assertThat(field("User", 1L, "score")).isEqualTo(Value.of(15));
    run("User.update(id: 2).set({ profile: { delete: true } })");
    assertThat(row("Profile", 50L)).isNull();
    OrmDbException e =
        refused("User.update(id: 2).set({ profile: { update: { set: { bio: \"x\" } } } })");
    assertThat(e.getMessage())
        .isEqualTo(
            "mutation 0 (update User): nested update profile[0] of Profile: no Profile is"
                + " connected to User id=2");
  }

  @Test
  void nestedUpdatesGoOnThroughTheRelationsOfTheUpdatedRow() {
    run(
        """
        User.update(id: 1).set({ posts: { update: { where: { id: 10 },
          set: { tags: { connect: { id: 2 } }, comments: { create: { id: 101, text: "deep" } } } } } })
        """);
    assertThat(tags()).isEqualTo(Map.of(10L, List.of(2L)));
    assertThat(field("Comment", 101L, "postId")).isEqualTo(Value.of(10L));
  }

  // ---- rows named in a batch ----

  @Test
  void laterWritesReferToRowsCreatedEarlierInTheBatch() {
    MutationResult r =
        run(
            """
            batch {
              let cy = User.create({ email: "cy@x", name: "Cy" });
              let doc = Doc.create({ title: "d" });
              let tag = Tag.upsert(key: { name: "new" });
              Post.create({ id: 30, authorId: cy.id, title: cy.name, tags: { connect: { id: tag.id } } });
              Note.create({ id: 1, docId: doc.id })
            }
            """);
    Value cy = r.named().get("cy");
    Value doc = r.named().get("doc");
    assertThat(cy).as("the assigned int id").isEqualTo(Value.of(3L));
    assertThat(doc).isInstanceOf(Value.Uuid.class);
    assertThat(r.named()).containsOnlyKeys("cy", "doc", "tag");
    assertThat(field("Post", 30L, "authorId")).isEqualTo(cy);
    assertThat(field("Post", 30L, "title")).isEqualTo(Value.of("Cy"));
    assertThat(field("Note", 1L, "docId")).isEqualTo(doc);
    assertThat(tags()).isEqualTo(Map.of(30L, List.of(r.named().get("tag").asLong())));
  }

  @Test
  void theJavaBuilderRefersToRowsByReferenceObjects() {
    Mutation.Insert ann = Writes.create("User").set("email", "z@x").set("name", "Z").named("z");
    Mutation.Insert post =
        Writes.create("Post")
            .set("id", 31L)
            .set("authorId", ann.ref().get("id"))
            .set("title", "by z")
            .build();
    MutationResult r = store.commit(MutationBatch.of(ann, post));
    assertThat(field("Post", 31L, "authorId")).isEqualTo(r.named().get("z"));

    OrmDbException forward =
        catchThrowableOfType(OrmDbException.class, () -> store.commit(MutationBatch.of(post, ann)));
    assertThat(forward.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(forward.getMessage())
        .isEqualTo(
            "mutation 0 (insert into Post): row 'z' is named by mutation 1; a mutation refers only"
                + " to rows of earlier mutations");
    OrmDbException unknown =
        catchThrowableOfType(
            OrmDbException.class,
            () ->
                store.commit(
                    MutationBatch.of(
                        Writes.create("User").set("email", "q@x").set("name", "Q").named("zz"),
                        post)));
    assertThat(unknown.getMessage())
        .isEqualTo(
            "mutation 1 (insert into Post): unknown row 'z': no earlier mutation of the batch is"
                + " named so (did you mean 'zz'?)");
    OrmDbException twice =
        catchThrowableOfType(OrmDbException.class, () -> store.commit(MutationBatch.of(ann, ann)));
    assertThat(twice.getMessage())
        .isEqualTo(
            "mutation 1 (insert into User): the name 'z' is given twice in the batch (mutation 0"
                + " gave it first)");
  }

  @Test
  void aReferenceToARowDeletedEarlierInTheBatchIsNotFound() {
    OrmDbException e =
        refused(
            """
            batch {
              let t = Tag.create({ id: 9, name: "gone" });
              Tag.delete(id: 9);
              Post.create({ title: "x", tags: { connect: { id: t.id } } })
            }
            """);
    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(e.getMessage())
        .isEqualTo(
            "mutation 2 (insert into Post): nested connect tags[0] to Tag: row 't' (Tag id=9) was"
                + " deleted earlier in the batch");
  }

  // ---- arithmetic ----

  @Test
  void arithmeticSetsComputeInTheFieldsType() {
    run(
        """
        batch {
          User.update(id: 1).set({ balance: balance + 0.10, score: score * 7 - 2 });
          User.update(id: 2).set({ balance: (balance + 10) / 3, score: score - 9, ratio: 1.5 });
          Post.update(id: 10).set({ views: views + 10 })
        }
        """);
    assertThat(field("User", 1L, "balance")).isEqualTo(new Value.Decimal(new BigDecimal("10.10")));
    assertThat(field("User", 1L, "score")).isEqualTo(Value.of(33));
    assertThat(field("User", 2L, "balance"))
        .as("decimal division rounds half-even to the scale")
        .isEqualTo(new Value.Decimal(new BigDecimal("3.33")));
    assertThat(field("User", 2L, "score")).isEqualTo(Value.of(-9));
    assertThat(field("Post", 10L, "views")).isEqualTo(Value.of(10L));
    run("User.update(id: 2).set({ score: score / 2, ratio: ratio * 3 })");
    assertThat(field("User", 2L, "score"))
        .as("integers divide toward zero")
        .isEqualTo(Value.of(-4));
    assertThat(field("User", 2L, "ratio")).isEqualTo(Value.of(4.5));
  }

  @Test
  void valuesAreComputedFromTheRowBeforeTheUpdate() {
    run("User.update(id: 1).set({ bonus: 7 })");
    run("User.update(id: 1).set({ score: bonus, bonus: score })");
    assertThat(field("User", 1L, "bonus")).isEqualTo(Value.of(5));
    assertThat(field("User", 1L, "score")).isEqualTo(Value.of(7));
  }

  @Test
  void nullPlusANumberIsNull() {
    MutationResult r = run("User.update(id: 1).set({ bonus: bonus + 10 })");
    assertThat(field("User", 1L, "bonus")).isEqualTo(Value.NULL);
    assertThat(r.committed()).as("null stays null: no change").isFalse();
    OrmDbException e = refused("User.update(id: 1).set({ score: score + bonus })");
    assertThat(e.getMessage())
        .as("null into a required field")
        .isEqualTo("mutation 0 (update User): field User.score is required");
  }

  @Test
  void overflowAndDivisionByZeroAreRefusedNamingTheField() {
    run("User.update(id: 1).set({ score: 2147483000 })");
    OrmDbException e = refused("User.update(id: 1).set({ score: score + 1000 })");
    assertThat(e.code()).isEqualTo(ErrorCode.CONSTRAINT_VIOLATION);
    assertThat(e.getMessage())
        .isEqualTo("mutation 0 (update User): field User.score: 2147483000 + 1000 overflows int32");
    e = refused("User.update(id: 1).set({ score: score / (bonus - bonus) + 1 })");
    assertThat(field("User", 1L, "bonus")).isEqualTo(Value.NULL);
    run("User.update(id: 1).set({ bonus: 4 })");
    e = refused("User.update(id: 1).set({ score: score / (bonus - 4) })");
    assertThat(e.code()).isEqualTo(ErrorCode.CONSTRAINT_VIOLATION);
    assertThat(e.getMessage())
        .isEqualTo("mutation 0 (update User): field User.score: 2147483000 / 0 divides by zero");
    e = refused("User.update(id: 1).set({ balance: balance * 9999999999 })");
    assertThat(e.code()).isEqualTo(ErrorCode.CONSTRAINT_VIOLATION);
    assertThat(e.getMessage())
        .isEqualTo(
            "mutation 0 (update User): field User.balance: 10.00 * 9999999999.00 ="
                + " 99999999990.00 does not fit decimal(12,2)");
    e = refused("User.update(id: 1).set({ name: name + 1 })");
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage())
        .isEqualTo(
            "mutation 0 (update User): field User.name is string: arithmetic (name + 1) needs a"
                + " number field");
  }

  @Test
  void updateManyAndUpsertComputePerRow() {
    run("Post.updateMany().where(authorId == 1).set({ views: views + 5 })");
    run("Post.updateMany().where(true).set({ views: views * 2 })");
    assertThat(field("Post", 10L, "views")).isEqualTo(Value.of(10L));
    assertThat(field("Post", 12L, "views")).isEqualTo(Value.of(0L));
    String upsert =
        "User.upsert(key: { email: \"new@x\" }).create({ name: \"N\", score: 1 })"
            + ".set({ score: score + 1 })";
    run(upsert);
    run(upsert);
    run(upsert);
    Row n =
        StoreTestSupport.all(store, "User").stream()
            .filter(x -> x.fields().get("email").equals(Value.of("new@x")))
            .findFirst()
            .orElseThrow();
    assertThat(n.fields().get("score")).isEqualTo(Value.of(3));
    OrmDbException e =
        catchThrowableOfType(
            OrmDbException.class,
            () ->
                store.commit(
                    MutationBatch.of(
                        Writes.upsert("User", Map.of("email", "x@x"))
                            .set("score", Writes.field("score").plus(1))
                            .build())));
    assertThat(e.getMessage())
        .isEqualTo(
            "mutation 0 (upsert into User): set score: score + 1 reads the row, which a new row"
                + " does not have yet: give the new row's values in create");
  }

  @Test
  void aComputedValueOfACreateCannotReadTheNewRow() {
    OrmDbException e =
        catchThrowableOfType(
            OrmDbException.class,
            () ->
                store.commit(
                    MutationBatch.of(
                        Writes.create("User")
                            .set("email", "k@x")
                            .set("name", "K")
                            .set("score", Writes.field("bonus").plus(1))
                            .build())));
    assertThat(e.getMessage())
        .isEqualTo(
            "mutation 0 (insert into User): field User.score reads field 'bonus' of the row,"
                + " which a new row does not have yet");
  }

  @Test
  void aWriteThatAddsZeroCommitsNothing() {
    MutationResult r = run("User.update(id: 1).set({ balance: balance + 0, score: score * 1 })");
    assertThat(r.committed()).isFalse();
  }

  // ---- the changelog ----

  @Test
  void theChangelogRecordsTheFinalRowsAndEdgeRows() {
    long from = store.currentLsn() + 1;
    run(
        """
        batch {
          User.update(id: 2).set({ score: score + 40, posts: { connect: { id: 12 } } });
          Post.update(id: 12).set({ tags: { connect: [{ id: 1 }] } })
        }
        """);
    List<ChangeSet> sets = store.changes(from, 10);
    assertThat(sets).hasSize(1);
    Map<String, ChangeEvent> byEntity = new TreeMap<>();
    for (ChangeEvent ev : sets.get(0).events()) {
      byEntity.put(ev.entity(), ev);
    }
    assertThat(byEntity).containsOnlyKeys("User", "Post", "PostTag");
    assertThat(byEntity.get("User").after().get("score")).isEqualTo(Value.of(40));
    assertThat(byEntity.get("User").changedFields()).containsExactly("score");
    assertThat(byEntity.get("Post").after().get("authorId")).isEqualTo(Value.of(2L));
    assertThat(byEntity.get("PostTag").op()).isEqualTo(ChangeEvent.Op.CREATE);
    assertThat(byEntity.get("PostTag").after())
        .containsEntry("postId", Value.of(12L))
        .containsEntry("tagId", Value.of(1L));
  }

  @Test
  void theValidatorRefusesWhatTheStoreRefusesWithTheSameWords() {
    List<Mutation> bad =
        List.of(
            Writes.update("User", 1L).set("name", Writes.field("name").plus(1)).build(),
            Writes.update("User", 1L).set("score", Writes.field("scor").plus(1)).build(),
            Writes.create("Post")
                .set("title", "t")
                .nested(Writes.on("tags").disconnect(Writes.key("id", 1L)))
                .build(),
            Writes.update("Post", 11L)
                .nested(Writes.on("comments").disconnect(Writes.key("id", 100L)))
                .build(),
            Writes.update("Post", 10L)
                .nested(Writes.on("author").connect(Writes.key("id", 1L), Writes.key("id", 2L)))
                .build(),
            Writes.update("User", 1L).nested(Writes.on("posts").deleteConnected()).build(),
            Writes.update("Post", 10L)
                .set("authorId", 2L)
                .nested(Writes.on("author").connect(Writes.key("id", 1L)))
                .build(),
            new Mutation.UpdateMany(
                "User",
                new Filter.Const(true),
                Map.of("score", Value.of(1)),
                Map.of("score", Expr.field("score"))));
    for (Mutation m : bad) {
      OrmDbException pre =
          catchThrowableOfType(
              OrmDbException.class, () -> MutationValidator.validate(store.schema(), 0, m));
      OrmDbException stores =
          catchThrowableOfType(OrmDbException.class, () -> store.commit(MutationBatch.of(m)));
      assertThat(pre).as("%s", m).isNotNull();
      assertThat(stores).as("%s", m).isNotNull();
      assertThat(pre.getMessage()).as("%s", m).isEqualTo(stores.getMessage());
      assertThat(pre.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }
  }
}
