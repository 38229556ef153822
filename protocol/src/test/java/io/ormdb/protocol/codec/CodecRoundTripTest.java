package io.ormdb.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.change.ChangeFeedItem;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.mutation.Expr;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Encode → decode → equals, for every message type and every kind of every sealed hierarchy, and
 * canonical bytes: decoding and re-encoding gives the same bytes.
 */
class CodecRoundTripTest {
  private final FrameCodec frames = new FrameCodec();
  private final KryoCodec kryo = new KryoCodec();

  @Provide
  Arbitrary<Message> messages() {
    return ModelArbitraries.messages();
  }

  @Property(tries = 2000)
  void everyMessageTypeSurvivesAFrameRoundTrip(@ForAll("messages") Message message) {
    byte[] frame = frames.encode(message);
    Message decoded = frames.decode(frame);

    assertThat(decoded).isEqualTo(message);
    assertThat(frames.encode(decoded)).isEqualTo(frame);
    collectAndCoverKinds(message, ModelArbitraries.messageKinds());
  }

  @Provide
  Arbitrary<Value> values() {
    return ModelArbitraries.values();
  }

  @Property(tries = 1000)
  void everyValueKindSurvivesARoundTrip(@ForAll("values") Value value) {
    byte[] bytes = kryo.toBytes(value);

    assertThat(kryo.fromBytes(bytes, Value.class)).isEqualTo(value);
    assertThat(kryo.toBytes(kryo.fromBytes(bytes, Value.class))).isEqualTo(bytes);
    collectAndCoverKinds(value, ModelArbitraries.valueKinds());
  }

  @Provide
  Arbitrary<Message.Query> deeplyFilteredQueries() {
    return ModelArbitraries.deepFilters()
        .flatMap(
            filter ->
                ModelArbitraries.graphQueries()
                    .map(
                        q ->
                            new Message.Query(
                                7,
                                3,
                                new GraphQuery(
                                    q.rootEntity(),
                                    q.fields(),
                                    filter,
                                    q.orderBy(),
                                    q.pagination(),
                                    q.includes(),
                                    q.readOptions(),
                                    q.aggregates()))));
  }

  @Property(tries = 300)
  void filtersNestedThreeLevelsAndMoreSurviveARoundTrip(
      @ForAll("deeplyFilteredQueries") Message.Query query) {
    assertThat(depth(query.query().filter())).isGreaterThanOrEqualTo(3);

    assertThat(frames.decode(frames.encode(query))).isEqualTo(query);
    Statistics.collect(query.query().filter().getClass().getSimpleName());
    Statistics.coverage(
        c -> {
          c.check("And").count(n -> n > 0);
          c.check("Or").count(n -> n > 0);
          c.check("Not").count(n -> n > 0);
        });
  }

  @Provide
  Arbitrary<Filter> filterKinds() {
    return ModelArbitraries.oneOfKinds(ModelArbitraries.filterKinds());
  }

  @Property(tries = 300)
  void everyFilterKindSurvivesARoundTrip(@ForAll("filterKinds") Filter filter) {
    assertThat(kryo.fromBytes(kryo.toBytes(filter), Filter.class)).isEqualTo(filter);
    collectAndCoverKinds(filter, ModelArbitraries.filterKinds());
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    return ModelArbitraries.mutations();
  }

  @Property(tries = 300)
  void everyMutationKindSurvivesARoundTrip(@ForAll("mutations") Mutation mutation) {
    Message.Mutate message = new Message.Mutate(1, 0, new MutationBatch(List.of(mutation)));

    assertThat(frames.decode(frames.encode(message))).isEqualTo(message);
    collectAndCoverKinds(mutation, ModelArbitraries.mutationKinds());
  }

  @Provide
  Arbitrary<Expr> exprs() {
    return ModelArbitraries.mutationExprs();
  }

  @Property(tries = 200)
  void everyExprKindSurvivesARoundTrip(@ForAll("exprs") Expr expr) {
    assertThat(kryo.fromBytes(kryo.toBytes(expr), Expr.class)).isEqualTo(expr);
    collectAndCoverKinds(expr, ModelArbitraries.mutationExprKinds());
  }

  @Provide
  Arbitrary<ChangeFeedItem> changeFeedItems() {
    return ModelArbitraries.changeFeedItems();
  }

  @Property(tries = 300)
  void everyChangeFeedItemSurvivesARoundTrip(@ForAll("changeFeedItems") ChangeFeedItem item) {
    assertThat(kryo.fromBytes(kryo.toBytes(item), ChangeFeedItem.class)).isEqualTo(item);
    collectAndCoverKinds(item, ModelArbitraries.changeFeedItemKinds());
  }

  @Provide
  Arbitrary<SchemaBundle> schemaBundles() {
    return ModelArbitraries.schemaBundles();
  }

  /** Bundles are stored by the catalog: the storage codec must return an equal bundle. */
  @Property(tries = 300)
  void schemaBundlesWithEveryDefinitionKindSurviveStorage(
      @ForAll("schemaBundles") SchemaBundle bundle) {
    byte[] bytes = kryo.toBytes(bundle);

    assertThat(kryo.fromBytes(bytes, SchemaBundle.class)).isEqualTo(bundle);
    assertThat(kryo.toBytes(kryo.fromBytes(bytes, SchemaBundle.class))).isEqualTo(bytes);
    for (ConstraintDef c : bundle.constraints()) {
      Statistics.label("constraint").collect(c.getClass().getSimpleName());
    }
    bundle.entities().stream()
        .flatMap(e -> e.fields().stream())
        .forEach(
            f -> {
              Statistics.label("default")
                  .collect(
                      f.defaultValue() == null
                          ? "none"
                          : f.defaultValue().getClass().getSimpleName());
              Statistics.label("masking")
                  .collect(f.masking() == null ? "none" : f.masking().getClass().getSimpleName());
            });
    Statistics.label("constraint").coverage(c -> coverAll(c, ModelArbitraries.constraintKinds()));
    Statistics.label("default").coverage(c -> coverAll(c, ModelArbitraries.defaultValueKinds()));
    Statistics.label("masking").coverage(c -> coverAll(c, ModelArbitraries.maskingKinds()));
  }

  @Provide
  Arbitrary<ChangeSet> changeSets() {
    return ModelArbitraries.changeSets();
  }

  /** Change sets are what the changelog stores. */
  @Property(tries = 300)
  void changeSetsSurviveStorage(@ForAll("changeSets") ChangeSet changeSet) {
    assertThat(kryo.fromBytes(kryo.toBytes(changeSet), ChangeSet.class)).isEqualTo(changeSet);
  }

  private static <T> void collectAndCoverKinds(
      T value, Map<? extends Class<? extends T>, ?> kinds) {
    Statistics.collect(value.getClass().getSimpleName());
    Statistics.coverage(c -> coverAll(c, kinds));
  }

  private static void coverAll(
      net.jqwik.api.statistics.StatisticsCoverage coverage, Map<? extends Class<?>, ?> kinds) {
    for (Class<?> kind : kinds.keySet()) {
      coverage.check(kind.getSimpleName()).count(n -> n > 0);
    }
  }

  private static int depth(Filter f) {
    if (f instanceof Filter.And a) {
      return 1 + a.operands().stream().mapToInt(CodecRoundTripTest::depth).max().orElse(0);
    }
    if (f instanceof Filter.Or o) {
      return 1 + o.operands().stream().mapToInt(CodecRoundTripTest::depth).max().orElse(0);
    }
    if (f instanceof Filter.Not n) {
      return 1 + depth(n.operand());
    }
    return 1;
  }
}
