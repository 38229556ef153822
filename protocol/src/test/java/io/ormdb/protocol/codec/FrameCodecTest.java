package io.ormdb.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.codec.FrameException.Reason;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.protocol.wire.MessageType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The frame layout, and one test per {@link Reason} with its exact message. */
class FrameCodecTest {
  private final FrameCodec codec = new FrameCodec();
  private final KryoCodec kryo = new KryoCodec();

  @Test
  void aFrameIsTheBigEndianHeaderThenTheKryoBody() {
    byte[] frame = codec.encode(new Message.Ping(42));
    byte[] body = kryo.toBytes(new Message.Ping(42));

    assertThat(Arrays.copyOf(frame, 12))
        .containsExactly(0x4F, 0x52, 0x4D, 0x44, 0, 1, 0, 0x06, 0, 0, 0, body.length);
    assertThat(Arrays.copyOfRange(frame, 12, frame.length)).isEqualTo(body);
    assertThat(codec.decode(frame)).isEqualTo(new Message.Ping(42));
  }

  @Test
  void theHeaderTypeIsTheMessagesTypeAndAllRepliesShareResult() {
    Message reply =
        new Message.QueryReply(1, new QueryResult(List.of(), List.of(), false, null, 0));

    assertThat(typeCode(codec.encode(reply))).isEqualTo(MessageType.RESULT.code());
    assertThat(typeCode(codec.encode(new Message.SchemaApplied(1, 2))))
        .isEqualTo(MessageType.RESULT.code());
    assertThat(typeCode(codec.encode(new Message.Error(1, 2, "no"))))
        .isEqualTo(MessageType.ERROR.code());
  }

  @Test
  void encodesToAStreamAndParsesHeadersWhateverTheBufferByteOrder() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.encode(new Message.Pong(7), out);
    ByteBuffer little = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);

    FrameHeader header = FrameHeader.parse(little, codec.maxBodyBytes());

    assertThat(header.type()).isEqualTo(MessageType.PONG);
    assertThat(header.version()).isEqualTo(1);
    assertThat(little.position()).isEqualTo(FrameHeader.SIZE);
    assertThat(header.bodyLength()).isEqualTo(out.size() - FrameHeader.SIZE);
  }

  @Test
  void badMagic() {
    byte[] frame = frame(0x12345678, 1, 0x06, 1, new byte[1]);

    assertRefused(() -> codec.decode(frame), Reason.BAD_MAGIC)
        .hasMessage("bad magic 0x12345678, expected 0x4F524D44 (ORMD)");
  }

  @Test
  void unsupportedVersion() {
    byte[] frame = frame(FrameHeader.MAGIC, 2, 0x06, 1, new byte[1]);

    assertRefused(() -> codec.decode(frame), Reason.UNSUPPORTED_VERSION)
        .hasMessage("unsupported protocol version 2, this node speaks version 1");
  }

  @Test
  void unknownType() {
    byte[] frame = frame(FrameHeader.MAGIC, 1, 0x99, 1, new byte[1]);

    assertRefused(() -> codec.decode(frame), Reason.UNKNOWN_TYPE)
        .hasMessage("unknown message type 0x0099");
  }

  @Test
  void tooLargeIsRefusedFromTheHeaderAlone() {
    ByteBuffer header = ByteBuffer.wrap(frame(FrameHeader.MAGIC, 1, 0x02, 9_999_999, new byte[0]));
    ByteBuffer maxUnsigned =
        ByteBuffer.wrap(frame(FrameHeader.MAGIC, 1, 0x02, 0xFFFF_FFFFL, new byte[0]));

    assertRefused(() -> FrameHeader.parse(header, codec.maxBodyBytes()), Reason.TOO_LARGE)
        .hasMessage("frame body length 9999999 exceeds the maximum 4194304");
    assertRefused(() -> FrameHeader.parse(maxUnsigned, 4_194_304), Reason.TOO_LARGE)
        .hasMessage("frame body length 4294967295 exceeds the maximum 4194304");
  }

  @Test
  void theMaximumIsConfigurableAndAlsoHoldsWhenEncoding() {
    FrameCodec small = new FrameCodec(64);
    Message big = new Message.QueryText(1, 0, "x".repeat(100));
    byte[] frame = codec.encode(big);

    assertRefused(() -> small.decode(frame), Reason.TOO_LARGE)
        .hasMessage("frame body length " + (frame.length - 12) + " exceeds the maximum 64");
    assertRefused(() -> small.encode(big), Reason.TOO_LARGE)
        .hasMessage(
            "cannot send Message.QueryText: frame body length "
                + (frame.length - 12)
                + " exceeds the maximum 64");
    assertThat(small.decode(small.encode(new Message.Ping(1)))).isEqualTo(new Message.Ping(1));
  }

  @Test
  void truncated() {
    byte[] frame = codec.encode(new Message.QueryText(1, 0, "hello"));
    byte[] cut = Arrays.copyOf(frame, frame.length - 3);
    int declared = frame.length - 12;

    assertRefused(() -> codec.decode(cut), Reason.TRUNCATED)
        .hasMessage(
            "truncated frame: the header declares a "
                + declared
                + "-byte body but only "
                + (declared - 3)
                + " bytes follow");
    assertRefused(() -> codec.decode(Arrays.copyOf(frame, 5)), Reason.TRUNCATED)
        .hasMessage("truncated frame header: 5 bytes, a header needs 12");
  }

  @Test
  void bytesAfterTheDeclaredBodyAreMalformed() {
    byte[] frame = codec.encode(new Message.Ping(3));
    byte[] longer = Arrays.copyOf(frame, frame.length + 1);

    assertRefused(() -> codec.decode(longer), Reason.MALFORMED_BODY)
        .hasMessage("1 byte after the " + (frame.length - 12) + "-byte body the header declares");
  }

  @Test
  void trailingGarbageInsideTheBodyIsMalformed() {
    byte[] body = kryo.toBytes(new Message.Ping(3));
    byte[] garbage = Arrays.copyOf(body, body.length + 2);

    assertRefused(
            () -> codec.decode(frame(FrameHeader.MAGIC, 1, 0x06, garbage.length, garbage)),
            Reason.MALFORMED_BODY)
        .hasMessage("malformed PING frame body: 2 bytes left over after the Message.Ping");
  }

  @Test
  void aBodyTheModelRefusesIsMalformedAndTheMessageSaysWhere() {
    Message.Query query =
        new Message.Query(1, 0, GraphQuery.from("User").page(new Pagination(5, 0, null)).build());
    byte[] body = kryo.toBytes(query);
    // Pagination(limit = 5) is the only zig-zag 5 (0x0A) followed by offset 0 and a null cursor.
    int at = indexOf(body, new byte[] {0x0A, 0x00, 0x00});
    body[at] = 0x01; // zig-zag -1

    assertRefused(
            () -> codec.decode(frame(FrameHeader.MAGIC, 1, 0x02, body.length, body)),
            Reason.MALFORMED_BODY)
        .hasMessage(
            "malformed QUERY frame body: Pagination refused its fields: limit must be >= 0, got -1"
                + " (at Message.Query.query.pagination)");
  }

  @Test
  void anUndecodableBodyIsMalformed() {
    byte[] unknownClass = {(byte) 0xE9, 0x07}; // class id 999, written as 1001
    Message.Error error = new Message.Error(1, 2, "é");
    byte[] badString = kryo.toBytes(error);
    badString[badString.length - 1] = (byte) 0x41; // 'é' becomes 0xC3 'A': a bad continuation
    byte[] badEnum =
        kryo.toBytes(new Value.Array(io.ormdb.protocol.value.ValueType.INT32, List.of()));
    badEnum[1] = 0x7F; // ValueType ordinal 126

    assertRefused(
            () -> codec.decode(frame(FrameHeader.MAGIC, 1, 0x02, 2, unknownClass)),
            Reason.MALFORMED_BODY)
        .hasMessage("malformed QUERY frame body: unknown class id 999");
    assertRefused(
            () -> codec.decode(frame(FrameHeader.MAGIC, 1, 0x05, badString.length, badString)),
            Reason.MALFORMED_BODY)
        .hasMessage(
            "malformed ERROR frame body: string has a bad continuation byte 0x41"
                + " (at Message.Error.message)");
    assertRefused(() -> kryo.fromBytes(badEnum, Value.class), null)
        .hasMessage(
            "cannot decode Value from 3 bytes: ValueType has no constant number 126 (it has 15)"
                + " (at Value.Array.elementType)");
  }

  @Test
  void aBodyOfAnotherMessageTypeIsATypeMismatch() {
    Message reply =
        new Message.QueryReply(1, new QueryResult(List.of(), List.of(), false, null, 0));
    byte[] body = kryo.toBytes(reply);

    assertRefused(
            () -> codec.decode(frame(FrameHeader.MAGIC, 1, 0x02, body.length, body)),
            Reason.TYPE_MISMATCH)
        .hasMessage("a QUERY frame carries Message.QueryReply, a RESULT message");
  }

  @Test
  void aBodyThatIsNotAMessageIsATypeMismatch() {
    byte[] body = kryo.toBytes(new Value.Str("hi"));
    byte[] nullBody = {0};

    assertRefused(
            () -> codec.decode(frame(FrameHeader.MAGIC, 1, 0x02, body.length, body)),
            Reason.TYPE_MISMATCH)
        .hasMessage("a QUERY frame carries Value.Str, which is not a message");
    assertRefused(
            () -> codec.decode(frame(FrameHeader.MAGIC, 1, 0x02, 1, nullBody)),
            Reason.TYPE_MISMATCH)
        .hasMessage("a QUERY frame carries null, which is not a message");
  }

  @Test
  void decodeBodyChecksTheBodyAgainstItsHeader() {
    byte[] frame = codec.encode(new Message.Ping(9));
    FrameHeader header = FrameHeader.parse(ByteBuffer.wrap(frame), codec.maxBodyBytes());
    byte[] body = Arrays.copyOfRange(frame, 12, frame.length);

    assertThat(codec.decodeBody(header, body)).isEqualTo(new Message.Ping(9));
    assertRefused(
            () -> codec.decodeBody(header, Arrays.copyOf(body, body.length - 1)), Reason.TRUNCATED)
        .hasMessageStartingWith("truncated frame: the header declares a ");
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
      ThrowingCallable call, Reason reason) {
    var assertion = assertThatThrownBy(call);
    if (reason == null) {
      return assertion.isInstanceOf(io.ormdb.protocol.OrmDbException.class);
    }
    assertion
        .isInstanceOf(FrameException.class)
        .satisfies(
            e -> {
              assertThat(((FrameException) e).reason()).isEqualTo(reason);
              assertThat(((FrameException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            });
    return assertion;
  }

  /** A frame with the given header fields (length as declared, unsigned) and body. */
  static byte[] frame(int magic, int version, int type, long declaredLength, byte[] body) {
    return ByteBuffer.allocate(12 + body.length)
        .putInt(magic)
        .putShort((short) version)
        .putShort((short) type)
        .putInt((int) declaredLength)
        .put(body)
        .array();
  }

  private static int typeCode(byte[] frame) {
    return (frame[6] & 0xFF) << 8 | frame[7] & 0xFF;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("pattern not found");
  }
}
