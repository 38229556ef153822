package io.ormdb.bench;

import io.ormdb.bench.driver.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The goals, checked against one run. A miss is reported, never hidden. */
final class Goals {
  private Goals() {}

  record Verdict(String goal, String target, String measured, String verdict) {}

  /** The most a single-row durable commit may cost in bytes written, amortized: 8 KiB. */
  static final long BYTES_PER_COMMIT_GOAL = 8 * 1024;

  /** The ORMDB paths a goal about ORMDB is checked for, each as its own row. */
  static final List<String> ORMDB_PATHS =
      List.of(Plan.ORMDB, Plan.ORMDB_EXTENSION, Plan.ORMDB_SESSION);

  /** The read workloads whose API paths are compared with OrmStore (besides the point reads). */
  static final List<String> API_READS =
      List.of("eq", "range", "graph2", "graph3", "movie", "person", "user");

  /** The shapes applications ask for, each one ORMDB query, compared with H2's best SQL. */
  static final List<String> SHAPES = List.of("movie", "person", "user");

  /** The least share of H2's best SQL an application shape through OrmDb.query reaches. */
  static final double SHAPE_GOAL = 1.0;

  /** The least share of OrmStore's throughput a read or a write keeps through OrmDb's API. */
  static final double EXTENSION_GOAL = 0.8;

  /** The least share of OrmStore's throughput a read keeps through a connection actor. */
  static final double SESSION_GOAL = 0.5;

  /** The live-query goal: commit → update p99 below this, in milliseconds. */
  static final double LIVE_P99_MS = 10;

  /**
   * The share of the target commit rate the live workload's writers must reach for its p99 to
   * count: below it the rate the goal names was not shown.
   */
  static final double LIVE_RATE_SHARE = 0.95;

  /**
   * Checks the goals against one run.
   *
   * @param cases the cases of this run, for the read workloads compared with {@code baseline}
   * @param mode this run's mode; a baseline of another mode (other data sizes) is not compared
   * @param baseline an earlier report ({@code --baseline}), or null
   */
  static List<Verdict> evaluate(
      List<Plan.Case> cases,
      Map<String, List<Measurement>> results,
      String scale,
      String mode,
      Baseline baseline) {
    List<Verdict> out = new ArrayList<>();
    for (String graph : new String[] {"graph2", "graph3", "movie"}) {
      Measurement o = find(results, graph, Plan.ORMDB);
      Measurement best = bestH2(results, graph);
      out.add(
          atLeast(
              "Graph fetch in-process (" + graph + "): ORMDB ÷ H2's best plain SQL",
              1.5,
              o,
              best,
              best == null ? "" : " (best: " + best.entry.label() + ")"));
    }
    out.addAll(shapes(results));
    out.add(
        new Verdict(
            "Graph fetch with 1 ms delay: ORMDB server ÷ N+1",
            "≥ 10×",
            "ORMDB server not built yet (H2 JOIN ÷ H2 N+1 through the proxy: "
                + fmt(ratio(results, "net-graph3", "H2 TCP + proxy, JOIN", "ORM N+1 on H2 TCP"))
                + "×)",
            "n/a (pending)"));
    out.add(atLeast("Point read: ORMDB ÷ raw MVStore get", 1.0 / 3, results, "point", Plan.RAW));
    for (String point : new String[] {"point", "point16"}) {
      Measurement ext = find(results, point, Plan.ORMDB_EXTENSION);
      Measurement session = find(results, point, Plan.ORMDB_SESSION);
      Measurement store = find(results, point, Plan.ORMDB);
      String detail = "";
      if (ext != null && ext.ran()) {
        detail = " (extension p50 " + fmt(ext.p50Micros()) + " µs";
        if (session != null && session.ran() && store != null && store.ran()) {
          detail +=
              "; through a connection actor: "
                  + fmt(session.throughput() / store.throughput())
                  + "×, p50 "
                  + fmt(session.p50Micros())
                  + " µs";
        }
        detail += ")";
      }
      out.add(
          atLeast(
              "Point query through the embedded API, OrmDb.query ("
                  + (point.equals("point") ? "1 caller" : "16 concurrent callers")
                  + "; a primary-key read is answered on the caller's thread) ÷ OrmStore (within"
                  + " 2×)",
              0.5,
              ext,
              store,
              detail));
    }
    out.addAll(apiPaths(results));
    Measurement one = find(results, "insert1", Plan.ORMDB);
    Measurement sixteen = find(results, "insert16", Plan.ORMDB);
    out.add(
        atLeast(
            "16 durable writers ÷ ORMDB's single-writer fsync-per-commit rate",
            20,
            sixteen,
            one,
            ""));
    out.add(
        atLeast(
            "16 durable writers, 4 commits in flight each ÷ ORMDB's single-writer rate (commits/s)",
            20,
            find(results, "insert16p", Plan.ORMDB),
            Workload.PIPELINE, // one op of the pipelined case is that many commits
            one,
            ""));
    Measurement sqlite1 = find(results, "insert1", "SQLite");
    Measurement h2batch = find(results, "batch1000", "H2 SQL embedded, durable");
    Measurement h2sixteen = find(results, "insert16", "H2 SQL embedded, durable");
    Measurement sqlite16 = find(results, "insert16", "SQLite");
    for (String path : ORMDB_PATHS) {
      out.add(
          atLeast(
              "Single durable writer (insert1): " + path + " ÷ SQLite (WAL, synchronous=FULL)",
              1,
              find(results, "insert1", path),
              sqlite1,
              ""));
    }
    for (String path : ORMDB_PATHS) {
      out.add(
          atLeast(
              "1,000-row durable batches (batch1000): "
                  + path
                  + " ÷ H2 durable (commit + CHECKPOINT SYNC)",
              1,
              find(results, "batch1000", path),
              h2batch,
              ""));
    }
    for (String path : ORMDB_PATHS) {
      Measurement m = find(results, "insert16", path);
      out.add(
          above(
              "16 durable writers keep their lead (insert16): "
                  + path
                  + " ÷ H2 durable (commit + CHECKPOINT SYNC)",
              m,
              h2sixteen));
      out.add(
          above(
              "16 durable writers keep their lead (insert16): "
                  + path
                  + " ÷ SQLite (WAL, synchronous=FULL)",
              m,
              sqlite16));
    }
    for (String c : new String[] {"insert1", "insert16"}) {
      for (String path : ORMDB_PATHS) {
        out.add(
            bytesPerCommit(
                "Bytes written per single-row durable commit, amortized (" + c + "): " + path,
                find(results, c, path)));
      }
    }
    out.add(
        atLeast(
            "Group-by aggregate (" + scale + " scale): ORMDB time ≤ H2's, as throughput ratio",
            1,
            results,
            "agg",
            "H2 SQL embedded"));
    Measurement keyset = find(results, "keyset", Plan.ORMDB);
    if (keyset == null || !keyset.ran()) {
      out.add(new Verdict("Keyset: last page time ÷ first page time", "≤ 2×", "—", "n/a"));
    } else {
      double first = keyset.extraMedian("firstPagesNs");
      double last = keyset.extraMedian("lastPagesNs");
      double r = last / first;
      boolean complete = keyset.extraMedian("complete") >= 1;
      out.add(
          new Verdict(
              "Keyset (" + scale + " scale): ORMDB last-10-pages ÷ first-10-pages median page time",
              "≤ 2×",
              String.format(
                      Locale.ROOT,
                      "%s× (%.0f µs → %.0f µs at row %,.0f)",
                      fmt(r),
                      first / 1e3,
                      last / 1e3,
                      keyset.extraMedian("rowsReached"))
                  + (complete ? "" : "; the pass did not reach the last row within the cap"),
              r <= 2 && complete ? "met" : "missed"));
    }
    Measurement push = find(results, "changes", Plan.PUSH_FEED);
    out.add(
        push == null || !push.ran()
            ? new Verdict("Change stream p99 (push feed, 16 writers)", "< 5 ms", "—", "n/a")
            : new Verdict(
                "Change stream p99 (push feed, 16 writers): commit call → subscriber",
                "< 5 ms",
                fmt(push.p99Micros() / 1000) + " ms (p50 " + fmt(push.p50Micros() / 1000) + " ms)",
                push.p99Micros() < 5000 ? "met" : "missed"));
    out.add(liveQueries(results));
    out.addAll(readsVersusBaseline(cases, results, mode, baseline));
    return out;
  }

  /**
   * Every read workload through OrmDb.query ≥ {@link #EXTENSION_GOAL} × OrmStore and through a
   * connection actor ≥ {@link #SESSION_GOAL} ×; insert16 and insert16p through OrmDb.mutate ≥
   * {@link #EXTENSION_GOAL} × OrmStore, with the connection actor's ratio beside it.
   */
  static List<Verdict> apiPaths(Map<String, List<Measurement>> results) {
    List<Verdict> out = new ArrayList<>();
    for (String c : API_READS) {
      Measurement store = find(results, c, Plan.ORMDB);
      Measurement ext = find(results, c, Plan.ORMDB_EXTENSION);
      Measurement session = find(results, c, Plan.ORMDB_SESSION);
      out.add(
          atLeast(
              "Read (" + c + ") through the embedded API: OrmDb.query ÷ OrmStore",
              EXTENSION_GOAL,
              ext,
              store,
              p50s(ext, store)));
      out.add(
          atLeast(
              "Read (" + c + ") through a connection actor: connection actor ÷ OrmStore",
              SESSION_GOAL,
              session,
              store,
              p50s(session, store)));
    }
    for (String c : new String[] {"insert16", "insert16p"}) {
      Measurement store = find(results, c, Plan.ORMDB);
      Measurement session = find(results, c, Plan.ORMDB_SESSION);
      String detail = "";
      if (session != null && session.ran() && store != null && store.ran()) {
        detail =
            " (through a connection actor: "
                + fmt(Stats.ratio(session.throughput(), store.throughput()))
                + "×)";
      }
      out.add(
          atLeast(
              "16 durable writers ("
                  + c
                  + ") through the embedded API: OrmDb.mutate ÷ OrmStore"
                  + (c.equals("insert16p") ? " (4 commits in flight each)" : ""),
              EXTENSION_GOAL,
              find(results, c, Plan.ORMDB_EXTENSION),
              store,
              detail));
    }
    return out;
  }

  /** The fastest H2 SQL row run in-process (JOIN, IN, ...; not N+1) of case {@code c}, or null. */
  private static Measurement bestH2(Map<String, List<Measurement>> results, String c) {
    Measurement best = null;
    for (Measurement m : rows(results, c)) {
      if (m.ran() && m.entry.label().startsWith("H2 SQL embedded")) {
        if (best == null || m.throughput() > best.throughput()) {
          best = m;
        }
      }
    }
    return best;
  }

  /**
   * The shapes real applications ask for ({@link #SHAPES}), each one query through {@code
   * OrmDb.query} ≥ {@link #SHAPE_GOAL} × H2's best hand-written SQL in-process (long-term 2×).
   */
  static List<Verdict> shapes(Map<String, List<Measurement>> results) {
    List<Verdict> out = new ArrayList<>();
    for (String c : SHAPES) {
      Measurement ext = find(results, c, Plan.ORMDB_EXTENSION);
      Measurement best = bestH2(results, c);
      out.add(
          atLeast(
              "Application shape ("
                  + c
                  + ") in-process: OrmDb.query ÷ H2's best SQL (long-term 2×)",
              SHAPE_GOAL,
              ext,
              best,
              best == null ? "" : " (best: " + best.entry.label() + ")"));
    }
    return out;
  }

  /** " (p50 a µs vs b µs)" when both ran, else empty. */
  private static String p50s(Measurement path, Measurement store) {
    if (path == null || store == null || !path.ran() || !store.ran()) {
      return "";
    }
    return " (p50 " + fmt(path.p50Micros()) + " µs vs " + fmt(store.p50Micros()) + " µs)";
  }

  /**
   * Live queries keep up: commit → update p99 below {@link #LIVE_P99_MS} with the writers at the
   * target rate, the push feed's latency beside it. Not applicable when the writers fell short of
   * {@link #LIVE_RATE_SHARE} of the rate; missed when a commit was never seen.
   */
  static Verdict liveQueries(Map<String, List<Measurement>> results) {
    String goal =
        String.format(
            Locale.ROOT,
            "Live query: commit → update p99 at %,d commits/s with %d live queries",
            Workload.LIVE_COMMITS_PER_SECOND,
            Workload.LIVE_QUERIES);
    String target = "< " + fmt(LIVE_P99_MS) + " ms";
    Measurement live = find(results, "live", Plan.LIVE_QUERIES);
    if (live == null || !live.ran()) {
      return new Verdict(goal, target, "—", "n/a (did not run)");
    }
    double p99 = live.p99Micros() / 1000;
    double rate = live.throughput();
    double missing =
        live.extras.getOrDefault("updatesMissing", List.of()).stream()
            .mapToDouble(Double::doubleValue)
            .sum();
    Measurement feed = find(results, "live", Plan.PUSH_FEED);
    String measured =
        String.format(
            Locale.ROOT,
            "%s ms (p50 %s ms) at %,.0f commits/s reached; push feed, same writers: %s",
            fmt(p99),
            fmt(live.p50Micros() / 1000),
            rate,
            feed == null || !feed.ran()
                ? "did not run"
                : String.format(
                    Locale.ROOT,
                    "p99 %s ms (p50 %s ms) at %,.0f commits/s",
                    fmt(feed.p99Micros() / 1000),
                    fmt(feed.p50Micros() / 1000),
                    feed.throughput()));
    if (missing > 0) {
      return new Verdict(
          goal,
          target,
          measured
              + String.format(
                  Locale.ROOT,
                  "; %,.0f commits never reached a subscriber (all repetitions)",
                  missing),
          "missed");
    }
    if (p99 >= LIVE_P99_MS) {
      return new Verdict(goal, target, measured, "missed");
    }
    if (rate < LIVE_RATE_SHARE * Workload.LIVE_COMMITS_PER_SECOND) {
      return new Verdict(
          goal,
          target,
          measured,
          String.format(
              Locale.ROOT,
              "n/a (the writers reached %,.0f of %,d commits/s)",
              rate,
              Workload.LIVE_COMMITS_PER_SECOND));
    }
    return new Verdict(goal, target, measured, "met");
  }

  /** ORMDB's median ÷ the other's, which must be above 1 (a lead kept, not a tie). */
  private static Verdict above(String goal, Measurement ormdb, Measurement other) {
    if (ormdb == null || other == null || !ormdb.ran() || !other.ran()) {
      return new Verdict(goal, "> 1×", "—", "n/a (did not run)");
    }
    double ratio = Stats.ratio(ormdb.throughput(), other.throughput());
    return new Verdict(goal, "> 1×", fmt(ratio) + "×", ratio > 1 ? "met" : "missed");
  }

  /**
   * Everything a row's commits caused to be written — during the measured operations and after them
   * until the child's next command (background checkpoints) — per commit, at most {@link
   * #BYTES_PER_COMMIT_GOAL}.
   */
  static Verdict bytesPerCommit(String goal, Measurement m) {
    String target = String.format(Locale.ROOT, "≤ 8 KiB (%,d bytes)", BYTES_PER_COMMIT_GOAL);
    if (m == null || !m.ran()) {
      return new Verdict(goal, target, "—", "n/a (did not run)");
    }
    if (!m.bytesCounted()) {
      return new Verdict(
          goal, target, "—", "n/a (no bytes counted: counter '" + m.ioCounter + "')");
    }
    double amortized = m.amortizedBytesPerCommit();
    return new Verdict(
        goal,
        target,
        String.format(
            Locale.ROOT,
            "%,.0f bytes (%,.0f during the measured commits%s + %,.0f after them; %s, %,d commits)",
            amortized,
            m.bytesPerCommit(),
            m.finished.isEmpty() ? "" : " and " + m.finished + " after each repetition",
            m.afterBytesPerCommit(),
            m.ioCounter,
            m.commits),
        amortized <= BYTES_PER_COMMIT_GOAL ? "met" : "missed");
  }

  /**
   * "No read workload slower than in the previous report": per read workload of this run and per
   * ORMDB row in it, the median now ÷ the baseline's, met at {@link Baseline#TOLERANCE} or more.
   * Without a baseline, one n/a row per read workload.
   */
  static List<Verdict> readsVersusBaseline(
      List<Plan.Case> cases,
      Map<String, List<Measurement>> results,
      String mode,
      Baseline baseline) {
    List<Verdict> out = new ArrayList<>();
    String target = "≥ " + fmt(Baseline.TOLERANCE) + "× the baseline";
    for (Plan.Case c : cases) {
      if (c.workload().commits() || !results.containsKey(c.id())) {
        continue;
      }
      String goal = "No read slower than in the previous report (" + c.id() + ")";
      if (baseline == null) {
        out.add(new Verdict(goal, target, "—", "n/a (no --baseline given)"));
        continue;
      }
      for (Measurement m : rows(results, c.id())) {
        if (!m.entry.runs()
            || (m.entry.child() != Plan.Child.ORMDB && m.entry.child() != Plan.Child.ORMDB_EXT)) {
          continue;
        }
        String g = goal + ": " + m.entry.label() + " now ÷ baseline";
        Double before = baseline.median(c.id(), m.entry.label());
        if (!baseline.mode.equals(mode)) {
          out.add(
              new Verdict(
                  g,
                  target,
                  "—",
                  "n/a (the baseline is a '"
                      + baseline.mode
                      + "' run, this one '"
                      + mode
                      + "': other data sizes)"));
        } else if (!m.ran()) {
          out.add(new Verdict(g, target, "—", "n/a (did not run)"));
        } else if (before == null) {
          out.add(new Verdict(g, target, "—", "n/a (not in the baseline)"));
        } else {
          double now = m.throughput();
          out.add(
              new Verdict(
                  g,
                  target,
                  fmt(now / before) + "× (" + fmt(before) + " → " + fmt(now) + " ops/s)",
                  Baseline.verdict(now, before)));
        }
      }
    }
    if (out.isEmpty()) {
      out.add(
          new Verdict(
              "No read workload slower than in the previous report",
              target,
              "—",
              "n/a (no read workload in this run)"));
    }
    return out;
  }

  private static Verdict atLeast(
      String goal, double target, Map<String, List<Measurement>> r, String c, String other) {
    return atLeast(goal, target, find(r, c, Plan.ORMDB), find(r, c, other), "");
  }

  private static Verdict atLeast(
      String goal, double target, Measurement ormdb, Measurement other, String note) {
    return atLeast(goal, target, ormdb, 1, other, note);
  }

  /** {@code ormdbPerOp}: how many of the other side's operations one ORMDB operation is. */
  private static Verdict atLeast(
      String goal,
      double target,
      Measurement ormdb,
      double ormdbPerOp,
      Measurement other,
      String note) {
    String t = "≥ " + fmt(target) + "×";
    if (ormdb == null || other == null || !ormdb.ran() || !other.ran()) {
      return new Verdict(goal, t, "—", "n/a (did not run)");
    }
    double ratio = Stats.ratio(ormdb.throughput() * ormdbPerOp, other.throughput());
    return new Verdict(goal, t, fmt(ratio) + "×" + note, ratio >= target ? "met" : "missed");
  }

  private static double ratio(Map<String, List<Measurement>> r, String c, String a, String b) {
    Measurement x = find(r, c, a);
    Measurement y = find(r, c, b);
    if (x == null || y == null || !x.ran() || !y.ran()) {
      return Double.NaN;
    }
    return Stats.ratio(x.throughput(), y.throughput());
  }

  private static List<Measurement> rows(Map<String, List<Measurement>> r, String c) {
    return r.getOrDefault(c, List.of());
  }

  /** The row of case {@code c} whose label starts with {@code label}. */
  static Measurement find(Map<String, List<Measurement>> r, String c, String label) {
    for (Measurement m : rows(r, c)) {
      if (m.entry.label().startsWith(label)) {
        return m;
      }
    }
    return null;
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "—";
    }
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
