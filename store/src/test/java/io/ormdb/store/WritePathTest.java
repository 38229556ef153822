package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.all;
import static io.ormdb.store.StoreTestSupport.assertRefused;
import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.get;
import static io.ormdb.store.StoreTestSupport.insert;
import static io.ormdb.store.StoreTestSupport.list;
import static io.ormdb.store.StoreTestSupport.m;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.KeyRange;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WritePathTest {
  @TempDir Path dir;
  OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.of(dir).withMaxValueBytes(100));
    store.applySchema(TestSchemas.blog());
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Value user(String email) {
    return commit(store, insert("User", "email", email, "name", "n")).insertedIds().get(0);
  }

  @Test
  void insertAppliesDefaultsGeneratesIdsAndReadsBack() {
    MutationResult r = commit(store, insert("User", "email", "a@x.io", "name", "Ann"));
    assertThat(r.lsn()).isEqualTo(1);
    assertThat(r.affected()).isEqualTo(1);
    Value id = r.insertedIds().get(0);
    assertThat(id).isInstanceOf(Value.Uuid.class);
    Row row = get(store, "User", id).orElseThrow();
    assertThat(row.version()).isEqualTo(1);
    assertThat(row.get("role")).isEqualTo(new Value.Enum("member"));
    assertThat(row.get("age")).isEqualTo(Value.NULL);
    ChangeSet cs = store.changes(1, 10).get(0);
    assertThat(row.get("createdAt")).isEqualTo(new Value.Timestamp(cs.commitTsMicros()));
    // ids given as strings convert to the identity type
    assertThat(get(store, "User", new Value.Str(id.render()))).isPresent();
  }

  @Test
  void int64IdentitiesAreAutoAssigned() {
    MutationResult r =
        commit(store, insert("Comment", "body", "a"), insert("Comment", "body", "b"));
    assertThat(r.insertedIds()).containsExactly(new Value.Int64(1), new Value.Int64(2));
    assertThat(commit(store, insert("Comment", "body", "c")).insertedIds())
        .containsExactly(new Value.Int64(3));
  }

  @Test
  void badInputIsRefusedWithClearErrors() {
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (insert into Usr): unknown entity 'Usr' (did you mean 'User'?)",
        insert("Usr", "email", "a"));
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (insert into User): unknown field 'emial' on entity User (did you mean"
            + " 'email'?)",
        insert("User", "emial", "a@x.io", "name", "n"));
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (insert into User): field User.age: cannot convert string \"x\" to int32: not"
            + " a number",
        insert("User", "email", "a@x.io", "name", "n", "age", "x"));
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (insert into User): field User.name is required",
        insert("User", "email", "a@x.io"));
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (insert into User): field User.bio: value of 203 bytes exceeds the maximum of"
            + " 100 bytes",
        insert("User", "email", "a@x.io", "name", "n", "bio", "b".repeat(200)));
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (insert into User): field User.role: 'admn' is not a variant of enum Role (did"
            + " you mean 'admin'?)",
        insert("User", "email", "a@x.io", "name", "n", "role", "admn"));
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (insert into Invoice): field Invoice.amount: 1.234 has more than 2 decimal"
            + " places",
        insert("Invoice", "accountId", "a", "amount", new BigDecimal("1.234")));
    // of several bad fields the first by name is reported, whatever the order of declaration
    // (User declares name before age, and bio after role)
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (insert into User): field User.age: cannot convert string \"x\" to int32: not"
            + " a number",
        insert("User", "email", "a@x.io", "name", 5, "age", "x"));
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (insert into User): field User.bio: value of 203 bytes exceeds the maximum of"
            + " 100 bytes",
        insert("User", "email", "a@x.io", "name", "n", "role", "admn", "bio", "b".repeat(200)));
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (insert into User): field User.age: cannot convert string \"x\" to int32: not"
            + " a number",
        insert("User", "emial", "a@x.io", "name", "n", "age", "x"));
    assertThat(all(store, "User")).isEmpty();
    assertThat(store.changes(0, 10)).isEmpty();
  }

  @Test
  void uniqueConstraintNamesTheValue() {
    user("a@x.io");
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 1 (insert into User): unique constraint User_email_key violated by"
            + " email=\"a@x.io\"",
        insert("User", "email", "b@x.io", "name", "n"),
        insert("User", "email", "a@x.io", "name", "n"));
    Value id = all(store, "User").get(0).id();
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 0 (insert into User): primary key User_pkey violated by id=" + id.render(),
        new Mutation.Insert("User", m("id", id, "email", "c@x.io", "name", "n")));
  }

  @Test
  void compositeUniqueIgnoresNullsAndChecksAllFields() {
    Value u = user("a@x.io");
    commit(store, insert("Post", "authorId", u, "title", "t"));
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 0 (insert into Post): unique constraint Post_author_title_key violated by"
            + " authorId="
            + u.render()
            + ", title=\"t\"",
        insert("Post", "authorId", u, "title", "t"));
    commit(store, insert("Post", "authorId", u, "title", "t2"));
    assertThat(all(store, "Post")).hasSize(2);
  }

  @Test
  void aFailureInMutation7LeavesNothingBehind() {
    user("taken@x.io");
    long lsn = store.currentLsn();
    List<Mutation> ms = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String email = i == 7 ? "taken@x.io" : "u" + i + "@x.io";
      ms.add(insert("User", "email", email, "name", "n" + i));
    }
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 7 (insert into User): unique constraint User_email_key violated by"
            + " email=\"taken@x.io\"",
        ms.toArray(new Mutation[0]));
    assertThat(all(store, "User")).hasSize(1);
    try (ReadView v = store.snapshot()) {
      assertThat(list(v.indexScan("User", "User_email_key", KeyRange.all(), false)))
          .extracting(r -> r.get("email"))
          .containsExactly(new Value.Str("taken@x.io"));
      assertThat(v.count("User")).isEqualTo(1);
    }
    assertThat(store.currentLsn()).isEqualTo(lsn);
    assertThat(store.changes(0, 100)).hasSize(1);
    // the same batch without the duplicate commits in full
    ms.set(7, insert("User", "email", "u7@x.io", "name", "n7"));
    assertThat(store.commit(new MutationBatch(ms)).affected()).isEqualTo(10);
    assertThat(all(store, "User")).hasSize(11);
  }

  @Test
  void foreignKeysAndChecks() {
    UUID ghost = UUID.randomUUID();
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 0 (insert into Post): foreign key Post_authorId_fkey violated by authorId="
            + ghost
            + ": no User with id="
            + ghost,
        insert("Post", "authorId", ghost, "title", "t"));
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 0 (insert into User): check constraint User_age_check violated by age=-1",
        insert("User", "email", "a@x.io", "name", "n", "age", -1));
    // a check that is unknown because of a null passes
    user("a@x.io");
    // later mutations see earlier ones: the parent inserted in the same batch satisfies the FK
    UUID uid = UUID.randomUUID();
    MutationResult r =
        commit(
            store,
            insert("User", "id", uid, "email", "b@x.io", "name", "n"),
            insert("Post", "authorId", uid, "title", "t"));
    assertThat(r.affected()).isEqualTo(2);
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 0 (update User): check constraint User_age_check violated by age=-5",
        new Mutation.Update("User", Value.of(uid), m("age", -5), 0));
  }

  @Test
  void cascadeSetNullAndManyToManyEdges() {
    UUID u = UUID.randomUUID();
    UUID p = UUID.randomUUID();
    UUID t = UUID.randomUUID();
    commit(
        store,
        insert("User", "id", u, "email", "a@x.io", "name", "n"),
        insert("Post", "id", p, "authorId", u, "title", "t"),
        insert("Comment", "postId", p, "body", "c1"),
        insert("Tag", "id", t, "name", "java"),
        insert("PostTag", "postId", p, "tagId", t));
    MutationResult r = commit(store, new Mutation.Delete("User", Value.of(u), 0));
    assertThat(r.affected()).isEqualTo(4); // user, post, post-tag edge, comment (set null)
    assertThat(all(store, "User")).isEmpty();
    assertThat(all(store, "Post")).isEmpty();
    assertThat(all(store, "PostTag")).isEmpty();
    assertThat(all(store, "Tag")).hasSize(1);
    assertThat(all(store, "Comment"))
        .singleElement()
        .satisfies(c -> assertThat(c.get("postId")).isEqualTo(Value.NULL));
    List<ChangeEvent> events = store.changes(r.lsn(), 1).get(0).events();
    assertThat(events)
        .extracting(e -> e.entity() + ":" + e.op().code())
        .containsExactly("User:d", "Post:d", "Comment:u", "PostTag:d");
    ChangeEvent comment = events.get(2);
    assertThat(comment.changedFields()).containsExactly("postId");
    assertThat(comment.before().get("postId")).isEqualTo(Value.of(p));
  }

  @Test
  void deletingEitherSideOfManyToManyCascadesItsEdges() {
    UUID u = UUID.randomUUID();
    UUID p = UUID.randomUUID();
    UUID t = UUID.randomUUID();
    commit(
        store,
        insert("User", "id", u, "email", "a@x.io", "name", "n"),
        insert("Post", "id", p, "authorId", u, "title", "t"),
        insert("Tag", "id", t, "name", "java"),
        insert("PostTag", "postId", p, "tagId", t));
    commit(store, new Mutation.Delete("Tag", Value.of(t), 0));
    assertThat(all(store, "PostTag")).isEmpty();
    assertThat(all(store, "Post")).hasSize(1);
  }

  @Test
  void restrictRefusesTheDelete() {
    commit(
        store,
        insert("Account", "id", "acme"),
        insert("Invoice", "accountId", "acme", "amount", new BigDecimal("9.5")));
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 0 (delete from Account): foreign key Invoice_accountId_fkey restricts delete of"
            + " Account id=\"acme\": referenced by Invoice id=1",
        new Mutation.Delete("Account", Value.of("acme"), 0));
    assertThat(all(store, "Account")).hasSize(1);
    commit(
        store,
        new Mutation.Delete("Invoice", Value.of(1L), 0),
        new Mutation.Delete("Account", Value.of("acme"), 0));
    assertThat(all(store, "Account")).isEmpty();
  }

  @Test
  void nestedInsertsFillKeysAndInsertEdges() {
    Mutation.Insert comment = insert("Comment", "body", "first");
    Mutation.Insert tag = insert("Tag", "name", "db");
    Mutation.Insert post =
        new Mutation.Insert(
            "Post",
            m("title", "hello"),
            List.of(
                new Mutation.NestedInsert("comments", List.of(comment)),
                new Mutation.NestedInsert("tags", List.of(tag))));
    Mutation.Insert user =
        new Mutation.Insert(
            "User",
            m("email", "a@x.io", "name", "n"),
            List.of(new Mutation.NestedInsert("posts", List.of(post))));
    MutationResult r = store.commit(MutationBatch.of(user));
    assertThat(r.insertedIds()).hasSize(4); // user, post, comment, tag (edge rows not reported)
    assertThat(r.affected()).isEqualTo(5);
    Value uid = r.insertedIds().get(0);
    Row p = all(store, "Post").get(0);
    assertThat(p.get("authorId")).isEqualTo(uid);
    assertThat(all(store, "Comment").get(0).get("postId")).isEqualTo(p.id());
    Row edge = all(store, "PostTag").get(0);
    assertThat(edge.get("postId")).isEqualTo(p.id());
    assertThat(edge.get("tagId")).isEqualTo(r.insertedIds().get(3));
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (insert into User): unknown relation 'postz' on entity User (did you mean"
            + " 'posts'?)",
        new Mutation.Insert(
            "User",
            m("email", "b@x.io", "name", "n"),
            List.of(new Mutation.NestedInsert("postz", List.of(post)))));
  }

  @Test
  void nestedInsertThroughAToOneRelationInsertsTheReferencedRowFirst() {
    Mutation.Insert author = new Mutation.Insert("", m("email", "ann@x.io", "name", "Ann"));
    Mutation.Insert post =
        new Mutation.Insert(
            "Post",
            m("title", "first"),
            List.of(new Mutation.NestedInsert("author", List.of(author))));
    MutationResult r = store.commit(MutationBatch.of(post));
    assertThat(r.insertedIds()).hasSize(2); // the author, then the post referring to it
    Row u = all(store, "User").get(0);
    Row p = all(store, "Post").get(0);
    assertThat(u.get("email")).isEqualTo(Value.of("ann@x.io"));
    assertThat(r.insertedIds()).containsExactly(u.id(), p.id());
    assertThat(p.get("authorId")).isEqualTo(u.id());

    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (insert into Post): nested insert author[0] into User: relation author refers"
            + " to one User: give exactly one row, not 2",
        new Mutation.Insert(
            "Post",
            m("title", "second"),
            List.of(
                new Mutation.NestedInsert(
                    "author",
                    List.of(
                        new Mutation.Insert("", m("email", "b@x.io", "name", "B")),
                        new Mutation.Insert("", m("email", "c@x.io", "name", "C")))))));
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (insert into Post): nested insert author[0] into User: field Post.authorId is"
            + " set by the nested insert; the row also gives "
            + u.id().render(),
        new Mutation.Insert(
            "Post",
            m("title", "third", "authorId", u.id()),
            List.of(new Mutation.NestedInsert("author", List.of(author)))));
    // the referenced row breaks a constraint: nothing of the batch stays
    OrmDbException dup =
        catchThrowableOfType(
            OrmDbException.class,
            () ->
                store.commit(
                    MutationBatch.of(
                        new Mutation.Insert(
                            "Post",
                            m("title", "fourth"),
                            List.of(new Mutation.NestedInsert("author", List.of(author)))))));
    assertThat(dup.code()).isEqualTo(ErrorCode.CONSTRAINT_VIOLATION);
    assertThat(dup.getMessage())
        .startsWith("mutation 0 (insert into Post): nested insert author[0] into User: ");
    assertThat(all(store, "User")).hasSize(1);
    assertThat(all(store, "Post")).hasSize(1);
  }

  @Test
  void upsertByIdentityAndByUniqueConstraint() {
    UUID id = UUID.randomUUID();
    Mutation.Upsert up =
        new Mutation.Upsert("User", m("id", id), m("email", "a@x.io", "name", "first"));
    assertThat(store.commit(MutationBatch.of(up)).insertedIds()).containsExactly(Value.of(id));
    commit(store, new Mutation.Upsert("User", m("id", id), m("name", "second")));
    assertThat(get(store, "User", Value.of(id)).orElseThrow().get("name"))
        .isEqualTo(Value.of("second"));
    commit(store, new Mutation.Upsert("User", m("email", "a@x.io"), m("name", "third")));
    commit(store, new Mutation.Upsert("User", m("email", "b@x.io"), m("name", "new")));
    assertThat(all(store, "User"))
        .extracting(r -> r.get("name").asString())
        .containsExactlyInAnyOrder("third", "new");
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (upsert into User): upsert key [name] is neither the identity 'id' nor the"
            + " fields of a unique constraint of User",
        new Mutation.Upsert("User", m("name", "x"), m("email", "c@x.io")));
  }

  @Test
  void updateManyAndDeleteManyByFilter() {
    for (int i = 0; i < 5; i++) {
      commit(store, insert("User", "email", "u" + i + "@x.io", "name", "n", "age", i * 10));
    }
    MutationResult r =
        commit(
            store,
            new Mutation.UpdateMany("User", Filter.cmp("age", Filter.Op.GE, 20), m("bio", "old")));
    assertThat(r.affected()).isEqualTo(3);
    assertThat(all(store, "User")).filteredOn(u -> !u.get("bio").isNull()).hasSize(3);
    r = commit(store, new Mutation.DeleteMany("User", Filter.eq("bio", "old")));
    assertThat(r.affected()).isEqualTo(3);
    assertThat(all(store, "User")).hasSize(2);
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (delete many from User): filter: unknown field 'agee' on entity User (did you"
            + " mean 'age'?)",
        new Mutation.DeleteMany("User", Filter.eq("agee", 1)));
    // matching nothing changes nothing: no new LSN, the result names the LSN it read at
    long before = store.currentLsn();
    MutationResult none = commit(store, new Mutation.DeleteMany("User", Filter.eq("age", 99)));
    assertThat(none.committed()).isFalse();
    assertThat(none.lsn()).isEqualTo(before);
    assertThat(none.affected()).isZero();
    assertThat(store.currentLsn()).isEqualTo(before);
  }

  @Test
  void expectedVersionAndMissingRows() {
    Value id = user("a@x.io");
    long v1 = get(store, "User", id).orElseThrow().version();
    commit(store, new Mutation.Update("User", id, m("name", "b"), v1));
    long v2 = get(store, "User", id).orElseThrow().version();
    assertRefused(
        store,
        ErrorCode.CONFLICT,
        "mutation 0 (update User): expected version "
            + v1
            + " of User id="
            + id.render()
            + " but it is at version "
            + v2,
        new Mutation.Update("User", id, m("name", "c"), v1));
    UUID ghost = UUID.randomUUID();
    assertRefused(
        store,
        ErrorCode.NOT_FOUND,
        "mutation 0 (update User): no User with id=" + ghost,
        new Mutation.Update("User", Value.of(ghost), m("name", "c"), 0));
    assertRefused(
        store,
        ErrorCode.NOT_FOUND,
        "mutation 0 (delete from User): no User with id=" + ghost,
        new Mutation.Delete("User", Value.of(ghost), 0));
    assertRefused(
        store,
        ErrorCode.INVALID_REQUEST,
        "mutation 0 (update User): identity field User.id cannot be changed",
        new Mutation.Update("User", id, m("id", ghost), 0));
  }

  @Test
  void softDeleteHidesTheRowAndFreesItsUniqueKeys() {
    Value id = commit(store, insert("Note", "slug", "s")).insertedIds().get(0);
    MutationResult d = commit(store, new Mutation.Delete("Note", id, 0));
    assertThat(get(store, "Note", id)).isEmpty();
    assertThat(all(store, "Note")).isEmpty();
    assertThat(store.changes(d.lsn(), 1).get(0).events().get(0).op())
        .isEqualTo(ChangeEvent.Op.DELETE);
    commit(store, insert("Note", "slug", "s"));
    assertThat(all(store, "Note")).hasSize(1);
    // the soft-deleted version is still readable as of before the delete
    try (ReadView v = store.snapshotAt(d.lsn() - 1)) {
      assertThat(v.get("Note", id)).isPresent();
    }
  }

  @Test
  void changelogCarriesImagesAndChangedFields() {
    Value id = user("a@x.io");
    commit(store, new Mutation.Update("User", id, m("name", "b", "age", 3), 0));
    List<ChangeSet> log = store.changes(1, 10);
    assertThat(log).extracting(ChangeSet::lsn).containsExactly(1L, 2L);
    ChangeEvent u = log.get(1).events().get(0);
    assertThat(u.op()).isEqualTo(ChangeEvent.Op.UPDATE);
    assertThat(u.changedFields()).containsExactlyInAnyOrder("name", "age");
    assertThat(u.before().get("name")).isEqualTo(Value.of("n"));
    assertThat(u.after().get("name")).isEqualTo(Value.of("b"));
    assertThat(u.schemaVersion()).isEqualTo(1);
    assertThat(store.changes(2, 10)).hasSize(1);
    assertThat(store.changes(3, 10)).isEmpty();
    // an update that changes nothing gets no LSN of its own
    MutationResult same = commit(store, new Mutation.Update("User", id, m("name", "b"), 0));
    assertThat(same.committed()).isFalse();
    assertThat(same.lsn()).isEqualTo(2);
    assertThat(store.changes(3, 10)).isEmpty();
  }

  @Test
  void aBatchThatChangesNothingCommitsNothingAndSaysWhichStateItRead() {
    MutationResult empty = store.commit(new MutationBatch(List.of()));
    assertThat(empty.committed()).isFalse();
    assertThat(empty.lsn()).isZero(); // the state before the first commit
    Value id = user("a@x.io");
    commit(store, new Mutation.Update("User", id, m("name", "b"), 0));
    long batches = store.stats().batchesCommitted();

    Mutation.Upsert again = new Mutation.Upsert("User", m("email", "a@x.io"), m("name", "b"));
    MutationResult r =
        commit(
            store, again, new Mutation.UpdateMany("User", Filter.eq("name", "b"), m("name", "b")));

    assertThat(r.committed()).isFalse();
    assertThat(r.affected()).isZero();
    assertThat(r.lsn()).isEqualTo(2); // evaluated against the state after lsn 2
    assertThat(store.currentLsn()).isEqualTo(2);
    assertThat(store.changes(1, 10)).extracting(ChangeSet::lsn).containsExactly(1L, 2L);
    assertThat(store.stats().batchesCommitted()).isEqualTo(batches);
    try (ReadView v = store.snapshotAt(r.lsn())) {
      assertThat(v.get("User", id).orElseThrow().get("name")).isEqualTo(Value.of("b"));
    }
    // a write that does change something after it takes the next LSN
    MutationResult next = commit(store, new Mutation.Update("User", id, m("name", "c"), 0));
    assertThat(next.committed()).isTrue();
    assertThat(next.lsn()).isEqualTo(3);
  }

  @Test
  void indexesIncludeImplicitOnesAndServeRanges() {
    Value u = user("a@x.io");
    for (int i = 0; i < 5; i++) {
      commit(store, insert("Post", "authorId", u, "title", "t" + i, "score", i));
    }
    try (ReadView v = store.snapshot()) {
      assertThat(v.indexes("Post"))
          .extracting(i -> i.name())
          .containsExactly("Post_author_title_key", "Post_authorId_fk", "Post_score_idx");
      assertThat(v.indexes("User")).extracting(i -> i.name()).containsExactly("User_email_key");
      KeyRange r =
          new KeyRange(
              List.of(),
              new KeyRange.Bound(Value.of(1), false),
              new KeyRange.Bound(Value.of(3), true));
      assertThat(list(v.indexScan("Post", "Post_score_idx", r, false)))
          .extracting(p -> p.get("score").asLong())
          .containsExactly(2L, 3L);
      assertThat(list(v.indexScan("Post", "Post_score_idx", r, true)))
          .extracting(p -> p.get("score").asLong())
          .containsExactly(3L, 2L);
      assertThat(list(v.indexScan("Post", "Post_authorId_fk", KeyRange.eq(u), false))).hasSize(5);
    }
    // an updated value moves in the index
    Row p0 =
        all(store, "Post").stream().filter(p -> p.get("score").asLong() == 0).findFirst().get();
    commit(store, new Mutation.Update("Post", p0.id(), m("score", 10), 0));
    try (ReadView v = store.snapshot()) {
      assertThat(list(v.indexScan("Post", "Post_score_idx", KeyRange.eq(Value.of(0L)), false)))
          .isEmpty();
      assertThat(list(v.indexScan("Post", "Post_score_idx", KeyRange.eq(Value.of(10L)), false)))
          .hasSize(1);
    }
  }

  @Test
  void secondOpenOfTheSameDirectoryFailsNamingTheFile() throws Exception {
    String file = dir.resolve("ormdb.mv.db").toFile().getCanonicalPath();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OrmStore.open(StoreConfig.of(dir)))
        .isInstanceOf(io.ormdb.protocol.OrmDbException.class)
        .hasMessage(
            "database file " + file + " is already open in this process (one owner per file)");
  }

  @Test
  void reopenRecoversCommittedState() {
    Value id = user("a@x.io");
    store.close();
    store = OrmStore.open(StoreConfig.of(dir));
    assertThat(get(store, "User", id)).isPresent();
    assertThat(store.currentLsn()).isEqualTo(1);
    assertThat(store.schemaVersions()).containsExactly(1L);
    user("b@x.io");
    assertThat(store.currentLsn()).isEqualTo(2);
  }
}
