/**
 * Change data capture over the store's changelog: how the cdc components find the node's store
 * ({@link io.ormdb.cdc.OrmStoreRegistry}) and the control of a running stream ({@link
 * io.ormdb.cdc.FeedControl}).
 */
package io.ormdb.cdc;
