package io.ormdb.protocol.value;

import io.ormdb.protocol.OrmDbException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/** Construction, total ordering and lossless conversion of {@link Value}s. */
public final class Values {
  private Values() {}

  /**
   * Wraps a plain Java object: null, Boolean, Integer, Long, Float, Double, BigDecimal, String,
   * byte[], Instant, LocalDate, UUID, a {@link Value} (returned as is), or a List of those (an
   * array typed by its first non-null element).
   */
  public static Value of(Object o) {
    if (o == null) {
      return Value.NULL;
    }
    if (o instanceof Value v) {
      return v;
    }
    if (o instanceof Boolean b) {
      return b ? Value.TRUE : Value.FALSE;
    }
    if (o instanceof Integer i) {
      return new Value.Int32(i);
    }
    if (o instanceof Short s) {
      return new Value.Int32(s);
    }
    if (o instanceof Byte b) {
      return new Value.Int32(b);
    }
    if (o instanceof Long l) {
      return new Value.Int64(l);
    }
    if (o instanceof Float f) {
      return new Value.Float32(f);
    }
    if (o instanceof Double d) {
      return new Value.Float64(d);
    }
    if (o instanceof BigDecimal d) {
      return new Value.Decimal(d);
    }
    if (o instanceof BigInteger b) {
      return new Value.Decimal(new BigDecimal(b));
    }
    if (o instanceof String s) {
      return new Value.Str(s);
    }
    if (o instanceof byte[] b) {
      return new Value.Bytes(b);
    }
    if (o instanceof Instant i) {
      return Value.Timestamp.of(i);
    }
    if (o instanceof LocalDate d) {
      return Value.Date.of(d);
    }
    if (o instanceof UUID u) {
      return Value.Uuid.of(u);
    }
    if (o instanceof java.lang.Enum<?> e) {
      return new Value.Enum(e.name());
    }
    if (o instanceof List<?> list) {
      List<Value> elements = new ArrayList<>(list.size());
      ValueType elementType = null;
      for (Object e : list) {
        Value v = of(e);
        if (elementType == null && !v.isNull()) {
          elementType = v.type();
        }
        elements.add(v);
      }
      return new Value.Array(elementType == null ? ValueType.STRING : elementType, elements);
    }
    throw OrmDbException.invalid("cannot convert a " + o.getClass().getName() + " to a value");
  }

  /**
   * {@code v} as the query language writes it; parsing the text gives {@code v} back once it is
   * converted to the field's type (as the engine does with every literal): {@code null}, {@code
   * true}, {@code 1010} (int32 and int64), {@code 0.1}, {@code 1.0E-5}, {@code NaN}, {@code
   * Infinity} and {@code -Infinity} (float32 and float64), {@code 12.50m} (decimal), {@code "text"}
   * (with escapes), {@code 0xcafe} (bytes), {@code "2024-01-02T03:04:05Z"} (timestamp), {@code
   * "2024-02-29"} (date), uuids, enum variants and JSON documents as strings, {@code [1, 2]}
   * (arrays). Nothing is shortened (see {@link Value#render()} for the short form of messages).
   */
  public static String literal(Value v) {
    if (v instanceof Value.Null) {
      return "null";
    } else if (v instanceof Value.Bool b) {
      return Boolean.toString(b.value());
    } else if (v instanceof Value.Int32 || v instanceof Value.Int64) {
      return Long.toString(v.asLong());
    } else if (v instanceof Value.Float32 f) {
      return Float.toString(f.value());
    } else if (v instanceof Value.Float64 d) {
      return Double.toString(d.value());
    } else if (v instanceof Value.Decimal d) {
      return d.value().toPlainString() + "m";
    } else if (v instanceof Value.Str s) {
      return quote(s.value());
    } else if (v instanceof Value.Bytes b) {
      return "0x" + HexFormat.of().formatHex(b.value());
    } else if (v instanceof Value.Json j) {
      return quote(j.text());
    } else if (v instanceof Value.Array a) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < a.elements().size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(literal(a.elements().get(i)));
      }
      return sb.append(']').toString();
    } else {
      // timestamp, date, uuid, enum: their canonical text, which converts back from a string
      return quote(v.render());
    }
  }

  /**
   * A string literal in double quotes: {@code "}, {@code \}, newline, return and tab escaped as
   * {@code \" \\ \n \r \t}, other control characters as {@code \}{@code u00XX}.
   */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"').toString();
  }

  /** The plain Java object for a value (the inverse of {@link #of(Object)}). */
  public static Object toJava(Value v) {
    if (v instanceof Value.Null) {
      return null;
    } else if (v instanceof Value.Bool b) {
      return b.value();
    } else if (v instanceof Value.Int32 i) {
      return i.value();
    } else if (v instanceof Value.Int64 l) {
      return l.value();
    } else if (v instanceof Value.Float32 f) {
      return f.value();
    } else if (v instanceof Value.Float64 d) {
      return d.value();
    } else if (v instanceof Value.Decimal d) {
      return d.value();
    } else if (v instanceof Value.Str s) {
      return s.value();
    } else if (v instanceof Value.Bytes b) {
      return b.value();
    } else if (v instanceof Value.Timestamp t) {
      return t.toInstant();
    } else if (v instanceof Value.Date d) {
      return d.toLocalDate();
    } else if (v instanceof Value.Uuid u) {
      return u.asUuid();
    } else if (v instanceof Value.Enum e) {
      return e.variant();
    } else if (v instanceof Value.Json j) {
      return j.text();
    } else {
      return ((Value.Array) v).elements().stream().map(Values::toJava).toList();
    }
  }

  /**
   * A representative of {@code v} for hash maps and sets: two values of the same type, or two
   * integers (int32 / int64), have equal representatives exactly when {@link #compare} finds them
   * equal. Integers become int64 and decimals drop trailing zeros; every other value represents
   * itself. Values of different numeric kinds (an integer and a float, a float and a decimal) are
   * not unified — join keys never mix them, as a relation's key fields share one type.
   */
  public static Value hashKey(Value v) {
    if (v instanceof Value.Int32 i) {
      return new Value.Int64(i.value());
    } else if (v instanceof Value.Decimal d) {
      BigDecimal b = d.value();
      return new Value.Decimal(b.signum() == 0 ? BigDecimal.ZERO : b.stripTrailingZeros());
    }
    return v;
  }

  /**
   * {@link #compare} as one shared comparator instance: sorted sets built with it recognise each
   * other (copying one into another is then linear, not a sorted insert per element).
   */
  public static final java.util.Comparator<Value> ORDER = Values::compare;

  /**
   * A total order over all values: null first; numbers (int32, int64, float32, float64, decimal)
   * compare by numeric value across types; text (strings, enum variants, JSON documents) by Unicode
   * code point ({@link #compareText}); other values compare within their type; values of unrelated
   * types order by type.
   */
  public static int compare(Value a, Value b) {
    if (a == b) {
      return 0;
    }
    boolean an = a.isNull();
    boolean bn = b.isNull();
    if (an || bn) {
      return an == bn ? 0 : (an ? -1 : 1);
    }
    ValueType ta = a.type();
    ValueType tb = b.type();
    if (ta.isNumeric() && tb.isNumeric()) {
      return compareNumbers(a, b);
    }
    if (ta != tb) {
      if ((ta == ValueType.ENUM || ta == ValueType.STRING)
          && (tb == ValueType.ENUM || tb == ValueType.STRING)) {
        return compareText(a.asString(), b.asString());
      }
      return Integer.compare(ta.ordinal(), tb.ordinal());
    }
    switch (ta) {
      case BOOL:
        return Boolean.compare(a.asBool(), b.asBool());
      case STRING:
      case ENUM:
        return compareText(a.asString(), b.asString());
      case BYTES:
        return Arrays.compareUnsigned(((Value.Bytes) a).value(), ((Value.Bytes) b).value());
      case TIMESTAMP:
        return Long.compare(((Value.Timestamp) a).micros(), ((Value.Timestamp) b).micros());
      case DATE:
        return Integer.compare(((Value.Date) a).epochDay(), ((Value.Date) b).epochDay());
      case UUID:
        Value.Uuid x = (Value.Uuid) a;
        Value.Uuid y = (Value.Uuid) b;
        int c = Long.compareUnsigned(x.msb(), y.msb());
        return c != 0 ? c : Long.compareUnsigned(x.lsb(), y.lsb());
      case JSON:
        return compareText(((Value.Json) a).text(), ((Value.Json) b).text());
      case ARRAY:
        return compareLists(((Value.Array) a).elements(), ((Value.Array) b).elements());
      default:
        throw new IllegalStateException("unreachable: " + ta);
    }
  }

  /**
   * Binary order of text by Unicode code point, the order of {@code a.codePoints()} and {@code
   * b.codePoints()} compared element by element (no locale, no normalization): {@code "Z" < "a"},
   * and a supplementary character such as U+1F600 sorts after U+E000–U+FFFF, where UTF-16 code
   * units ({@link String#compareTo}) put it before them. An unpaired surrogate, which well-formed
   * text never holds, counts as the code point of its value.
   */
  public static int compareText(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int k = 0;
    while (k < n && a.charAt(k) == b.charAt(k)) {
      k++;
    }
    if (k == n) {
      return Integer.compare(a.length(), b.length());
    }
    char x = a.charAt(k);
    char y = b.charAt(k);
    if (!Character.isSurrogate(x) && !Character.isSurrogate(y)) {
      return Integer.compare(x, y);
    }
    // Where a surrogate differs, compare whole code points: back up to a shared high surrogate
    // that one of the two strings pairs with the differing low one.
    if (k > 0
        && Character.isHighSurrogate(a.charAt(k - 1))
        && (Character.isLowSurrogate(x) || Character.isLowSurrogate(y))) {
      k--;
    }
    return Integer.compare(a.codePointAt(k), b.codePointAt(k));
  }

  /** Equality as the query language sees it: numerically equal numbers are equal. */
  public static boolean sqlEquals(Value a, Value b) {
    return compare(a, b) == 0;
  }

  private static int compareLists(List<Value> a, List<Value> b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      int c = compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static int compareNumbers(Value a, Value b) {
    ValueType ta = a.type();
    ValueType tb = b.type();
    boolean ia = ta == ValueType.INT32 || ta == ValueType.INT64;
    boolean ib = tb == ValueType.INT32 || tb == ValueType.INT64;
    if (ia && ib) {
      return Long.compare(a.asLong(), b.asLong());
    }
    if (ta == ValueType.DECIMAL || tb == ValueType.DECIMAL) {
      if (isNonFinite(a) || isNonFinite(b)) {
        return Double.compare(a.asDouble(), b.asDouble());
      }
      return a.asDecimal().compareTo(b.asDecimal());
    }
    if ((ia || ib) && !isNonFinite(a) && !isNonFinite(b)) {
      // exact comparison of a long with a double: go through BigDecimal.
      return a.asDecimal().compareTo(b.asDecimal());
    }
    return Double.compare(a.asDouble(), b.asDouble());
  }

  private static boolean isNonFinite(Value v) {
    return (v instanceof Value.Float64 d && !Double.isFinite(d.value()))
        || (v instanceof Value.Float32 f && !Float.isFinite(f.value()));
  }

  /**
   * Converts {@code v} to {@code target} when no information is lost, else fails naming both types.
   * The exception is float32: every number in its range converts to the nearest float32 (see {@link
   * #toFloat32}). Null converts to null. Strings convert to uuid, timestamp (ISO-8601 instant),
   * date (ISO date), enum and json.
   */
  public static Value convert(Value v, ValueType target) {
    if (v.isNull() || v.type() == target) {
      return v;
    }
    try {
      Value out =
          switch (target) {
            case INT32 -> toInt32(v);
            case INT64 -> toInt64(v);
            case FLOAT32 -> toFloat32(v);
            case FLOAT64 -> toFloat64(v);
            case DECIMAL -> v.type().isNumeric() ? new Value.Decimal(v.asDecimal()) : null;
            case UUID ->
                v instanceof Value.Str s ? Value.Uuid.of(UUID.fromString(s.value())) : null;
            case TIMESTAMP -> toTimestamp(v);
            case DATE ->
                v instanceof Value.Str s ? Value.Date.of(LocalDate.parse(s.value())) : null;
            case ENUM -> v instanceof Value.Str s ? new Value.Enum(s.value()) : null;
            case STRING -> v instanceof Value.Enum e ? new Value.Str(e.variant()) : null;
            case JSON -> v instanceof Value.Str s ? new Value.Json(s.value()) : null;
            default -> null;
          };
      if (out != null) {
        return out;
      }
    } catch (RuntimeException e) {
      throw OrmDbException.invalid(
          "cannot convert "
              + v.type().displayName()
              + " "
              + v.render()
              + " to "
              + target.displayName()
              + ": "
              + e.getMessage(),
          e);
    }
    throw OrmDbException.invalid(
        "cannot convert "
            + v.type().displayName()
            + " "
            + v.render()
            + " to "
            + target.displayName());
  }

  private static Value toInt32(Value v) {
    long l = integral(v);
    if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
      throw new ArithmeticException("out of int32 range");
    }
    return new Value.Int32((int) l);
  }

  private static Value toInt64(Value v) {
    return new Value.Int64(integral(v));
  }

  private static long integral(Value v) {
    if (v instanceof Value.Int32 || v instanceof Value.Int64) {
      return v.asLong();
    }
    if (v instanceof Value.Decimal || v instanceof Value.Float32 || v instanceof Value.Float64) {
      if (!Double.isFinite(v.asDouble())) {
        throw new ArithmeticException("not a finite number");
      }
      return v.asDecimal().longValueExact();
    }
    throw new ArithmeticException("not a number");
  }

  private static Value toFloat64(Value v) {
    if (v instanceof Value.Int64 l) {
      double d = l.value();
      if (d >= 0x1p63 || (long) d != l.value()) {
        throw new ArithmeticException("not exactly representable as float64");
      }
      return new Value.Float64(d);
    }
    return v.type().isNumeric() ? new Value.Float64(v.asDouble()) : null;
  }

  /**
   * Any number becomes the nearest float32, as SQL databases store a literal in a {@code real}
   * column: {@code 0.1} is {@code 0.1f}. Decimals round from their exact value, not through a
   * double. NaN and the infinities stay what they are; a finite number beyond the float32 range is
   * refused rather than turned into an infinity.
   */
  private static Value toFloat32(Value v) {
    if (!v.type().isNumeric()) {
      return null;
    }
    float f;
    boolean finite;
    if (v instanceof Value.Decimal d) {
      f = d.value().floatValue();
      finite = true;
    } else if (v instanceof Value.Int32 || v instanceof Value.Int64) {
      f = (float) v.asLong();
      finite = true;
    } else {
      double d = v.asDouble();
      f = (float) d;
      finite = Double.isFinite(d);
    }
    if (finite && Float.isInfinite(f)) {
      throw new ArithmeticException("out of float32 range");
    }
    return new Value.Float32(f);
  }

  private static Value toTimestamp(Value v) {
    if (v instanceof Value.Int64 || v instanceof Value.Int32) {
      return new Value.Timestamp(v.asLong());
    } else if (v instanceof Value.Str s) {
      return Value.Timestamp.of(Instant.parse(s.value()));
    } else if (v instanceof Value.Date d) {
      return new Value.Timestamp(Math.multiplyExact((long) d.epochDay(), 86_400_000_000L));
    }
    return null;
  }
}
