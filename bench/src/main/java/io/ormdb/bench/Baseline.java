package io.ormdb.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * An earlier JSON report ({@code --baseline=}): the median throughput of every row that ran, to
 * check that no read workload got slower.
 */
final class Baseline {
  /**
   * A read is "not slower" while its median stays at or above this share of the baseline's: the
   * run-to-run spread of one workload on a small shared machine is often 10–40 %, so a stricter bar
   * would report noise as a regression.
   */
  static final double TOLERANCE = 0.9;

  private static final ObjectMapper JSON = new ObjectMapper();

  final String source;
  final String mode;
  final String started;
  private final Map<String, Double> medians = new HashMap<>();

  private Baseline(String source, String mode, String started) {
    this.source = source;
    this.mode = mode;
    this.started = started;
  }

  /** Reads the report at {@code file}; a missing or foreign file is refused with its name. */
  static Baseline read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--baseline: no file '" + file + "'");
    } catch (IOException e) {
      throw new IllegalArgumentException("--baseline: cannot read '" + file + "': " + e);
    }
    return parse(file.toString(), text);
  }

  /** Parses a report's JSON; {@code source} names it in errors and in the report header. */
  static Baseline parse(String source, String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "--baseline: '" + source + "' is not JSON: " + e.getOriginalMessage());
    }
    JsonNode workloads = root == null ? null : root.get("workloads");
    if (workloads == null || !workloads.isArray()) {
      throw new IllegalArgumentException(
          "--baseline: '"
              + source
              + "' is not a JSON report of bench/run.sh (it has no 'workloads' array)");
    }
    Baseline b =
        new Baseline(
            source,
            root.path("run").path("mode").asText(""),
            root.path("run").path("started").asText(""));
    for (JsonNode w : workloads) {
      for (JsonNode s : w.path("systems")) {
        JsonNode median = s.get("throughputOpsPerSecMedian");
        if ("ran".equals(s.path("status").asText()) && median != null && median.isNumber()) {
          b.medians.put(key(w.path("id").asText(), s.path("system").asText()), median.asDouble());
        }
      }
    }
    return b;
  }

  /**
   * The baseline's median throughput of {@code system} in {@code workload}, or null. The connection
   * actor's row is also found under the label it had before ({@link Plan#ORMDB_SESSION_FORMERLY}):
   * its reads took the same path.
   */
  Double median(String workload, String system) {
    Double m = medians.get(key(workload, system));
    if (m == null && system.equals(Plan.ORMDB_SESSION)) {
      m = medians.get(key(workload, Plan.ORMDB_SESSION_FORMERLY));
    }
    return m;
  }

  private static String key(String workload, String system) {
    return workload + "\u0000" + system;
  }

  /** {@code met} when {@code now} is at least {@link #TOLERANCE} of {@code before}. */
  static String verdict(double now, double before) {
    if (Double.isNaN(now) || Double.isNaN(before) || before <= 0) {
      return "n/a";
    }
    return now >= TOLERANCE * before ? "met" : "missed";
  }
}
