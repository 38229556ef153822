package io.ormdb.protocol.codec;

import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.ormdb.protocol.OrmDbException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes and reads one value of a statically known type: a record component, or an element of a
 * collection. Chosen once per type from its generic signature, so the wire carries no class ids
 * except where the static type is an interface (a sealed hierarchy such as {@code Value}).
 *
 * <p>Encodings: {@code boolean} one byte (0 or 1); {@code int}/{@code long} zig-zag varints; {@code
 * float}/{@code double}/{@code char} fixed width; strings see {@link WireStrings}; byte arrays,
 * lists, sets and maps a varint of length plus one (0 = null) then the content, sets and maps with
 * sorted keys so equal values encode to equal bytes; enums a varint of ordinal plus one (0 = null);
 * {@code BigDecimal} its unscaled two's-complement bytes then its scale; records of a final type a
 * presence byte then the record; interfaces a Kryo class id (0 = null) then the object. Collections
 * decode to immutable copies and refuse null elements and duplicate keys.
 */
abstract class FieldCodec {

  /** The largest |scale| of a decimal; bounds the size of its plain rendering. */
  static final int MAX_DECIMAL_SCALE = 10_000;

  /** The largest unscaled decimal, in bytes (about 2,400 digits). */
  static final int MAX_DECIMAL_BYTES = 1_024;

  abstract void write(OrmKryo kryo, Output out, Object value);

  abstract Object read(OrmKryo kryo, Input in);

  /**
   * The codec for {@code type}; {@code where} names the component for the error thrown when the
   * type has no wire form.
   */
  static FieldCodec of(Type type, String where) {
    return of(type, where, Set.of());
  }

  /**
   * Like {@link #of(Type, String)}; types in {@code externals} (a {@link CodecExtension}'s) are
   * written as the string their extension gives.
   */
  static FieldCodec of(Type type, String where, Set<Class<?>> externals) {
    Class<?> external =
        type instanceof Class<?> k
            ? k
            : (type instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> r
                ? r
                : null);
    if (external != null && externals.contains(external)) {
      return new External(external);
    }
    if (type instanceof Class<?> c) {
      if (c.isPrimitive()) {
        return primitive(c, where);
      }
      if (c == String.class) {
        return STRING;
      }
      if (c == byte[].class) {
        return BYTES;
      }
      if (c == BigDecimal.class) {
        return DECIMAL;
      }
      if (c == Integer.class) {
        return new Nullable(INT);
      }
      if (c == Long.class) {
        return new Nullable(LONG);
      }
      if (c == Boolean.class) {
        return new Nullable(BOOLEAN);
      }
      if (c.isEnum()) {
        return new EnumCodec(c);
      }
      if (c.isRecord()) {
        return new Nullable(new FinalRecord(c));
      }
      if (c.isInterface() && c.isSealed()) {
        return new Polymorphic(c);
      }
    } else if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (raw == List.class) {
        return new ListCodec(of(args[0], where + " element", externals));
      }
      if (raw == Set.class) {
        return new SetCodec(of(args[0], where + " element", externals));
      }
      if (raw == Map.class) {
        return new MapCodec(
            of(args[0], where + " key", externals), of(args[1], where + " value", externals));
      }
    }
    throw new IllegalStateException(
        "no wire encoding for type " + type.getTypeName() + " of " + where);
  }

  private static FieldCodec primitive(Class<?> c, String where) {
    if (c == boolean.class) {
      return BOOLEAN;
    }
    if (c == int.class) {
      return INT;
    }
    if (c == long.class) {
      return LONG;
    }
    if (c == float.class) {
      return FLOAT;
    }
    if (c == double.class) {
      return DOUBLE;
    }
    if (c == char.class) {
      return CHAR;
    }
    throw new IllegalStateException("no wire encoding for type " + c + " of " + where);
  }

  static final FieldCodec BOOLEAN =
      new FieldCodec() {
        @Override
        void write(OrmKryo kryo, Output out, Object value) {
          out.writeByte((Boolean) value ? 1 : 0);
        }

        @Override
        Object read(OrmKryo kryo, Input in) {
          byte b = in.readByte();
          if (b == 0) {
            return Boolean.FALSE;
          }
          if (b == 1) {
            return Boolean.TRUE;
          }
          throw new DecodeFailure(String.format("boolean byte 0x%02X is neither 0 nor 1", b));
        }
      };

  static final FieldCodec INT =
      new FieldCodec() {
        @Override
        void write(OrmKryo kryo, Output out, Object value) {
          out.writeVarInt((Integer) value, false);
        }

        @Override
        Object read(OrmKryo kryo, Input in) {
          return in.readVarInt(false);
        }
      };

  static final FieldCodec LONG =
      new FieldCodec() {
        @Override
        void write(OrmKryo kryo, Output out, Object value) {
          out.writeVarLong((Long) value, false);
        }

        @Override
        Object read(OrmKryo kryo, Input in) {
          return in.readVarLong(false);
        }
      };

  static final FieldCodec FLOAT =
      new FieldCodec() {
        @Override
        void write(OrmKryo kryo, Output out, Object value) {
          out.writeFloat((Float) value);
        }

        @Override
        Object read(OrmKryo kryo, Input in) {
          return in.readFloat();
        }
      };

  static final FieldCodec DOUBLE =
      new FieldCodec() {
        @Override
        void write(OrmKryo kryo, Output out, Object value) {
          out.writeDouble((Double) value);
        }

        @Override
        Object read(OrmKryo kryo, Input in) {
          return in.readDouble();
        }
      };

  static final FieldCodec CHAR =
      new FieldCodec() {
        @Override
        void write(OrmKryo kryo, Output out, Object value) {
          out.writeChar((Character) value);
        }

        @Override
        Object read(OrmKryo kryo, Input in) {
          return in.readChar();
        }
      };

  static final FieldCodec STRING =
      new FieldCodec() {
        @Override
        void write(OrmKryo kryo, Output out, Object value) {
          WireStrings.write(out, (String) value);
        }

        @Override
        Object read(OrmKryo kryo, Input in) {
          return WireStrings.read(in);
        }
      };

  static final FieldCodec BYTES =
      new FieldCodec() {
        @Override
        void write(OrmKryo kryo, Output out, Object value) {
          if (value == null) {
            out.writeVarInt(0, true);
            return;
          }
          byte[] b = (byte[]) value;
          out.writeVarInt(b.length + 1, true);
          out.writeBytes(b);
        }

        @Override
        Object read(OrmKryo kryo, Input in) {
          int lengthPlusOne = in.readVarInt(true);
          if (lengthPlusOne == 0) {
            return null;
          }
          return in.readBytes(Guards.length(in, lengthPlusOne - 1L, "byte array"));
        }
      };

  static final FieldCodec DECIMAL =
      new FieldCodec() {
        @Override
        void write(OrmKryo kryo, Output out, Object value) {
          if (value == null) {
            out.writeVarInt(0, true);
            return;
          }
          BigDecimal d = (BigDecimal) value;
          byte[] unscaled = d.unscaledValue().toByteArray();
          if (unscaled.length > MAX_DECIMAL_BYTES
              || Math.abs((long) d.scale()) > MAX_DECIMAL_SCALE) {
            throw OrmDbException.invalid(
                "decimal out of range for the wire: "
                    + unscaled.length
                    + " unscaled bytes (max "
                    + MAX_DECIMAL_BYTES
                    + "), scale "
                    + d.scale()
                    + " (max ±"
                    + MAX_DECIMAL_SCALE
                    + ")");
          }
          out.writeVarInt(unscaled.length + 1, true);
          out.writeBytes(unscaled);
          out.writeVarInt(d.scale(), false);
        }

        @Override
        Object read(OrmKryo kryo, Input in) {
          int lengthPlusOne = in.readVarInt(true);
          if (lengthPlusOne == 0) {
            return null;
          }
          int length = Guards.length(in, lengthPlusOne - 1L, "decimal");
          if (length == 0 || length > MAX_DECIMAL_BYTES) {
            throw new DecodeFailure(
                "decimal of " + length + " unscaled bytes (must be 1.." + MAX_DECIMAL_BYTES + ")");
          }
          BigInteger unscaled = new BigInteger(in.readBytes(length));
          int scale = in.readVarInt(false);
          if (Math.abs((long) scale) > MAX_DECIMAL_SCALE) {
            throw new DecodeFailure("decimal scale " + scale + " is outside ±" + MAX_DECIMAL_SCALE);
          }
          return new BigDecimal(unscaled, scale);
        }
      };

  /** A value type that has no null encoding of its own, behind a presence byte. */
  static final class Nullable extends FieldCodec {
    private final FieldCodec inner;

    Nullable(FieldCodec inner) {
      this.inner = inner;
    }

    @Override
    void write(OrmKryo kryo, Output out, Object value) {
      out.writeBoolean(value != null);
      if (value != null) {
        inner.write(kryo, out, value);
      }
    }

    @Override
    Object read(OrmKryo kryo, Input in) {
      return (Boolean) BOOLEAN.read(kryo, in) ? inner.read(kryo, in) : null;
    }
  }

  static final class EnumCodec extends FieldCodec {
    private final Object[] constants;
    private final String name;

    EnumCodec(Class<?> type) {
      this.constants = type.getEnumConstants();
      this.name = Names.of(type);
    }

    @Override
    void write(OrmKryo kryo, Output out, Object value) {
      out.writeVarInt(value == null ? 0 : ((Enum<?>) value).ordinal() + 1, true);
    }

    @Override
    Object read(OrmKryo kryo, Input in) {
      int ordinalPlusOne = in.readVarInt(true);
      if (ordinalPlusOne == 0) {
        return null;
      }
      if (ordinalPlusOne < 0 || ordinalPlusOne > constants.length) {
        throw new DecodeFailure(
            name
                + " has no constant number "
                + (ordinalPlusOne - 1L)
                + " (it has "
                + constants.length
                + ")");
      }
      return constants[ordinalPlusOne - 1];
    }
  }

  /** A record of a known (final) type, without a class id. */
  /** A type of a {@link CodecExtension} travelling as the string its extension makes of it. */
  static final class External extends FieldCodec {
    private final Class<?> type;

    External(Class<?> type) {
      this.type = type;
    }

    @Override
    void write(OrmKryo kryo, Output out, Object value) {
      WireStrings.write(out, value == null ? null : kryo.extension.encode(type, value));
    }

    @Override
    Object read(OrmKryo kryo, Input in) {
      String s = WireStrings.read(in);
      return s == null ? null : kryo.extension.decode(type, s);
    }
  }

  static final class FinalRecord extends FieldCodec {
    private final Class<?> type;

    FinalRecord(Class<?> type) {
      this.type = type;
    }

    @Override
    void write(OrmKryo kryo, Output out, Object value) {
      kryo.writeObject(out, value);
    }

    @Override
    Object read(OrmKryo kryo, Input in) {
      return kryo.readObject(in, type);
    }
  }

  /** An interface type: a class id (0 = null), checked against the interface before decoding. */
  static final class Polymorphic extends FieldCodec {
    private final Class<?> type;

    Polymorphic(Class<?> type) {
      this.type = type;
    }

    @Override
    void write(OrmKryo kryo, Output out, Object value) {
      kryo.writeClassAndObject(out, value);
    }

    @Override
    Object read(OrmKryo kryo, Input in) {
      return readAs(kryo, in, type);
    }

    /** Reads a class id and, when it names a subtype of {@code type}, the object. */
    static Object readAs(OrmKryo kryo, Input in, Class<?> type) {
      Registration r = readRegistration(kryo, in);
      if (r == null) {
        return null;
      }
      Class<?> actual = r.getType();
      if (!type.isAssignableFrom(actual)) {
        throw new DecodeFailure("expected " + Names.of(type) + " but found " + Names.of(actual));
      }
      return kryo.readObject(in, actual);
    }

    /**
     * Reads a class id as Kryo writes it (id + 2; 0 = null); refuses ids that are not registered
     * and Kryo's by-name form.
     */
    static Registration readRegistration(OrmKryo kryo, Input in) {
      int encoded = in.readVarInt(true);
      if (encoded == 0) {
        return null;
      }
      Registration r = encoded >= 2 ? kryo.getRegistration(encoded - 2) : null;
      if (r == null) {
        throw new DecodeFailure(
            "unknown class id " + (encoded >= 2 ? String.valueOf(encoded - 2L) : "(by name)"));
      }
      return r;
    }
  }

  static final class ListCodec extends FieldCodec {
    private final FieldCodec element;

    ListCodec(FieldCodec element) {
      this.element = element;
    }

    @Override
    void write(OrmKryo kryo, Output out, Object value) {
      if (value == null) {
        out.writeVarInt(0, true);
        return;
      }
      List<?> list = (List<?>) value;
      out.writeVarInt(list.size() + 1, true);
      for (Object e : list) {
        element.write(kryo, out, e);
      }
    }

    @Override
    Object read(OrmKryo kryo, Input in) {
      int sizePlusOne = in.readVarInt(true);
      if (sizePlusOne == 0) {
        return null;
      }
      int size = Guards.count(in, sizePlusOne - 1L, "a list");
      List<Object> out = new ArrayList<>(Math.min(size, 64));
      for (int i = 0; i < size; i++) {
        out.add(readElement(element, kryo, in, i));
      }
      return List.copyOf(out);
    }
  }

  static final class SetCodec extends FieldCodec {
    private final FieldCodec element;

    SetCodec(FieldCodec element) {
      this.element = element;
    }

    @Override
    void write(OrmKryo kryo, Output out, Object value) {
      if (value == null) {
        out.writeVarInt(0, true);
        return;
      }
      List<Object> sorted = sortedIfComparable((Set<?>) value);
      out.writeVarInt(sorted.size() + 1, true);
      for (Object e : sorted) {
        element.write(kryo, out, e);
      }
    }

    @Override
    Object read(OrmKryo kryo, Input in) {
      int sizePlusOne = in.readVarInt(true);
      if (sizePlusOne == 0) {
        return null;
      }
      int size = Guards.count(in, sizePlusOne - 1L, "a set");
      Set<Object> out = new LinkedHashSet<>(Math.min(size, 64));
      for (int i = 0; i < size; i++) {
        Object e = readElement(element, kryo, in, i);
        if (!out.add(e)) {
          throw new DecodeFailure("set holds " + Names.shorten(e) + " twice").within("[" + i + "]");
        }
      }
      return Set.copyOf(out);
    }
  }

  static final class MapCodec extends FieldCodec {
    private final FieldCodec key;
    private final FieldCodec val;

    MapCodec(FieldCodec key, FieldCodec val) {
      this.key = key;
      this.val = val;
    }

    @Override
    void write(OrmKryo kryo, Output out, Object value) {
      if (value == null) {
        out.writeVarInt(0, true);
        return;
      }
      Map<?, ?> map = (Map<?, ?>) value;
      List<Object> keys = sortedIfComparable(map.keySet());
      out.writeVarInt(keys.size() + 1, true);
      for (Object k : keys) {
        key.write(kryo, out, k);
        val.write(kryo, out, map.get(k));
      }
    }

    @Override
    Object read(OrmKryo kryo, Input in) {
      int sizePlusOne = in.readVarInt(true);
      if (sizePlusOne == 0) {
        return null;
      }
      int size = Guards.count(in, sizePlusOne - 1L, "a map");
      Map<Object, Object> out = new HashMap<>(Math.min(size, 64));
      for (int i = 0; i < size; i++) {
        Object k = readElement(key, kryo, in, i);
        Object v;
        try {
          v = val.read(kryo, in);
        } catch (DecodeFailure e) {
          throw e.within("[" + Names.shorten(k) + "]");
        }
        if (v == null) {
          throw new DecodeFailure("null map value").within("[" + Names.shorten(k) + "]");
        }
        if (out.put(k, v) != null) {
          throw new DecodeFailure("map holds the key " + Names.shorten(k) + " twice");
        }
      }
      return Map.copyOf(out);
    }
  }

  private static Object readElement(FieldCodec codec, OrmKryo kryo, Input in, int index) {
    Object e;
    try {
      e = codec.read(kryo, in);
    } catch (DecodeFailure f) {
      throw f.within("[" + index + "]");
    }
    if (e == null) {
      throw new DecodeFailure("null element").within("[" + index + "]");
    }
    return e;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Object> sortedIfComparable(Set<?> set) {
    List<Object> list = new ArrayList<>(set);
    if (!list.isEmpty() && list.get(0) instanceof Comparable) {
      list.sort((a, b) -> ((Comparable) a).compareTo(b));
    }
    return list;
  }
}
