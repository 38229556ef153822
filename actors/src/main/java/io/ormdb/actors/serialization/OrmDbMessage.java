package io.ormdb.actors.serialization;

/**
 * Marks the actor layer's messages that may cross the network (to a shard on another node, a reply
 * to a remote asker): they are bound to {@link OrmDbSerializer} and registered in {@link
 * ActorMessages}. They hold only protocol types, primitives and actor references.
 */
public interface OrmDbMessage {}
