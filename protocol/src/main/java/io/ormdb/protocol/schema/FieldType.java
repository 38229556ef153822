package io.ormdb.protocol.schema;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.value.ValueType;
import java.util.Objects;

/**
 * The declared type of a field: a scalar {@link ValueType} (never NULL or ARRAY), optionally an
 * array of it; decimals carry precision and scale, enums the name of their {@link EnumDef}.
 *
 * @param base the scalar type (of the elements, when {@code array})
 * @param array true for a typed array of {@code base}
 * @param precision total digits for DECIMAL (1..38), else 0
 * @param scale digits after the point for DECIMAL (0..precision), else 0
 * @param enumName the enum's name for ENUM, else null
 */
public record FieldType(ValueType base, boolean array, int precision, int scale, String enumName) {
  public FieldType {
    Objects.requireNonNull(base, "base");
    if (base == ValueType.NULL || base == ValueType.ARRAY) {
      throw OrmDbException.invalid("a field cannot have type " + base.displayName());
    }
    if (base == ValueType.DECIMAL) {
      if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
        throw OrmDbException.invalid(
            "decimal("
                + precision
                + ","
                + scale
                + "): precision must be 1..38 and scale 0..precision");
      }
    } else if (precision != 0 || scale != 0) {
      throw OrmDbException.invalid("only decimal takes precision and scale");
    }
    if ((base == ValueType.ENUM) != (enumName != null)) {
      throw OrmDbException.invalid(
          "an enum type needs its enum name, and only an enum type has one");
    }
  }

  public static FieldType of(ValueType base) {
    return new FieldType(base, false, 0, 0, null);
  }

  public static FieldType arrayOf(ValueType base) {
    return new FieldType(base, true, 0, 0, null);
  }

  public static FieldType decimal(int precision, int scale) {
    return new FieldType(ValueType.DECIMAL, false, precision, scale, null);
  }

  public static FieldType enumType(String enumName) {
    return new FieldType(ValueType.ENUM, false, 0, 0, enumName);
  }

  /**
   * The schema-language spelling: {@code int64}, {@code decimal(10,2)}, {@code Role}, {@code
   * string[]}.
   */
  public String render() {
    String s =
        switch (base) {
          case DECIMAL -> "decimal(" + precision + "," + scale + ")";
          case ENUM -> enumName;
          default -> base.displayName();
        };
    return array ? s + "[]" : s;
  }
}
