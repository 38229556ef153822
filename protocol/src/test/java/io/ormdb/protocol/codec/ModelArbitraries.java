package io.ormdb.protocol.codec;

import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeFeedItem;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Expr;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.query.ReadOptions;
import io.ormdb.protocol.query.RelationAggregate;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.Column;
import io.ormdb.protocol.result.EdgeBlock;
import io.ormdb.protocol.result.EntityBlock;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.Computed;
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
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.wire.Message;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators for the whole protocol model, for codec tests and anyone else who needs random
 * but valid model objects. Named apart from jqwik's own {@code Arbitraries}.
 *
 * <p>{@link #messageKinds()}, {@link #valueKinds()} and friends map every concrete class of a
 * sealed hierarchy to its generator, so tests can check that none is missing.
 */
public final class ModelArbitraries {
  private ModelArbitraries() {}

  // ---- strings and numbers --------------------------------------------------------------------

  /** Identifier-like names: entity, field, relation names. */
  public static Arbitrary<String> names() {
    return Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(10);
  }

  /**
   * Any text: every UTF-16 code unit (lone surrogates included), supplementary characters, and the
   * empty string.
   */
  public static Arbitrary<String> texts() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.strings().all().ofMaxLength(16)),
        Tuple.of(3, Arbitraries.strings().withCharRange('\u0000', '\uffff').ofMaxLength(16)),
        Tuple.of(
            2, Arbitraries.of("", "é", "日本語", "emoji \uD83D\uDE00!", "\uD800 lone", "a\u0000b")),
        Tuple.of(1, Arbitraries.strings().ascii().ofMinLength(100).ofMaxLength(300)));
  }

  public static Arbitrary<String> nullableTexts() {
    return texts().injectNull(0.2);
  }

  public static Arbitrary<Long> lsns() {
    return Arbitraries.longs().between(0, Long.MAX_VALUE);
  }

  public static Arbitrary<Long> requestIds() {
    return Arbitraries.longs();
  }

  // ---- values ---------------------------------------------------------------------------------

  /** One generator per {@link Value} class. */
  public static Map<Class<? extends Value>, Arbitrary<? extends Value>> valueKinds() {
    Map<Class<? extends Value>, Arbitrary<? extends Value>> m = new LinkedHashMap<>();
    for (ValueType t : ValueType.values()) {
      if (t != ValueType.ARRAY) {
        m.put(classOf(t), scalarValues(t));
      }
    }
    m.put(Value.Array.class, arrays());
    return m;
  }

  /** Any value, arrays included. */
  public static Arbitrary<Value> values() {
    return oneOfKinds(valueKinds());
  }

  /** Any value but null and arrays: usable as an identity. */
  public static Arbitrary<Value> ids() {
    return Arbitraries.oneOf(
        scalarValues(ValueType.INT64),
        scalarValues(ValueType.UUID),
        scalarValues(ValueType.STRING));
  }

  /** Values of type {@code t} (for NULL the null value); not arrays. */
  public static Arbitrary<Value> scalarValues(ValueType t) {
    switch (t) {
      case NULL:
        return Arbitraries.just(Value.NULL);
      case BOOL:
        return Arbitraries.of(Value.TRUE, Value.FALSE);
      case INT32:
        return Arbitraries.integers().map(Value.Int32::new);
      case INT64:
        return Arbitraries.longs().map(Value.Int64::new);
      case FLOAT32:
        return Arbitraries.floats()
            .withSpecialValue(Float.NaN)
            .withSpecialValue(Float.NEGATIVE_INFINITY)
            .withSpecialValue(-0.0f)
            .map(Value.Float32::new);
      case FLOAT64:
        return Arbitraries.doubles()
            .withSpecialValue(Double.NaN)
            .withSpecialValue(Double.POSITIVE_INFINITY)
            .withSpecialValue(-0.0)
            .map(Value.Float64::new);
      case DECIMAL:
        return Combinators.combine(
                Arbitraries.bigIntegers()
                    .between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40)),
                Arbitraries.integers().between(-60, 60))
            .as((unscaled, scale) -> (Value) new Value.Decimal(new BigDecimal(unscaled, scale)));
      case STRING:
        return texts().map(Value.Str::new);
      case BYTES:
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(Value.Bytes::new);
      case TIMESTAMP:
        return Arbitraries.longs().map(Value.Timestamp::new);
      case DATE:
        return Arbitraries.integers().map(Value.Date::new);
      case UUID:
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(Value.Uuid::new);
      case ENUM:
        return names().map(Value.Enum::new);
      case JSON:
        return jsonTexts().map(Value.Json::new);
      default:
        throw new IllegalArgumentException("not a scalar type: " + t);
    }
  }

  /** Well-formed JSON documents. */
  public static Arbitrary<String> jsonTexts() {
    Arbitrary<String> scalars =
        Arbitraries.oneOf(
            Arbitraries.integers().map(String::valueOf),
            Arbitraries.of("true", "false", "null", "-0.5e10", "\"\"", "\"a\\\"b\\u00e9\""),
            names().map(s -> "\"" + s + "\""));
    return Arbitraries.oneOf(
        scalars,
        Combinators.combine(names(), scalars.list().ofMaxSize(3))
            .as((k, vs) -> "{\"" + k + "\": [" + String.join(", ", vs) + "], \"n\":{}}"));
  }

  /** Typed arrays, nulls allowed among the elements. */
  public static Arbitrary<Value> arrays() {
    List<ValueType> elementTypes =
        EnumSet.complementOf(EnumSet.of(ValueType.NULL, ValueType.ARRAY)).stream().toList();
    return Arbitraries.of(elementTypes)
        .flatMap(
            t ->
                Arbitraries.frequencyOf(
                        Tuple.of(5, scalarValues(t)), Tuple.of(1, Arbitraries.just(Value.NULL)))
                    .list()
                    .ofMaxSize(5)
                    .map(elements -> (Value) new Value.Array(t, elements)));
  }

  private static Class<? extends Value> classOf(ValueType t) {
    switch (t) {
      case NULL:
        return Value.Null.class;
      case BOOL:
        return Value.Bool.class;
      case INT32:
        return Value.Int32.class;
      case INT64:
        return Value.Int64.class;
      case FLOAT32:
        return Value.Float32.class;
      case FLOAT64:
        return Value.Float64.class;
      case DECIMAL:
        return Value.Decimal.class;
      case STRING:
        return Value.Str.class;
      case BYTES:
        return Value.Bytes.class;
      case TIMESTAMP:
        return Value.Timestamp.class;
      case DATE:
        return Value.Date.class;
      case UUID:
        return Value.Uuid.class;
      case ENUM:
        return Value.Enum.class;
      case JSON:
        return Value.Json.class;
      case ARRAY:
        return Value.Array.class;
      default:
        throw new IllegalArgumentException(t.name());
    }
  }

  /** Field name → value maps, as in rows and mutations. */
  public static Arbitrary<Map<String, Value>> rows() {
    return Arbitraries.maps(names(), values()).ofMaxSize(4);
  }

  // ---- filters and queries --------------------------------------------------------------------

  /** One generator per {@link Filter} class (composites over leaves). */
  public static Map<Class<? extends Filter>, Arbitrary<? extends Filter>> filterKinds() {
    Map<Class<? extends Filter>, Arbitrary<? extends Filter>> m = new LinkedHashMap<>();
    m.putAll(leafFilterKinds());
    Arbitrary<Filter> leaf = leafFilters();
    m.put(Filter.And.class, leaf.list().ofMaxSize(3).map(Filter.And::new));
    m.put(Filter.Or.class, leaf.list().ofMaxSize(3).map(Filter.Or::new));
    m.put(Filter.Not.class, leaf.map(Filter.Not::new));
    return m;
  }

  private static Map<Class<? extends Filter>, Arbitrary<? extends Filter>> leafFilterKinds() {
    Map<Class<? extends Filter>, Arbitrary<? extends Filter>> m = new LinkedHashMap<>();
    Arbitrary<Filter.Op> ops = Arbitraries.of(Filter.Op.class);
    Arbitrary<Boolean> bools = Arbitraries.of(true, false);
    m.put(
        Filter.Compare.class, Combinators.combine(names(), ops, values()).as(Filter.Compare::new));
    m.put(
        Filter.In.class,
        Combinators.combine(names(), values().list().ofMaxSize(4), bools).as(Filter.In::new));
    m.put(Filter.IsNull.class, Combinators.combine(names(), bools).as(Filter.IsNull::new));
    m.put(Filter.Like.class, Combinators.combine(names(), texts(), bools).as(Filter.Like::new));
    m.put(
        Filter.AttrCompare.class,
        Combinators.combine(names(), ops, names().map(s -> "user." + s))
            .as(Filter.AttrCompare::new));
    m.put(Filter.Const.class, bools.map(Filter.Const::new));
    return m;
  }

  public static Arbitrary<Filter> leafFilters() {
    return oneOfKinds(leafFilterKinds());
  }

  /** Filters nested up to 3 levels. */
  public static Arbitrary<Filter> filters() {
    return Arbitraries.recursive(ModelArbitraries::leafFilters, ModelArbitraries::composite, 0, 3);
  }

  /** Filters nested at least 3 and at most 5 levels deep, with And, Or and Not. */
  public static Arbitrary<Filter> deepFilters() {
    return Arbitraries.recursive(ModelArbitraries::leafFilters, ModelArbitraries::composite, 3, 5);
  }

  private static Arbitrary<Filter> composite(Arbitrary<Filter> inner) {
    return Arbitraries.oneOf(
        inner.list().ofMinSize(1).ofMaxSize(3).map(Filter.And::new),
        inner.list().ofMinSize(1).ofMaxSize(3).map(Filter.Or::new),
        inner.map(Filter.Not::new));
  }

  public static Arbitrary<OrderSpec> orderSpecs() {
    return Combinators.combine(
            names(),
            Arbitraries.of(OrderSpec.Direction.class),
            Arbitraries.of(OrderSpec.Nulls.class))
        .as(OrderSpec::new);
  }

  public static Arbitrary<Pagination> paginations() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 10_000),
            Arbitraries.integers().between(0, 10_000),
            nullableTexts())
        .as(Pagination::new);
  }

  public static Arbitrary<ReadOptions> readOptions() {
    return Combinators.combine(Arbitraries.of(ReadOptions.Consistency.class), lsns())
        .as(ReadOptions::new);
  }

  public static Arbitrary<RelationAggregate> relationAggregates() {
    return Combinators.combine(
            names(),
            Arbitraries.of(AggregateQuery.Function.class),
            names(),
            names().injectNull(0.3),
            filters().injectNull(0.6))
        .as(RelationAggregate::new);
  }

  public static Arbitrary<Include> includes() {
    return Combinators.combine(
            names().list().ofMinSize(1).ofMaxSize(3).map(p -> String.join(".", p)),
            names().list().ofMaxSize(3),
            filters().injectNull(0.4),
            orderSpecs().list().ofMaxSize(2),
            paginations(),
            relationAggregates().list().ofMaxSize(2))
        .as(Include::new);
  }

  public static Arbitrary<GraphQuery> graphQueries() {
    return Combinators.combine(
            names(),
            names().list().ofMaxSize(4),
            filters().injectNull(0.3),
            orderSpecs().list().ofMaxSize(3),
            paginations(),
            includes().list().ofMaxSize(3),
            readOptions(),
            relationAggregates().list().ofMaxSize(2))
        .as(GraphQuery::new);
  }

  public static Arbitrary<AggregateQuery> aggregateQueries() {
    Arbitrary<AggregateQuery.Aggregation> aggregations =
        Combinators.combine(Arbitraries.of(AggregateQuery.Function.class), names().injectNull(0.3))
            .as(AggregateQuery.Aggregation::new);
    return Combinators.combine(
            names(),
            aggregations.list().ofMaxSize(4),
            filters().injectNull(0.3),
            names().list().ofMaxSize(3),
            readOptions())
        .as(AggregateQuery::new);
  }

  // ---- mutations ------------------------------------------------------------------------------

  /** One generator per {@link io.ormdb.protocol.mutation.Expr} class (arithmetic over leaves). */
  public static Map<
          Class<? extends io.ormdb.protocol.mutation.Expr>,
          Arbitrary<? extends io.ormdb.protocol.mutation.Expr>>
      mutationExprKinds() {
    Map<
            Class<? extends io.ormdb.protocol.mutation.Expr>,
            Arbitrary<? extends io.ormdb.protocol.mutation.Expr>>
        m = new LinkedHashMap<>();
    m.put(
        io.ormdb.protocol.mutation.Expr.Literal.class,
        values().map(io.ormdb.protocol.mutation.Expr.Literal::new));
    m.put(
        io.ormdb.protocol.mutation.Expr.Field.class,
        names().map(io.ormdb.protocol.mutation.Expr.Field::new));
    m.put(
        io.ormdb.protocol.mutation.Expr.Ref.class,
        Combinators.combine(names(), names()).as(io.ormdb.protocol.mutation.Expr.Ref::new));
    Arbitrary<io.ormdb.protocol.mutation.Expr> leaf =
        Arbitraries.oneOf(
            values().map(io.ormdb.protocol.mutation.Expr.Literal::new),
            names().map(io.ormdb.protocol.mutation.Expr.Field::new),
            Combinators.combine(names(), names()).as(io.ormdb.protocol.mutation.Expr.Ref::new));
    m.put(
        io.ormdb.protocol.mutation.Expr.Arith.class,
        Combinators.combine(Arbitraries.of(io.ormdb.protocol.mutation.Expr.Op.class), leaf, leaf)
            .as(io.ormdb.protocol.mutation.Expr.Arith::new));
    return m;
  }

  public static Arbitrary<io.ormdb.protocol.mutation.Expr> mutationExprs() {
    return oneOfKinds(mutationExprKinds());
  }

  /** Field name → expression maps, as in computed values and keys of nested writes. */
  public static Arbitrary<Map<String, io.ormdb.protocol.mutation.Expr>> exprMaps() {
    return Arbitraries.maps(names(), mutationExprs()).ofMaxSize(3);
  }

  private static Arbitrary<String> labels() {
    return names().injectNull(0.5);
  }

  /** Nested writes: creates, connects, disconnects, updates (one level) and deletes. */
  public static Arbitrary<Mutation.NestedWrite> nestedWrites() {
    Arbitrary<Mutation.Insert> flatInserts =
        Combinators.combine(names(), rows()).as(Mutation.Insert::new);
    Arbitrary<Mutation.NestedUpdate> updates =
        Combinators.combine(exprMaps(), exprMaps())
            .as((where, set) -> new Mutation.NestedUpdate(where, set, List.of()));
    return Combinators.combine(
            names(),
            flatInserts.list().ofMaxSize(2),
            exprMaps().list().ofMaxSize(2),
            exprMaps().list().ofMaxSize(2),
            updates.list().ofMaxSize(2),
            exprMaps().list().ofMaxSize(2))
        .as(Mutation.NestedWrite::new);
  }

  /** One generator per {@link Mutation} class. */
  public static Map<Class<? extends Mutation>, Arbitrary<? extends Mutation>> mutationKinds() {
    Map<Class<? extends Mutation>, Arbitrary<? extends Mutation>> m = new LinkedHashMap<>();
    Arbitrary<Mutation.Insert> flatInserts =
        Combinators.combine(names(), rows()).as(Mutation.Insert::new);
    Arbitrary<Mutation.NestedInsert> nested =
        Combinators.combine(names(), flatInserts.list().ofMaxSize(2))
            .as(Mutation.NestedInsert::new);
    m.put(
        Mutation.Insert.class,
        Combinators.combine(
                names(),
                rows(),
                nested.list().ofMaxSize(2),
                exprMaps(),
                nestedWrites().list().ofMaxSize(1),
                labels())
            .as(Mutation.Insert::new));
    m.put(
        Mutation.Update.class,
        Combinators.combine(
                names(),
                ids(),
                rows(),
                Arbitraries.longs().between(0, 1_000),
                exprMaps(),
                nestedWrites().list().ofMaxSize(1))
            .as(Mutation.Update::new));
    m.put(
        Mutation.UpdateMany.class,
        Combinators.combine(names(), filters(), rows(), exprMaps()).as(Mutation.UpdateMany::new));
    m.put(
        Mutation.Delete.class,
        Combinators.combine(names(), ids(), Arbitraries.longs().between(0, 1_000))
            .as(Mutation.Delete::new));
    m.put(
        Mutation.DeleteMany.class,
        Combinators.combine(names(), filters()).as(Mutation.DeleteMany::new));
    m.put(
        Mutation.Upsert.class,
        Combinators.combine(
                names(),
                Arbitraries.maps(names(), values()).ofMinSize(1).ofMaxSize(2),
                rows(),
                exprMaps(),
                exprMaps().injectNull(0.5),
                labels())
            .as(Mutation.Upsert::new));
    return m;
  }

  public static Arbitrary<Mutation> mutations() {
    return oneOfKinds(mutationKinds());
  }

  public static Arbitrary<MutationBatch> mutationBatches() {
    return mutations().list().ofMaxSize(4).map(MutationBatch::new);
  }

  public static Arbitrary<MutationResult> mutationResults() {
    return Combinators.combine(
            lsns(), Arbitraries.integers().between(0, 1_000_000), ids().list().ofMaxSize(4))
        .as(MutationResult::new)
        .flatMap(
            r ->
                Arbitraries.maps(names(), ids())
                    .ofMaxSize(2)
                    .map(
                        named ->
                            new MutationResult(r.lsn(), r.affected(), r.insertedIds(), named)));
  }

  // ---- results --------------------------------------------------------------------------------

  public static Arbitrary<EntityBlock> entityBlocks() {
    return Arbitraries.integers()
        .between(0, 4)
        .flatMap(
            rows ->
                Combinators.combine(
                        names().list().ofMaxSize(2).map(p -> String.join(".", p)),
                        names(),
                        ids().list().ofSize(rows),
                        Arbitraries.longs().between(1, 1_000_000).list().ofSize(rows),
                        Combinators.combine(names(), values().list().ofSize(rows))
                            .as(Column::new)
                            .list()
                            .ofMaxSize(3))
                    .as(EntityBlock::new));
  }

  public static Arbitrary<EdgeBlock> edgeBlocks() {
    return Arbitraries.integers()
        .between(0, 4)
        .flatMap(
            edges ->
                Combinators.combine(
                        names(),
                        Arbitraries.of(true, false),
                        Combinators.combine(ids(), ids())
                            .as(EdgeBlock.Edge::new)
                            .list()
                            .ofSize(edges),
                        Combinators.combine(ids(), texts())
                            .as(EdgeBlock.ParentPage::new)
                            .list()
                            .ofMaxSize(2),
                        Combinators.combine(names(), values().list().ofSize(edges))
                            .as(Column::new)
                            .list()
                            .ofMaxSize(2))
                    .as(EdgeBlock::new));
  }

  public static Arbitrary<QueryResult> queryResults() {
    return Combinators.combine(
            entityBlocks().list().ofMinSize(1).ofMaxSize(3),
            edgeBlocks().list().ofMaxSize(3),
            Arbitraries.of(true, false),
            nullableTexts(),
            lsns())
        .as(QueryResult::new);
  }

  public static Arbitrary<AggregateResult> aggregateResults() {
    return Combinators.combine(
            names(),
            names().list().ofMaxSize(3),
            values().list().ofMaxSize(3).list().ofMaxSize(4),
            lsns())
        .as(AggregateResult::new);
  }

  public static Arbitrary<ExplainResult> explainResults() {
    Arbitrary<ExplainResult.PlanStep> steps =
        Combinators.combine(
                names(),
                names(),
                Arbitraries.of("scan", "primary-key", "index-eq", "index-range", "fk-batch"),
                names().injectNull(0.5),
                Arbitraries.longs().between(0, 1_000_000),
                Arbitraries.longs().between(-1, 1_000_000),
                nullableTexts())
            .as(ExplainResult.PlanStep::new);
    return Combinators.combine(steps.list().ofMaxSize(4), Arbitraries.of(true, false), texts())
        .as(ExplainResult::new);
  }

  // ---- change events --------------------------------------------------------------------------

  public static Arbitrary<ChangeEvent> changeEvents() {
    return Combinators.combine(
            Combinators.combine(
                    lsns(),
                    lsns(),
                    Arbitraries.integers().between(0, 10_000),
                    names(),
                    ids(),
                    Arbitraries.of(ChangeEvent.Op.class))
                .as(Tuple::of),
            rows(),
            rows(),
            names().list().ofMaxSize(3),
            lsns(),
            Arbitraries.longs())
        .as(
            (t, before, after, changed, schemaVersion, ts) ->
                new ChangeEvent(
                    t.get1(),
                    t.get2(),
                    t.get3(),
                    t.get4(),
                    t.get5(),
                    t.get6(),
                    before,
                    after,
                    changed,
                    schemaVersion,
                    ts));
  }

  /** One generator per {@link ChangeFeedItem} class. */
  public static Map<Class<? extends ChangeFeedItem>, Arbitrary<? extends ChangeFeedItem>>
      changeFeedItemKinds() {
    Map<Class<? extends ChangeFeedItem>, Arbitrary<? extends ChangeFeedItem>> m =
        new LinkedHashMap<>();
    m.put(ChangeEvent.class, changeEvents());
    m.put(
        ChangeFeedItem.TxBegin.class,
        Combinators.combine(lsns(), lsns(), Arbitraries.longs()).as(ChangeFeedItem.TxBegin::new));
    m.put(
        ChangeFeedItem.TxEnd.class,
        Combinators.combine(
                lsns(),
                lsns(),
                Arbitraries.integers().between(0, 1000),
                Arbitraries.maps(names(), Arbitraries.integers().between(0, 1000)).ofMaxSize(3))
            .as(ChangeFeedItem.TxEnd::new));
    return m;
  }

  public static Arbitrary<ChangeFeedItem> changeFeedItems() {
    return oneOfKinds(changeFeedItemKinds());
  }

  public static Arbitrary<ChangeSet> changeSets() {
    return Combinators.combine(
            lsns(), lsns(), lsns(), Arbitraries.longs(), changeEvents().list().ofMaxSize(4))
        .as(ChangeSet::new);
  }

  // ---- schema ---------------------------------------------------------------------------------

  public static Arbitrary<FieldType> fieldTypes() {
    List<ValueType> bases =
        EnumSet.complementOf(EnumSet.of(ValueType.NULL, ValueType.ARRAY)).stream().toList();
    return Combinators.combine(
            Arbitraries.of(bases),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(1, 38),
            Arbitraries.integers().between(0, 38),
            names())
        .as(
            (base, array, precision, scale, enumName) ->
                new FieldType(
                    base,
                    array,
                    base == ValueType.DECIMAL ? precision : 0,
                    base == ValueType.DECIMAL ? Math.min(scale, precision) : 0,
                    base == ValueType.ENUM ? enumName : null));
  }

  /** One generator per {@link DefaultValue} class. */
  public static Map<Class<? extends DefaultValue>, Arbitrary<? extends DefaultValue>>
      defaultValueKinds() {
    Map<Class<? extends DefaultValue>, Arbitrary<? extends DefaultValue>> m = new LinkedHashMap<>();
    m.put(DefaultValue.Literal.class, values().map(DefaultValue.Literal::new));
    m.put(DefaultValue.Now.class, Arbitraries.just(new DefaultValue.Now()));
    m.put(DefaultValue.AutoUuid.class, Arbitraries.just(new DefaultValue.AutoUuid()));
    return m;
  }

  /** One generator per {@link Masking} class. */
  public static Map<Class<? extends Masking>, Arbitrary<? extends Masking>> maskingKinds() {
    Map<Class<? extends Masking>, Arbitrary<? extends Masking>> m = new LinkedHashMap<>();
    m.put(Masking.Omit.class, Arbitraries.just(new Masking.Omit()));
    m.put(Masking.Nullify.class, Arbitraries.just(new Masking.Nullify()));
    m.put(Masking.Redact.class, texts().map(Masking.Redact::new));
    m.put(
        Masking.Partial.class,
        Combinators.combine(
                Arbitraries.integers().between(0, 64),
                Arbitraries.of(true, false),
                Arbitraries.chars())
            .as(Masking.Partial::new));
    m.put(Masking.Hash.class, Arbitraries.just(new Masking.Hash()));
    return m;
  }

  public static Arbitrary<FieldDef> fieldDefs() {
    return Combinators.combine(
            names(),
            fieldTypes(),
            Arbitraries.of(true, false),
            ModelArbitraries.<DefaultValue>oneOfKinds(defaultValueKinds()).injectNull(0.5),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            Arbitraries.of(Sensitivity.class),
            ModelArbitraries.<Masking>oneOfKinds(maskingKinds()).injectNull(0.5))
        .as(FieldDef::new)
        .flatMap(f -> computeds().injectNull(0.6).map(f::withComputed));
  }

  // ---- computed fields ------------------------------------------------------------------------

  /** One generator per {@link Expr} class (calls and conditionals over leaves). */
  public static Map<Class<? extends Expr>, Arbitrary<? extends Expr>> exprKinds() {
    Map<Class<? extends Expr>, Arbitrary<? extends Expr>> m = new LinkedHashMap<>();
    m.put(Expr.Field.class, names().map(Expr.Field::new));
    m.put(Expr.Literal.class, values().map(Expr.Literal::new));
    Arbitrary<Expr> leaf = leafExprs();
    m.put(
        Expr.Call.class,
        Arbitraries.oneOf(
            Combinators.combine(Arbitraries.of("+", "-", "*", "/", "%"), leaf, leaf)
                .as((f, a, b) -> new Expr.Call(f, List.of(a, b))),
            leaf.map(a -> new Expr.Call("-", List.of(a))),
            leaf.list().ofMinSize(2).ofMaxSize(4).map(args -> new Expr.Call("coalesce", args))));
    m.put(Expr.If.class, Combinators.combine(leafFilters(), leaf, leaf).as(Expr.If::new));
    return m;
  }

  private static Arbitrary<Expr> leafExprs() {
    return Arbitraries.oneOf(names().map(Expr.Field::new), values().map(Expr.Literal::new));
  }

  /** Expressions nested up to 3 levels. */
  public static Arbitrary<Expr> exprs() {
    return Arbitraries.recursive(
        ModelArbitraries::leafExprs,
        inner ->
            Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of("+", "-", "*", "/", "%"), inner, inner)
                    .as((f, a, b) -> (Expr) new Expr.Call(f, List.of(a, b))),
                inner.map(a -> (Expr) new Expr.Call("-", List.of(a))),
                inner
                    .list()
                    .ofMinSize(2)
                    .ofMaxSize(3)
                    .map(args -> (Expr) new Expr.Call("coalesce", args)),
                Combinators.combine(leafFilters(), inner, inner)
                    .as((c, a, b) -> (Expr) new Expr.If(c, a, b))),
        0,
        3);
  }

  public static Arbitrary<Computed> computeds() {
    return Combinators.combine(exprs(), Arbitraries.of(true, false)).as(Computed::new);
  }

  public static Arbitrary<EntityDef> entityDefs() {
    return Combinators.combine(
            names(),
            names(),
            fieldDefs().list().ofMaxSize(4),
            Arbitraries.of(true, false),
            orderSpecs().list().ofMaxSize(2))
        .as(EntityDef::new);
  }

  public static Arbitrary<RelationDef> relationDefs() {
    return Combinators.combine(
            Combinators.combine(names(), names(), names(), Arbitraries.of(Cardinality.class))
                .as(Tuple::of),
            names(),
            names(),
            Arbitraries.of(OnDelete.class).injectNull(0.2),
            names().list().ofSize(3))
        .as(
            (t, fromField, toField, onDelete, edge) -> {
              boolean m2m = t.get4() == Cardinality.MANY_TO_MANY;
              return new RelationDef(
                  t.get1(),
                  t.get2(),
                  t.get3(),
                  t.get4(),
                  fromField,
                  toField,
                  onDelete,
                  m2m ? edge.get(0) : null,
                  m2m ? edge.get(1) : null,
                  m2m ? edge.get(2) : null);
            });
  }

  /** One generator per {@link ConstraintDef} class. */
  public static Map<Class<? extends ConstraintDef>, Arbitrary<? extends ConstraintDef>>
      constraintKinds() {
    Map<Class<? extends ConstraintDef>, Arbitrary<? extends ConstraintDef>> m =
        new LinkedHashMap<>();
    m.put(
        ConstraintDef.Unique.class,
        Combinators.combine(names(), names(), names().list().ofMinSize(1).ofMaxSize(3))
            .as(ConstraintDef.Unique::new));
    m.put(
        ConstraintDef.ForeignKey.class,
        Combinators.combine(
                names(), names(), names(), names(), names(), Arbitraries.of(OnDelete.class))
            .as(ConstraintDef.ForeignKey::new));
    m.put(
        ConstraintDef.Check.class,
        Combinators.combine(names(), names(), filters(), nullableTexts())
            .as(ConstraintDef.Check::new));
    return m;
  }

  public static Arbitrary<IndexDef> indexDefs() {
    return Combinators.combine(
            names(),
            names(),
            names().list().ofMinSize(1).ofMaxSize(3),
            Arbitraries.of(IndexDef.Kind.class),
            Arbitraries.of(true, false))
        .as(IndexDef::new);
  }

  public static Arbitrary<PolicyDef> policyDefs() {
    return Combinators.combine(
            names(),
            names(),
            Arbitraries.of(PolicyDef.Kind.class),
            Arbitraries.of(PolicyDef.Operation.class).set().ofMaxSize(4),
            filters(),
            names().map(s -> "bypass:" + s).injectNull(0.5))
        .as(PolicyDef::new);
  }

  /** Bundles with at least one definition of every kind. */
  public static Arbitrary<SchemaBundle> schemaBundles() {
    return Combinators.combine(
            lsns(),
            Combinators.combine(names(), names().list().ofMaxSize(4))
                .as(EnumDef::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(2),
            entityDefs().list().ofMinSize(1).ofMaxSize(3),
            relationDefs().list().ofMinSize(1).ofMaxSize(3),
            ModelArbitraries.<ConstraintDef>oneOfKinds(constraintKinds())
                .list()
                .ofMinSize(1)
                .ofMaxSize(3),
            indexDefs().list().ofMinSize(1).ofMaxSize(2),
            policyDefs().list().ofMinSize(1).ofMaxSize(2))
        .as(SchemaBundle::new);
  }

  // ---- messages -------------------------------------------------------------------------------

  /** One generator per concrete {@link Message} class. */
  public static Map<Class<? extends Message>, Arbitrary<? extends Message>> messageKinds() {
    Map<Class<? extends Message>, Arbitrary<? extends Message>> m = new LinkedHashMap<>();
    Arbitrary<Long> ids = requestIds();
    Arbitrary<Long> versions = Arbitraries.longs().between(0, 1_000);
    Arbitrary<List<String>> nameLists = names().list().ofMaxSize(3);
    m.put(
        Message.Handshake.class,
        Combinators.combine(
                ids, Arbitraries.integers(), nullableTexts(), nullableTexts(), nameLists)
            .as(Message.Handshake::new));
    m.put(
        Message.Query.class,
        Combinators.combine(ids, versions, graphQueries()).as(Message.Query::new));
    m.put(
        Message.QueryText.class,
        Combinators.combine(ids, versions, texts()).as(Message.QueryText::new));
    m.put(
        Message.Mutate.class,
        Combinators.combine(ids, versions, mutationBatches()).as(Message.Mutate::new));
    m.put(
        Message.Aggregate.class,
        Combinators.combine(ids, versions, aggregateQueries()).as(Message.Aggregate::new));
    m.put(
        Message.Explain.class,
        Combinators.combine(ids, versions, graphQueries(), Arbitraries.of(true, false))
            .as(Message.Explain::new));
    m.put(Message.GetSchema.class, Combinators.combine(ids, versions).as(Message.GetSchema::new));
    m.put(
        Message.ApplySchema.class, Combinators.combine(ids, texts()).as(Message.ApplySchema::new));
    m.put(Message.Ping.class, ids.map(Message.Ping::new));
    m.put(
        Message.Subscribe.class,
        Combinators.combine(
                ids,
                lsns(),
                nameLists,
                Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 100_000),
                names().injectNull(0.5))
            .as(Message.Subscribe::new));
    m.put(
        Message.Credit.class,
        Combinators.combine(ids, Arbitraries.integers()).as(Message.Credit::new));
    m.put(Message.Unsubscribe.class, ids.map(Message.Unsubscribe::new));
    m.put(
        Message.HandshakeAck.class,
        Combinators.combine(
                ids, Arbitraries.integers(), versions, nullableTexts(), nameLists, nameLists)
            .as(Message.HandshakeAck::new));
    m.put(
        Message.QueryReply.class,
        Combinators.combine(ids, queryResults()).as(Message.QueryReply::new));
    m.put(
        Message.MutateReply.class,
        Combinators.combine(ids, mutationResults()).as(Message.MutateReply::new));
    m.put(
        Message.AggregateReply.class,
        Combinators.combine(ids, aggregateResults()).as(Message.AggregateReply::new));
    m.put(
        Message.ExplainReply.class,
        Combinators.combine(ids, explainResults()).as(Message.ExplainReply::new));
    m.put(
        Message.SchemaReply.class,
        Combinators.combine(ids, versions, texts()).as(Message.SchemaReply::new));
    m.put(
        Message.SchemaApplied.class,
        Combinators.combine(ids, versions).as(Message.SchemaApplied::new));
    m.put(
        Message.Error.class,
        Combinators.combine(ids, Arbitraries.integers().between(1, 12), texts())
            .as(Message.Error::new));
    m.put(Message.Pong.class, ids.map(Message.Pong::new));
    m.put(
        Message.ChangeBatch.class,
        Combinators.combine(ids, changeFeedItems().list().ofMaxSize(4), lsns())
            .as(Message.ChangeBatch::new));
    return Collections.unmodifiableMap(m);
  }

  /** Any message, every kind equally likely. */
  public static Arbitrary<Message> messages() {
    return oneOfKinds(messageKinds());
  }

  /** Any of the kinds, each equally likely. */
  public static <T> Arbitrary<T> oneOfKinds(
      Map<? extends Class<? extends T>, Arbitrary<? extends T>> kinds) {
    return Arbitraries.oneOf(List.copyOf(kinds.values()));
  }
}
