package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.schema.SchemaBundle;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applying a schema equal to the current one (its version number aside) is a no-op: the current
 * version comes back and nothing is written, so an application may apply its schema at every start.
 */
class SchemaIdempotenceTest {
  /** The complete example of docs/schema-language.md: every kind of default, relation, rule. */
  static final String BLOG =
      """
      // A small blog: users write posts, readers comment, posts carry tags.

      enum Role { admin, editor, reader }

      enum PostStatus { draft, published, archived }

      entity User {
        id        uuid          @id @default(uuid)
        email     string        @unique
        name      string
        role      Role          @default(reader)
        age       int32?
        balance   decimal(12, 2) @default(0.00)
        ssn       string?       @sensitive(restricted) @mask(partial(4, end, '*'))
        createdAt timestamp     @default(now) @index

        relation profile: one to one Profile by userId on delete cascade
        relation posts: one to many Post by authorId on delete restrict
        relation comments: one to many Comment by authorId on delete set null

        check adult (age is null || age >= 18)
        order by createdAt desc
      }

      entity Profile {
        id     uuid    @id @default(uuid)
        userId uuid    @unique
        bio    string?

        relation user: one to one User by userId on delete cascade
      }

      entity Post {
        id        uuid       @id @default(uuid)
        authorId  uuid
        title     string
        body      string?
        status    PostStatus @default(draft)
        views     int64      @default(0)
        createdAt timestamp  @default(now)

        relation author: many to one User by authorId
        relation comments: one to many Comment by postId on delete cascade
        relation tags: many to many Tag through PostTag(postId, tagId)

        unique (authorId, title)
        index (status, createdAt)
        check (views >= 0)
        soft delete
      }

      entity Comment {
        id       uuid    @id @default(uuid)
        postId   uuid
        authorId uuid?
        parentId uuid?
        text     string

        relation post: many to one Post by postId on delete cascade

        foreign key (parentId) references Comment on delete set null
        index (postId) using hash
      }

      entity Tag {
        id   int64  @id
        name string @unique
      }

      entity PostTag {
        id     uuid  @id @default(uuid)
        postId uuid
        tagId  int64

        relation post: many to one Post by postId on delete cascade
        relation tag: many to one Tag by tagId on delete cascade

        unique (postId, tagId)
      }

      policy own_posts on Post restrictive for update, delete
        using (authorId == $user.id) bypass "admin"

      policy published_only on Post for select
        using (status == "published" || authorId == $user.id)
      """;

  static final String BLOG_WITH_NICKNAME =
      BLOG.replace("  name      string\n", "  name      string\n  nickname  string?\n");

  @TempDir Path dir;
  private OrmStore store;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.of(dir));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void schemaTextParsedTwiceGivesEqualBundles() {
    assertThat(BLOG)
        .contains("@default(uuid)", "@default(now)", "@default(0.00)", "@default(reader)");
    assertThat(SchemaParser.parse(BLOG)).isEqualTo(SchemaParser.parse(BLOG));
  }

  @Test
  void applyingTheCurrentSchemaAgainReturnsItsVersionAndWritesNothing() {
    assertThat(store.applySchema(SchemaParser.parse(BLOG))).isEqualTo(1);
    StoreStats before = store.stats();

    assertThat(store.applySchema(SchemaParser.parse(BLOG))).isEqualTo(1);
    assertThat(store.applySchema(SchemaParser.parse(BLOG).withVersion(42))).isEqualTo(1);

    assertThat(store.schemaVersions()).containsExactly(1L);
    assertThat(store.currentLsn()).isZero();
    assertThat(store.changes(1, 10)).isEmpty();
    assertThat(store.stats().storeCommits()).as("no store commit").isEqualTo(before.storeCommits());
  }

  @Test
  void theStoredSchemaStillEqualsTheTextAfterAReopen() {
    store.applySchema(SchemaParser.parse(BLOG));
    store.close();
    store = OrmStore.open(StoreConfig.of(dir));
    assertThat(store.applySchema(SchemaParser.parse(BLOG))).isEqualTo(1);
    assertThat(store.schemaHistory()).hasSize(1);
  }

  @Test
  void aChangedSchemaStillGetsANewVersionOnce() {
    store.applySchema(SchemaParser.parse(BLOG));
    SchemaBundle changed = SchemaParser.parse(BLOG_WITH_NICKNAME);
    assertThat(changed).isNotEqualTo(SchemaParser.parse(BLOG));

    assertThat(store.applySchema(changed)).isEqualTo(2);
    assertThat(store.applySchema(SchemaParser.parse(BLOG_WITH_NICKNAME))).isEqualTo(2);
    assertThat(store.schemaVersions()).containsExactly(1L, 2L);
    assertThat(store.schema().entity("User").orElseThrow().field("nickname")).isPresent();
  }
}
