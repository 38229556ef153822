package io.ormdb.examples.embedded;

import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A tool that works on a database directory without Pekko (an import, an export, a check): {@link
 * OrmStore} opens the file directly, applies a schema, commits batches, runs queries and reads the
 * changelog. One process at a time: run it while no node has the directory open.
 */
public final class OrmStoreToolExample {
  private OrmStoreToolExample() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("ormdb-tool");
    run(dataDir, System.out);
  }

  /** The tool's steps on a new data directory; returns the tags it reads back. */
  static QueryResult run(Path dataDir, PrintStream out) {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dataDir))) {
      long version = store.applySchema(SchemaParser.parse(BlogSchema.text()));
      MutationResult r =
          store.commit(
              MutationBatch.of(
                  new Mutation.Insert(
                      "Tag", Map.of("id", Value.of(1L), "name", Value.of("history"))),
                  new Mutation.Insert(
                      "Tag", Map.of("id", Value.of(2L), "name", Value.of("compilers")))));
      out.println("schema version " + version + ", committed at lsn " + r.lsn());
    }
    // closed: the file is released, and the data is on disk for the next process
    try (OrmStore store = OrmStore.open(StoreConfig.of(dataDir))) {
      QueryResult tags = store.query(GraphQuery.from("Tag").orderBy(OrderSpec.asc("name")).build());
      out.println("tags: " + ResultObjects.toMaps(tags));
      for (ChangeSet cs : store.changes(1, 100)) {
        out.println("lsn " + cs.lsn() + ": " + cs.events().size() + " changes");
      }
      return tags;
    }
  }
}
