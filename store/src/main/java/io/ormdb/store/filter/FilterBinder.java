package io.ormdb.store.filter;

import io.ormdb.protocol.Nesting;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.Suggestions;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.EnumDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.LinkFields;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.protocol.value.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a filter against an entity and prepares it for evaluation: every field must exist (else an
 * INVALID_REQUEST error with a did-you-mean), literals are converted to the field's declared type
 * (so {@code "2024-01-01T00:00:00Z"} compares as a timestamp, a string as a uuid; a number compared
 * with a float32 field becomes the nearest float32, as it would be stored), enum literals must be
 * variants, {@code like} applies to strings only, and session attributes ({@code $user.id}) are
 * replaced by their values. A missing attribute binds to null, so comparisons with it are never
 * true: a policy that needs an attribute the session lacks admits no rows.
 *
 * <p>The filter of an include over a many-to-many relation may also name the relation's link fields
 * ({@code @list_order}, see {@link LinkFields}), bound against the edge entity's fields; elsewhere
 * a link field is an INVALID_REQUEST saying where link fields are read.
 */
public final class FilterBinder {
  private FilterBinder() {}

  /**
   * @param where a short description of where the filter is, for error messages (e.g. {@code
   *     "filter of include 'posts'"})
   */
  public static Filter bind(
      Filter filter,
      EntityDef entity,
      SchemaBundle schema,
      Map<String, Value> attributes,
      String where) {
    return bind(filter, entity, null, schema, attributes, where);
  }

  /**
   * Binds the filter of the rows {@code relation} leads to ({@code entity}, its target): link
   * fields ({@code @name}) are bound against the relation's edge entity.
   *
   * @param relation the relation an include navigates, null at the root or elsewhere
   */
  public static Filter bind(
      Filter filter,
      EntityDef entity,
      RelationDef relation,
      SchemaBundle schema,
      Map<String, Value> attributes,
      String where) {
    if (filter == null) {
      return null;
    }
    return new Binder(entity, relation, schema, attributes, where).bind(filter, 0);
  }

  private static int deeper(int depth, String where) {
    if (depth >= Nesting.MAX_LEVELS) {
      throw OrmDbException.invalid(where + ": " + Nesting.tooDeep("and / or / not"));
    }
    return depth + 1;
  }

  private record Binder(
      EntityDef entity,
      RelationDef relation,
      SchemaBundle schema,
      Map<String, Value> attributes,
      String where) {

    Filter bind(Filter f, int depth) {
      if (f instanceof Filter.Compare c) {
        FieldDef fd = field(c.field());
        return new Filter.Compare(c.field(), c.op(), literal(c.field(), fd, c.value()));
      } else if (f instanceof Filter.In in) {
        FieldDef fd = field(in.field());
        List<Value> values = new ArrayList<>(in.values().size());
        for (Value v : in.values()) {
          values.add(literal(in.field(), fd, v));
        }
        return new Filter.In(in.field(), values, in.negated());
      } else if (f instanceof Filter.IsNull n) {
        field(n.field());
        return n;
      } else if (f instanceof Filter.Like l) {
        FieldDef fd = field(l.field());
        ValueType t = fd.type().base();
        if (fd.type().array() || (t != ValueType.STRING && t != ValueType.ENUM)) {
          throw OrmDbException.invalid(
              where
                  + ": 'like' needs a string field, but "
                  + owner(l.field(), fd)
                  + " is "
                  + fd.type().render());
        }
        return l;
      } else if (f instanceof Filter.And and) {
        return new Filter.And(bindAll(and.operands(), deeper(depth, where)));
      } else if (f instanceof Filter.Or or) {
        return new Filter.Or(bindAll(or.operands(), deeper(depth, where)));
      } else if (f instanceof Filter.Not not) {
        return new Filter.Not(bind(not.operand(), deeper(depth, where)));
      } else if (f instanceof Filter.AttrCompare a) {
        FieldDef fd = field(a.field());
        Value v = attributes == null ? null : attributes.get(a.attribute());
        return new Filter.Compare(
            a.field(), a.op(), v == null ? Value.NULL : literal(a.field(), fd, v));
      } else if (f instanceof Filter.Const) {
        return f;
      }
      throw OrmDbException.invalid(where + ": unsupported filter " + f);
    }

    /** A plain loop, not a stream: fewer stack frames per level of nesting. */
    private List<Filter> bindAll(List<Filter> operands, int depth) {
      List<Filter> out = new ArrayList<>(operands.size());
      for (Filter operand : operands) {
        out.add(bind(operand, depth));
      }
      return out;
    }

    private FieldDef field(String name) {
      if (LinkFields.isLink(name)) {
        try {
          return LinkFields.resolve(schema, relation, name);
        } catch (OrmDbException e) {
          throw OrmDbException.invalid(where + ": " + e.getMessage(), e);
        }
      }
      return entity
          .field(name)
          .orElseThrow(() -> OrmDbException.invalid(where + ": " + entity.unknownField(name)));
    }

    /**
     * How messages name the field {@code ref} names: {@code User.age}, or the edge entity's field
     * for a link field ({@code MovieCast.list_order} for {@code @list_order}).
     */
    private String owner(String ref, FieldDef fd) {
      return (LinkFields.isLink(ref) ? relation.edgeEntity() : entity.name()) + "." + fd.name();
    }

    private Value literal(String ref, FieldDef fd, Value v) {
      if (v.isNull()) {
        return v;
      }
      FieldType type = fd.type();
      if (type.array()) {
        if (!(v instanceof Value.Array a)) {
          throw mismatch(ref, fd, v);
        }
        if (type.base() == ValueType.FLOAT32 && a.elementType().isNumeric()) {
          List<Value> elements = new ArrayList<>(a.elements().size());
          for (Value e : a.elements()) {
            elements.add(e.isNull() ? e : float32(ref, fd, e));
          }
          return new Value.Array(ValueType.FLOAT32, elements);
        }
        return v;
      }
      if (type.base() == ValueType.FLOAT32 && v.type().isNumeric()) {
        return float32(ref, fd, v);
      }
      if (type.base().isNumeric() && v.type().isNumeric()) {
        return v; // numbers compare by value across numeric types; no lossy conversion
      }
      Value converted;
      try {
        converted = Values.convert(v, type.base());
      } catch (OrmDbException e) {
        throw mismatch(ref, fd, v);
      }
      if (type.base() == ValueType.ENUM) {
        EnumDef def = schema.enumDef(type.enumName()).orElse(null);
        String variant = converted.asString();
        if (def != null && !def.variants().contains(variant)) {
          throw OrmDbException.invalid(
              where
                  + ": '"
                  + variant
                  + "' is not a variant of enum "
                  + def.name()
                  + " (field "
                  + owner(ref, fd)
                  + ")"
                  + Suggestions.didYouMean(variant, def.variants()));
        }
      }
      return converted;
    }

    /** As stored: a float32 field holds the nearest float32 of the number written. */
    private Value float32(String ref, FieldDef fd, Value v) {
      try {
        return Values.convert(v, ValueType.FLOAT32);
      } catch (OrmDbException e) {
        throw OrmDbException.invalid(
            where
                + ": field "
                + owner(ref, fd)
                + " is "
                + fd.type().render()
                + " and cannot hold "
                + v.type().displayName()
                + " "
                + v.render()
                + " (out of float32 range)");
      }
    }

    private OrmDbException mismatch(String ref, FieldDef fd, Value v) {
      return OrmDbException.invalid(
          where
              + ": field "
              + owner(ref, fd)
              + " is "
              + fd.type().render()
              + " but is compared with "
              + v.type().displayName()
              + " "
              + v.render());
    }
  }
}
