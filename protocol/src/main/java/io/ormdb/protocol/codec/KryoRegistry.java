package io.ormdb.protocol.codec;

import com.esotericsoftware.kryo.Serializer;
import io.ormdb.protocol.ErrorCode;
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
import io.ormdb.protocol.wire.MessageType;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The one place that gives every class that goes on the wire or into storage its Kryo id.
 *
 * <p><b>Ids live in stored bytes (changelog, catalog) and in every client: never renumber, never
 * reuse a retired id, only add.</b> Ids below {@value #FIRST_ID} are not used: Kryo's built-in
 * registrations are removed so that no id means anything this table does not say. Ranges, with room
 * to grow in each:
 *
 * <pre>
 *   100-139  values          (100 Value.Null ... 114 Value.Array, 115 ValueType)
 *   140-179  schema          (140 SchemaBundle ... 167 OrderSpec.Nulls)
 *   180-219  query, filter   (180 Filter.Compare ... 198 RelationAggregate)
 *   220-259  mutation        (220 Mutation.Insert ... 228 MutationResult)
 *   260-299  results         (260 QueryResult ... 268 ExplainResult.PlanStep)
 *   300-304  change events   (300 ChangeEvent ... 304 ChangeSet)
 *   305-309  computed fields (305 Computed, 306 Expr.Field ... 309 Expr.If)
 *   320-339  write shapes of mutations (320 mutation.Expr.Literal ... 326 Mutation.NestedUpdate)
 *   400-419  request messages, 420-439 response messages, 440-459 wire enums
 *   1000-    reserved for other modules' messages, added through a {@link CodecExtension}
 * </pre>
 *
 * <p>A class keeps its id when it moves to another package or is renamed ({@code OrderSpec} moved
 * from schema to query and kept 165): the bytes hold ids, not names.
 *
 * <p>Records are written component by component in declaration order (see {@link FieldCodec});
 * enums by ordinal. So a record's components and an enum's constants are as much part of the format
 * as the ids: append enum constants only, and change a stored record's components only with a
 * migration. The registry test pins all three.
 */
public final class KryoRegistry {

  /** The lowest id this registry uses. */
  public static final int FIRST_ID = 100;

  /** Records may nest this deep (a filter inside a filter counts one level each). */
  public static final int DEFAULT_MAX_NESTING = 100;

  private static final SortedMap<Integer, Class<?>> BY_ID;
  private static final Map<Class<?>, Integer> BY_CLASS;
  private static final Map<Class<?>, Serializer<?>> SERIALIZERS;

  static {
    Table t = new Table();
    // ---- values: 100-139 ----------------------------------------------------------------------
    t.add(100, Value.Null.class);
    t.add(101, Value.Bool.class);
    t.add(102, Value.Int32.class);
    t.add(103, Value.Int64.class);
    t.add(104, Value.Float32.class);
    t.add(105, Value.Float64.class);
    t.add(106, Value.Decimal.class);
    t.add(107, Value.Str.class);
    t.add(108, Value.Bytes.class);
    t.add(109, Value.Timestamp.class);
    t.add(110, Value.Date.class);
    t.add(111, Value.Uuid.class);
    t.add(112, Value.Enum.class);
    t.add(113, Value.Json.class);
    t.add(114, Value.Array.class);
    t.add(115, ValueType.class);
    // ---- schema: 140-179 ----------------------------------------------------------------------
    t.add(140, SchemaBundle.class);
    t.add(141, EnumDef.class);
    t.add(142, EntityDef.class);
    t.add(143, FieldDef.class);
    t.add(144, FieldType.class);
    t.add(145, DefaultValue.Literal.class);
    t.add(146, DefaultValue.Now.class);
    t.add(147, DefaultValue.AutoUuid.class);
    t.add(148, Masking.Omit.class);
    t.add(149, Masking.Nullify.class);
    t.add(150, Masking.Redact.class);
    t.add(151, Masking.Partial.class);
    t.add(152, Masking.Hash.class);
    t.add(153, Sensitivity.class);
    t.add(154, RelationDef.class);
    t.add(155, Cardinality.class);
    t.add(156, OnDelete.class);
    t.add(157, ConstraintDef.Unique.class);
    t.add(158, ConstraintDef.ForeignKey.class);
    t.add(159, ConstraintDef.Check.class);
    t.add(160, IndexDef.class);
    t.add(161, IndexDef.Kind.class);
    t.add(162, PolicyDef.class);
    t.add(163, PolicyDef.Kind.class);
    t.add(164, PolicyDef.Operation.class);
    t.add(165, OrderSpec.class);
    t.add(166, OrderSpec.Direction.class);
    t.add(167, OrderSpec.Nulls.class);
    // ---- query and filter: 180-219 ------------------------------------------------------------
    t.add(180, Filter.Compare.class);
    t.add(181, Filter.In.class);
    t.add(182, Filter.IsNull.class);
    t.add(183, Filter.Like.class);
    t.add(184, Filter.And.class);
    t.add(185, Filter.Or.class);
    t.add(186, Filter.Not.class);
    t.add(187, Filter.AttrCompare.class);
    t.add(188, Filter.Const.class);
    t.add(189, Filter.Op.class);
    t.add(190, GraphQuery.class);
    t.add(191, Include.class);
    t.add(192, Pagination.class);
    t.add(193, ReadOptions.class);
    t.add(194, ReadOptions.Consistency.class);
    t.add(195, AggregateQuery.class);
    t.add(196, AggregateQuery.Aggregation.class);
    t.add(197, AggregateQuery.Function.class);
    t.add(198, RelationAggregate.class);
    // ---- mutation: 220-259 --------------------------------------------------------------------
    t.add(220, Mutation.Insert.class);
    t.add(221, Mutation.Update.class);
    t.add(222, Mutation.UpdateMany.class);
    t.add(223, Mutation.Delete.class);
    t.add(224, Mutation.DeleteMany.class);
    t.add(225, Mutation.Upsert.class);
    t.add(226, Mutation.NestedInsert.class);
    t.add(227, MutationBatch.class);
    t.add(228, MutationResult.class);
    // ---- results: 260-299 ---------------------------------------------------------------------
    t.add(260, QueryResult.class);
    t.add(261, EntityBlock.class);
    t.add(262, Column.class);
    t.add(263, EdgeBlock.class);
    t.add(264, EdgeBlock.Edge.class);
    t.add(265, EdgeBlock.ParentPage.class);
    t.add(266, AggregateResult.class);
    t.add(267, ExplainResult.class);
    t.add(268, ExplainResult.PlanStep.class);
    // ---- change events: 300-304 ---------------------------------------------------------------
    t.add(300, ChangeEvent.class);
    t.add(301, ChangeEvent.Op.class);
    t.add(302, ChangeFeedItem.TxBegin.class);
    t.add(303, ChangeFeedItem.TxEnd.class);
    t.add(304, ChangeSet.class);
    // ---- computed fields: 305-309 -------------------------------------------------------------
    t.add(305, Computed.class);
    t.add(306, Expr.Field.class);
    t.add(307, Expr.Literal.class);
    t.add(308, Expr.Call.class);
    t.add(309, Expr.If.class);
    // ---- write shapes of mutations: 320-339 ---------------------------------------------------
    t.add(320, io.ormdb.protocol.mutation.Expr.Literal.class);
    t.add(321, io.ormdb.protocol.mutation.Expr.Field.class);
    t.add(322, io.ormdb.protocol.mutation.Expr.Ref.class);
    t.add(323, io.ormdb.protocol.mutation.Expr.Arith.class);
    t.add(324, io.ormdb.protocol.mutation.Expr.Op.class);
    t.add(325, Mutation.NestedWrite.class);
    t.add(326, Mutation.NestedUpdate.class);
    // ---- wire requests: 400-419 ---------------------------------------------------------------
    t.add(400, Message.Handshake.class);
    t.add(401, Message.Query.class);
    t.add(402, Message.QueryText.class);
    t.add(403, Message.Mutate.class);
    t.add(404, Message.Aggregate.class);
    t.add(405, Message.Explain.class);
    t.add(406, Message.GetSchema.class);
    t.add(407, Message.ApplySchema.class);
    t.add(408, Message.Ping.class);
    t.add(409, Message.Subscribe.class);
    t.add(410, Message.Credit.class);
    t.add(411, Message.Unsubscribe.class);
    // ---- wire responses: 420-439 --------------------------------------------------------------
    t.add(420, Message.HandshakeAck.class);
    t.add(421, Message.QueryReply.class);
    t.add(422, Message.MutateReply.class);
    t.add(423, Message.AggregateReply.class);
    t.add(424, Message.ExplainReply.class);
    t.add(425, Message.SchemaReply.class);
    t.add(426, Message.SchemaApplied.class);
    t.add(427, Message.Error.class);
    t.add(428, Message.Pong.class);
    t.add(429, Message.ChangeBatch.class);
    // ---- wire enums: 440-459 ------------------------------------------------------------------
    t.add(440, MessageType.class);
    t.add(441, ErrorCode.class);

    BY_ID = Collections.unmodifiableSortedMap(t.byId);
    BY_CLASS = Collections.unmodifiableMap(t.byClass);
    Map<Class<?>, Serializer<?>> serializers = new IdentityHashMap<>();
    for (Class<?> c : BY_ID.values()) {
      serializers.put(c, serializerFor(c));
    }
    SERIALIZERS = serializers;
  }

  private KryoRegistry() {}

  /** Every registration, id → class, in id order. */
  public static SortedMap<Integer, Class<?>> registrations() {
    return BY_ID;
  }

  /** The registration id of {@code type}, or -1 when it is not registered. */
  public static int idOf(Class<?> type) {
    Integer id = BY_CLASS.get(type);
    return id == null ? -1 : id;
  }

  /** A new Kryo with exactly this table registered and registration required. */
  static OrmKryo newKryo(int maxNesting) {
    return newKryo(maxNesting, CodecExtension.NONE);
  }

  /** A new Kryo with this table and {@code extension}'s registrations. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static OrmKryo newKryo(int maxNesting, CodecExtension extension) {
    OrmKryo kryo = new OrmKryo(maxNesting, extension);
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    for (int id = 0; id < FIRST_ID; id++) {
      kryo.getClassResolver().unregister(id);
    }
    for (Map.Entry<Integer, Class<?>> e : BY_ID.entrySet()) {
      kryo.register(e.getValue(), SERIALIZERS.get(e.getValue()), e.getKey());
    }
    for (Map.Entry<Integer, Class<?>> e : extension.registrations().entrySet()) {
      Class<?> c = e.getValue();
      Serializer<?> serializer =
          c.isEnum() ? new EnumSerializer(c) : new RecordSerializer(c, extension.externalTypes());
      kryo.register(c, serializer, e.getKey());
    }
    return kryo;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Serializer<?> serializerFor(Class<?> c) {
    if (c.isEnum()) {
      return new EnumSerializer(c);
    }
    if (c == Value.Json.class) {
      return new JsonValueSerializer();
    }
    if (c.isRecord()) {
      return new RecordSerializer(c);
    }
    throw new IllegalStateException("only records and enums are registered, not " + c);
  }

  private static final class Table {
    final SortedMap<Integer, Class<?>> byId = new TreeMap<>();
    final Map<Class<?>, Integer> byClass = new IdentityHashMap<>();

    void add(int id, Class<?> type) {
      if (id < FIRST_ID) {
        throw new IllegalStateException("id " + id + " is below " + FIRST_ID);
      }
      if (byId.putIfAbsent(id, type) != null) {
        throw new IllegalStateException("id " + id + " is taken by " + byId.get(id));
      }
      if (byClass.putIfAbsent(type, id) != null) {
        throw new IllegalStateException(type + " is registered twice");
      }
    }
  }
}
