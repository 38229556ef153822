/**
 * Change feeds: committed changes as a backpressured Pekko Streams {@code Source} in LSN order,
 * with entity and operation filters, optional transaction markers and durable named-consumer
 * offsets.
 */
package io.ormdb.cdc.feed;
