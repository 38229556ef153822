package io.ormdb.protocol.wire;

import io.ormdb.protocol.change.ChangeFeedItem;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.result.QueryResult;
import java.util.List;
import java.util.Objects;

/**
 * Every message of the wire protocol. A request carries a client-chosen {@code requestId}; its
 * reply (or replies, for a subscription) carry the same id, so a connection can pipeline. Requests
 * that read or write data carry the schema version the client was built against ({@code 0} =
 * whatever is current); a different non-zero version gets SCHEMA_MISMATCH.
 */
public sealed interface Message permits Message.Request, Message.Response {

  long requestId();

  MessageType type();

  /** Client → server. */
  sealed interface Request extends Message
      permits Handshake,
          Query,
          QueryText,
          Mutate,
          Aggregate,
          Explain,
          GetSchema,
          ApplySchema,
          Ping,
          Subscribe,
          Credit,
          Unsubscribe {}

  /** Server → client. */
  sealed interface Response extends Message
      permits HandshakeAck,
          QueryReply,
          MutateReply,
          AggregateReply,
          ExplainReply,
          SchemaReply,
          SchemaApplied,
          Error,
          Pong,
          ChangeBatch {}

  /** Protocol version spoken by this code. */
  int PROTOCOL_VERSION = 1;

  // ---- requests -------------------------------------------------------------------------------

  /**
   * The first frame on a connection.
   *
   * @param credentials an API key or a JWT; null for anonymous
   * @param features optional features the client wants (e.g. {@code cdc})
   */
  record Handshake(
      long requestId,
      int protocolVersion,
      String clientId,
      String credentials,
      List<String> features)
      implements Request {
    public Handshake {
      features = features == null ? List.of() : List.copyOf(features);
    }

    @Override
    public MessageType type() {
      return MessageType.HANDSHAKE;
    }
  }

  record Query(long requestId, long schemaVersion, GraphQuery query) implements Request {
    public Query {
      Objects.requireNonNull(query, "query");
    }

    @Override
    public MessageType type() {
      return MessageType.QUERY;
    }
  }

  /** A statement of the query language, parsed on the server (the CLI sends these). */
  record QueryText(long requestId, long schemaVersion, String text) implements Request {
    public QueryText {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public MessageType type() {
      return MessageType.QUERY_TEXT;
    }
  }

  record Mutate(long requestId, long schemaVersion, MutationBatch batch) implements Request {
    public Mutate {
      Objects.requireNonNull(batch, "batch");
    }

    @Override
    public MessageType type() {
      return MessageType.MUTATION;
    }
  }

  record Aggregate(long requestId, long schemaVersion, AggregateQuery query) implements Request {
    public Aggregate {
      Objects.requireNonNull(query, "query");
    }

    @Override
    public MessageType type() {
      return MessageType.AGGREGATE;
    }
  }

  /** Explains a query; with {@code analyze} the query runs and actual row counts are reported. */
  record Explain(long requestId, long schemaVersion, GraphQuery query, boolean analyze)
      implements Request {
    public Explain {
      Objects.requireNonNull(query, "query");
    }

    @Override
    public MessageType type() {
      return MessageType.EXPLAIN;
    }
  }

  /** Asks for the schema at {@code version} (0 = current). */
  record GetSchema(long requestId, long version) implements Request {
    @Override
    public MessageType type() {
      return MessageType.SCHEMA_GET;
    }
  }

  /** Applies schema-language text as the next schema version. */
  record ApplySchema(long requestId, String schemaText) implements Request {
    public ApplySchema {
      Objects.requireNonNull(schemaText, "schemaText");
    }

    @Override
    public MessageType type() {
      return MessageType.SCHEMA_APPLY;
    }
  }

  record Ping(long requestId) implements Request {
    @Override
    public MessageType type() {
      return MessageType.PING;
    }
  }

  /**
   * Subscribes to the change feed from {@code fromLsn} (inclusive). The server sends at most {@code
   * initialCredit} events, then waits for {@link Credit}.
   *
   * @param entities entity filter (empty = all)
   * @param txMarkers whether to send transaction begin/end markers
   * @param consumer a named consumer whose stored offset is used when {@code fromLsn} is 0; may be
   *     null
   */
  record Subscribe(
      long requestId,
      long fromLsn,
      List<String> entities,
      boolean txMarkers,
      int initialCredit,
      String consumer)
      implements Request {
    public Subscribe {
      entities = entities == null ? List.of() : List.copyOf(entities);
    }

    @Override
    public MessageType type() {
      return MessageType.SUBSCRIBE;
    }
  }

  /** Grants the subscription {@code requestId} permission to send {@code credits} more events. */
  record Credit(long requestId, int credits) implements Request {
    @Override
    public MessageType type() {
      return MessageType.CREDIT;
    }
  }

  record Unsubscribe(long requestId) implements Request {
    @Override
    public MessageType type() {
      return MessageType.UNSUBSCRIBE;
    }
  }

  // ---- responses ------------------------------------------------------------------------------

  /**
   * Accepts a handshake.
   *
   * @param capabilities what the session may do ({@code read:*}, {@code admin}, ...)
   */
  record HandshakeAck(
      long requestId,
      int protocolVersion,
      long schemaVersion,
      String serverId,
      List<String> features,
      List<String> capabilities)
      implements Response {
    public HandshakeAck {
      features = features == null ? List.of() : List.copyOf(features);
      capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
    }

    @Override
    public MessageType type() {
      return MessageType.HANDSHAKE_ACK;
    }
  }

  record QueryReply(long requestId, QueryResult result) implements Response {
    public QueryReply {
      Objects.requireNonNull(result, "result");
    }

    @Override
    public MessageType type() {
      return MessageType.RESULT;
    }
  }

  record MutateReply(long requestId, MutationResult result) implements Response {
    public MutateReply {
      Objects.requireNonNull(result, "result");
    }

    @Override
    public MessageType type() {
      return MessageType.RESULT;
    }
  }

  record AggregateReply(long requestId, AggregateResult result) implements Response {
    public AggregateReply {
      Objects.requireNonNull(result, "result");
    }

    @Override
    public MessageType type() {
      return MessageType.RESULT;
    }
  }

  record ExplainReply(long requestId, ExplainResult result) implements Response {
    public ExplainReply {
      Objects.requireNonNull(result, "result");
    }

    @Override
    public MessageType type() {
      return MessageType.RESULT;
    }
  }

  /** A schema version and its schema-language text. */
  record SchemaReply(long requestId, long version, String schemaText) implements Response {
    public SchemaReply {
      Objects.requireNonNull(schemaText, "schemaText");
    }

    @Override
    public MessageType type() {
      return MessageType.RESULT;
    }
  }

  record SchemaApplied(long requestId, long version) implements Response {
    @Override
    public MessageType type() {
      return MessageType.RESULT;
    }
  }

  /** A refused or failed request: a stable {@link io.ormdb.protocol.ErrorCode} and a message. */
  record Error(long requestId, int code, String message) implements Response {
    public Error {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public MessageType type() {
      return MessageType.ERROR;
    }
  }

  record Pong(long requestId) implements Response {
    @Override
    public MessageType type() {
      return MessageType.PONG;
    }
  }

  /**
   * Change feed items for a subscription, in LSN order.
   *
   * @param nextLsn the LSN to resume from after these items
   */
  record ChangeBatch(long requestId, List<ChangeFeedItem> items, long nextLsn) implements Response {
    public ChangeBatch {
      items = List.copyOf(items);
    }

    @Override
    public MessageType type() {
      return MessageType.CHANGES;
    }
  }
}
