/**
 * What sessions do with requests: the checks and the reads at one snapshot, on the session's thread
 * or as one store task ({@code ReadService}, {@code Requests}), and the planner protocol of
 * actor-native callers.
 */
package io.ormdb.actors.planner;
