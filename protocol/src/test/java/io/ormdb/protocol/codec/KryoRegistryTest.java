package io.ormdb.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeFeedItem;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.Masking;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The registry covers everything that travels, and its ids and shapes never change silently. */
class KryoRegistryTest {

  /**
   * Ids live in stored bytes and in every client. If this test fails because an id changed, the
   * change is wrong: put the old id back. Append new classes here and in KryoRegistry together. A
   * class that moves or is renamed keeps its id; only its name changes here.
   */
  private static final String GOLDEN_IDS =
      """
      100 io.ormdb.protocol.value.Value$Null
      101 io.ormdb.protocol.value.Value$Bool
      102 io.ormdb.protocol.value.Value$Int32
      103 io.ormdb.protocol.value.Value$Int64
      104 io.ormdb.protocol.value.Value$Float32
      105 io.ormdb.protocol.value.Value$Float64
      106 io.ormdb.protocol.value.Value$Decimal
      107 io.ormdb.protocol.value.Value$Str
      108 io.ormdb.protocol.value.Value$Bytes
      109 io.ormdb.protocol.value.Value$Timestamp
      110 io.ormdb.protocol.value.Value$Date
      111 io.ormdb.protocol.value.Value$Uuid
      112 io.ormdb.protocol.value.Value$Enum
      113 io.ormdb.protocol.value.Value$Json
      114 io.ormdb.protocol.value.Value$Array
      115 io.ormdb.protocol.value.ValueType
      140 io.ormdb.protocol.schema.SchemaBundle
      141 io.ormdb.protocol.schema.EnumDef
      142 io.ormdb.protocol.schema.EntityDef
      143 io.ormdb.protocol.schema.FieldDef
      144 io.ormdb.protocol.schema.FieldType
      145 io.ormdb.protocol.schema.DefaultValue$Literal
      146 io.ormdb.protocol.schema.DefaultValue$Now
      147 io.ormdb.protocol.schema.DefaultValue$AutoUuid
      148 io.ormdb.protocol.schema.Masking$Omit
      149 io.ormdb.protocol.schema.Masking$Nullify
      150 io.ormdb.protocol.schema.Masking$Redact
      151 io.ormdb.protocol.schema.Masking$Partial
      152 io.ormdb.protocol.schema.Masking$Hash
      153 io.ormdb.protocol.schema.Sensitivity
      154 io.ormdb.protocol.schema.RelationDef
      155 io.ormdb.protocol.schema.Cardinality
      156 io.ormdb.protocol.schema.OnDelete
      157 io.ormdb.protocol.schema.ConstraintDef$Unique
      158 io.ormdb.protocol.schema.ConstraintDef$ForeignKey
      159 io.ormdb.protocol.schema.ConstraintDef$Check
      160 io.ormdb.protocol.schema.IndexDef
      161 io.ormdb.protocol.schema.IndexDef$Kind
      162 io.ormdb.protocol.schema.PolicyDef
      163 io.ormdb.protocol.schema.PolicyDef$Kind
      164 io.ormdb.protocol.schema.PolicyDef$Operation
      165 io.ormdb.protocol.query.OrderSpec
      166 io.ormdb.protocol.query.OrderSpec$Direction
      167 io.ormdb.protocol.query.OrderSpec$Nulls
      180 io.ormdb.protocol.query.Filter$Compare
      181 io.ormdb.protocol.query.Filter$In
      182 io.ormdb.protocol.query.Filter$IsNull
      183 io.ormdb.protocol.query.Filter$Like
      184 io.ormdb.protocol.query.Filter$And
      185 io.ormdb.protocol.query.Filter$Or
      186 io.ormdb.protocol.query.Filter$Not
      187 io.ormdb.protocol.query.Filter$AttrCompare
      188 io.ormdb.protocol.query.Filter$Const
      189 io.ormdb.protocol.query.Filter$Op
      190 io.ormdb.protocol.query.GraphQuery
      191 io.ormdb.protocol.query.Include
      192 io.ormdb.protocol.query.Pagination
      193 io.ormdb.protocol.query.ReadOptions
      194 io.ormdb.protocol.query.ReadOptions$Consistency
      195 io.ormdb.protocol.query.AggregateQuery
      196 io.ormdb.protocol.query.AggregateQuery$Aggregation
      197 io.ormdb.protocol.query.AggregateQuery$Function
      198 io.ormdb.protocol.query.RelationAggregate
      220 io.ormdb.protocol.mutation.Mutation$Insert
      221 io.ormdb.protocol.mutation.Mutation$Update
      222 io.ormdb.protocol.mutation.Mutation$UpdateMany
      223 io.ormdb.protocol.mutation.Mutation$Delete
      224 io.ormdb.protocol.mutation.Mutation$DeleteMany
      225 io.ormdb.protocol.mutation.Mutation$Upsert
      226 io.ormdb.protocol.mutation.Mutation$NestedInsert
      227 io.ormdb.protocol.mutation.MutationBatch
      228 io.ormdb.protocol.mutation.MutationResult
      260 io.ormdb.protocol.result.QueryResult
      261 io.ormdb.protocol.result.EntityBlock
      262 io.ormdb.protocol.result.Column
      263 io.ormdb.protocol.result.EdgeBlock
      264 io.ormdb.protocol.result.EdgeBlock$Edge
      265 io.ormdb.protocol.result.EdgeBlock$ParentPage
      266 io.ormdb.protocol.result.AggregateResult
      267 io.ormdb.protocol.result.ExplainResult
      268 io.ormdb.protocol.result.ExplainResult$PlanStep
      300 io.ormdb.protocol.change.ChangeEvent
      301 io.ormdb.protocol.change.ChangeEvent$Op
      302 io.ormdb.protocol.change.ChangeFeedItem$TxBegin
      303 io.ormdb.protocol.change.ChangeFeedItem$TxEnd
      304 io.ormdb.protocol.change.ChangeSet
      305 io.ormdb.protocol.schema.Computed
      306 io.ormdb.protocol.query.Expr$Field
      307 io.ormdb.protocol.query.Expr$Literal
      308 io.ormdb.protocol.query.Expr$Call
      309 io.ormdb.protocol.query.Expr$If
      320 io.ormdb.protocol.mutation.Expr$Literal
      321 io.ormdb.protocol.mutation.Expr$Field
      322 io.ormdb.protocol.mutation.Expr$Ref
      323 io.ormdb.protocol.mutation.Expr$Arith
      324 io.ormdb.protocol.mutation.Expr$Op
      325 io.ormdb.protocol.mutation.Mutation$NestedWrite
      326 io.ormdb.protocol.mutation.Mutation$NestedUpdate
      400 io.ormdb.protocol.wire.Message$Handshake
      401 io.ormdb.protocol.wire.Message$Query
      402 io.ormdb.protocol.wire.Message$QueryText
      403 io.ormdb.protocol.wire.Message$Mutate
      404 io.ormdb.protocol.wire.Message$Aggregate
      405 io.ormdb.protocol.wire.Message$Explain
      406 io.ormdb.protocol.wire.Message$GetSchema
      407 io.ormdb.protocol.wire.Message$ApplySchema
      408 io.ormdb.protocol.wire.Message$Ping
      409 io.ormdb.protocol.wire.Message$Subscribe
      410 io.ormdb.protocol.wire.Message$Credit
      411 io.ormdb.protocol.wire.Message$Unsubscribe
      420 io.ormdb.protocol.wire.Message$HandshakeAck
      421 io.ormdb.protocol.wire.Message$QueryReply
      422 io.ormdb.protocol.wire.Message$MutateReply
      423 io.ormdb.protocol.wire.Message$AggregateReply
      424 io.ormdb.protocol.wire.Message$ExplainReply
      425 io.ormdb.protocol.wire.Message$SchemaReply
      426 io.ormdb.protocol.wire.Message$SchemaApplied
      427 io.ormdb.protocol.wire.Message$Error
      428 io.ormdb.protocol.wire.Message$Pong
      429 io.ormdb.protocol.wire.Message$ChangeBatch
      440 io.ormdb.protocol.wire.MessageType
      441 io.ormdb.protocol.ErrorCode
      """;

  @Test
  void registrationIdsMatchTheGoldenList() {
    String actual =
        KryoRegistry.registrations().entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue().getName())
            .collect(Collectors.joining("\n", "", "\n"));

    assertThat(actual).isEqualTo(GOLDEN_IDS);
  }

  /**
   * Records are written component by component and enums by ordinal, so their shapes are part of
   * the format too. A failure here means stored bytes would no longer decode: add a migration (or a
   * new record with a new id) before updating {@code wire-shapes.golden}.
   */
  @Test
  void recordComponentsAndEnumConstantsMatchTheGoldenShapes() throws IOException {
    String expected;
    try (InputStream in = getClass().getResourceAsStream("wire-shapes.golden")) {
      assertThat(in).as("wire-shapes.golden on the test class path").isNotNull();
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(shapes()).isEqualTo(expected);
  }

  /** The shape of every registered class, one line each, as kept in {@code wire-shapes.golden}. */
  static String shapes() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<Integer, Class<?>> e : KryoRegistry.registrations().entrySet()) {
      Class<?> c = e.getValue();
      sb.append(e.getKey()).append(' ').append(Names.of(c));
      if (c.isEnum()) {
        sb.append(
            Arrays.stream(c.getEnumConstants())
                .map(k -> ((Enum<?>) k).name())
                .collect(Collectors.joining(", ", " {", "}")));
      } else {
        sb.append(
            Arrays.stream(c.getRecordComponents())
                .map(
                    rc ->
                        rc.getGenericType().getTypeName().replaceAll("[\\w.]+[.$]", "")
                            + " "
                            + rc.getName())
                .collect(Collectors.joining(", ", "(", ")")));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  @Test
  void everyConcreteClassOfEverySealedHierarchyHasAGeneratorAndAnIdInItsRange() {
    assertCovered(Message.class, ModelArbitraries.messageKinds(), 400, 439);
    assertCovered(Value.class, ModelArbitraries.valueKinds(), 100, 139);
    assertCovered(Filter.class, ModelArbitraries.filterKinds(), 180, 219);
    assertCovered(Mutation.class, ModelArbitraries.mutationKinds(), 220, 259);
    assertCovered(ChangeFeedItem.class, ModelArbitraries.changeFeedItemKinds(), 300, 304);
    assertCovered(io.ormdb.protocol.query.Expr.class, ModelArbitraries.exprKinds(), 305, 309);
    assertCovered(
        io.ormdb.protocol.mutation.Expr.class, ModelArbitraries.mutationExprKinds(), 320, 339);
    assertCovered(ConstraintDef.class, ModelArbitraries.constraintKinds(), 140, 179);
    assertCovered(DefaultValue.class, ModelArbitraries.defaultValueKinds(), 140, 179);
    assertCovered(Masking.class, ModelArbitraries.maskingKinds(), 140, 179);
  }

  private static void assertCovered(Class<?> root, Map<?, ?> generators, int lowId, int highId) {
    Set<Class<?>> leaves = leaves(root);
    assertThat(leaves).as("concrete classes of " + root.getSimpleName()).isNotEmpty();
    assertThat(new LinkedHashSet<Object>(generators.keySet()))
        .as("generators for every concrete " + root.getSimpleName())
        .isEqualTo(new LinkedHashSet<Object>(leaves));
    for (Class<?> leaf : leaves) {
      assertThat(KryoRegistry.idOf(leaf))
          .as("registration id of " + leaf.getName())
          .isBetween(lowId, highId);
    }
  }

  /** Walks permitted subclasses down to the concrete (record) classes. */
  private static Set<Class<?>> leaves(Class<?> root) {
    Set<Class<?>> out = new LinkedHashSet<>();
    Deque<Class<?>> todo = new ArrayDeque<>(List.of(root));
    while (!todo.isEmpty()) {
      Class<?> c = todo.pop();
      if (c.isSealed()) {
        todo.addAll(Arrays.asList(c.getPermittedSubclasses()));
      } else {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Everything a message, a schema bundle or a change set can hold, followed through record
   * components, type arguments and permitted subclasses, is registered: a new model type that would
   * fail at run time fails here.
   */
  @Test
  void everyClassReachableFromMessagesBundlesAndChangeSetsIsRegistered() {
    Set<Class<?>> reachable = reachableFrom(Message.class, SchemaBundle.class, ChangeSet.class);
    List<String> missing = new ArrayList<>();
    for (Class<?> c : reachable) {
      if ((c.isRecord() || c.isEnum()) && KryoRegistry.idOf(c) < 0) {
        missing.add(c.getName());
      }
    }

    assertThat(reachable).contains(Value.Bytes.class, Filter.Op.class, ChangeFeedItem.TxEnd.class);
    assertThat(missing).as("reachable but unregistered").isEmpty();
  }

  private static Set<Class<?>> reachableFrom(Class<?>... roots) {
    Set<Class<?>> seen = new LinkedHashSet<>();
    Deque<Type> todo = new ArrayDeque<>(Arrays.asList(roots));
    while (!todo.isEmpty()) {
      Type t = todo.pop();
      if (t instanceof ParameterizedType p) {
        todo.addAll(Arrays.asList(p.getActualTypeArguments()));
        continue;
      }
      if (!(t instanceof Class<?> c) || !seen.add(c)) {
        continue;
      }
      if (c.isSealed()) {
        todo.addAll(Arrays.asList(c.getPermittedSubclasses()));
      }
      if (c.isRecord()) {
        for (RecordComponent rc : c.getRecordComponents()) {
          todo.add(rc.getGenericType());
        }
      }
    }
    return seen;
  }

  @Test
  void everyRegistrationIsARecordOrEnumWrittenByTheCodecsOwnSerializers() {
    OrmKryo kryo = KryoRegistry.newKryo(KryoRegistry.DEFAULT_MAX_NESTING);

    for (Map.Entry<Integer, Class<?>> e : KryoRegistry.registrations().entrySet()) {
      var registration = kryo.getRegistration(e.getKey());
      assertThat(registration.getType()).isEqualTo(e.getValue());
      assertThat(registration.getSerializer())
          .as("serializer of " + e.getValue().getName())
          .isInstanceOfAny(RecordSerializer.class, EnumSerializer.class, JsonValueSerializer.class);
    }
    for (int id = 0; id < KryoRegistry.FIRST_ID; id++) {
      assertThat(kryo.getRegistration(id)).as("Kryo built-in id " + id).isNull();
    }
    assertThat(kryo.isRegistrationRequired()).isTrue();
    assertThat(kryo.getReferences()).isFalse();
  }

  @Test
  void unregisteredClassesAreRefusedOnBothSides() {
    KryoCodec codec = new KryoCodec();

    assertThatThrownBy(() -> codec.toBytes(new ArrayList<>(List.of(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.util.ArrayList");
    assertThatThrownBy(() -> codec.toBytes("a string"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.String");
    // Kryo's built-in id 1 (String) and its by-name form (1) mean nothing here.
    assertThatThrownBy(() -> codec.fromBytes(new byte[] {3, 2, 'a'}, Object.class))
        .isInstanceOf(OrmDbException.class)
        .hasMessage("cannot decode Object from 3 bytes: unknown class id 1");
    assertThatThrownBy(() -> codec.fromBytes(new byte[] {1, 0, (byte) 0x80 | 'x'}, Object.class))
        .isInstanceOf(OrmDbException.class)
        .hasMessage("cannot decode Object from 3 bytes: unknown class id (by name)")
        .extracting(e -> ((OrmDbException) e).code())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
  }
}
