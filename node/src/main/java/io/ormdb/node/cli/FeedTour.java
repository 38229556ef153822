package io.ormdb.node.cli;

import io.ormdb.cdc.FeedControl;
import io.ormdb.cdc.feed.ChangeFilter;
import io.ormdb.cdc.live.LiveEvent;
import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.result.Column;
import io.ormdb.protocol.result.EntityBlock;
import io.ormdb.protocol.value.Value;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The demo's reactive part: a live query and a change feed are open while a mutation commits, and
 * both report it — the feed as the row's before and after, the live query as the row entering its
 * result. Returns what did not happen as expected (empty when all did).
 */
final class FeedTour {
  static final String LIVE = "Post.findMany().where(status == \"published\").select(title, views)";
  static final String WRITE =
      "Post.updateMany().where(title == \"Notes, unfinished\").set({ status: \"published\", views:"
          + " 40 })";
  private static final long WAIT_SECONDS = 10;

  private FeedTour() {}

  static List<String> run(OrmDb db, ActorSystem<Void> system, PrintWriter out) {
    List<String> failures = new ArrayList<>();
    out.println();
    out.println(
        "-- A live query keeps a result current: first the result now, then what each commit"
            + " changes in it.");
    out.println("live> " + LIVE);
    Statement.Find find = (Statement.Find) QueryParser.parse(LIVE);
    BlockingQueue<LiveEvent> live = new LinkedBlockingQueue<>();
    FeedControl liveControl =
        db.liveQuery(find.query(), 0).toMat(Sink.foreach(live::add), Keep.left()).run(system);
    BlockingQueue<ChangeEvent> feed = new LinkedBlockingQueue<>();
    FeedControl feedControl = null;
    try {
      LiveEvent first = poll(live);
      if (!(first instanceof LiveEvent.Snapshot s)) {
        failures.add("the live query sent no snapshot within " + WAIT_SECONDS + " s");
        return failures;
      }
      EntityBlock root = s.result().root();
      out.println(
          "snapshot at lsn "
              + s.lsn()
              + ": "
              + root.size()
              + (root.size() == 1 ? " row" : " rows"));
      for (int r = 0; r < root.size(); r++) {
        Map<String, Value> row = new LinkedHashMap<>();
        for (Column c : root.columns()) {
          row.put(c.name(), c.values().get(r));
        }
        out.println("  " + row);
      }

      out.println();
      out.println(
          "-- A change feed from the next changelog position, then a write that publishes the"
              + " draft post:");
      long from = db.store().currentLsn() + 1;
      feedControl =
          db.changes(from, ChangeFilter.all().withEntities("Post"))
              .toMat(Sink.foreach(feed::add), Keep.left())
              .run(system);
      out.println("ormdb> " + WRITE);
      MutationResult written = StatementRunner.await(db.mutate(WRITE));
      out.println(ResultPrinter.write(written));

      ChangeEvent change = poll(feed);
      if (change == null) {
        failures.add("the change feed delivered nothing within " + WAIT_SECONDS + " s");
      } else {
        out.println("change feed: " + describe(change));
        if (change.lsn() != written.lsn() || change.op() != ChangeEvent.Op.UPDATE) {
          failures.add("the change feed delivered " + describe(change));
        }
      }
      LiveEvent next = poll(live);
      if (!(next instanceof LiveEvent.Delta d)) {
        failures.add("the live query sent no update within " + WAIT_SECONDS + " s");
      } else {
        for (LiveEvent.Row row : d.entered()) {
          out.println("live query:  lsn " + d.lsn() + "  entered " + row.fields());
        }
        for (LiveEvent.Row row : d.changed()) {
          out.println("live query:  lsn " + d.lsn() + "  changed " + row.fields());
        }
        if (d.lsn() != written.lsn() || d.entered().size() != 1) {
          failures.add("the live query's update at lsn " + d.lsn() + " is not the new row");
        }
      }
    } finally {
      liveControl.stop();
      if (feedControl != null) {
        feedControl.stop();
      }
    }
    return failures;
  }

  private static String describe(ChangeEvent e) {
    StringBuilder sb =
        new StringBuilder("lsn ")
            .append(e.lsn())
            .append("  ")
            .append(e.op().name().toLowerCase(java.util.Locale.ROOT))
            .append(' ')
            .append(e.entity());
    for (String f : e.changedFields()) {
      Value before = e.before().getOrDefault(f, Value.NULL);
      Value after = e.after().getOrDefault(f, Value.NULL);
      sb.append("  ").append(f).append(": ").append(before).append(" -> ").append(after);
    }
    return sb.toString();
  }

  private static <T> T poll(BlockingQueue<T> q) {
    try {
      return q.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
