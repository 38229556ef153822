/** Pekko serialization of the actor layer messages over the protocol Kryo table. */
package io.ormdb.actors.serialization;
