/** Settings of the actor layer, read from the {@code ormdb} configuration. */
package io.ormdb.actors.settings;
