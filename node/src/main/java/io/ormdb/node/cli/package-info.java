/** The {@code ormdb} command line: the demo, and running query-language scripts on a data dir. */
package io.ormdb.node.cli;
