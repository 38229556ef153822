/** Change data capture: Debezium-shaped row events, transaction markers, committed change sets. */
package io.ormdb.protocol.change;
