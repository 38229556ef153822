package io.ormdb.actors.message;

/**
 * Marks the actor layer's messages that may cross the network (to a shard on another node, a reply
 * to a remote asker): they are bound to {@code io.ormdb.actors.serialization.OrmDbSerializer} and
 * registered in {@code io.ormdb.actors.serialization.ActorMessages}. They hold only protocol types,
 * primitives and actor references.
 */
public interface OrmDbMessage {}
