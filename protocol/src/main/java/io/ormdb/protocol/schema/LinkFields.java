package io.ormdb.protocol.schema;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.Suggestions;
import io.ormdb.protocol.query.Include;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The link fields of a many-to-many relation: the fields of its edge entity other than the edge's
 * two keys (the edge row's identity included). A link value belongs to one edge — a (parent, child)
 * pair — not to the child: the same person has a different {@code list_order} in each movie's cast.
 *
 * <p>Queries name a link field with the marker {@code @} before its name ({@code @list_order}), in
 * the fields, filter and order of an include over the relation; no field name can start with
 * {@code @}, so a link field never collides with a field of the target. Results carry link values
 * per edge ({@code EdgeBlock.links}).
 */
public final class LinkFields {
  /** What starts the name of a link field in a query: {@code @list_order}. */
  public static final String MARKER = Include.LINK_MARKER;

  private LinkFields() {}

  /** Whether {@code name} names a link field ({@code @list_order}) rather than a field. */
  public static boolean isLink(String name) {
    return name.startsWith(MARKER);
  }

  /** The name a query gives the link field {@code field}: {@code @list_order}. */
  public static String ref(String field) {
    return MARKER + field;
  }

  /** The edge field a link reference names: {@code list_order} for {@code @list_order}. */
  public static String field(String ref) {
    return ref.substring(MARKER.length());
  }

  /**
   * The link fields of {@code rel} in the edge entity's declaration order; empty when {@code rel}
   * is not many-to-many or its edge entity is unknown.
   */
  public static List<FieldDef> of(SchemaBundle schema, RelationDef rel) {
    if (rel == null || rel.cardinality() != Cardinality.MANY_TO_MANY) {
      return List.of();
    }
    EntityDef edge = schema.entity(rel.edgeEntity()).orElse(null);
    if (edge == null) {
      return List.of();
    }
    List<FieldDef> out = new ArrayList<>();
    for (FieldDef f : edge.fields()) {
      if (!f.name().equals(rel.edgeFromField()) && !f.name().equals(rel.edgeToField())) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * The edge field that {@code ref} ({@code @list_order}) names on {@code rel}, the relation an
   * include navigates (null at the root of a query).
   *
   * @throws OrmDbException INVALID_REQUEST saying what is wrong: no relation or one that is not
   *     many-to-many, one of the edge's keys, or an unknown name (with a did-you-mean)
   */
  public static FieldDef resolve(SchemaBundle schema, RelationDef rel, String ref) {
    String name = field(ref);
    if (name.isEmpty()) {
      throw OrmDbException.invalid("'" + MARKER + "' needs the name of a link field after it");
    }
    if (rel == null) {
      throw OrmDbException.invalid(
          "'"
              + ref
              + "' is a link field: only an include over a many-to-many relation has link fields"
              + " (the fields of its edge entity)");
    }
    String relation = rel.fromEntity() + "." + rel.name();
    if (rel.cardinality() != Cardinality.MANY_TO_MANY) {
      throw OrmDbException.invalid(
          "'"
              + ref
              + "' is a link field, but relation "
              + relation
              + " is "
              + rel.cardinality().name().toLowerCase(Locale.ROOT).replace('_', ' ')
              + ": only a many-to-many relation has link fields (the fields of its edge entity)");
    }
    List<FieldDef> links = of(schema, rel);
    List<String> names = new ArrayList<>();
    for (FieldDef f : links) {
      if (f.name().equals(name)) {
        return f;
      }
      names.add(ref(f.name()));
    }
    String known = names.isEmpty() ? "none" : String.join(", ", names);
    if (name.equals(rel.edgeFromField()) || name.equals(rel.edgeToField())) {
      boolean from = name.equals(rel.edgeFromField());
      throw OrmDbException.invalid(
          "'"
              + ref
              + "' is a key of the edge entity "
              + rel.edgeEntity()
              + " (it holds "
              + (from
                  ? rel.fromEntity() + "." + rel.fromField()
                  : rel.toEntity() + "." + rel.toField())
              + "), not a link field; the link fields of "
              + relation
              + " are "
              + known);
    }
    String hint = Suggestions.didYouMean(ref, names);
    if (hint.isEmpty() && schema.entity(rel.toEntity()).flatMap(t -> t.field(name)).isPresent()) {
      throw OrmDbException.invalid(
          "'"
              + ref
              + "' names a link field, but '"
              + name
              + "' is a field of "
              + rel.toEntity()
              + ": write it without '"
              + MARKER
              + "'");
    }
    throw OrmDbException.invalid(
        "unknown link field '"
            + ref
            + "' of relation "
            + relation
            + hint
            + (hint.isEmpty()
                ? "; its link fields (the fields of edge entity "
                    + rel.edgeEntity()
                    + " besides its keys) are "
                    + known
                : ""));
  }
}
