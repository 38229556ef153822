package io.ormdb.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Everything measured for one row (a system in a case) over the repetitions. */
final class Measurement {
  final Plan.Entry entry;
  final List<Double> throughputs = new ArrayList<>();
  final List<Double> p50s = new ArrayList<>();
  final List<Double> p99s = new ArrayList<>();
  final Histogram latencies = io.ormdb.bench.driver.ChildLoop.newHistogram();
  final Map<String, List<Double>> extras = new LinkedHashMap<>();
  long ops;
  long rows;
  String durability = "";
  String error;

  /** What a change workload's row timed, in the child's words (its last repetition's), or empty. */
  String measured = "";

  /** Commits of the measured operations, over all repetitions. */
  long commits;

  /** Bytes written during the measured operations, over all repetitions; -1: not counted. */
  long writtenBytes;

  /** Bytes the child wrote after a measured run, until its next command (background work). */
  long writtenAfterBytes;

  /** The counter the bytes come from ({@code write_bytes}, {@code wchar} or {@code none}). */
  String ioCounter = "";

  /**
   * What the driver did at the end of every repetition inside its bytes window (e.g. ORMDB's
   * checkpoint), or empty.
   */
  String finished = "";

  /** The child's database files after loading, and at the end of the workload; -1: unknown. */
  long fileBytesLoaded = -1;

  long fileBytesEnd = -1;

  Measurement(Plan.Entry entry) {
    this.entry = entry;
  }

  /** Adds one repetition: ops over elapsed nanoseconds and its latency histogram. */
  void add(long ops, long rows, long elapsedNs, Histogram h) {
    this.ops += ops;
    this.rows += rows;
    throughputs.add(elapsedNs <= 0 ? 0 : ops * 1e9 / elapsedNs);
    p50s.add(h.getValueAtPercentile(50) / 1000.0);
    p99s.add(h.getValueAtPercentile(99) / 1000.0);
    latencies.add(h);
  }

  /** Adds the {@code io} block of a repetition's reply: its commits and bytes written. */
  void addWindow(JsonNode io) {
    if (!io.isObject()) {
      return;
    }
    commits += io.path("commits").asLong();
    long w = io.path("writtenBytes").asLong(-1);
    writtenBytes = w < 0 || writtenBytes < 0 ? -1 : writtenBytes + w;
    ioCounter = io.path("counter").asText("");
    fileBytesEnd = io.path("fileBytes").asLong(-1);
    if (io.has("finished")) {
      finished = io.path("finished").asText();
    }
  }

  /** Adds what the child wrote after a repetition ({@code afterLastRun} of its next reply). */
  void addAfter(JsonNode after) {
    long w = after.path("writtenBytes").asLong(-1);
    if (w >= 0) {
      writtenAfterBytes += w;
    }
    fileBytesEnd = after.path("fileBytes").asLong(fileBytesEnd);
  }

  /** Whether bytes were counted for this row. */
  boolean bytesCounted() {
    return ran() && commits > 0 && writtenBytes >= 0 && !"none".equals(ioCounter);
  }

  /** Bytes written during the measured operations per commit. */
  double bytesPerCommit() {
    return bytesCounted() ? Stats.perCommit(writtenBytes, commits) : Double.NaN;
  }

  /** Bytes written after the measured operations (background work) per commit. */
  double afterBytesPerCommit() {
    return bytesCounted() ? Stats.perCommit(writtenAfterBytes, commits) : Double.NaN;
  }

  /** Everything the commits cost: written during and after the measured operations, per commit. */
  double amortizedBytesPerCommit() {
    return bytesCounted() ? Stats.perCommit(writtenBytes + writtenAfterBytes, commits) : Double.NaN;
  }

  void extra(String name, double value) {
    extras.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
  }

  boolean ran() {
    return error == null && !throughputs.isEmpty();
  }

  double throughput() {
    return Stats.median(throughputs);
  }

  double spreadPercent() {
    return Stats.spreadPercent(throughputs);
  }

  /** Over all repetitions' operations, in microseconds. */
  double p50Micros() {
    return latencies.getTotalCount() == 0 ? Double.NaN : latencies.getValueAtPercentile(50) / 1e3;
  }

  double p99Micros() {
    return latencies.getTotalCount() == 0 ? Double.NaN : latencies.getValueAtPercentile(99) / 1e3;
  }

  double extraMedian(String name) {
    List<Double> v = extras.get(name);
    return v == null ? Double.NaN : Stats.median(v);
  }
}
