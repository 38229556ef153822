package io.ormdb.store.internal.codec;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Compact (not order-preserving) binary encoding of values for row and changelog payloads: a tag
 * byte (the {@link ValueType} ordinal) then a type-specific body (zig-zag varints for integers,
 * length-prefixed UTF-8 for text).
 */
public final class ValueCodec {
  private ValueCodec() {}

  /** {@code ValueType.values()} copies its array on every call: decoding reads this one. */
  private static final ValueType[] TYPES = ValueType.values();

  /** Values {@code [from, to)} of {@code values} one after another ({@code null} as NULL). */
  public static byte[] encodeAll(Value[] values, int from, int to) {
    Buf out = new Buf(Math.max(16, (to - from) * 4));
    for (int i = from; i < to; i++) {
      write(values[i] == null ? Value.NULL : values[i], out);
    }
    return out.toBytes();
  }

  /**
   * Every value encoded in {@code bytes} from {@code offset} to the end, as {@link #encodeAll}
   * wrote them; throws on malformed input.
   */
  public static List<Value> decodeAll(byte[] bytes, int offset) {
    Buf.In in = new Buf.In(bytes, offset);
    List<Value> out = new ArrayList<>();
    while (in.hasMore()) {
      out.add(read(in));
    }
    return out;
  }

  static void write(Value v, Buf out) {
    ValueType t = v.type();
    out.put(t.ordinal());
    switch (t) {
      case NULL:
        break;
      case BOOL:
        out.put(v.asBool() ? 1 : 0);
        break;
      case INT32:
      case INT64:
        out.putSignedVarLong(v.asLong());
        break;
      case FLOAT32:
        out.putInt(Float.floatToRawIntBits(((Value.Float32) v).value()));
        break;
      case FLOAT64:
        out.putLong(Double.doubleToRawLongBits(((Value.Float64) v).value()));
        break;
      case DECIMAL:
        {
          BigDecimal d = v.asDecimal();
          out.putSignedVarLong(d.scale());
          byte[] unscaled = d.unscaledValue().toByteArray();
          out.putVarInt(unscaled.length).put(unscaled);
          break;
        }
      case STRING:
        out.putString(((Value.Str) v).value());
        break;
      case ENUM:
        out.putString(((Value.Enum) v).variant());
        break;
      case JSON:
        out.putString(((Value.Json) v).text());
        break;
      case BYTES:
        {
          byte[] b = ((Value.Bytes) v).value();
          out.putVarInt(b.length).put(b);
          break;
        }
      case TIMESTAMP:
        out.putSignedVarLong(((Value.Timestamp) v).micros());
        break;
      case DATE:
        out.putSignedVarLong(((Value.Date) v).epochDay());
        break;
      case UUID:
        out.putLong(((Value.Uuid) v).msb()).putLong(((Value.Uuid) v).lsb());
        break;
      case ARRAY:
        {
          Value.Array a = (Value.Array) v;
          out.put(a.elementType().ordinal()).putVarInt(a.elements().size());
          for (Value e : a.elements()) {
            write(e, out);
          }
          break;
        }
      default:
        throw new IllegalStateException("unreachable " + t);
    }
  }

  static Value read(Buf.In in) {
    ValueType t = TYPES[in.get()];
    switch (t) {
      case NULL:
        return Value.NULL;
      case BOOL:
        return in.get() == 1 ? Value.TRUE : Value.FALSE;
      case INT32:
        return new Value.Int32((int) in.getSignedVarLong());
      case INT64:
        return new Value.Int64(in.getSignedVarLong());
      case FLOAT32:
        return new Value.Float32(Float.intBitsToFloat(in.getInt()));
      case FLOAT64:
        return new Value.Float64(Double.longBitsToDouble(in.getLong()));
      case DECIMAL:
        {
          int scale = (int) in.getSignedVarLong();
          byte[] unscaled = in.get(in.getVarInt());
          return new Value.Decimal(new BigDecimal(new BigInteger(unscaled), scale));
        }
      case STRING:
        return new Value.Str(in.getString());
      case ENUM:
        return new Value.Enum(in.getString());
      case JSON:
        return new Value.Json(in.getString());
      case BYTES:
        return new Value.Bytes(in.get(in.getVarInt()));
      case TIMESTAMP:
        return new Value.Timestamp(in.getSignedVarLong());
      case DATE:
        return new Value.Date((int) in.getSignedVarLong());
      case UUID:
        return new Value.Uuid(in.getLong(), in.getLong());
      case ARRAY:
        {
          ValueType et = TYPES[in.get()];
          int n = in.getVarInt();
          List<Value> elements = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            elements.add(read(in));
          }
          return new Value.Array(et, elements);
        }
      default:
        throw new IllegalStateException("unreachable " + t);
    }
  }

  /** The encoded size of a value, in bytes (used for the max-value-size check). */
  /**
   * An upper bound of {@link #size}, without encoding the value for the common types (a string's
   * UTF-8 form is at most three bytes per UTF-16 char); exact for decimals and arrays.
   */
  public static int sizeAtMost(Value v) {
    switch (v.type()) {
      case NULL:
        return 1;
      case BOOL:
        return 2;
      case INT32:
      case INT64:
      case TIMESTAMP:
      case DATE:
        return 11;
      case FLOAT32:
        return 5;
      case FLOAT64:
        return 9;
      case UUID:
        return 17;
      case STRING:
        return textAtMost(((Value.Str) v).value());
      case ENUM:
        return textAtMost(((Value.Enum) v).variant());
      case JSON:
        return textAtMost(((Value.Json) v).text());
      case BYTES:
        return 6 + ((Value.Bytes) v).value().length;
      default:
        return size(v);
    }
  }

  private static int textAtMost(String s) {
    return (int) Math.min(Integer.MAX_VALUE, 6 + 3L * s.length());
  }

  public static int size(Value v) {
    Buf b = new Buf(16);
    write(v, b);
    return b.length();
  }
}
