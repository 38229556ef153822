/** ORMDB embedded in a Pekko application: the {@code OrmDb} extension and its settings. */
package io.ormdb.node.embedded;
