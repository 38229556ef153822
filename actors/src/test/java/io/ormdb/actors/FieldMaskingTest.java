package io.ormdb.actors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.actors.connection.ConnectionActor;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.result.EntityBlock;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.query.Deadline;
import io.ormdb.store.query.FieldMasker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Field masking through a session: its clearance, the checks, the read, the masked reply. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FieldMaskingTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  static final String SCHEMA =
      """
      entity Customer {
        id    int64   @id
        name  string
        email string  @sensitive(internal) @mask(hash)
        ssn   string? @sensitive(sensitive) @mask(partial(4))
        notes string? @sensitive(restricted) @mask(omit)
        relation cards: one to many Card by customerId on delete cascade
      }
      entity Card {
        id         int64  @id
        customerId int64
        number     string @sensitive(sensitive) @mask(partial(4, end, '#'))
        cvv        string @sensitive(restricted)
        relation customer: many to one Customer by customerId on delete cascade
      }
      """;

  private TestDb db;
  private ActorRef<ConnectionActor.Command> internal;

  @BeforeAll
  void setUp() {
    // sessions read on their own thread (a slice no read here overruns, however busy the machine)
    db =
        new TestDb(
            testKit.system(),
            io.ormdb.store.OrmStore.open(io.ormdb.store.StoreConfig.inMemory()),
            io.ormdb.actors.settings.ActorSettings.create(testKit.system())
                .withPartitions(4)
                .withInlineReadSlice(java.time.Duration.ofMinutes(1)),
            true);
    db.store.applySchema(SchemaParser.parse(SCHEMA));
    internal = db.actors.connectEmbedded(Sensitivity.INTERNAL);
    for (long i = 1; i <= 3; i++) {
      Mutation.Insert card =
          new Mutation.Insert(
              "",
              Map.of(
                  "id",
                  Value.of(100 + i),
                  "number",
                  Value.of("4111-1111-1111-000" + i),
                  "cvv",
                  Value.of("12" + i)),
              List.of());
      Mutation.Insert customer =
          new Mutation.Insert(
              "Customer",
              Map.of(
                  "id", Value.of(i),
                  "name", Value.of("c" + i),
                  "email", Value.of("c" + i + "@example.com"),
                  "ssn", Value.of("123-45-678" + i),
                  "notes", Value.of("vip " + i)),
              List.of(new Mutation.NestedInsert("cards", List.of(card))));
      TestDb.ok(
          db.call(id -> new Message.Mutate(id, 0, MutationBatch.of(customer))),
          Message.MutateReply.class);
    }
  }

  @AfterAll
  void tearDown() {
    db.close();
  }

  private static GraphQuery customersWithCards() {
    return GraphQuery.from("Customer")
        .orderBy(OrderSpec.asc("id"))
        .include(
            new Include("cards", List.of(), null, List.of(OrderSpec.asc("id")), Pagination.NONE))
        .build();
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static Value s(String v) {
    return new Value.Str(v);
  }

  private Message.Error refused(Message.Request request) {
    Message.Response r = db.callOn(internal, id -> request);
    assertThat(r).isInstanceOf(Message.Error.class);
    Message.Error e = (Message.Error) r;
    assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED.code());
    return e;
  }

  @Test
  void aDefaultSessionSeesEverythingInClear() {
    QueryResult r =
        TestDb.ok(
                db.call(id -> new Message.Query(id, 0, customersWithCards())),
                Message.QueryReply.class)
            .result();
    EntityBlock root = r.root();
    assertThat(root.column("email").values().get(0)).isEqualTo(s("c1@example.com"));
    assertThat(root.column("ssn").values().get(0)).isEqualTo(s("123-45-6781"));
    assertThat(root.column("notes").values().get(0)).isEqualTo(s("vip 1"));
    EntityBlock cards = r.block("cards");
    assertThat(cards.column("number").values()).contains(s("4111-1111-1111-0001"));
    assertThat(cards.column("cvv").values()).contains(s("121"));
  }

  @Test
  void anInternalSessionGetsMaskedRootAndIncludeBlocks() throws Exception {
    long inline = db.actors.requests().inlineReads();
    QueryResult r =
        TestDb.ok(
                db.callOn(internal, id -> new Message.Query(id, 0, customersWithCards())),
                Message.QueryReply.class)
            .result();
    EntityBlock root = r.root();
    assertThat(root.ids()).containsExactly(Value.of(1L), Value.of(2L), Value.of(3L));
    assertThat(root.column("name").values()).containsExactly(s("c1"), s("c2"), s("c3"));
    // email is INTERNAL: the session is cleared for it
    assertThat(root.column("email").values().get(0)).isEqualTo(s("c1@example.com"));
    assertThat(root.column("ssn").values())
        .containsExactly(s("*******6781"), s("*******6782"), s("*******6783"));
    assertThat(root.column("notes")).isNull();

    EntityBlock cards = r.block("cards");
    assertThat(cards.ids()).containsExactly(Value.of(101L), Value.of(102L), Value.of(103L));
    assertThat(cards.column("number").values())
        .containsExactly(
            s("###############0001"), s("###############0002"), s("###############0003"));
    assertThat(cards.column("cvv").values()).containsOnly(Value.NULL);
    assertThat(r.edges("cards").edges()).hasSize(3);

    // a PUBLIC session does not see the email: its hash
    ActorRef<ConnectionActor.Command> pub = db.actors.connectEmbedded(Sensitivity.PUBLIC);
    QueryResult p =
        TestDb.ok(
                db.callOn(pub, id -> new Message.Query(id, 0, customersWithCards())),
                Message.QueryReply.class)
            .result();
    assertThat(p.root().column("email").values().get(0)).isEqualTo(s(sha256("c1@example.com")));
    assertThat(db.actors.requests().inlineReads())
        .as("both read and masked on the sessions' threads")
        .isEqualTo(inline + 2);
  }

  /**
   * A primary-key read is masked exactly as the store's result masked for the session; filtering by
   * a masked field is refused before any read, also when the same shape ran before for a session
   * cleared for it.
   */
  @Test
  void aPrimaryKeyReadIsMaskedAndFilteringByAMaskedFieldIsRefused() {
    QueryResult r =
        TestDb.ok(
                db.callOn(internal, id -> new Message.Query(id, 0, customer(2))),
                Message.QueryReply.class)
            .result();
    assertThat(r)
        .isEqualTo(
            FieldMasker.mask(db.store.query(customer(2)), db.store.schema(), Sensitivity.INTERNAL));
    assertThat(r.root().ids()).containsExactly(Value.of(2L));
    assertThat(r.root().column("ssn").values()).containsExactly(s("*******6782"));
    assertThat(r.root().column("notes")).isNull();

    GraphQuery bySsn =
        GraphQuery.from("Customer")
            .where(Filter.and(Filter.eq("id", 2L), Filter.eq("ssn", "123-45-6782")))
            .build();
    // a session cleared for ssn reads it; the internal one is refused
    assertThat(db.call(id -> new Message.Query(id, 0, bySsn)))
        .isInstanceOf(Message.QueryReply.class);
    assertThat(refused(new Message.Query(11, 0, bySsn)).message()).contains("Customer.ssn");

    // on the caller's thread: the same masking and the same refusal
    assertThat(db.actors.reads().query(customer(2), Map.of(), Sensitivity.INTERNAL, Deadline.NONE))
        .isEqualTo(r);
    assertThatThrownBy(
            () -> db.actors.reads().query(bySsn, Map.of(), Sensitivity.INTERNAL, Deadline.NONE))
        .isInstanceOf(OrmDbException.class)
        .hasMessageContaining("Customer.ssn");
  }

  private static GraphQuery customer(long id) {
    return GraphQuery.from("Customer").where(Filter.eq("id", id)).build();
  }

  @Test
  void queryTextAndPagingByAVisibleFieldAreMaskedToo() {
    QueryResult first =
        TestDb.ok(
                db.callOn(
                    internal,
                    id -> new Message.QueryText(id, 0, "Customer.findMany().orderBy(id).limit(2)")),
                Message.QueryReply.class)
            .result();
    assertThat(first.root().column("ssn").values())
        .containsExactly(s("*******6781"), s("*******6782"));
    assertThat(first.hasMore()).isTrue();
    GraphQuery next =
        GraphQuery.from("Customer")
            .orderBy(OrderSpec.asc("id"))
            .page(Pagination.after(first.nextCursor(), 2))
            .build();
    QueryResult second =
        TestDb.ok(
                db.callOn(internal, id -> new Message.Query(id, 0, next)), Message.QueryReply.class)
            .result();
    assertThat(second.root().ids()).containsExactly(Value.of(3L));
    assertThat(second.root().column("ssn").values()).containsExactly(s("*******6783"));
  }

  @Test
  void orderingByAMaskedFieldIsRefusedWithAClearError() {
    GraphQuery bySsn = GraphQuery.from("Customer").orderBy(OrderSpec.asc("ssn")).limit(1).build();
    Message.Error e = refused(new Message.Query(7, 0, bySsn));
    assertThat(e.requestId()).isEqualTo(7);
    assertThat(e.message())
        .contains("order by")
        .contains("Customer.ssn")
        .contains("clearance internal")
        .contains("cursors");

    Message.Error text =
        refused(new Message.QueryText(8, 0, "Customer.findMany().orderBy(ssn.desc)"));
    assertThat(text.message()).contains("Customer.ssn");

    GraphQuery includeOrder =
        GraphQuery.from("Customer")
            .include(
                new Include(
                    "cards", List.of(), null, List.of(OrderSpec.asc("number")), Pagination.NONE))
            .build();
    assertThat(refused(new Message.Query(9, 0, includeOrder)).message())
        .contains("include 'cards'")
        .contains("Card.number");

    // the same query is fine for a session cleared for the field
    assertThat(
            TestDb.ok(db.call(id -> new Message.Query(id, 0, bySsn)), Message.QueryReply.class)
                .result()
                .root()
                .size())
        .isEqualTo(1);
  }

  @Test
  void filteringAggregatingAndExplainingOnMaskedFieldsAreRefused() {
    GraphQuery bySsn = GraphQuery.from("Customer").where(Filter.eq("ssn", "123-45-6781")).build();
    assertThat(refused(new Message.Query(10, 0, bySsn)).message())
        .contains("filter")
        .contains("Customer.ssn");
    assertThat(refused(new Message.Explain(11, 0, bySsn, true)).message()).contains("Customer.ssn");
    AggregateQuery grouped =
        new AggregateQuery(
            "Card",
            List.of(new AggregateQuery.Aggregation(AggregateQuery.Function.MAX, "cvv")),
            null,
            List.of(),
            null);
    assertThat(refused(new Message.Aggregate(12, 0, grouped)).message()).contains("max(cvv)");

    // count() of rows, filtered on a visible field, is allowed
    AggregateQuery count =
        new AggregateQuery(
            "Customer",
            List.of(new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, null)),
            Filter.cmp("id", Filter.Op.GE, 2L),
            List.of(),
            null);
    Message.AggregateReply a =
        TestDb.ok(
            db.callOn(internal, id -> new Message.Aggregate(id, 0, count)),
            Message.AggregateReply.class);
    assertThat(a.result().rows().get(0).get(0).asLong()).isEqualTo(2L);
  }

  @Test
  void writesThatWouldCopyOrProbeAMaskedFieldAreRefused() {
    String copy = "Customer.update(id: 1).set({ name: ssn })";
    Message.Error e = refused(new Message.QueryText(20, 0, copy));
    assertThat(e.message())
        .isEqualTo(
            "computed value ssn: field Customer.ssn is sensitive and masked for this session"
                + " (clearance internal); writing it elsewhere would reveal its values");
    String named =
        "batch { let c = Customer.upsert(key: { id: 2 }); Card.create({ id: 200, customerId: 2,"
            + " number: c.ssn, cvv: \"1\" }) }";
    assertThat(refused(new Message.QueryText(21, 0, named)).message())
        .startsWith("computed value c.ssn: field Customer.ssn is sensitive");
    String probe =
        "Customer.update(id: 1).set({ cards: { disconnect: { number: \"4111-1111-1111-0002\" } } })";
    assertThat(refused(new Message.QueryText(22, 0, probe)).message())
        .startsWith("key: field Card.number is sensitive and masked for this session");
    assertThat(
            db.store
                .query(GraphQuery.from("Customer").where(Filter.eq("id", 1L)).build())
                .root()
                .column("name")
                .values())
        .as("nothing written")
        .containsExactly(s("c1"));

    // computed values over visible fields are allowed
    TestDb.ok(
        db.callOn(
            internal,
            id ->
                new Message.QueryText(
                    id,
                    0,
                    "Customer.update(id: 3).set({ name: name, cards: { update: { where:"
                        + " { id: 103 }, set: { customerId: customerId } } } })")),
        Message.MutateReply.class);
  }
}
