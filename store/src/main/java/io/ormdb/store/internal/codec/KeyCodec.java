package io.ormdb.store.internal.codec;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Order-preserving, self-delimiting key encoding of {@link Value}s: for two values of the same
 * type, the unsigned lexicographic order of their encodings equals {@link
 * io.ormdb.protocol.value.Values#compare}. Because every encoding is self-delimiting, encodings can
 * be concatenated into composite keys (index key fields, then the row identity, then a version).
 *
 * <p>Layout: one tag byte per value (null has the smallest tag, so it sorts first), then
 *
 * <ul>
 *   <li>bool: one byte; int32/date: 4 bytes and int64/timestamp: 8 bytes, big-endian with the sign
 *       bit flipped; float32/float64: IEEE bits, sign-flipped for positives, inverted for negatives
 *   <li>decimal: a sign byte; then, for non-zero values, the decimal exponent (4 bytes, flipped)
 *       and the digits (one byte each) ended by 0x00; all inverted for negative numbers
 *   <li>string, enum, json: code points, then 0x00: below U+007F one byte ({@code c + 1}), up to
 *       U+407E two ({@code 0x80 | x >> 8}, {@code x & 0xFF} with {@code x = c - 0x7F}), up to
 *       U+FFFF three ({@code 0xC0}, then the value in two bytes; an unpaired surrogate is encoded
 *       as its own value), beyond three ({@code 0xC1 + (x >> 16)}, then {@code x & 0xFFFF} in two
 *       bytes, with {@code x = c - 0x10000}) — so the byte order is code point order ({@link
 *       io.ormdb.protocol.value.Values#compareText}). Files written before version 2 of this
 *       encoding ({@link #STRING_ENCODING}) held a supplementary character as its two surrogates in
 *       the three-byte form, which ordered it below U+E000; opening such a file converts its keys
 *       (see {@code KeyUpgrade}).
 *   <li>bytes: the bytes with 0x00 escaped as 0x00 0xFF, then 0x00 0x01
 *   <li>uuid: 16 bytes, unsigned
 *   <li>array: the element type, each element's encoding, then 0x00
 * </ul>
 */
public final class KeyCodec {
  private KeyCodec() {}

  /** {@code ValueType.values()} copies its array on every call: decoding reads this one. */
  private static final ValueType[] TYPES = ValueType.values();

  /**
   * The version of the string encoding: 1 (files without a recorded version) kept UTF-16 code
   * units, 2 keeps code points.
   */
  public static final int STRING_ENCODING = 2;

  static final int NULL = 0x01;
  private static final int BOOL = 0x10;
  private static final int INT32 = 0x20;
  private static final int INT64 = 0x21;
  private static final int FLOAT32 = 0x22;
  private static final int FLOAT64 = 0x23;
  private static final int DECIMAL = 0x24;
  private static final int STRING = 0x30;
  private static final int ENUM = 0x31;
  private static final int JSON = 0x32;
  private static final int BYTES = 0x40;
  private static final int TIMESTAMP = 0x50;
  private static final int DATE = 0x51;
  private static final int UUID = 0x60;
  private static final int ARRAY = 0x70;

  /** The encoding of one value. */
  public static byte[] encode(Value v) {
    Buf b = Buf.scratch();
    encode(v, b);
    return b.toBytes();
  }

  /** The concatenated encodings of several values. */
  public static byte[] encodeAll(List<Value> values) {
    Buf b = new Buf(16 * values.size());
    for (Value v : values) {
      encode(v, b);
    }
    return b.toBytes();
  }

  public static void encode(Value v, Buf out) {
    if (v instanceof Value.Null) {
      out.put(NULL);
    } else if (v instanceof Value.Bool b) {
      out.put(BOOL).put(b.value() ? 1 : 0);
    } else if (v instanceof Value.Int32 i) {
      out.put(INT32).putInt(i.value() ^ Integer.MIN_VALUE);
    } else if (v instanceof Value.Int64 l) {
      out.put(INT64).putLong(l.value() ^ Long.MIN_VALUE);
    } else if (v instanceof Value.Float32 f) {
      int bits = Float.floatToIntBits(f.value());
      out.put(FLOAT32).putInt(bits < 0 ? ~bits : bits ^ Integer.MIN_VALUE);
    } else if (v instanceof Value.Float64 d) {
      long bits = Double.doubleToLongBits(d.value());
      out.put(FLOAT64).putLong(bits < 0 ? ~bits : bits ^ Long.MIN_VALUE);
    } else if (v instanceof Value.Decimal d) {
      out.put(DECIMAL);
      encodeDecimal(d.value(), out);
    } else if (v instanceof Value.Str s) {
      out.put(STRING);
      encodeChars(s.value(), out);
    } else if (v instanceof Value.Enum e) {
      out.put(ENUM);
      encodeChars(e.variant(), out);
    } else if (v instanceof Value.Json j) {
      out.put(JSON);
      encodeChars(j.text(), out);
    } else if (v instanceof Value.Bytes b) {
      out.put(BYTES);
      for (byte x : b.value()) {
        out.put(x);
        if (x == 0) {
          out.put(0xFF);
        }
      }
      out.put(0).put(1);
    } else if (v instanceof Value.Timestamp t) {
      out.put(TIMESTAMP).putLong(t.micros() ^ Long.MIN_VALUE);
    } else if (v instanceof Value.Date d) {
      out.put(DATE).putInt(d.epochDay() ^ Integer.MIN_VALUE);
    } else if (v instanceof Value.Uuid u) {
      out.put(UUID).putLong(u.msb()).putLong(u.lsb());
    } else if (v instanceof Value.Array a) {
      out.put(ARRAY).put(a.elementType().ordinal());
      for (Value e : a.elements()) {
        encode(e, out);
      }
      out.put(0);
    } else {
      throw new IllegalArgumentException("cannot encode " + v);
    }
  }

  private static void encodeChars(String s, Buf out) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      int c = s.charAt(i);
      if (c < 0x7F) {
        out.put(c + 1);
      } else if (c <= 0x407E) {
        int x = c - 0x7F;
        out.put(0x80 | (x >>> 8)).put(x & 0xFF);
      } else if (Character.isHighSurrogate((char) c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int x = Character.toCodePoint((char) c, s.charAt(++i)) - 0x10000;
        out.put(0xC1 + (x >>> 16)).put((x >>> 8) & 0xFF).put(x & 0xFF);
      } else {
        out.put(0xC0).put(c >>> 8).put(c & 0xFF);
      }
    }
    out.put(0);
  }

  private static void encodeDecimal(BigDecimal d, Buf out) {
    int sign = d.signum();
    if (sign == 0) {
      out.put(2);
      return;
    }
    BigDecimal n = d.stripTrailingZeros();
    String digits = n.unscaledValue().abs().toString();
    // value = 0.digits * 10^exponent
    int exponent = digits.length() - n.scale();
    Buf body = new Buf(digits.length() + 5);
    body.putInt(exponent ^ Integer.MIN_VALUE);
    for (int i = 0; i < digits.length(); i++) {
      body.put(digits.charAt(i));
    }
    body.put(0);
    byte[] bytes = body.toBytes();
    if (sign < 0) {
      out.put(1);
      for (byte x : bytes) {
        out.put(~x);
      }
    } else {
      out.put(3).put(bytes);
    }
  }

  /** Decodes the value starting at {@code in.pos}, advancing past it. */
  public static Value decode(Buf.In in) {
    int tag = in.get();
    switch (tag) {
      case NULL:
        return Value.NULL;
      case BOOL:
        return in.get() == 1 ? Value.TRUE : Value.FALSE;
      case INT32:
        return new Value.Int32(in.getInt() ^ Integer.MIN_VALUE);
      case INT64:
        return new Value.Int64(in.getLong() ^ Long.MIN_VALUE);
      case FLOAT32:
        {
          int x = in.getInt();
          return new Value.Float32(Float.intBitsToFloat(x < 0 ? x ^ Integer.MIN_VALUE : ~x));
        }
      case FLOAT64:
        {
          long x = in.getLong();
          return new Value.Float64(Double.longBitsToDouble(x < 0 ? x ^ Long.MIN_VALUE : ~x));
        }
      case DECIMAL:
        return new Value.Decimal(decodeDecimal(in));
      case STRING:
        return new Value.Str(decodeChars(in));
      case ENUM:
        return new Value.Enum(decodeChars(in));
      case JSON:
        return new Value.Json(decodeChars(in));
      case BYTES:
        {
          Buf b = new Buf();
          while (true) {
            int x = in.get();
            if (x == 0) {
              if (in.get() == 1) {
                return new Value.Bytes(b.toBytes());
              }
              b.put(0);
            } else {
              b.put(x);
            }
          }
        }
      case TIMESTAMP:
        return new Value.Timestamp(in.getLong() ^ Long.MIN_VALUE);
      case DATE:
        return new Value.Date(in.getInt() ^ Integer.MIN_VALUE);
      case UUID:
        return new Value.Uuid(in.getLong(), in.getLong());
      case ARRAY:
        {
          ValueType elementType = TYPES[in.get()];
          List<Value> elements = new ArrayList<>();
          while (true) {
            if (peek(in) == 0) {
              in.get();
              return new Value.Array(elementType, elements);
            }
            elements.add(decode(in));
          }
        }
      default:
        throw new IllegalStateException("corrupt key: unknown tag " + tag + " at " + (in.pos - 1));
    }
  }

  private static int peek(Buf.In in) {
    int x = in.get();
    in.pos--;
    return x;
  }

  private static String decodeChars(Buf.In in) {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int b = in.get();
      if (b == 0) {
        return sb.toString();
      }
      if (b < 0x80) {
        sb.append((char) (b - 1));
      } else if (b < 0xC0) {
        int x = ((b & 0x3F) << 8) | in.get();
        sb.append((char) (x + 0x7F));
      } else if (b == 0xC0) {
        int hi = in.get();
        sb.append((char) ((hi << 8) | in.get()));
      } else {
        int hi = in.get();
        sb.appendCodePoint((((b - 0xC1) << 16) | (hi << 8) | in.get()) + 0x10000);
      }
    }
  }

  private static BigDecimal decodeDecimal(Buf.In in) {
    int sign = in.get();
    if (sign == 2) {
      return BigDecimal.ZERO;
    }
    boolean neg = sign == 1;
    int mask = neg ? 0xFF : 0;
    int exponent = 0;
    for (int i = 0; i < 4; i++) {
      exponent = (exponent << 8) | (in.get() ^ mask);
    }
    exponent ^= Integer.MIN_VALUE;
    StringBuilder digits = new StringBuilder();
    while (true) {
      int c = in.get() ^ mask;
      if (c == 0) {
        break;
      }
      digits.append((char) c);
    }
    BigDecimal unscaled = new BigDecimal(new BigInteger(digits.toString()));
    BigDecimal value = unscaled.scaleByPowerOfTen(exponent - digits.length());
    return neg ? value.negate() : value;
  }

  /**
   * {@code key} with the values encoded in {@code key[from, to)} decoded and encoded again, the
   * bytes around them kept: how keys of an older string encoding are brought up to date (the
   * decoder reads both: a version 1 string is a run of UTF-16 code units in the forms below
   * U+10000).
   */
  public static byte[] reencode(byte[] key, int from, int to) {
    Buf.In in = new Buf.In(key, from);
    List<Value> values = new ArrayList<>();
    while (in.pos < to) {
      values.add(decode(in));
    }
    byte[] body = encodeAll(values);
    byte[] out = new byte[from + body.length + key.length - to];
    System.arraycopy(key, 0, out, 0, from);
    System.arraycopy(body, 0, out, from, body.length);
    System.arraycopy(key, to, out, from + body.length, key.length - to);
    return out;
  }

  /** Decodes one value from the start of {@code key}. */
  public static Value decode(byte[] key) {
    return decode(new Buf.In(key));
  }

  /** The position just after the encoded value starting at {@code pos}. */
  public static int skip(byte[] key, int pos) {
    // walks the encoding without building the value: index walks call this for every entry
    int tag = key[pos++] & 0xFF;
    switch (tag) {
      case NULL:
        return pos;
      case BOOL:
        return pos + 1;
      case INT32:
      case FLOAT32:
      case DATE:
        return pos + 4;
      case INT64:
      case FLOAT64:
      case TIMESTAMP:
        return pos + 8;
      case UUID:
        return pos + 16;
      case STRING:
      case ENUM:
      case JSON:
        while (true) {
          int b = key[pos++] & 0xFF;
          if (b == 0) {
            return pos;
          }
          pos += b < 0x80 ? 0 : b < 0xC0 ? 1 : 2;
        }
      case DECIMAL:
        {
          int sign = key[pos++] & 0xFF;
          if (sign == 2) {
            return pos;
          }
          int mask = sign == 1 ? 0xFF : 0;
          pos += 4;
          while (((key[pos++] & 0xFF) ^ mask) != 0) {
            // digits
          }
          return pos;
        }
      case BYTES:
        while (true) {
          if (key[pos++] == 0 && key[pos++] == 1) {
            return pos;
          }
        }
      case ARRAY:
        pos++; // element type
        while (key[pos] != 0) {
          pos = skip(key, pos);
        }
        return pos + 1;
      default:
        throw new IllegalStateException("corrupt key: unknown tag " + tag + " at " + (pos - 1));
    }
  }
}
