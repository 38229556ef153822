/**
 * What sessions do with requests: the checks and the one-task reads ({@code ReadService}, {@code
 * Requests}), and the planner protocol of actor-native callers.
 */
package io.ormdb.actors.planner;
