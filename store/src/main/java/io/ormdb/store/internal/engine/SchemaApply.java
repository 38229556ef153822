package io.ormdb.store.internal.engine;

import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.store.internal.catalog.Catalog;
import io.ormdb.store.internal.catalog.CatalogHistory;
import io.ormdb.store.internal.catalog.SchemaValidator;

/**
 * Applies a schema on the committer thread: validates it, checks it against the previous version
 * and the stored rows ({@link SchemaEvolution}), builds its new indexes and stores it as the next
 * version.
 */
final class SchemaApply {
  private final Tables tables;
  private final CatalogHistory catalogs;
  private final Positions at;

  SchemaApply(Tables tables, CatalogHistory catalogs, Positions at) {
    this.tables = tables;
    this.catalogs = catalogs;
    this.at = at;
  }

  /**
   * Applies {@code bundle} as the next version, or — when it equals the current schema, version
   * number aside — returns the current version and writes nothing (an application may apply its
   * schema at every start).
   */
  long apply(SchemaBundle bundle) {
    Catalog old = catalogs.latest();
    if (old != null && bundle.withVersion(old.version).equals(old.bundle)) {
      return old.version;
    }
    SchemaValidator.validateOrThrow(bundle);
    long version = old == null ? 1 : old.version + 1;
    Catalog cat =
        Catalog.compile(
            bundle.withVersion(version), at.last, old == null ? Catalog.Ids.empty() : old.ids);
    SchemaEvolution.check(tables, old, cat);
    install(old, cat);
    return version;
  }

  /** Builds the indexes {@code next} adds to {@code old} and stores {@code next}. */
  void install(Catalog old, Catalog next) {
    SchemaEvolution.buildNewIndexes(tables, old, next);
    catalogs.add(next);
  }
}
