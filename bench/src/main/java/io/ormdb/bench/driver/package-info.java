/** The child side: the line protocol, the timing loops and the adapter interface of a system. */
package io.ormdb.bench.driver;
