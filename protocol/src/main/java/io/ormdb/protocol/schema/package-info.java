/**
 * The schema model: entities, fields, relations, constraints, indexes, policies, versioned bundles,
 * and the rules a bundle must follow ({@link io.ormdb.protocol.schema.SchemaRules}).
 */
package io.ormdb.protocol.schema;
