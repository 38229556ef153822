package io.ormdb.node.embedded;

import com.typesafe.config.ConfigFactory;
import io.ormdb.cdc.feed.ChangeFilter;
import io.ormdb.cdc.feed.NamedConsumer;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeFeedItem;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.journal.ConsumerOffset;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The child JVM of {@link ChangeFeedCrashTest}: an embedded node whose writers commit batches
 * through the actor layer while a named consumer processes every feed item — it prints {@code E
 * <item>} (the processing), then commits the item's offset durably and prints {@code C <lsn>
 * <index>} — until the parent kills it. With {@code drain} it runs no writers and prints {@code
 * DONE} once the consumer has processed the last committed item.
 */
public final class FeedCrashChild {
  private FeedCrashChild() {}

  static final String CONSUMER = "crash-test";

  static final String SCHEMA =
      """
      entity Note {
        id   int64  @id
        text string
      }
      """;

  /** How a feed item is printed (and how the parent renders the changelog to compare). */
  static String render(ChangeFeedItem i) {
    if (i instanceof ChangeEvent e) {
      return e.lsn()
          + " "
          + e.index()
          + " "
          + e.op().code()
          + " "
          + e.entity()
          + " "
          + e.id().render();
    }
    if (i instanceof ChangeFeedItem.TxBegin b) {
      return b.lsn() + " " + ConsumerOffset.TX_BEGIN + " begin";
    }
    ChangeFeedItem.TxEnd end = (ChangeFeedItem.TxEnd) i;
    return end.lsn() + " " + ConsumerOffset.TX_END + " end " + end.eventCount();
  }

  public static void main(String[] args) throws Exception {
    String dir = args[0];
    int round = Integer.parseInt(args[1]);
    int writers = Integer.parseInt(args[2]);
    boolean drain = args.length > 3 && args[3].equals("drain");
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "feedcrash",
            ConfigFactory.parseString(
                    "ormdb.data-dir = \""
                        + dir.replace("\\", "\\\\")
                        + "\"\npekko.loglevel = WARNING\npekko.log-dead-letters = off")
                .withFallback(ConfigFactory.load()));
    OrmDb db = OrmDb.get(system);
    if (db.store().schemaVersions().isEmpty()) {
      db.applySchema(SCHEMA).toCompletableFuture().join();
    }
    NamedConsumer consumer = db.consumer(CONSUMER);
    ConsumerOffset start = consumer.offset();
    long target = db.store().currentLsn();
    out.println("START " + start.lsn() + " " + start.index());
    out.println("READY");
    consumer
        .resume(ChangeFilter.all().withTxMarkers())
        .mapAsync(
            1,
            item -> {
              out.println("E " + render(item));
              return consumer
                  .commit(item)
                  .thenApply(
                      done -> {
                        ConsumerOffset o = io.ormdb.cdc.feed.ChangeFeed.offsetOf(item);
                        out.println("C " + o.lsn() + " " + o.index());
                        if (drain && o.lsn() == target && o.index() == ConsumerOffset.TX_END) {
                          out.println("DONE");
                        }
                        return done;
                      });
            })
        .runWith(Sink.ignore(), system);
    if (drain) {
      if (start.lsn() == target && start.index() == ConsumerOffset.TX_END) {
        out.println("DONE");
      }
      return;
    }
    for (int t = 0; t < writers; t++) {
      int thread = t;
      Thread th =
          new Thread(
              () -> {
                for (long i = 0; ; i++) {
                  long id = round * 10_000_000L + thread * 1_000_000L + i;
                  List<Mutation> ms = new ArrayList<>();
                  ms.add(note(id));
                  if (i % 3 == 0) {
                    ms.add(note(id + 500_000));
                  }
                  if (i > 0 && i % 5 == 0) {
                    ms.add(
                        new Mutation.Update(
                            "Note", Value.of(id - 1), Map.of("text", Value.of("u" + i)), 0));
                  }
                  if (i > 0 && i % 7 == 0) {
                    ms.add(new Mutation.Delete("Note", Value.of(id - 2), 0));
                  }
                  db.mutate(new MutationBatch(ms)).toCompletableFuture().join();
                }
              });
      th.setDaemon(true);
      th.start();
    }
  }

  private static Mutation note(long id) {
    return new Mutation.Insert("Note", Map.of("id", Value.of(id), "text", Value.of("n" + id)));
  }
}
