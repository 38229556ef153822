/** The bounded, notification-driven source stage behind change feeds and read-journal queries. */
package io.ormdb.cdc.internal;
