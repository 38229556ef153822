package io.ormdb.protocol.codec;

import io.ormdb.protocol.codec.FrameException.Reason;
import io.ormdb.protocol.wire.Message;
import io.ormdb.protocol.wire.MessageType;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The 12-byte header in front of every frame body, all big-endian:
 *
 * <pre>
 *   offset  size  field
 *        0     4  magic 0x4F524D44 ("ORMD")
 *        4     2  protocol version (1)
 *        6     2  message type code ({@link MessageType#code()})
 *        8     4  body length in bytes (unsigned)
 *       12     n  body: Kryo class id + message
 * </pre>
 *
 * @param version the protocol version
 * @param type the message type
 * @param bodyLength the number of body bytes that follow the header
 */
public record FrameHeader(int version, MessageType type, int bodyLength) {

  /** Bytes in a header. */
  public static final int SIZE = 12;

  /** "ORMD". */
  public static final int MAGIC = 0x4F524D44;

  public FrameHeader {
    Objects.requireNonNull(type, "type");
    if (bodyLength < 0) {
      throw new IllegalArgumentException("bodyLength must be >= 0, got " + bodyLength);
    }
  }

  /**
   * Reads and checks the header at the buffer's position (whatever the buffer's byte order) and
   * advances the position by {@link #SIZE}. Checks, in order: enough bytes, magic, version, type
   * code, body length against {@code maxBodyBytes} — so a caller allocates the body only after this
   * returns.
   *
   * @throws FrameException TRUNCATED, BAD_MAGIC, UNSUPPORTED_VERSION, UNKNOWN_TYPE or TOO_LARGE
   */
  public static FrameHeader parse(ByteBuffer buffer, int maxBodyBytes) {
    if (buffer.remaining() < SIZE) {
      throw new FrameException(
          Reason.TRUNCATED,
          "truncated frame header: "
              + Names.bytes(buffer.remaining())
              + ", a header needs "
              + SIZE);
    }
    int p = buffer.position();
    int magic = getInt(buffer, p);
    if (magic != MAGIC) {
      throw new FrameException(
          Reason.BAD_MAGIC,
          String.format("bad magic 0x%08X, expected 0x%08X (ORMD)", magic, MAGIC));
    }
    int version = getShort(buffer, p + 4);
    if (version != Message.PROTOCOL_VERSION) {
      throw new FrameException(
          Reason.UNSUPPORTED_VERSION,
          "unsupported protocol version "
              + version
              + ", this node speaks version "
              + Message.PROTOCOL_VERSION);
    }
    int code = getShort(buffer, p + 6);
    MessageType type = MessageType.fromCode(code);
    if (type == null) {
      throw new FrameException(
          Reason.UNKNOWN_TYPE, String.format("unknown message type 0x%04X", code));
    }
    long length = getInt(buffer, p + 8) & 0xFFFF_FFFFL;
    if (length > maxBodyBytes) {
      throw new FrameException(
          Reason.TOO_LARGE, "frame body length " + length + " exceeds the maximum " + maxBodyBytes);
    }
    buffer.position(p + SIZE);
    return new FrameHeader(version, type, (int) length);
  }

  /** Writes this header at {@code buffer[offset..offset + 12)}. */
  public void writeTo(byte[] buffer, int offset) {
    putInt(buffer, offset, MAGIC);
    buffer[offset + 4] = (byte) (version >>> 8);
    buffer[offset + 5] = (byte) version;
    buffer[offset + 6] = (byte) (type.code() >>> 8);
    buffer[offset + 7] = (byte) type.code();
    putInt(buffer, offset + 8, bodyLength);
  }

  private static int getInt(ByteBuffer b, int i) {
    return (b.get(i) & 0xFF) << 24
        | (b.get(i + 1) & 0xFF) << 16
        | (b.get(i + 2) & 0xFF) << 8
        | b.get(i + 3) & 0xFF;
  }

  private static int getShort(ByteBuffer b, int i) {
    return (b.get(i) & 0xFF) << 8 | b.get(i + 1) & 0xFF;
  }

  private static void putInt(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 24);
    b[i + 1] = (byte) (v >>> 16);
    b[i + 2] = (byte) (v >>> 8);
    b[i + 3] = (byte) v;
  }
}
