package io.ormdb.bench.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ormdb.bench.data.Dataset;
import io.ormdb.bench.data.Scale;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The child side of the harness: reads one JSON command per line on stdin, answers one JSON line on
 * stdout. Anything else the system prints goes to stderr (stdout is re-pointed at stderr before the
 * driver runs), so logging can never corrupt the protocol.
 *
 * <p>Commands: {@code load} (scale, seed, dir, settleQuietMs, settleCapMs), {@code run} (workload,
 * variant, conn, threads, stream, warmupMs or measureMs), {@code settle} (quietMs, capMs: wait
 * until nothing more is written), {@code answer} (question, arg, n, variant, conn: the smoke test's
 * plain-object answers), {@code quit}.
 *
 * <p>Storage writes: a run's reply carries {@code io} — the bytes this process caused to be written
 * between the start and the end of the measured operations ({@link ProcIo}), including what the
 * driver does at their end for a workload that commits ({@link Driver#finishWrites}, e.g. ORMDB's
 * checkpoint; named in {@code io.finished}), the commits they made and the size of the files under
 * the data directory ({@link DiskUsage}). The next reply, whatever its command, carries {@code
 * afterLastRun}: the bytes written from the end of that run until the command arrived (background
 * work the run left behind: checkpoints, write-behind) and the file size then.
 */
public final class ChildLoop {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Marks reply lines: the JVM itself may print to stdout before {@link #serve} re-points it
   * (Flight Recorder's start-up message does), and the parent skips such lines.
   */
  public static final String REPLY_PREFIX = "@@bench ";

  private final Driver driver;
  private Dataset data;
  private Path dir;
  private ProcIo.Choice io = new ProcIo.Choice(ProcIo.Counter.NONE, "no data loaded");

  /** The counters at the end of the last run's measured operations; null once reported. */
  private ProcIo.Counters lastRunEnd;

  private final AtomicLong nextEventId = new AtomicLong(1);
  private final AtomicLong nextEmail = new AtomicLong(1);

  private ChildLoop(Driver driver) {
    this.driver = driver;
  }

  /** Serves commands until {@code quit} or end of input, then closes the driver and exits. */
  public static void serve(Driver driver) {
    PrintStream protocol = System.out;
    System.setOut(System.err);
    ChildLoop loop = new ChildLoop(driver);
    int status = 0;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode cmd = JSON.readTree(line);
        if ("quit".equals(cmd.path("cmd").asText())) {
          break;
        }
        ObjectNode reply;
        try {
          reply = loop.handle(cmd);
          reply.put("ok", true);
        } catch (UnsupportedOperationException e) {
          reply = JSON.createObjectNode().put("ok", false).put("unsupported", true);
          reply.put("error", String.valueOf(e.getMessage()));
        } catch (Throwable e) {
          e.printStackTrace();
          reply = JSON.createObjectNode().put("ok", false).put("error", e.toString());
        }
        protocol.println(REPLY_PREFIX + JSON.writeValueAsString(reply));
        protocol.flush();
      }
    } catch (Exception e) {
      e.printStackTrace();
      status = 1;
    } finally {
      try {
        driver.close();
      } catch (Exception e) {
        e.printStackTrace();
        status = 1;
      }
    }
    System.exit(status);
  }

  private ObjectNode handle(JsonNode cmd) throws Exception {
    String name = cmd.path("cmd").asText();
    long settled = 0;
    if (name.equals("settle")) {
      settled = ProcIo.settle(io, cmd.path("quietMs").asLong(0), cmd.path("capMs").asLong(0));
    }
    ObjectNode after = afterLastRun();
    ObjectNode reply;
    switch (name) {
      case "load":
        reply = load(cmd);
        break;
      case "run":
        reply = run(cmd);
        break;
      case "answer":
        reply = answer(cmd);
        break;
      case "settle":
        reply = JSON.createObjectNode().put("settleMs", settled);
        break;
      default:
        throw new IllegalArgumentException("unknown command '" + name + "'");
    }
    if (after != null) {
      reply.set("afterLastRun", after);
    }
    return reply;
  }

  /** What was written since the end of the last run (once), or null. */
  private ObjectNode afterLastRun() throws java.io.IOException {
    if (lastRunEnd == null) {
      return null;
    }
    ProcIo.Counters now = ProcIo.read();
    ObjectNode o = JSON.createObjectNode();
    o.put("writtenBytes", io.between(lastRunEnd, now));
    o.put("fileBytes", fileBytes());
    lastRunEnd = null;
    return o;
  }

  private long fileBytes() throws java.io.IOException {
    return dir == null ? -1 : DiskUsage.bytesUnder(dir);
  }

  /**
   * Adds the storage writes of a run's measured operations to its reply, with what the driver did
   * at their end inside the window ({@code finished}, see {@link Driver#finishWrites}; null: none).
   */
  private void window(
      ObjectNode reply, ProcIo.Counters start, ProcIo.Counters end, long commits, String finished)
      throws java.io.IOException {
    lastRunEnd = end;
    ObjectNode o = reply.putObject("io");
    o.put("counter", io.counter().field());
    o.put("writtenBytes", io.between(start, end));
    o.put("commits", commits);
    o.put("fileBytes", fileBytes());
    if (finished != null) {
      o.put("finished", finished);
    }
  }

  private static boolean noFailure(Throwable[] failures) {
    for (Throwable f : failures) {
      if (f != null) {
        return false;
      }
    }
    return true;
  }

  private ObjectNode load(JsonNode cmd) throws Exception {
    data = new Dataset(Scale.named(cmd.path("scale").asText()), cmd.path("seed").asLong());
    dir = Path.of(cmd.path("dir").asText());
    io = ProcIo.probe(dir);
    long t0 = System.nanoTime();
    driver.load(data, dir);
    long loadMs = (System.nanoTime() - t0) / 1_000_000;
    // the load's background writes (chunk saves, compaction) must not land in a measured run
    long settled =
        ProcIo.settle(io, cmd.path("settleQuietMs").asLong(0), cmd.path("settleCapMs").asLong(0));
    return JSON.createObjectNode()
        .put("loadMs", loadMs)
        .put("settleMs", settled)
        .put("ioCounter", io.counter().field())
        .put("ioNote", io.note())
        .put("fileBytes", fileBytes());
  }

  private ObjectNode answer(JsonNode cmd) throws Exception {
    String q = cmd.path("question").asText();
    long arg = cmd.path("arg").asLong();
    int n = cmd.path("n").asInt(1);
    Object answer;
    try (Session s = driver.session(cmd.path("variant").asText(""), conn(cmd))) {
      switch (q) {
        case "point":
          answer = s.point(arg);
          break;
        case "eq":
          answer = s.byBucket(arg);
          break;
        case "range":
          answer = s.scoreAtLeast(arg, n);
          break;
        case "graph2":
          answer = s.users(arg, n, 2);
          break;
        case "graph3":
          answer = s.users(arg, n, 3);
          break;
        case "movie":
          answer = s.movie(arg);
          break;
        case "person":
          answer = s.filmography(arg);
          break;
        case "user":
          answer = s.viewerReviews(arg, n);
          break;
        case "keyset":
          answer = keysetRows(s, n);
          break;
        case "agg":
          answer = s.aggregateByCategory();
          break;
        default:
          throw new IllegalArgumentException("unknown question '" + q + "'");
      }
    }
    ObjectNode reply = JSON.createObjectNode();
    reply.set("answer", JSON.valueToTree(answer));
    return reply;
  }

  private static List<Object> keysetRows(Session s, int pageSize) throws Exception {
    List<Object> ids = new ArrayList<>();
    Object cursor = null;
    do {
      Session.Page p = s.itemsAfter(cursor, pageSize);
      for (var row : p.rows()) {
        ids.add(row.get("id"));
      }
      cursor = p.rows().isEmpty() ? null : p.next();
    } while (cursor != null);
    return ids;
  }

  private static String conn(JsonNode cmd) {
    return cmd.path("conn").asText("embedded");
  }

  private ObjectNode run(JsonNode cmd) throws Exception {
    Workload w = Workload.byId(cmd.path("workload").asText());
    String variant = cmd.path("variant").asText("");
    String conn = conn(cmd);
    int threads = cmd.path("threads").asInt(1);
    int stream = cmd.path("stream").asInt(0);
    boolean warmup = cmd.path("warmup").asBoolean(false);
    long millis = cmd.path("millis").asLong(1000);
    int minOps = cmd.path("minOps").asInt(1);
    ObjectNode reply = JSON.createObjectNode();
    reply.put("durability", driver.durability(variant));
    switch (w.kind()) {
      case SCAN:
        return scan(reply, variant, conn, warmup, millis);
      case CHANGES:
        return changes(reply, w, variant, threads, millis);
      default:
        return timed(reply, w, variant, conn, threads, stream, millis, minOps);
    }
  }

  private ObjectNode timed(
      ObjectNode reply,
      Workload w,
      String variant,
      String conn,
      int threads,
      int stream,
      long millis,
      int minOps)
      throws Exception {
    Session[] sessions = new Session[threads];
    Histogram[] hists = new Histogram[threads];
    long[] ops = new long[threads];
    long[] rows = new long[threads];
    long[] ends = new long[threads];
    Throwable[] failures = new Throwable[threads];
    try {
      for (int t = 0; t < threads; t++) {
        sessions[t] = driver.session(variant, conn);
        hists[t] = newHistogram();
      }
      CyclicBarrier start = new CyclicBarrier(threads + 1);
      long[] startAt = new long[1];
      Thread[] workers = new Thread[threads];
      for (int t = 0; t < threads; t++) {
        final int ti = t;
        workers[t] =
            new Thread(
                () -> {
                  SplittableRandom r = data.random(w.id() + "/" + stream, ti);
                  try {
                    start.await();
                    long deadline = startAt[0] + millis * 1_000_000L;
                    long now = System.nanoTime();
                    while (now < deadline || ops[ti] < minOps) {
                      rows[ti] += once(w, sessions[ti], r, ti);
                      long after = System.nanoTime();
                      hists[ti].recordValue(Math.max(1, after - now));
                      ops[ti]++;
                      now = after;
                    }
                    ends[ti] = now;
                  } catch (Throwable e) {
                    failures[ti] = e;
                  }
                },
                "bench-" + w.id() + "-" + t);
      }
      for (Thread th : workers) {
        th.start();
      }
      ProcIo.Counters ioStart = ProcIo.read();
      startAt[0] = System.nanoTime();
      start.await();
      for (Thread th : workers) {
        th.join();
      }
      String finished = w.commits() && noFailure(failures) ? driver.finishWrites() : null;
      ProcIo.Counters ioEnd = ProcIo.read();
      for (Throwable f : failures) {
        if (f != null) {
          if (f instanceof Exception) {
            throw (Exception) f;
          }
          throw new RuntimeException(f);
        }
      }
      Histogram all = newHistogram();
      long totalOps = 0;
      long totalRows = 0;
      long end = 0;
      for (int t = 0; t < threads; t++) {
        all.add(hists[t]);
        totalOps += ops[t];
        totalRows += rows[t];
        end = Math.max(end, ends[t]);
      }
      reply.put("ops", totalOps);
      reply.put("rows", totalRows);
      reply.put("elapsedNs", end - startAt[0]);
      reply.put("hist", encode(all));
      window(reply, ioStart, ioEnd, totalOps * w.commitsPerOp(), finished);
      return reply;
    } finally {
      for (Session s : sessions) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  private long once(Workload w, Session s, SplittableRandom r, int thread) throws Exception {
    Scale sc = data.scale();
    switch (w) {
      case POINT:
        return s.point(1 + r.nextInt(sc.items())) == null ? 0 : 1;
      case EQ:
        return s.byBucket(r.nextLong(data.buckets())).size();
      case RANGE:
        return s.scoreAtLeast(r.nextInt(Dataset.SCORE_MAX), Workload.RANGE_LIMIT).size();
      case GRAPH2:
      case GRAPH3:
        {
          int count = Math.min(Workload.GRAPH_USERS, sc.users());
          long first = 1 + r.nextInt(sc.users() - count + 1);
          return countObjects(s.users(first, count, w == Workload.GRAPH2 ? 2 : 3));
        }
      case MOVIE:
        return countObjects(List.of(s.movie(1 + r.nextInt(sc.movies()))));
      case PERSON:
        return countObjects(List.of(s.filmography(1 + r.nextInt(sc.people()))));
      case USER:
        return countObjects(
            List.of(s.viewerReviews(1 + r.nextInt(sc.viewers()), Workload.LATEST_REVIEWS)));
      case INSERT:
        {
          long id = nextEventId.getAndIncrement();
          s.insertEvent(id, thread, "event " + id);
          return 1;
        }
      case INSERT_PIPELINED:
        s.insertEventsPipelined(
            nextEventId.getAndAdd(Workload.PIPELINE), Workload.PIPELINE, thread);
        return Workload.PIPELINE;
      case BATCH:
        s.insertEvents(nextEventId.getAndAdd(Workload.BATCH_ROWS), Workload.BATCH_ROWS, thread);
        return Workload.BATCH_ROWS;
      case UPDATE:
        s.updateAccount(
            1 + r.nextInt(sc.accounts()),
            "acct" + nextEmail.getAndIncrement() + "@example.org",
            1 + r.nextInt(sc.users()));
        return 1;
      case AGG:
        return s.aggregateByCategory().size();
      default:
        throw new IllegalArgumentException("not a timed workload: " + w);
    }
  }

  /** Rows of a nested result: every map, at any depth. */
  static long countObjects(Object o) {
    if (o instanceof java.util.Map) {
      long n = 1;
      for (Object v : ((java.util.Map<?, ?>) o).values()) {
        if (v instanceof java.util.Map || v instanceof List) {
          n += countObjects(v);
        }
      }
      return n;
    }
    if (o instanceof List) {
      long n = 0;
      for (Object e : (List<?>) o) {
        n += countObjects(e);
      }
      return n;
    }
    return 0;
  }

  /**
   * Pages through all items, or until the deadline ({@code millis}), and reports the median page
   * time over the first and the last 10 pages, the rows reached and whether it got to the end.
   */
  private ObjectNode scan(
      ObjectNode reply, String variant, String conn, boolean warmup, long millis) throws Exception {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    Histogram h = newHistogram();
    long[] times = new long[1024];
    int pages = 0;
    long rows = 0;
    boolean complete = false;
    ProcIo.Counters ioStart = ProcIo.read();
    long start = System.nanoTime();
    try (Session s = driver.session(variant, conn)) {
      Object cursor = null;
      while (true) {
        long t0 = System.nanoTime();
        Session.Page p = s.itemsAfter(cursor, Workload.PAGE_SIZE);
        long t1 = System.nanoTime();
        if (p.rows().isEmpty()) {
          complete = true;
          break;
        }
        h.recordValue(Math.max(1, t1 - t0));
        if (pages == times.length) {
          times = Arrays.copyOf(times, pages * 2);
        }
        times[pages++] = t1 - t0;
        rows += p.rows().size();
        cursor = p.next();
        if (cursor == null) {
          complete = true;
          break;
        }
        if (t1 > deadline) {
          break;
        }
      }
    }
    long elapsed = System.nanoTime() - start;
    window(reply, ioStart, ProcIo.read(), 0, null);
    int edge = Math.min(10, Math.max(1, pages / 2));
    reply.put("ops", pages);
    reply.put("rows", rows);
    reply.put("elapsedNs", elapsed);
    reply.put("hist", encode(h));
    ObjectNode extra = reply.putObject("extra");
    extra.put("firstPagesNs", medianOf(times, 0, edge));
    extra.put("lastPagesNs", medianOf(times, pages - edge, pages));
    extra.put("rowsReached", rows);
    extra.put("complete", complete ? 1 : 0);
    return reply;
  }

  private ObjectNode changes(ObjectNode reply, Workload w, String variant, int writers, long millis)
      throws Exception {
    long first = nextEventId.getAndAdd(10_000_000L);
    ProcIo.Counters ioStart = ProcIo.read();
    Driver.ChangeTiming t =
        w == Workload.LIVE
            ? driver.liveQueries(variant, writers, millis, first)
            : driver.changes(variant, writers, millis, first);
    String finished = driver.finishWrites();
    window(reply, ioStart, ProcIo.read(), t.commits(), finished);
    reply.put("ops", t.commits());
    reply.put("rows", t.latencies().getTotalCount());
    reply.put("elapsedNs", t.elapsedNs() > 0 ? t.elapsedNs() : millis * 1_000_000L);
    reply.put("hist", encode(t.latencies()));
    ObjectNode extra = reply.putObject("extra");
    extra.put("measured", t.measured());
    t.extra().forEach(extra::put);
    return reply;
  }

  static long medianOf(long[] values, int from, int to) {
    if (to <= from) {
      return 0;
    }
    long[] part = Arrays.copyOfRange(values, from, to);
    Arrays.sort(part);
    return part[part.length / 2];
  }

  /** A histogram of nanoseconds up to one hour, 3 significant digits. */
  public static Histogram newHistogram() {
    return new Histogram(3_600_000_000_000L, 3);
  }

  public static String encode(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(buf);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(buf.array(), n));
  }

  public static Histogram decode(String base64) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(
          ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    } catch (java.util.zip.DataFormatException e) {
      throw new IllegalArgumentException("bad histogram", e);
    }
  }
}
