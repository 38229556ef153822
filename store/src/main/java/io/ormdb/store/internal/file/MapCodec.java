package io.ormdb.store.internal.file;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * How the keys or the values of one map of the store file are written as bytes (for a log of the
 * map's writes): byte arrays as they are, longs as 8 bytes big-endian, strings as UTF-8.
 */
public final class MapCodec<T> {
  public static final MapCodec<byte[]> BYTES = new MapCodec<>(b -> b, b -> b);

  public static final MapCodec<Long> LONG =
      new MapCodec<>(v -> ByteBuffer.allocate(Long.BYTES).putLong(v).array(), MapCodec::decodeLong);

  public static final MapCodec<String> STRING =
      new MapCodec<>(
          s -> s.getBytes(StandardCharsets.UTF_8), b -> new String(b, StandardCharsets.UTF_8));

  private final Function<T, byte[]> encode;
  private final Function<byte[], T> decode;

  private MapCodec(Function<T, byte[]> encode, Function<byte[], T> decode) {
    this.encode = encode;
    this.decode = decode;
  }

  public byte[] encode(T value) {
    return encode.apply(value);
  }

  public T decode(byte[] bytes) {
    return decode.apply(bytes);
  }

  private static Long decodeLong(byte[] b) {
    if (b.length != Long.BYTES) {
      throw new IllegalArgumentException("a long is 8 bytes, not " + b.length);
    }
    return ByteBuffer.wrap(b).getLong();
  }
}
