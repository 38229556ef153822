package io.ormdb.protocol.wire;

/**
 * The message type in a frame header (u16). Codes are part of the protocol: never renumber. Several
 * message records may share a type (all replies are {@link #RESULT}); the body's Kryo class id
 * tells them apart and the decoder checks the body's class belongs to the header's type.
 */
public enum MessageType {
  HANDSHAKE(0x01),
  QUERY(0x02),
  MUTATION(0x03),
  RESULT(0x04),
  ERROR(0x05),
  PING(0x06),
  PONG(0x07),
  AGGREGATE(0x08),
  EXPLAIN(0x09),
  SCHEMA_GET(0x0A),
  SCHEMA_APPLY(0x0B),
  QUERY_TEXT(0x0C),
  SUBSCRIBE(0x0D),
  CREDIT(0x0E),
  UNSUBSCRIBE(0x0F),
  HANDSHAKE_ACK(0x10),
  CHANGES(0x11);

  private static final MessageType[] BY_CODE = new MessageType[0x100];

  static {
    for (MessageType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;

  MessageType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type for a header code, or null when the code is unknown. */
  public static MessageType fromCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
