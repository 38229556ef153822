package io.ormdb.protocol.schema;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.Suggestions;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.value.Values;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts a value to the declared type of a field: the one conversion of written values and of
 * literal defaults. Numbers, strings and the rest convert as {@link Values#convert} does (lossless,
 * except that a number becomes the nearest float32), an enum value must be a variant of its enum,
 * and a decimal takes the field's scale without rounding and must fit its precision.
 */
public final class FieldValues {
  private FieldValues() {}

  /**
   * {@code v} as a value of {@code field} of {@code entity} (null and absent become {@link
   * Value#NULL}), or an INVALID_REQUEST that names the field: {@code field Post.views: cannot
   * convert string "x" to int64: not a number}. An enum the schema lacks is not checked here.
   */
  public static Value convert(SchemaBundle schema, String entity, FieldDef field, Value v) {
    if (v == null || v.isNull()) {
      return Value.NULL;
    }
    FieldType t = field.type();
    if (!t.array()) {
      return scalar(schema, entity, field, t, v);
    }
    if (!(v instanceof Value.Array a)) {
      throw OrmDbException.invalid(
          where(entity, field)
              + " is "
              + t.render()
              + " but got "
              + v.type().displayName()
              + " "
              + v.render());
    }
    List<Value> elements = new ArrayList<>(a.elements().size());
    for (Value el : a.elements()) {
      elements.add(scalar(schema, entity, field, t, el));
    }
    return new Value.Array(t.base(), elements);
  }

  /** How an error names the field; built only for an error (conversions are on the write path). */
  private static String where(String entity, FieldDef field) {
    return "field " + entity + "." + field.name();
  }

  private static Value scalar(
      SchemaBundle schema, String entity, FieldDef field, FieldType t, Value v) {
    if (v.isNull()) {
      return v;
    }
    Value c;
    try {
      c = Values.convert(v, t.base());
    } catch (OrmDbException ex) {
      throw OrmDbException.invalid(where(entity, field) + ": " + ex.getMessage());
    }
    if (t.base() == ValueType.ENUM) {
      EnumDef def = schema.enumDef(t.enumName()).orElse(null);
      if (def != null && !def.variants().contains(c.asString())) {
        throw OrmDbException.invalid(
            where(entity, field)
                + ": '"
                + c.asString()
                + "' is not a variant of enum "
                + def.name()
                + Suggestions.didYouMean(c.asString(), def.variants()));
      }
    } else if (t.base() == ValueType.DECIMAL) {
      BigDecimal d = c.asDecimal();
      BigDecimal scaled;
      try {
        scaled = d.setScale(t.scale());
      } catch (ArithmeticException ex) {
        throw OrmDbException.invalid(
            where(entity, field)
                + ": "
                + d.toPlainString()
                + " has more than "
                + t.scale()
                + " decimal places");
      }
      if (scaled.precision() - scaled.scale() > t.precision() - t.scale()) {
        throw OrmDbException.invalid(
            where(entity, field) + ": " + d.toPlainString() + " does not fit " + t.render());
      }
      c = new Value.Decimal(scaled);
    }
    return c;
  }
}
