/** The wire protocol's messages and their frame-header type codes. */
package io.ormdb.protocol.wire;
