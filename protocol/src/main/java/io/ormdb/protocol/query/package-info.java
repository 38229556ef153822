/** Read requests: graph queries with filters and includes, aggregates, pagination, read options. */
package io.ormdb.protocol.query;
