package io.ormdb.protocol.codec;

import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import io.ormdb.protocol.OrmDbException;
import java.util.Objects;

/**
 * Encodes registered objects (messages, schema bundles, change sets, any class of {@link
 * KryoRegistry}) to bytes and back: a Kryo class id, then the object. Thread-safe: Kryo instances
 * come from a pool. Decoding never trusts its input: bytes that do not hold exactly one valid
 * object of the expected class fail with an {@link OrmDbException} of code INVALID_REQUEST that
 * says what was wrong and where.
 */
public final class KryoCodec {
  private static final byte[] EMPTY = new byte[0];

  private final int maxNesting;
  private final Pool<OrmKryo> pool;

  /** A codec with the default nesting limit ({@value KryoRegistry#DEFAULT_MAX_NESTING}). */
  public KryoCodec() {
    this(KryoRegistry.DEFAULT_MAX_NESTING);
  }

  /**
   * A codec that refuses, when encoding and decoding, records nested deeper than {@code
   * maxNesting}.
   */
  public KryoCodec(int maxNesting) {
    this(maxNesting, CodecExtension.NONE);
  }

  /**
   * A codec for the protocol's classes plus {@code extension}'s (another module's messages, with
   * ids from {@link CodecExtension#FIRST_ID}).
   */
  public KryoCodec(int maxNesting, CodecExtension extension) {
    Objects.requireNonNull(extension, "extension");
    if (maxNesting < 1) {
      throw new IllegalArgumentException("maxNesting must be >= 1, got " + maxNesting);
    }
    this.maxNesting = maxNesting;
    this.pool =
        new Pool<>(true, false, Math.max(8, Runtime.getRuntime().availableProcessors() * 2)) {
          @Override
          protected OrmKryo create() {
            return KryoRegistry.newKryo(maxNesting, extension);
          }
        };
  }

  public int maxNesting() {
    return maxNesting;
  }

  /**
   * The bytes of {@code value}: its class id, then its content.
   *
   * @throws IllegalArgumentException if the class of {@code value} (or of a value inside it) is not
   *     registered
   * @throws OrmDbException (INVALID_REQUEST) if the value cannot travel: nested too deep, or a
   *     decimal out of the wire's range
   */
  public byte[] toBytes(Object value) {
    Objects.requireNonNull(value, "value");
    OrmKryo kryo = pool.obtain();
    try {
      Output out = kryo.freshOutput();
      kryo.writeClassAndObject(out, value);
      return out.toBytes();
    } finally {
      pool.free(kryo);
    }
  }

  /** Decodes bytes made by {@link #toBytes}: exactly one object of {@code type}. */
  public <T> T fromBytes(byte[] bytes, Class<T> type) {
    return fromBytes(bytes, 0, bytes.length, type);
  }

  /**
   * Decodes {@code length} bytes from {@code offset}: exactly one object of {@code type}.
   *
   * @throws OrmDbException (INVALID_REQUEST) when the bytes do not hold exactly one valid {@code
   *     type}
   */
  public <T> T fromBytes(byte[] bytes, int offset, int length, Class<T> type) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    try {
      return type.cast(decode(bytes, offset, length, type));
    } catch (WrongClass e) {
      throw OrmDbException.invalid(
          "cannot decode "
              + Names.of(type)
              + " from "
              + Names.bytes(length)
              + ": "
              + e.getMessage());
    } catch (DecodeFailure e) {
      throw OrmDbException.invalid(
          "cannot decode "
              + Names.of(type)
              + " from "
              + Names.bytes(length)
              + ": "
              + e.getMessage(),
          e);
    } catch (RuntimeException | StackOverflowError e) {
      throw OrmDbException.invalid(
          "cannot decode "
              + Names.of(type)
              + " from "
              + Names.bytes(length)
              + ": "
              + Problems.describe(e),
          e);
    }
  }

  /**
   * Encodes {@code value} after {@code headerBytes} reserved bytes; {@code header} fills them in
   * once the body length is known. Returns the whole array.
   */
  byte[] encodeWithHeader(Object value, int headerBytes, HeaderWriter header) {
    OrmKryo kryo = pool.obtain();
    try {
      Output out = kryo.freshOutput();
      out.setPosition(headerBytes);
      kryo.writeClassAndObject(out, value);
      int total = out.position();
      header.write(out.getBuffer(), total - headerBytes);
      return out.toBytes();
    } finally {
      pool.free(kryo);
    }
  }

  /** Fills in a header in front of an encoded body. */
  interface HeaderWriter {
    /** Writes the header into {@code buffer[0..]} for a body of {@code bodyLength} bytes. */
    void write(byte[] buffer, int bodyLength);
  }

  /**
   * Reads exactly one object whose class is {@code expected} or a subtype.
   *
   * @throws WrongClass when the bytes name another class (before its content is read)
   * @throws DecodeFailure when the bytes are malformed, with the path where decoding stopped
   * @throws RuntimeException or StackOverflowError for anything else Kryo or a constructor throws
   */
  Object decode(byte[] bytes, int offset, int length, Class<?> expected) {
    OrmKryo kryo = pool.obtain();
    try {
      Input in = kryo.input(bytes, offset, length);
      Registration r = FieldCodec.Polymorphic.readRegistration(kryo, in);
      if (r == null) {
        throw new WrongClass(null, "the bytes hold null, not " + Names.of(expected));
      }
      Class<?> actual = r.getType();
      if (!expected.isAssignableFrom(actual)) {
        throw new WrongClass(
            actual, "the bytes hold " + Names.of(actual) + ", not " + Names.of(expected));
      }
      Object value;
      try {
        value = kryo.readObject(in, actual);
      } catch (DecodeFailure e) {
        throw e.where().isEmpty() ? e : e.within(Names.of(actual));
      }
      int left = Guards.remaining(in);
      if (left != 0) {
        throw new DecodeFailure(Names.bytes(left) + " left over after the " + Names.of(actual));
      }
      return value;
    } finally {
      kryo.input.setBuffer(EMPTY);
      pool.free(kryo);
    }
  }
}
