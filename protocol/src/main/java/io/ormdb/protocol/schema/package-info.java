/**
 * The schema model: entities, fields, relations, constraints, indexes, policies, versioned bundles.
 */
package io.ormdb.protocol.schema;
