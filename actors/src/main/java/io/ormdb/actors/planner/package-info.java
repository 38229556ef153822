/** The planner: schema-version checks, parsing, planning, routing of requests. */
package io.ormdb.actors.planner;
