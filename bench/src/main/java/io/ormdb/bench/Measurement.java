package io.ormdb.bench;

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
