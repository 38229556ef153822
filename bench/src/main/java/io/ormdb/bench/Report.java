package io.ormdb.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders one run as a Markdown table and as JSON. */
final class Report {
  private Report() {}

  static final String[] GROUPS = {
    "",
    "1. Reads",
    "2. Graph fetch",
    "3. Keyset pagination",
    "4. Durable writes",
    "5. Aggregates",
    "6. Change stream",
    "7. Network (delay proxy)"
  };

  static final String RATIO_HEADER = "ORMDB ÷ this (throughput; > 1 = ORMDB faster)";

  static String markdown(
      Map<String, String> header,
      List<Plan.Case> cases,
      Map<String, List<Measurement>> results,
      List<Goals.Verdict> goals) {
    StringBuilder b = new StringBuilder();
    b.append("# ORMDB side-by-side benchmark — ").append(header.get("mode")).append("\n\n");
    for (Map.Entry<String, String> e : header.entrySet()) {
      b.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    b.append("\nThroughput is the median over the repetitions (ops/s; one op = one request as the")
        .append(" workload defines it); spread = (max − min) ÷ median over the repetitions;")
        .append(" p50/p99 are per-operation latencies over all repetitions (HdrHistogram).")
        .append(" The ratio column is ORMDB's median throughput divided by that row's, from this")
        .append(" same run: above 1 ORMDB is faster.")
        .append(" Tables of workloads that commit also show the commits of the measured operations")
        .append(" (all repetitions), the bytes the system's process caused to be written meanwhile")
        .append(" (MB, and per commit; counter: see 'bytes written' above), the bytes it wrote")
        .append(" after them until its next command (background checkpoints, write-behind), per")
        .append(" commit, and the size of its database files after loading → at the end of the")
        .append(" workload. Rows played by one child share its files (H2 durable and default).")
        .append(" ORMDB writes its database file at checkpoints (every minute or 64 MiB of log by")
        .append(" default), so its rows end every repetition with a checkpoint inside the bytes")
        .append(" window, outside the throughput time (named under each table).")
        .append(" A read compared with a baseline is met at ≥ ")
        .append(Goals.fmt(Baseline.TOLERANCE))
        .append("× its median: one workload's run-to-run spread here is often 10–40 %.\n");
    b.append("\n## Goals\n\n| goal | target | measured | verdict |\n|---|---|---|---|\n");
    for (Goals.Verdict g : goals) {
      b.append("| ").append(g.goal()).append(" | ").append(g.target()).append(" | ");
      b.append(g.measured()).append(" | **").append(g.verdict()).append("** |\n");
    }
    int group = 0;
    for (Plan.Case c : cases) {
      List<Measurement> rows = results.get(c.id());
      if (rows == null) {
        continue;
      }
      if (c.group() != group) {
        group = c.group();
        b.append("\n## ").append(GROUPS[group]).append('\n');
      }
      b.append("\n### ").append(c.title()).append(" (`").append(c.id()).append("`)\n\n");
      boolean writes = writeCase(c);
      b.append("| system | durability (fsync) | throughput (ops/s) | spread | p50 (µs) | p99 (µs)")
          .append(" | rows/op | ")
          .append(RATIO_HEADER)
          .append(writes ? " | " + String.join(" | ", WRITE_HEADERS) : "")
          .append(" |\n|---|---|---:|---:|---:|---:|---:|---:|")
          .append(writes ? "---:|".repeat(WRITE_HEADERS.length) : "")
          .append('\n');
      String empty = " |".repeat(6 + (writes ? WRITE_HEADERS.length : 0));
      Measurement ormdb = Goals.find(results, c.id(), Plan.ORMDB);
      double base = ormdb != null && ormdb.ran() ? ormdb.throughput() : Double.NaN;
      for (Measurement m : rows) {
        b.append("| ").append(m.entry.label()).append(" | ");
        if (!m.entry.runs()) {
          b.append("— | ").append(m.entry.notRun()).append(empty).append('\n');
          continue;
        }
        if (!m.ran()) {
          b.append(m.durability)
              .append(" | did not run: ")
              .append(m.error)
              .append(empty)
              .append('\n');
          continue;
        }
        b.append(writeCase(c) ? m.durability : "n/a (read)").append(" | ");
        b.append(Goals.fmt(m.throughput())).append(" | ");
        b.append(String.format(Locale.ROOT, "%.0f%%", m.spreadPercent())).append(" | ");
        b.append(Goals.fmt(m.p50Micros())).append(" | ").append(Goals.fmt(m.p99Micros()));
        b.append(" | ").append(Goals.fmt(m.ops == 0 ? Double.NaN : (double) m.rows / m.ops));
        b.append(" | ");
        b.append(m.entry.isOrmdb() ? "1 (ORMDB)" : Goals.fmt(Stats.ratio(base, m.throughput())));
        if (writes) {
          b.append(" | ").append(String.join(" | ", writeCells(m)));
        }
        b.append(" |\n");
      }
      for (Measurement m : rows) {
        if (m.ran() && !m.measured.isEmpty()) {
          b.append("\n").append(m.entry.label()).append(" timed: ").append(m.measured).append('\n');
        }
      }
      for (Measurement m : rows) {
        if (writes && m.ran() && !m.finished.isEmpty()) {
          b.append("\n")
              .append(m.entry.label())
              .append(": every repetition ended with ")
              .append(m.finished)
              .append(" inside its bytes window (not in its time): its writes are in written and")
              .append(" bytes/commit, the files include it.\n");
        }
      }
      if (c.id().equals("keyset")) {
        b.append(
            "\nPage time at the start vs the end (median of the first and last 10 pages;"
                + " a pass stops where it got to after "
                + header.get("keyset cap")
                + "):\n\n");
        b.append("| system | first pages (µs) | last pages (µs) | last ÷ first | rows reached |\n")
            .append("|---|---:|---:|---:|---|\n");
        for (Measurement m : rows) {
          if (m.ran()) {
            double f = m.extraMedian("firstPagesNs");
            double l = m.extraMedian("lastPagesNs");
            b.append("| ").append(m.entry.label()).append(" | ").append(Goals.fmt(f / 1e3));
            b.append(" | ").append(Goals.fmt(l / 1e3)).append(" | ").append(Goals.fmt(l / f));
            b.append(" | ")
                .append(String.format(Locale.ROOT, "%,.0f", m.extraMedian("rowsReached")));
            b.append(m.extraMedian("complete") >= 1 ? " (all)" : " (stopped at the cap)");
            b.append(" |\n");
          }
        }
      }
    }
    return b.toString();
  }

  static final String[] WRITE_HEADERS = {
    "commits", "written (MB)", "bytes/commit", "after (bytes/commit)", "files (MB): loaded → end"
  };

  /** The cells of {@link #WRITE_HEADERS} for a row. */
  static String[] writeCells(Measurement m) {
    boolean counted = m.bytesCounted();
    return new String[] {
      String.format(Locale.ROOT, "%,d", m.commits),
      counted ? mb(m.writtenBytes) : "— (" + m.ioCounter + ")",
      counted ? String.format(Locale.ROOT, "%,.0f", m.bytesPerCommit()) : "—",
      counted ? String.format(Locale.ROOT, "%,.0f", m.afterBytesPerCommit()) : "—",
      mb(m.fileBytesLoaded) + " → " + mb(m.fileBytesEnd)
    };
  }

  static String mb(long bytes) {
    return bytes < 0 ? "—" : String.format(Locale.ROOT, "%,.1f", bytes / 1e6);
  }

  static boolean writeCase(Plan.Case c) {
    return c.workload().commits();
  }

  static String json(
      Map<String, String> header,
      List<Plan.Case> cases,
      Map<String, List<Measurement>> results,
      List<Goals.Verdict> goals)
      throws java.io.IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    ObjectNode h = root.putObject("run");
    header.forEach(h::put);
    root.put("ratioDirection", "ormdbThroughput / systemThroughput; > 1 means ORMDB is faster");
    ArrayNode ws = root.putArray("workloads");
    for (Plan.Case c : cases) {
      List<Measurement> rows = results.get(c.id());
      if (rows == null) {
        continue;
      }
      ObjectNode w = ws.addObject();
      w.put("id", c.id());
      w.put("group", c.group());
      w.put("title", c.title());
      w.put("workload", c.workload().description());
      w.put("threads", c.threads());
      Measurement ormdb = Goals.find(results, c.id(), Plan.ORMDB);
      double base = ormdb != null && ormdb.ran() ? ormdb.throughput() : Double.NaN;
      ArrayNode sys = w.putArray("systems");
      for (Measurement m : rows) {
        ObjectNode s = sys.addObject();
        s.put("system", m.entry.label());
        if (!m.entry.runs()) {
          s.put("status", m.entry.notRun());
          continue;
        }
        s.put("child", m.entry.child().id);
        s.put("variant", m.entry.variant());
        s.put("connection", m.entry.conn());
        s.put("fsync", m.durability);
        if (!m.ran()) {
          s.put("status", "did not run: " + m.error);
          continue;
        }
        s.put("status", "ran");
        s.put("throughputOpsPerSecMedian", m.throughput());
        s.put("spreadPercent", m.spreadPercent());
        ArrayNode reps = s.putArray("throughputPerRepetition");
        m.throughputs.forEach(reps::add);
        s.put("p50Micros", m.p50Micros());
        s.put("p99Micros", m.p99Micros());
        s.put("operations", m.ops);
        s.put("rows", m.rows);
        double r = Stats.ratio(base, m.throughput());
        if (!Double.isNaN(r)) {
          s.put("ormdbRatio", r);
        }
        if (writeCase(c)) {
          ObjectNode io = s.putObject("io");
          io.put("counter", m.ioCounter);
          io.put("commits", m.commits);
          if (m.bytesCounted()) {
            io.put("writtenBytes", m.writtenBytes);
            io.put("bytesPerCommit", m.bytesPerCommit());
            io.put("writtenAfterBytes", m.writtenAfterBytes);
            io.put("afterBytesPerCommit", m.afterBytesPerCommit());
            io.put("amortizedBytesPerCommit", m.amortizedBytesPerCommit());
          }
          if (!m.finished.isEmpty()) {
            io.put("finishedEachRepetition", m.finished);
          }
          io.put("fileBytesAfterLoad", m.fileBytesLoaded);
          io.put("fileBytesAtEnd", m.fileBytesEnd);
        }
        if (!m.measured.isEmpty()) {
          s.put("measured", m.measured);
        }
        if (!m.extras.isEmpty()) {
          ObjectNode e = s.putObject("extra");
          m.extras.forEach((k, v) -> e.put(k, Stats.median(v)));
        }
      }
    }
    ArrayNode g = root.putArray("goals");
    for (Goals.Verdict v : goals) {
      g.addObject()
          .put("goal", v.goal())
          .put("target", v.target())
          .put("measured", v.measured())
          .put("verdict", v.verdict());
    }
    return json.writeValueAsString(root);
  }
}
