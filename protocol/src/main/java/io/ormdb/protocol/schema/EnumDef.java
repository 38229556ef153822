package io.ormdb.protocol.schema;

import java.util.List;
import java.util.Objects;

/** A named enum type: a closed list of variants, in declaration order. */
public record EnumDef(String name, List<String> variants) {
  public EnumDef {
    Objects.requireNonNull(name, "name");
    variants = List.copyOf(variants);
  }
}
