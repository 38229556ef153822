/**
 * JMH micro-benchmarks of ORMDB against raw MVStore, sharing one JVM (both on h2-mvstore 2.4.240).
 */
package io.ormdb.bench.jmh;
