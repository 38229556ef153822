/** Per-request graph query executors over entity shards. */
package io.ormdb.actors.executor;
