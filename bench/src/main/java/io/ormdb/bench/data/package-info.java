/** The seeded data every system loads, in plain Java so every child JVM can generate it. */
package io.ormdb.bench.data;
