package io.ormdb.protocol.value;

import io.ormdb.protocol.OrmDbException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A typed value as stored and sent on the wire. Immutable. Accessors ({@link #asLong()} and
 * friends) convert where it is lossless and otherwise fail with an INVALID_REQUEST error naming
 * both types.
 *
 * <p>{@code toString()} is the value as the query language writes it ({@code 1010}, {@code "text"},
 * {@code 12.50m}, {@code 0xcafe}, {@code "2024-01-02T03:04:05Z"}, {@code [1, 2]}; see {@link
 * Values#literal}), so records holding values (change events, results) print text that can be
 * pasted into a query; {@link #render()} is a shorter form for error messages.
 */
public sealed interface Value extends Comparable<Value>
    permits Value.Null,
        Value.Bool,
        Value.Int32,
        Value.Int64,
        Value.Float32,
        Value.Float64,
        Value.Decimal,
        Value.Str,
        Value.Bytes,
        Value.Timestamp,
        Value.Date,
        Value.Uuid,
        Value.Enum,
        Value.Json,
        Value.Array {

  ValueType type();

  /** The single null value. */
  Null NULL = new Null();

  Bool TRUE = new Bool(true);
  Bool FALSE = new Bool(false);

  default boolean isNull() {
    return this instanceof Null;
  }

  default long asLong() {
    throw mismatch(this, "an integer");
  }

  default double asDouble() {
    throw mismatch(this, "a number");
  }

  default String asString() {
    throw mismatch(this, "a string");
  }

  default boolean asBool() {
    throw mismatch(this, "a boolean");
  }

  default BigDecimal asDecimal() {
    throw mismatch(this, "a decimal");
  }

  default java.util.UUID asUuid() {
    throw mismatch(this, "a uuid");
  }

  /**
   * A short human-readable rendering used in error messages and the CLI's tables: long strings,
   * bytes and arrays are cut, and uuids, timestamps, dates and enum variants are not quoted.
   */
  String render();

  @Override
  default int compareTo(Value other) {
    return Values.compare(this, other);
  }

  private static OrmDbException mismatch(Value v, String wanted) {
    return OrmDbException.invalid(
        "expected " + wanted + " but got " + v.type().displayName() + " " + v.render());
  }

  static Value of(Object o) {
    return Values.of(o);
  }

  record Null() implements Value {
    @Override
    public ValueType type() {
      return ValueType.NULL;
    }

    /** The literal the query language reads: see {@link Values#literal}. */
    @Override
    public String toString() {
      return Values.literal(this);
    }

    @Override
    public String render() {
      return "null";
    }
  }

  record Bool(boolean value) implements Value {
    @Override
    public ValueType type() {
      return ValueType.BOOL;
    }

    /** The literal the query language reads: see {@link Values#literal}. */
    @Override
    public String toString() {
      return Values.literal(this);
    }

    @Override
    public boolean asBool() {
      return value;
    }

    @Override
    public String render() {
      return Boolean.toString(value);
    }
  }

  record Int32(int value) implements Value {
    @Override
    public ValueType type() {
      return ValueType.INT32;
    }

    /** The literal the query language reads: see {@link Values#literal}. */
    @Override
    public String toString() {
      return Values.literal(this);
    }

    @Override
    public long asLong() {
      return value;
    }

    @Override
    public double asDouble() {
      return value;
    }

    @Override
    public BigDecimal asDecimal() {
      return BigDecimal.valueOf(value);
    }

    @Override
    public String render() {
      return Integer.toString(value);
    }
  }

  record Int64(long value) implements Value {
    @Override
    public ValueType type() {
      return ValueType.INT64;
    }

    /** The literal the query language reads: see {@link Values#literal}. */
    @Override
    public String toString() {
      return Values.literal(this);
    }

    @Override
    public long asLong() {
      return value;
    }

    @Override
    public double asDouble() {
      return value;
    }

    @Override
    public BigDecimal asDecimal() {
      return BigDecimal.valueOf(value);
    }

    @Override
    public String render() {
      return Long.toString(value);
    }
  }

  record Float32(float value) implements Value {
    @Override
    public ValueType type() {
      return ValueType.FLOAT32;
    }

    /** The literal the query language reads: see {@link Values#literal}. */
    @Override
    public String toString() {
      return Values.literal(this);
    }

    @Override
    public double asDouble() {
      return value;
    }

    @Override
    public BigDecimal asDecimal() {
      return new BigDecimal(Float.toString(value));
    }

    @Override
    public String render() {
      return Float.toString(value);
    }
  }

  record Float64(double value) implements Value {
    @Override
    public ValueType type() {
      return ValueType.FLOAT64;
    }

    /** The literal the query language reads: see {@link Values#literal}. */
    @Override
    public String toString() {
      return Values.literal(this);
    }

    @Override
    public double asDouble() {
      return value;
    }

    @Override
    public BigDecimal asDecimal() {
      return BigDecimal.valueOf(value);
    }

    @Override
    public String render() {
      return Double.toString(value);
    }
  }

  /** An exact decimal; its scale is the number of digits after the point. */
  record Decimal(BigDecimal value) implements Value {
    public Decimal {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public ValueType type() {
      return ValueType.DECIMAL;
    }

    /** The literal the query language reads: see {@link Values#literal}. */
    @Override
    public String toString() {
      return Values.literal(this);
    }

    @Override
    public double asDouble() {
      return value.doubleValue();
    }

    @Override
    public BigDecimal asDecimal() {
      return value;
    }

    @Override
    public String render() {
      return value.toPlainString();
    }
  }

  record Str(String value) implements Value {
    public Str {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public ValueType type() {
      return ValueType.STRING;
    }

    /** The literal the query language reads: see {@link Values#literal}. */
    @Override
    public String toString() {
      return Values.literal(this);
    }

    @Override
    public String asString() {
      return value;
    }

    @Override
    public String render() {
      return '"' + (value.length() > 60 ? value.substring(0, 57) + "..." : value) + '"';
    }
  }

  /** Raw bytes. The array is copied in and out; equality is by content. */
  record Bytes(byte[] value) implements Value {
    public Bytes {
      value = Objects.requireNonNull(value, "value").clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    /** The length without copying. */
    public int length() {
      return value.length;
    }

    @Override
    public ValueType type() {
      return ValueType.BYTES;
    }

    /** The literal the query language reads: see {@link Values#literal}. */
    @Override
    public String toString() {
      return Values.literal(this);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String render() {
      String hex = HexFormat.of().formatHex(value, 0, Math.min(value.length, 32));
      return "0x" + hex + (value.length > 32 ? "..." : "");
    }
  }

  /** Microseconds since the Unix epoch, UTC. */
  record Timestamp(long micros) implements Value {
    @Override
    public ValueType type() {
      return ValueType.TIMESTAMP;
    }

    /** The literal the query language reads: see {@link Values#literal}. */
    @Override
    public String toString() {
      return Values.literal(this);
    }

    @Override
    public long asLong() {
      return micros;
    }

    public Instant toInstant() {
      return Instant.ofEpochSecond(
          Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    public static Timestamp of(Instant instant) {
      long seconds = instant.getEpochSecond();
      long micros = instant.getNano() / 1000;
      if (seconds < 0 && micros > 0) {
        // the earliest timestamps: seconds * 10^6 alone would be below Long.MIN_VALUE
        seconds++;
        micros -= 1_000_000L;
      }
      return new Timestamp(Math.addExact(Math.multiplyExact(seconds, 1_000_000L), micros));
    }

    @Override
    public String render() {
      return toInstant().toString();
    }
  }

  /** Days since 1970-01-01. */
  record Date(int epochDay) implements Value {
    @Override
    public ValueType type() {
      return ValueType.DATE;
    }

    /** The literal the query language reads: see {@link Values#literal}. */
    @Override
    public String toString() {
      return Values.literal(this);
    }

    @Override
    public long asLong() {
      return epochDay;
    }

    public LocalDate toLocalDate() {
      return LocalDate.ofEpochDay(epochDay);
    }

    public static Date of(LocalDate date) {
      return new Date(Math.toIntExact(date.toEpochDay()));
    }

    @Override
    public String render() {
      return toLocalDate().toString();
    }
  }

  record Uuid(long msb, long lsb) implements Value {
    @Override
    public ValueType type() {
      return ValueType.UUID;
    }

    /** The literal the query language reads: see {@link Values#literal}. */
    @Override
    public String toString() {
      return Values.literal(this);
    }

    @Override
    public java.util.UUID asUuid() {
      return new java.util.UUID(msb, lsb);
    }

    public static Uuid of(java.util.UUID uuid) {
      return new Uuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
    }

    public static Uuid random() {
      return of(java.util.UUID.randomUUID());
    }

    @Override
    public String render() {
      return asUuid().toString();
    }
  }

  /** A variant of a schema enum; the schema checks it belongs to the field's enum. */
  record Enum(String variant) implements Value {
    public Enum {
      Objects.requireNonNull(variant, "variant");
    }

    @Override
    public ValueType type() {
      return ValueType.ENUM;
    }

    /** The literal the query language reads: see {@link Values#literal}. */
    @Override
    public String toString() {
      return Values.literal(this);
    }

    @Override
    public String asString() {
      return variant;
    }

    @Override
    public String render() {
      return variant;
    }
  }

  /** A JSON document kept as text; the codec checks only that it is well-formed on input. */
  record Json(String text) implements Value {
    public Json {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public ValueType type() {
      return ValueType.JSON;
    }

    /** The literal the query language reads: see {@link Values#literal}. */
    @Override
    public String toString() {
      return Values.literal(this);
    }

    @Override
    public String render() {
      return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
  }

  /** A typed array: every element has {@code elementType} (nulls allowed) and none is an array. */
  record Array(ValueType elementType, List<Value> elements) implements Value {
    public Array {
      Objects.requireNonNull(elementType, "elementType");
      if (elementType == ValueType.ARRAY || elementType == ValueType.NULL) {
        throw OrmDbException.invalid("array element type cannot be " + elementType.displayName());
      }
      elements = List.copyOf(elements);
      for (int i = 0; i < elements.size(); i++) {
        Value e = elements.get(i);
        if (!e.isNull() && e.type() != elementType) {
          throw OrmDbException.invalid(
              "array of "
                  + elementType.displayName()
                  + " has element "
                  + i
                  + " of type "
                  + e.type().displayName());
        }
      }
    }

    @Override
    public ValueType type() {
      return ValueType.ARRAY;
    }

    /** The literal the query language reads: see {@link Values#literal}. */
    @Override
    public String toString() {
      return Values.literal(this);
    }

    @Override
    public String render() {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < elements.size() && i < 8; i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(elements.get(i).render());
      }
      if (elements.size() > 8) {
        sb.append(", ...");
      }
      return sb.append(']').toString();
    }
  }
}
