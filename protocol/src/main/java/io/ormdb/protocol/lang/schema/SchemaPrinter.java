package io.ormdb.protocol.lang.schema;

import io.ormdb.protocol.lang.ExprPrinter;
import io.ormdb.protocol.lang.FilterPrinter;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.ConstraintDef;
import io.ormdb.protocol.schema.DefaultValue;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.EnumDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.Masking;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.PolicyDef;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Prints a {@link SchemaBundle} as canonical schema text: {@link SchemaParser#parse} reads it back
 * to an equal bundle (of version 0; the version is not part of the text). Used to send schemas over
 * the wire and to show them.
 *
 * <p>Canonical means: enums, then entities, then policies, each in bundle order; inside an entity
 * its fields (aligned), relations, constraints, indexes, default order and soft delete; relation
 * keys always written as {@code (from -> to)}; names that equal the generated default, defaults
 * that equal the language's defaults, left out; names that are keywords {@code `backquoted`}. A
 * check constraint is written with its {@code source} text when it has one, else with its printed
 * expression. Constraints, relations and indexes of an entity keep their relative order; the parser
 * returns them grouped by entity in entity order, so a bundle that is not grouped that way reads
 * back grouped.
 */
public final class SchemaPrinter {
  private static final Pattern NAME = Pattern.compile("[\\p{L}_][\\p{L}\\p{Nd}_]*");
  private static final Set<String> KEYWORDS = new HashSet<>();

  static {
    KEYWORDS.addAll(SchemaParser.DECLARATIONS);
    KEYWORDS.addAll(SchemaParser.MEMBER_KEYWORDS);
    KEYWORDS.addAll(FilterPrinter.RESERVED);
    KEYWORDS.addAll(
        List.of(
            "asc",
            "desc",
            "by",
            "to",
            "one",
            "many",
            "through",
            "on",
            "delete",
            "key",
            "using",
            "references",
            "permissive",
            "restrictive",
            "for",
            "bypass",
            "now",
            "uuid",
            "decimal"));
    KEYWORDS.addAll(SchemaChecker.SCALARS.keySet());
  }

  private SchemaPrinter() {}

  public static String print(SchemaBundle bundle) {
    StringBuilder sb = new StringBuilder();
    for (EnumDef e : bundle.enums()) {
      sb.append("enum ").append(name(e.name())).append(" {");
      for (int i = 0; i < e.variants().size(); i++) {
        sb.append(i == 0 ? " " : ", ").append(name(e.variants().get(i)));
      }
      sb.append(" }\n\n");
    }
    for (EntityDef e : bundle.entities()) {
      entity(bundle, e, sb);
    }
    for (PolicyDef p : bundle.policies()) {
      policy(p, sb);
    }
    int end = sb.length();
    while (end > 0 && sb.charAt(end - 1) == '\n') {
      end--;
    }
    sb.setLength(end);
    return sb.append('\n').toString();
  }

  /** A name, {@code `backquoted`} when it is a keyword of either language. */
  static String name(String n) {
    if (!NAME.matcher(n).matches()) {
      throw new IllegalArgumentException("'" + n + "' cannot be written as a name");
    }
    return KEYWORDS.contains(n) ? "`" + n + "`" : n;
  }

  private static void entity(SchemaBundle bundle, EntityDef e, StringBuilder sb) {
    String en = e.name();
    sb.append("entity ").append(name(en)).append(" {\n");
    int nameWidth = 0;
    int typeWidth = 0;
    for (FieldDef f : e.fields()) {
      nameWidth = Math.max(nameWidth, name(f.name()).length());
      typeWidth = Math.max(typeWidth, type(f).length());
    }
    for (FieldDef f : e.fields()) {
      String attrs = attributes(e, f);
      StringBuilder line = new StringBuilder("  ");
      line.append(pad(name(f.name()), nameWidth)).append(' ');
      if (f.computed() != null) {
        // the expression makes the line long anyway: no alignment after it
        line.append(pad(type(f), typeWidth))
            .append(" = ")
            .append(ExprPrinter.print(f.computed().expression()))
            .append(attrs);
      } else {
        line.append(attrs.isEmpty() ? type(f) : pad(type(f), typeWidth) + attrs);
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    List<String> relations = new ArrayList<>();
    for (RelationDef r : bundle.relationsFrom(en)) {
      relations.add(relation(r));
    }
    List<String> members = new ArrayList<>();
    int checks = 0;
    for (ConstraintDef c : bundle.constraintsOf(en)) {
      if (c instanceof ConstraintDef.Unique u) {
        members.add(
            "unique"
                + optionalName(u.name(), en + "_" + String.join("_", u.fields()) + "_key")
                + " ("
                + names(u.fields())
                + ")");
      } else if (c instanceof ConstraintDef.Check ch) {
        checks++;
        String text = ch.source() != null ? ch.source() : FilterPrinter.print(ch.expression());
        members.add("check" + optionalName(ch.name(), en + "_check_" + checks) + " (" + text + ")");
      } else {
        ConstraintDef.ForeignKey fk = (ConstraintDef.ForeignKey) c;
        members.add(
            "foreign key"
                + optionalName(fk.name(), en + "_" + fk.field() + "_fkey")
                + " ("
                + name(fk.field())
                + ") references "
                + name(fk.references())
                + "("
                + name(fk.referencedField())
                + ")"
                + onDelete(fk.onDelete(), OnDelete.RESTRICT));
      }
    }
    for (IndexDef i : bundle.indexesOf(en)) {
      members.add(
          (i.unique() ? "unique index" : "index")
              + optionalName(i.name(), en + "_" + String.join("_", i.fields()) + "_idx")
              + " ("
              + names(i.fields())
              + ")"
              + (i.kind() == IndexDef.Kind.HASH ? " using hash" : ""));
    }
    if (!e.defaultOrder().isEmpty()) {
      StringBuilder o = new StringBuilder("order by ");
      for (int i = 0; i < e.defaultOrder().size(); i++) {
        OrderSpec s = e.defaultOrder().get(i);
        o.append(i == 0 ? "" : ", ").append(name(s.field()));
        if (s.direction() == OrderSpec.Direction.DESC) {
          o.append(" desc");
        }
        if (s.nulls() != OrderSpec.Nulls.DEFAULT) {
          o.append(s.nulls() == OrderSpec.Nulls.FIRST ? " nulls first" : " nulls last");
        }
      }
      members.add(o.toString());
    }
    if (e.softDelete()) {
      members.add("soft delete");
    }
    boolean previous = !e.fields().isEmpty();
    for (List<String> group : List.of(relations, members)) {
      if (group.isEmpty()) {
        continue;
      }
      if (previous) {
        sb.append('\n');
      }
      for (String m : group) {
        sb.append("  ").append(m).append('\n');
      }
      previous = true;
    }
    sb.append("}\n\n");
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  private static String optionalName(String actual, String generated) {
    return actual.equals(generated) ? "" : " " + name(actual);
  }

  private static String names(List<String> names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      out.add(name(n));
    }
    return String.join(", ", out);
  }

  private static String type(FieldDef f) {
    FieldType t = f.type();
    String base;
    switch (t.base()) {
      case DECIMAL:
        base = "decimal(" + t.precision() + ", " + t.scale() + ")";
        break;
      case ENUM:
        base = name(t.enumName());
        break;
      default:
        base = t.base().displayName();
    }
    return base + (t.array() ? "[]" : "") + (f.optional() ? "?" : "");
  }

  private static String attributes(EntityDef e, FieldDef f) {
    StringBuilder sb = new StringBuilder();
    if (f.computed() != null && f.computed().stored()) {
      sb.append(" @stored");
    }
    if (f.name().equals(e.identityField())) {
      sb.append(" @id");
    }
    if (f.unique()) {
      sb.append(" @unique");
    }
    if (f.indexed()) {
      sb.append(" @index");
    }
    if (f.defaultValue() != null) {
      sb.append(" @default(").append(defaultValue(f.defaultValue())).append(')');
    }
    if (f.sensitivity() != Sensitivity.PUBLIC) {
      sb.append(" @sensitive(").append(f.sensitivity().name().toLowerCase(Locale.ROOT)).append(')');
    }
    if (f.masking() != null) {
      sb.append(" @mask(").append(masking(f.masking())).append(')');
    }
    return sb.toString();
  }

  private static String defaultValue(DefaultValue d) {
    if (d instanceof DefaultValue.Now) {
      return "now";
    }
    if (d instanceof DefaultValue.AutoUuid) {
      return "uuid";
    }
    return literal(((DefaultValue.Literal) d).value());
  }

  private static String literal(Value v) {
    if (v instanceof Value.Enum en) {
      return name(en.variant());
    }
    if (v instanceof Value.Array a) {
      List<String> out = new ArrayList<>();
      for (Value element : a.elements()) {
        // inside an array literal an enum variant is written as a string
        out.add(
            element instanceof Value.Enum en
                ? FilterPrinter.string(en.variant())
                : literal(element));
      }
      return "[" + String.join(", ", out) + "]";
    }
    return FilterPrinter.value(v); // decimals keep their exact digits with the m suffix
  }

  private static String masking(Masking m) {
    if (m instanceof Masking.Omit) {
      return "omit";
    } else if (m instanceof Masking.Nullify) {
      return "null";
    } else if (m instanceof Masking.Hash) {
      return "hash";
    } else if (m instanceof Masking.Redact r) {
      return "redact(" + FilterPrinter.string(r.replacement()) + ")";
    } else {
      Masking.Partial p = (Masking.Partial) m;
      return "partial("
          + p.visibleChars()
          + ", "
          + (p.fromEnd() ? "end" : "start")
          + ", "
          + FilterPrinter.string(String.valueOf(p.maskChar()))
          + ")";
    }
  }

  private static String relation(RelationDef r) {
    String card;
    switch (r.cardinality()) {
      case ONE_TO_ONE:
        card = "one to one";
        break;
      case ONE_TO_MANY:
        card = "one to many";
        break;
      case MANY_TO_ONE:
        card = "many to one";
        break;
      default:
        card = "many to many";
    }
    StringBuilder sb = new StringBuilder("relation ");
    sb.append(name(r.name()))
        .append(": ")
        .append(card)
        .append(' ')
        .append(name(r.toEntity()))
        .append(" (")
        .append(name(r.fromField()))
        .append(" -> ")
        .append(name(r.toField()))
        .append(')');
    boolean m2m = r.cardinality() == Cardinality.MANY_TO_MANY;
    if (m2m) {
      sb.append(" through ")
          .append(name(r.edgeEntity()))
          .append('(')
          .append(name(r.edgeFromField()))
          .append(", ")
          .append(name(r.edgeToField()))
          .append(')');
    }
    sb.append(onDelete(r.onDelete(), m2m ? OnDelete.CASCADE : OnDelete.RESTRICT));
    return sb.toString();
  }

  private static String onDelete(OnDelete rule, OnDelete dflt) {
    if (rule == dflt) {
      return "";
    }
    return " on delete " + rule.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  private static void policy(PolicyDef p, StringBuilder sb) {
    if (p.operations().isEmpty()) {
      throw new IllegalArgumentException("policy " + p.name() + " applies to no operation");
    }
    sb.append("policy ").append(name(p.name())).append(" on ").append(name(p.entity()));
    if (p.kind() == PolicyDef.Kind.RESTRICTIVE) {
      sb.append(" restrictive");
    }
    if (p.operations().size() < PolicyDef.Operation.values().length) {
      List<String> ops = new ArrayList<>();
      for (PolicyDef.Operation op : PolicyDef.Operation.values()) {
        if (p.operations().contains(op)) {
          ops.add(op.name().toLowerCase(Locale.ROOT));
        }
      }
      sb.append(" for ").append(String.join(", ", ops));
    }
    sb.append("\n  using (").append(FilterPrinter.print(p.using())).append(')');
    if (p.bypassCapability() != null) {
      sb.append(" bypass ").append(FilterPrinter.string(p.bypassCapability()));
    }
    sb.append("\n\n");
  }
}
