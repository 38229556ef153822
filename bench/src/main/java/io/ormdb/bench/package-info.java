/**
 * The benchmark orchestrator: starts one child JVM per system, runs the workloads in alternating
 * repetitions and writes the Markdown and JSON reports with ORMDB's ratio to every other system.
 */
package io.ormdb.bench;
