package io.ormdb.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ormdb.bench.data.Scale;
import io.ormdb.bench.driver.ChildLoop;
import io.ormdb.bench.driver.Workload;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The orchestrator: starts one child JVM per system kind, has each load the same seeded data, then
 * runs every workload — a warm-up per system, then repetitions in which the systems take turns in a
 * rotating order — and writes the Markdown and JSON reports.
 *
 * <p>Children stay alive for the whole run and are sent one command at a time (only one system is
 * ever measuring): loading the data once per system keeps {@code quick} within minutes, the JIT
 * state carries over between repetitions as it would in a long-running application, and the
 * rotating order spreads machine noise over all systems instead of one.
 *
 * <p>Usage: {@code BenchMain quick|full|smoke [--jfr] [--only=point,graph3] [--reps=N]
 * [--warmup-ms=N] [--measure-ms=N] [--seed=N] [--note=text] [--baseline=earlier-report.json]};
 * {@code -Dbench.home} is the bench module directory.
 *
 * <p>Storage writes: every child reads its own process's I/O counters around the measured
 * operations of each repetition; what it writes after them until its next command is booked to that
 * repetition ({@link WriteLedger}); after a workload that commits, every child that ran it waits
 * until it has written nothing for {@link #SETTLE_QUIET_MS} (at most {@link #SETTLE_CAP_MS}), so
 * the background work of the last repetition is counted and the file size is taken at rest.
 */
public final class BenchMain {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** After loading and after a workload that commits: how long a child must write nothing. */
  static final long SETTLE_QUIET_MS = 1000;

  static final long SETTLE_CAP_MS = 10_000;

  /** After loading a child may be writing for longer (chunk saves, compaction of the load). */
  static final long LOAD_SETTLE_CAP_MS = 30_000;

  /** Run settings of a mode. */
  record Settings(
      String mode,
      Scale scale,
      int reps,
      long warmupMs,
      long measureMs,
      String heap,
      boolean jfr,
      Set<String> only,
      long seed,
      String note,
      String baseline) {

    /** The most a keyset pass may take before it stops where it got to. */
    long scanCapMs() {
      return "full".equals(mode) ? 300_000 : "quick".equals(mode) ? 30_000 : 10_000;
    }
  }

  public static void main(String[] args) throws Exception {
    Settings s = parse(args);
    Path home = Path.of(System.getProperty("bench.home", ".")).toAbsolutePath().normalize();
    new BenchMain().run(s, home);
  }

  static Settings parse(String[] args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: quick|full|smoke [options]");
    }
    String mode = args[0];
    Scale scale = Scale.named(mode);
    int reps = "full".equals(mode) ? 5 : "quick".equals(mode) ? 3 : 2;
    // quick stays within 5 minutes on 2 cores, build included, with every case of the plan
    long warmup = "full".equals(mode) ? 3000 : "quick".equals(mode) ? 400 : 100;
    long measure = "full".equals(mode) ? 3000 : "quick".equals(mode) ? 550 : 150;
    String heap = "full".equals(mode) ? "4g" : "1g";
    boolean jfr = false;
    Set<String> only = new HashSet<>();
    long seed = 20240601L;
    String note = "";
    String baseline = null;
    for (String a : Arrays.asList(args).subList(1, args.length)) {
      if (a.equals("--jfr")) {
        jfr = true;
      } else if (a.startsWith("--only=")) {
        only.addAll(Arrays.asList(a.substring(7).split(",")));
      } else if (a.startsWith("--reps=")) {
        reps = Integer.parseInt(a.substring(7));
      } else if (a.startsWith("--warmup-ms=")) {
        warmup = Long.parseLong(a.substring(12));
      } else if (a.startsWith("--measure-ms=")) {
        measure = Long.parseLong(a.substring(13));
      } else if (a.startsWith("--seed=")) {
        seed = Long.parseLong(a.substring(7));
      } else if (a.startsWith("--note=")) {
        note = a.substring(7);
      } else if (a.startsWith("--baseline=")) {
        baseline = a.substring(11);
      } else {
        throw new IllegalArgumentException(
            "unknown option '"
                + a
                + "' (allowed: --jfr --only= --reps= --warmup-ms="
                + " --measure-ms= --seed= --note= --baseline=)");
      }
    }
    return new Settings(mode, scale, reps, warmup, measure, heap, jfr, only, seed, note, baseline);
  }

  void run(Settings s, Path home) throws Exception {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss"));
    Path results = home.resolve("results");
    Files.createDirectories(results);
    Path work = home.resolve("target").resolve("bench-run").resolve(stamp);
    Classpaths cps = new Classpaths(home);
    Baseline baseline = s.baseline() == null ? null : Baseline.read(Path.of(s.baseline()));

    List<Plan.Case> cases = new ArrayList<>();
    for (Plan.Case c : Plan.cases(postgresStatus())) {
      if (s.only().isEmpty() || s.only().contains(c.id())) {
        cases.add(c);
      }
    }
    Set<Plan.Child> needed = new HashSet<>();
    for (Plan.Case c : cases) {
      for (Plan.Entry e : c.entries()) {
        if (e.runs()) {
          needed.add(e.child());
        }
      }
    }

    Map<String, String> header = new LinkedHashMap<>();
    header.put("mode", s.mode());
    header.put("started", stamp);
    header.put(
        "scale",
        String.format(
            Locale.ROOT,
            "%s: %,d items; %,d users × 5 posts × 4 comments; %,d accounts; %,d movies, %,d"
                + " people, %,d viewers, %,d reviews",
            s.scale().name(),
            s.scale().items(),
            s.scale().users(),
            s.scale().accounts(),
            s.scale().movies(),
            s.scale().people(),
            s.scale().viewers(),
            s.scale().reviews()));
    header.put("seed", Long.toString(s.seed()));
    header.put(
        "repetitions",
        s.reps()
            + " per system, systems alternating in rotating order; warm-up "
            + s.warmupMs()
            + " ms, measurement "
            + s.measureMs()
            + " ms per repetition");
    header.put("keyset cap", s.scanCapMs() / 1000 + " s per pass");
    header.put(
        "machine",
        Runtime.getRuntime().availableProcessors()
            + " cores, "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.arch")
            + ", Java "
            + System.getProperty("java.version"));
    header.put("child JVMs", "-Xms" + s.heap() + " -Xmx" + s.heap() + ", one per system kind");
    if (!s.note().isEmpty()) {
      header.put("note", s.note());
    }
    if (baseline != null) {
      header.put(
          "baseline",
          baseline.source + " (" + baseline.mode + " run started " + baseline.started + ")");
    }

    Map<Plan.Child, ChildProcess> children = new EnumMap<>(Plan.Child.class);
    Map<String, List<Measurement>> byCase = new LinkedHashMap<>();
    WriteLedger ledger = new WriteLedger();
    try {
      for (Plan.Child c : needed) {
        List<String> jvm = new ArrayList<>(List.of("-Xms" + s.heap(), "-Xmx" + s.heap()));
        if (s.jfr() && (c == Plan.Child.ORMDB || c == Plan.Child.ORMDB_EXT)) {
          Path jfr = results.resolve(stamp + "-" + s.mode() + "-" + c.id + ".jfr");
          jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + jfr);
          header.put(c == Plan.Child.ORMDB ? "jfr" : "jfr-ext", jfr.toString());
        }
        children.put(
            c,
            ChildProcess.start(
                c.id,
                c.mainClass,
                cps.of(c.classpath),
                jvm,
                home.resolve("target").resolve("bench-logs").resolve(stamp + "-" + c.id + ".log")));
      }
      Map<Plan.Child, Long> loaded = load(s, work, children, header);
      if (s.jfr()) {
        header.put(
            "bytes written with --jfr",
            "the ORMDB children's counts include the Flight Recording's own writes");
      }
      for (Plan.Case c : cases) {
        byCase.put(c.id(), measure(s, c, children, ledger, loaded));
      }
    } finally {
      for (ChildProcess c : children.values()) {
        c.close();
      }
      deleteTree(work);
    }
    List<Goals.Verdict> goals = Goals.evaluate(cases, byCase, s.scale().name(), s.mode(), baseline);
    String md = Report.markdown(header, cases, byCase, goals);
    Files.writeString(results.resolve(stamp + "-" + s.mode() + ".md"), md);
    Files.writeString(
        results.resolve(stamp + "-" + s.mode() + ".json"),
        Report.json(header, cases, byCase, goals));
    System.out.println(md);
    System.err.println("written: " + results.resolve(stamp + "-" + s.mode() + ".{md,json}"));
  }

  /** Loads every child in parallel; returns the size of each child's files after loading. */
  private static Map<Plan.Child, Long> load(
      Settings s, Path work, Map<Plan.Child, ChildProcess> children, Map<String, String> header)
      throws Exception {
    Map<Plan.Child, JsonNode> replies = new EnumMap<>(Plan.Child.class);
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = new ArrayList<>();
    for (Map.Entry<Plan.Child, ChildProcess> e : children.entrySet()) {
      ObjectNode cmd =
          JSON.createObjectNode()
              .put("cmd", "load")
              .put("scale", s.scale().name())
              .put("seed", s.seed())
              .put("dir", work.resolve(e.getKey().id).toString())
              .put("settleQuietMs", SETTLE_QUIET_MS)
              .put("settleCapMs", LOAD_SETTLE_CAP_MS);
      Thread t =
          new Thread(
              () -> {
                try {
                  JsonNode r = e.getValue().call(cmd);
                  synchronized (replies) {
                    replies.put(e.getKey(), r);
                  }
                } catch (Exception ex) {
                  synchronized (failures) {
                    failures.add(ex);
                  }
                }
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    StringBuilder loads = new StringBuilder();
    StringBuilder files = new StringBuilder();
    Map<String, List<String>> counters = new LinkedHashMap<>();
    Map<Plan.Child, Long> sizes = new EnumMap<>(Plan.Child.class);
    for (Map.Entry<Plan.Child, JsonNode> e : replies.entrySet()) {
      JsonNode r = e.getValue();
      if (!r.path("ok").asBoolean()) {
        throw new IllegalStateException(
            "loading " + e.getKey().id + " failed: " + r.path("error").asText());
      }
      String sep = loads.length() == 0 ? "" : ", ";
      loads.append(sep).append(e.getKey().id).append(' ').append(r.path("loadMs").asLong());
      loads.append(" ms (then ").append(r.path("settleMs").asLong()).append(" ms until idle)");
      sizes.put(e.getKey(), r.path("fileBytes").asLong(-1));
      files.append(sep).append(e.getKey().id).append(' ');
      files.append(Report.mb(r.path("fileBytes").asLong(-1))).append(" MB");
      counters
          .computeIfAbsent(r.path("ioNote").asText(), k -> new ArrayList<>())
          .add(e.getKey().id);
    }
    header.put("load (all children in parallel)", loads.toString());
    header.put("database files after loading", files.toString());
    header.put("bytes written", counterNote(counters));
    System.err.println("loaded: " + loads);
    return sizes;
  }

  /** The counter every child used, or per group of children when they differ. */
  static String counterNote(Map<String, List<String>> childrenByNote) {
    if (childrenByNote.size() == 1) {
      return childrenByNote.keySet().iterator().next() + ", in every child";
    }
    StringBuilder b = new StringBuilder();
    childrenByNote.forEach(
        (note, kids) ->
            b.append(b.length() == 0 ? "" : "; ")
                .append(String.join(", ", kids))
                .append(": ")
                .append(note));
    return b.toString();
  }

  private static List<Measurement> measure(
      Settings s,
      Plan.Case c,
      Map<Plan.Child, ChildProcess> children,
      WriteLedger ledger,
      Map<Plan.Child, Long> loaded)
      throws Exception {
    List<Measurement> rows = new ArrayList<>();
    List<Measurement> running = new ArrayList<>();
    for (Plan.Entry e : c.entries()) {
      Measurement m = new Measurement(e);
      rows.add(m);
      if (e.runs()) {
        m.fileBytesLoaded = loaded.getOrDefault(e.child(), -1L);
        running.add(m);
      }
    }
    long measureMs =
        c.slow() ? Math.max(s.measureMs(), "quick".equals(s.mode()) ? 1200 : 1500) : s.measureMs();
    int reps = s.reps();
    if (c.workload().kind() == Workload.Kind.SCAN) {
      // One repetition is a whole pass over the table: fewer of them, each capped in time.
      reps = Math.min(reps, "full".equals(s.mode()) ? 2 : 1);
      measureMs = s.scanCapMs();
    }
    for (Measurement m : running) {
      JsonNode r = children.get(m.entry.child()).call(command(c, m.entry, -1, true, s.warmupMs()));
      ledger.replied(m.entry.child(), r, null);
      m.durability = r.path("durability").asText("");
      if (!r.path("ok").asBoolean()) {
        m.error = r.path("error").asText();
        System.err.printf("[%s] %s: %s%n", c.id(), m.entry.label(), m.error);
      }
    }
    for (int rep = 0; rep < reps; rep++) {
      for (int i = 0; i < running.size(); i++) {
        Measurement m = running.get((i + rep) % running.size());
        if (m.error != null) {
          continue;
        }
        JsonNode r = children.get(m.entry.child()).call(command(c, m.entry, rep, false, measureMs));
        ledger.replied(m.entry.child(), r, m);
        if (!r.path("ok").asBoolean()) {
          m.error = r.path("error").asText();
          System.err.printf("[%s] %s: %s%n", c.id(), m.entry.label(), m.error);
          continue;
        }
        m.add(
            r.path("ops").asLong(),
            r.path("rows").asLong(),
            r.path("elapsedNs").asLong(),
            ChildLoop.decode(r.path("hist").asText()));
        r.path("extra")
            .fields()
            .forEachRemaining(
                f -> {
                  if (f.getValue().isNumber()) {
                    m.extra(f.getKey(), f.getValue().asDouble());
                  } else if (f.getKey().equals("measured")) {
                    m.measured = f.getValue().asText();
                  }
                });
        System.err.printf(
            Locale.ROOT,
            "[%s] rep %d %-45s %12.1f ops/s%n",
            c.id(),
            rep,
            m.entry.label(),
            m.throughputs.get(m.throughputs.size() - 1));
      }
    }
    if (c.workload().commits()) {
      settle(c, running, children, ledger);
    }
    return rows;
  }

  /**
   * Has every child that ran the case wait until it writes nothing more (in parallel), booking what
   * it wrote meanwhile to its last repetition and taking its file size at rest.
   */
  private static void settle(
      Plan.Case c,
      List<Measurement> running,
      Map<Plan.Child, ChildProcess> children,
      WriteLedger ledger)
      throws Exception {
    Set<Plan.Child> kids = new HashSet<>();
    for (Measurement m : running) {
      kids.add(m.entry.child());
    }
    ObjectNode cmd =
        JSON.createObjectNode()
            .put("cmd", "settle")
            .put("quietMs", SETTLE_QUIET_MS)
            .put("capMs", SETTLE_CAP_MS);
    List<Thread> threads = new ArrayList<>();
    Map<Plan.Child, JsonNode> replies = new EnumMap<>(Plan.Child.class);
    List<Exception> failures = new ArrayList<>();
    for (Plan.Child kid : kids) {
      Thread t =
          new Thread(
              () -> {
                try {
                  JsonNode r = children.get(kid).call(cmd);
                  synchronized (replies) {
                    replies.put(kid, r);
                  }
                } catch (Exception e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    replies.forEach((kid, r) -> ledger.replied(kid, r, null));
    System.err.printf(
        Locale.ROOT,
        "[%s] settled: %s%n",
        c.id(),
        replies.entrySet().stream()
            .map(e -> e.getKey().id + " " + e.getValue().path("settleMs").asLong() + " ms")
            .toList());
  }

  private static ObjectNode command(
      Plan.Case c, Plan.Entry e, int rep, boolean warmup, long millis) {
    return JSON.createObjectNode()
        .put("cmd", "run")
        .put("workload", c.workload().id())
        .put("variant", e.variant())
        .put("conn", e.conn())
        .put("threads", c.threads())
        .put("stream", Math.max(rep, 0))
        .put("warmup", warmup)
        .put("millis", millis)
        .put("minOps", warmup ? 1 : 2);
  }

  /** Whether the optional PostgreSQL on 127.0.0.1:5432 answers; it is never started here. */
  static String postgresStatus() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", 5432), 200);
      return "skipped: running on 127.0.0.1:5432, but the PostgreSQL driver is not written yet";
    } catch (IOException e) {
      return "skipped: not running on 127.0.0.1:5432 (optional; the harness never starts it)";
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
