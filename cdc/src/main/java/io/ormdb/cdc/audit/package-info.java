/**
 * Audit sinks: a named change-feed consumer that writes every committed change to a rotated
 * JSON-lines file (exactly once across restarts and crashes) or to a user's own destination (at
 * least once), committing its offset only after the destination made the changes durable.
 */
package io.ormdb.cdc.audit;
