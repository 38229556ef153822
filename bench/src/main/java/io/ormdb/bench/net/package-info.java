/** The loopback delay proxy that simulates network latency between a client and a server. */
package io.ormdb.bench.net;
