package io.ormdb.protocol.schema;

import java.util.Objects;

/**
 * A field of an entity.
 *
 * @param name the field name, unique within its entity
 * @param type the declared type
 * @param optional true when the field may be null or absent
 * @param defaultValue applied on insert when absent; may be null
 * @param unique shorthand for a single-field unique constraint
 * @param indexed shorthand for a single-field B-tree index
 * @param sensitivity the field's sensitivity level
 * @param masking how the field is masked for sessions not cleared for it; null means {@link
 *     Masking.Nullify} when the sensitivity is above PUBLIC
 * @param computed how the field's value is computed from the row, or null for a field that writes
 *     set; see {@link Computed}
 */
public record FieldDef(
    String name,
    FieldType type,
    boolean optional,
    DefaultValue defaultValue,
    boolean unique,
    boolean indexed,
    Sensitivity sensitivity,
    Masking masking,
    Computed computed) {
  public FieldDef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    sensitivity = sensitivity == null ? Sensitivity.PUBLIC : sensitivity;
  }

  /** A field that writes set (not computed). */
  public FieldDef(
      String name,
      FieldType type,
      boolean optional,
      DefaultValue defaultValue,
      boolean unique,
      boolean indexed,
      Sensitivity sensitivity,
      Masking masking) {
    this(name, type, optional, defaultValue, unique, indexed, sensitivity, masking, null);
  }

  /** A required, plain field. */
  public static FieldDef of(String name, FieldType type) {
    return new FieldDef(name, type, false, null, false, false, Sensitivity.PUBLIC, null);
  }

  /** Whether the field is computed (virtual or stored). */
  public boolean isComputed() {
    return computed != null;
  }

  /** Whether the field is computed at read time and never stored. */
  public boolean isVirtual() {
    return computed != null && !computed.stored();
  }

  public FieldDef asOptional() {
    return new FieldDef(
        name, type, true, defaultValue, unique, indexed, sensitivity, masking, computed);
  }

  public FieldDef withDefault(DefaultValue d) {
    return new FieldDef(name, type, optional, d, unique, indexed, sensitivity, masking, computed);
  }

  public FieldDef asUnique() {
    return new FieldDef(
        name, type, optional, defaultValue, true, indexed, sensitivity, masking, computed);
  }

  public FieldDef asIndexed() {
    return new FieldDef(
        name, type, optional, defaultValue, unique, true, sensitivity, masking, computed);
  }

  public FieldDef withSecurity(Sensitivity s, Masking m) {
    return new FieldDef(name, type, optional, defaultValue, unique, indexed, s, m, computed);
  }

  /** This field computed by {@code c} (null: a field that writes set). */
  public FieldDef withComputed(Computed c) {
    return new FieldDef(
        name, type, optional, defaultValue, unique, indexed, sensitivity, masking, c);
  }
}
