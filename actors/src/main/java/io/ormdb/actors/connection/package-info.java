/** Client sessions: handshake, request ids, in-flight bound, routing. */
package io.ormdb.actors.connection;
