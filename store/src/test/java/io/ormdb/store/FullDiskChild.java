package io.ormdb.store;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link FullDiskTest}, run with a limit on the size of the files it may write:
 * commits batches of 100 rows of 1 KB to the store in {@code args[0]} (a checkpoint every 4 MiB of
 * log) and prints {@code ACK <batch>} for each acknowledged one, until a commit fails; then prints
 * {@code FAILED <code> <message>}, reads every row and prints {@code READ <rows>}, closes the store
 * and prints {@code CLOSED}.
 */
public final class FullDiskChild {
  private FullDiskChild() {}

  public static void main(String[] args) {
    StoreConfig config =
        StoreConfig.of(Path.of(args[0]))
            .withCheckpoints(new StoreConfig.Checkpoints(Duration.ofHours(1), 4L << 20, 50, 0));
    OrmStore store = OrmStore.open(config);
    try {
      store.applySchema(
          SchemaParser.parse("entity Event {\n  id int64 @id\n  payload string\n}\n"));
      String payload = "p".repeat(1_000);
      for (int b = 0; ; b++) {
        List<Mutation> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          batch.add(
              new Mutation.Insert(
                  "Event", Map.of("id", Value.of(b * 100L + i), "payload", Value.of(payload))));
        }
        store.commit(new MutationBatch(batch));
        System.out.println("ACK " + b);
      }
    } catch (OrmDbException e) {
      System.out.println("FAILED " + e.code() + " " + e.getMessage().replace('\n', ' '));
      System.out.println("READ " + StoreTestSupport.all(store, "Event").size());
    } finally {
      store.close();
    }
    System.out.println("CLOSED");
  }
}
