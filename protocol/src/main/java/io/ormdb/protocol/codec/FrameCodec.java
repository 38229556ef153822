package io.ormdb.protocol.codec;

import io.ormdb.protocol.codec.FrameException.Reason;
import io.ormdb.protocol.wire.Message;
import io.ormdb.protocol.wire.MessageType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Encodes messages into frames (a {@link FrameHeader} then the Kryo body) and decodes frames back,
 * refusing anything that is not exactly one valid frame with a {@link FrameException}. Thread-safe.
 * For a byte stream, use a {@link FrameDecoder} per connection ({@link #newDecoder()}).
 */
public final class FrameCodec {

  /** The default maximum body size: 4 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

  private final KryoCodec codec;
  private final int maxBodyBytes;

  /** A codec with the default maximum body size and nesting limit. */
  public FrameCodec() {
    this(new KryoCodec(), DEFAULT_MAX_BODY_BYTES);
  }

  /** A codec with the given maximum body size. */
  public FrameCodec(int maxBodyBytes) {
    this(new KryoCodec(), maxBodyBytes);
  }

  /** A codec over {@code codec} (sharing its pool) with the given maximum body size. */
  public FrameCodec(KryoCodec codec, int maxBodyBytes) {
    this.codec = Objects.requireNonNull(codec, "codec");
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 1, got " + maxBodyBytes);
    }
    this.maxBodyBytes = maxBodyBytes;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * The frame of {@code message}; its header's type is {@code message.type()}.
   *
   * @throws FrameException TOO_LARGE when the body exceeds the maximum body size (a peer with the
   *     same limit would refuse it)
   * @throws io.ormdb.protocol.OrmDbException INVALID_REQUEST when the message cannot be encoded
   *     (see {@link KryoCodec#toBytes})
   */
  public byte[] encode(Message message) {
    MessageType type = message.type();
    return codec.encodeWithHeader(
        message,
        FrameHeader.SIZE,
        (buffer, bodyLength) -> {
          if (bodyLength > maxBodyBytes) {
            throw new FrameException(
                Reason.TOO_LARGE,
                "cannot send "
                    + Names.of(message.getClass())
                    + ": frame body length "
                    + bodyLength
                    + " exceeds the maximum "
                    + maxBodyBytes);
          }
          new FrameHeader(Message.PROTOCOL_VERSION, type, bodyLength).writeTo(buffer, 0);
        });
  }

  /** Writes the frame of {@code message} to {@code out} (does not flush). */
  public void encode(Message message, OutputStream out) throws IOException {
    out.write(encode(message));
  }

  /** Decodes a byte array that holds exactly one frame. */
  public Message decode(byte[] frame) {
    return decode(frame, 0, frame.length);
  }

  /** Decodes {@code length} bytes from {@code offset} that hold exactly one frame. */
  public Message decode(byte[] frame, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, frame.length);
    FrameHeader header = FrameHeader.parse(ByteBuffer.wrap(frame, offset, length), maxBodyBytes);
    return decodeBody(header, frame, offset + FrameHeader.SIZE, length - FrameHeader.SIZE);
  }

  /** Decodes the body that followed {@code header}; {@code body} must hold exactly the body. */
  public Message decodeBody(FrameHeader header, byte[] body) {
    return decodeBody(header, body, 0, body.length);
  }

  /**
   * Decodes the body that followed {@code header}: {@code length} bytes from {@code offset}, which
   * must be exactly {@code header.bodyLength()}.
   *
   * @throws FrameException TRUNCATED, MALFORMED_BODY or TYPE_MISMATCH
   */
  public Message decodeBody(FrameHeader header, byte[] body, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, body.length);
    MessageType type = header.type();
    if (length < header.bodyLength()) {
      throw new FrameException(
          Reason.TRUNCATED,
          "truncated frame: the header declares a "
              + header.bodyLength()
              + "-byte body but only "
              + Names.bytes(length)
              + (length == 1 ? " follows" : " follow"));
    }
    if (length > header.bodyLength()) {
      throw new FrameException(
          Reason.MALFORMED_BODY,
          Names.bytes(length - header.bodyLength())
              + " after the "
              + header.bodyLength()
              + "-byte body the header declares");
    }
    Message message;
    try {
      message = (Message) codec.decode(body, offset, length, Message.class);
    } catch (WrongClass e) {
      String found = e.found() == null ? "null" : Names.of(e.found());
      throw new FrameException(
          Reason.TYPE_MISMATCH,
          "a " + type + " frame carries " + found + ", which is not a message");
    } catch (DecodeFailure e) {
      throw new FrameException(
          Reason.MALFORMED_BODY, "malformed " + type + " frame body: " + e.getMessage(), e);
    } catch (RuntimeException | StackOverflowError e) {
      throw new FrameException(
          Reason.MALFORMED_BODY, "malformed " + type + " frame body: " + Problems.describe(e), e);
    }
    if (message.type() != type) {
      throw new FrameException(
          Reason.TYPE_MISMATCH,
          "a "
              + type
              + " frame carries "
              + Names.of(message.getClass())
              + ", a "
              + message.type()
              + " message");
    }
    return message;
  }

  /** A new stateful decoder for one byte stream, with this codec's limits. */
  public FrameDecoder newDecoder() {
    return new FrameDecoder(this);
  }
}
