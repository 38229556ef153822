/**
 * The {@code ormdb} command line: the demo, running query-language scripts on a data dir, and
 * verifying a data dir.
 */
package io.ormdb.node.cli;
