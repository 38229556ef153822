/** The marker of actor-layer messages that may cross the network (a leaf package). */
package io.ormdb.actors.message;
