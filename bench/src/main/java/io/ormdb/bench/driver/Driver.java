package io.ormdb.bench.driver;

import io.ormdb.bench.data.Dataset;
import java.nio.file.Path;

/**
 * One system under test, living in its own child JVM. Adding a system is one class implementing
 * this plus a {@code main} that calls {@link ChildLoop#serve(Driver)}.
 */
public interface Driver extends AutoCloseable {

  /**
   * Creates the schema in {@code dir} and loads every row of {@code data}. Every file of the
   * database stays under {@code dir} (the report's file size is their total) and nothing else is
   * put there.
   */
  void load(Dataset data, Path dir) throws Exception;

  /**
   * A session for one thread.
   *
   * @param variant how to read or write: {@code join}, {@code in}, {@code n1}, {@code durable},
   *     {@code nosync}; a driver ignores variants that mean nothing to it and throws {@link
   *     UnsupportedOperationException} for one it cannot do
   * @param conn {@code embedded}, {@code tcp}, or {@code proxy} (TCP through the delay proxy)
   */
  Session session(String variant, String conn) throws Exception;

  /** The write durability of {@code variant}, in words, for the report. */
  String durability(String variant);

  /**
   * Called at the end of every run of a workload that commits, after its last operation and inside
   * its bytes window ({@link ChildLoop}), but outside its timing: work the system would otherwise
   * do later and leave out of the count — ORMDB writes its database file at checkpoints, so its
   * drivers take one here. Returns what was done, in words, for the report; null when nothing.
   */
  default String finishWrites() throws Exception {
    return null;
  }

  /**
   * Times commit → change visible to a reader, with {@code writers} threads, for {@code millis}.
   * Drivers without a change feed throw {@link UnsupportedOperationException}.
   */
  default ChangeTiming changes(int writers, long millis, long firstId) throws Exception {
    throw new UnsupportedOperationException("no change feed");
  }

  /**
   * Like {@link #changes(int, long, long)} for a variant of the change workload ({@code ""}: the
   * change feed; {@code live}: a live query's deltas). Drivers without the variant throw {@link
   * UnsupportedOperationException}.
   */
  default ChangeTiming changes(String variant, int writers, long millis, long firstId)
      throws Exception {
    if (!variant.isEmpty()) {
      throw new UnsupportedOperationException("no '" + variant + "' change stream");
    }
    return changes(writers, millis, firstId);
  }

  /**
   * Times the {@code live} workload ({@link Workload#LIVE}): {@code writers} threads update rows at
   * {@link Workload#LIVE_COMMITS_PER_SECOND} in total, paced, for {@code millis}, while {@link
   * Workload#LIVE_QUERIES} live queries (variant {@code ""}) or the push feed (variant {@code
   * feed}) report them; the latencies are commit call → subscriber update. {@code firstId} is the
   * first of the identities reserved for this run. Drivers without live queries throw {@link
   * UnsupportedOperationException}.
   */
  default ChangeTiming liveQueries(String variant, int writers, long millis, long firstId)
      throws Exception {
    throw new UnsupportedOperationException("no live queries");
  }

  /**
   * The result of {@link #changes} and {@link #liveQueries}: latencies in a histogram, the commits
   * made, a name saying what was timed, the writers' time from start to the end of the last one
   * ({@code elapsedNs}; 0: the requested time) and named numbers for the report ({@code extra}).
   */
  record ChangeTiming(
      org.HdrHistogram.Histogram latencies,
      long commits,
      String measured,
      long elapsedNs,
      java.util.Map<String, Double> extra) {

    public ChangeTiming(org.HdrHistogram.Histogram latencies, long commits, String measured) {
      this(latencies, commits, measured, 0, java.util.Map.of());
    }

    public ChangeTiming {
      extra = java.util.Map.copyOf(extra);
    }
  }

  @Override
  void close() throws Exception;
}
