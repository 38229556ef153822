package io.ormdb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ormdb.bench.driver.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every system, each in its own child JVM with its own classpath, loads the smoke dataset and must
 * give the same plain-object answers: the graphs of ORMDB (OrmStore, OrmDb.query and a connection
 * actor), raw MVStore, H2 (JOIN, IN, N+1, embedded and over TCP) and SQLite (JOIN, IN, N+1) are
 * equal object for object.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BenchSystemsAgreeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path tmp;
  private final Map<Plan.Child, ChildProcess> children = new EnumMap<>(Plan.Child.class);
  private final Map<Plan.Child, JsonNode> loaded = new EnumMap<>(Plan.Child.class);

  /** The system variants that answer reads: child, variant, connection. */
  private static final List<Object[]> READERS =
      List.of(
          new Object[] {Plan.Child.ORMDB, "", "embedded"},
          new Object[] {Plan.Child.ORMDB_EXT, "", "embedded"},
          new Object[] {Plan.Child.ORMDB_EXT, "session", "embedded"},
          new Object[] {Plan.Child.MVSTORE, "", "embedded"},
          new Object[] {Plan.Child.H2, "join", "embedded"},
          new Object[] {Plan.Child.H2, "in", "embedded"},
          new Object[] {Plan.Child.H2, "n1", "embedded"},
          new Object[] {Plan.Child.H2, "join", "tcp"},
          new Object[] {Plan.Child.H2, "n1", "proxy"},
          new Object[] {Plan.Child.SQLITE, "join", "embedded"},
          new Object[] {Plan.Child.SQLITE, "in", "embedded"},
          new Object[] {Plan.Child.SQLITE, "n1", "embedded"});

  @BeforeAll
  void startAndLoadEveryChild() throws Exception {
    tmp = Files.createTempDirectory("bench-agree");
    Path home = Path.of(System.getProperty("user.dir"));
    Classpaths cps = new Classpaths(home);
    for (Plan.Child c : Plan.Child.values()) {
      children.put(
          c,
          ChildProcess.start(
              c.id,
              c.mainClass,
              cps.of(c.classpath),
              List.of("-Xmx256m", "-Dbench.proxyDelayMicros=200"),
              tmp.resolve("logs").resolve(c.id + ".log")));
    }
    List<Thread> loads = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Map.Entry<Plan.Child, ChildProcess> e : children.entrySet()) {
      ObjectNode cmd =
          JSON.createObjectNode()
              .put("cmd", "load")
              .put("scale", "smoke")
              .put("seed", 11)
              .put("dir", tmp.resolve("data").resolve(e.getKey().id).toString());
      Thread t =
          new Thread(
              () -> {
                try {
                  JsonNode r = e.getValue().call(cmd);
                  synchronized (loaded) {
                    loaded.put(e.getKey(), r);
                  }
                  if (!r.path("ok").asBoolean()) {
                    synchronized (failures) {
                      failures.add(e.getKey().id + ": " + r);
                    }
                  }
                } catch (Exception ex) {
                  synchronized (failures) {
                    failures.add(e.getKey().id + ": " + ex);
                  }
                }
              });
      loads.add(t);
      t.start();
    }
    for (Thread t : loads) {
      t.join();
    }
    assertThat(failures).isEmpty();
  }

  @AfterAll
  void stopChildren() {
    children.values().forEach(ChildProcess::close);
    try (var walk = Files.walk(tmp)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // a temp dir left behind is harmless
    }
  }

  private JsonNode answer(Object[] reader, String question, long arg, int n) throws Exception {
    JsonNode r =
        children
            .get((Plan.Child) reader[0])
            .call(
                JSON.createObjectNode()
                    .put("cmd", "answer")
                    .put("question", question)
                    .put("arg", arg)
                    .put("n", n)
                    .put("variant", (String) reader[1])
                    .put("conn", (String) reader[2]));
    assertThat(r.path("ok").asBoolean()).as("%s: %s", label(reader), r).isTrue();
    return r.get("answer");
  }

  private static String label(Object[] reader) {
    return ((Plan.Child) reader[0]).id + "/" + reader[1] + "/" + reader[2];
  }

  private void allAgree(String question, long arg, int n) throws Exception {
    JsonNode expected = answer(READERS.get(0), question, arg, n);
    assertThat(expected.isNull()).isFalse();
    for (Object[] reader : READERS.subList(1, READERS.size())) {
      assertThat(answer(reader, question, arg, n))
          .as("%s answers %s(%d, %d) like ORMDB", label(reader), question, arg, n)
          .isEqualTo(expected);
    }
  }

  @Test
  void everyChildCountsTheBytesItsCommitsWriteAndSizesItsFiles() throws Exception {
    for (Plan.Child c : Plan.Child.values()) {
      JsonNode load = loaded.get(c);
      assertThat(load.path("fileBytes").asLong()).as("%s files after loading", c.id).isPositive();
      String counter = load.path("ioCounter").asText();
      assertThat(counter).as(c.id).isIn("write_bytes", "wchar", "none");
      JsonNode r =
          children
              .get(c)
              .call(
                  JSON.createObjectNode()
                      .put("cmd", "run")
                      .put("workload", "insert")
                      .put("variant", "durable")
                      .put("conn", "embedded")
                      .put("threads", 1)
                      .put("millis", 0)
                      .put("minOps", 3));
      assertThat(r.path("ok").asBoolean()).as("%s: %s", c.id, r).isTrue();
      JsonNode io = r.path("io");
      assertThat(io.path("commits").asLong()).as(c.id).isEqualTo(r.path("ops").asLong());
      assertThat(io.path("commits").asLong()).as(c.id).isGreaterThanOrEqualTo(3);
      assertThat(io.path("fileBytes").asLong()).as(c.id).isPositive();
      if (!counter.equals("none")) {
        assertThat(io.path("writtenBytes").asLong()).as("%s durable commits", c.id).isPositive();
      }
      // ORMDB writes its file at checkpoints: one ends the run, inside the bytes window
      boolean ormdb = c == Plan.Child.ORMDB || c == Plan.Child.ORMDB_EXT;
      assertThat(io.path("finished").asText(null))
          .as("%s: what ended the window", c.id)
          .isEqualTo(ormdb ? "OrmStore.checkpoint()" : null);
      JsonNode next = children.get(c).call(JSON.createObjectNode().put("cmd", "settle"));
      assertThat(next.path("afterLastRun").path("fileBytes").asLong()).as(c.id).isPositive();
      JsonNode again = children.get(c).call(JSON.createObjectNode().put("cmd", "settle"));
      assertThat(again.has("afterLastRun")).as("booked once, %s", c.id).isFalse();
    }
  }

  private JsonNode run(Plan.Child c, String workload, String variant, int threads, int minOps)
      throws Exception {
    JsonNode r =
        children
            .get(c)
            .call(
                JSON.createObjectNode()
                    .put("cmd", "run")
                    .put("workload", workload)
                    .put("variant", variant)
                    .put("conn", "embedded")
                    .put("threads", threads)
                    .put("millis", 0)
                    .put("minOps", minOps));
    assertThat(r.path("ok").asBoolean()).as("%s %s/%s: %s", c.id, workload, variant, r).isTrue();
    return r;
  }

  @Test
  void theConnectionActorCommitsEveryKindOfWrite() throws Exception {
    for (String w : List.of("insert", "insert-pipelined", "batch1000", "update")) {
      JsonNode r = run(Plan.Child.ORMDB_EXT, w, "session", 2, 3);
      int perOp = w.equals("insert-pipelined") ? 4 : 1;
      assertThat(r.path("ops").asLong()).as(w).isGreaterThanOrEqualTo(6);
      assertThat(r.path("io").path("commits").asLong())
          .as(w)
          .isEqualTo(r.path("ops").asLong() * perOp);
    }
  }

  /**
   * The live workload: every commit is recorded exactly once, also where a live query folds several
   * commits into one update, and none is missing at the end.
   */
  @Test
  void theLiveWorkloadTimesEveryCommitOnceForLiveQueriesAndForThePushFeed() throws Exception {
    for (String variant : List.of("", "feed", "")) {
      JsonNode r =
          children
              .get(Plan.Child.ORMDB_EXT)
              .call(
                  JSON.createObjectNode()
                      .put("cmd", "run")
                      .put("workload", "live")
                      .put("variant", variant)
                      .put("threads", 4)
                      .put("millis", 300));
      assertThat(r.path("ok").asBoolean()).as("live/%s: %s", variant, r).isTrue();
      long commits = r.path("ops").asLong();
      assertThat(commits).as(variant).isPositive();
      assertThat(r.path("rows").asLong()).as("commits timed, %s", variant).isEqualTo(commits);
      assertThat(r.path("io").path("commits").asLong()).isEqualTo(commits);
      JsonNode extra = r.path("extra");
      assertThat(extra.path("updatesMissing").asDouble()).as(variant).isZero();
      assertThat(extra.path("updatesReceived").asDouble()).as(variant).isPositive();
      assertThat(extra.path("subscribers").asDouble())
          .isEqualTo(variant.isEmpty() ? Workload.LIVE_QUERIES : 1);
      assertThat(extra.path("measured").asText()).contains("commits in");
    }
  }

  @Test
  void theThreeLevelGraphOfThreeUsersIsTheSameEverywhere() throws Exception {
    JsonNode graph = answer(READERS.get(0), "graph3", 5, 3);
    assertThat(graph).hasSize(3);
    assertThat(graph.get(0).get("posts")).hasSize(5);
    assertThat(graph.get(0).get("posts").get(0).get("comments")).hasSize(4);
    allAgree("graph3", 5, 3);
  }

  @Test
  void theTwoLevelGraphIsTheSameEverywhere() throws Exception {
    allAgree("graph2", 40, 4);
  }

  @Test
  void theMovieIsTheSameEverywhere() throws Exception {
    JsonNode movie = answer(READERS.get(0), "movie", 3, 1);
    assertThat(movie.get("cast").size()).isGreaterThanOrEqualTo(5);
    assertThat(movie.get("cast").get(0).get("person").get("name").asText()).isNotEmpty();
    allAgree("movie", 3, 1);
    allAgree("movie", 17, 1);
  }

  /** The readers of the application shapes: all but raw MVStore. */
  private static List<Object[]> shapeReaders() {
    return READERS.stream().filter(r -> r[0] != Plan.Child.MVSTORE).toList();
  }

  private void shapeAgrees(String question, long arg, int n) throws Exception {
    List<Object[]> readers = shapeReaders();
    JsonNode expected = answer(readers.get(0), question, arg, n);
    for (Object[] reader : readers.subList(1, readers.size())) {
      assertThat(answer(reader, question, arg, n))
          .as("%s answers %s(%d, %d) like ORMDB", label(reader), question, arg, n)
          .isEqualTo(expected);
    }
  }

  @Test
  void aPersonsFilmographyIsTheSameEverywhere() throws Exception {
    int withBoth = 0;
    for (long person = 1; person <= 100; person++) {
      JsonNode p = answer(READERS.get(0), "person", person, 1);
      JsonNode acted = p.get("actedIn");
      JsonNode directed = p.get("directed");
      if (acted.size() >= 2 && directed.size() >= 1) {
        withBoth++;
        assertThat(acted.get(0).has("avgRating")).isTrue();
        JsonNode a = acted.get(0);
        JsonNode b = acted.get(1);
        assertThat(
                a.get("year").asInt() < b.get("year").asInt()
                    || (a.get("year").asInt() == b.get("year").asInt()
                        && a.get("title").asText().compareTo(b.get("title").asText()) <= 0))
            .as("person %d's movies by year, title", person)
            .isTrue();
        shapeAgrees("person", person, 1);
        if (withBoth == 3) {
          break;
        }
      }
    }
    assertThat(withBoth).as("people who act in two movies and direct one").isEqualTo(3);
    shapeAgrees("person", 1, 1);
  }

  @Test
  void aViewersLatestReviewsAreTheSameEverywhere() throws Exception {
    JsonNode v = answer(READERS.get(0), "user", 7, Workload.LATEST_REVIEWS);
    assertThat(v.get("reviews").size()).isPositive();
    JsonNode movie = v.get("reviews").get(0).get("movie");
    assertThat(movie.get("title").asText()).isNotEmpty();
    assertThat(movie.has("avgRating")).isTrue();
    shapeAgrees("user", 7, Workload.LATEST_REVIEWS);
    shapeAgrees("user", 8, Workload.LATEST_REVIEWS);
    // a limit below the viewer's reviews keeps the latest (highest ids) only
    for (long viewer = 1; viewer <= 100; viewer++) {
      JsonNode all = answer(READERS.get(0), "user", viewer, Workload.LATEST_REVIEWS);
      if (all.get("reviews").size() >= 3) {
        JsonNode two = answer(READERS.get(0), "user", viewer, 2);
        assertThat(two.get("reviews")).hasSize(2);
        assertThat(two.get("reviews").get(0)).isEqualTo(all.get("reviews").get(0));
        assertThat(two.get("reviews").get(1)).isEqualTo(all.get("reviews").get(1));
        assertThat(all.get("reviews").get(0).get("id").asLong())
            .isGreaterThan(all.get("reviews").get(1).get("id").asLong());
        shapeAgrees("user", viewer, 2);
        return;
      }
    }
    throw new AssertionError("no viewer with three reviews");
  }

  @Test
  void pointEqualityAndRangeReadsAreTheSameEverywhere() throws Exception {
    allAgree("point", 123, 1);
    allAgree("eq", 17, 1);
    allAgree("range", 500_000_000, 20);
  }

  @Test
  void keysetPaginationVisitsEveryItemOnceInOrderEverywhere() throws Exception {
    JsonNode ids = answer(READERS.get(0), "keyset", 0, 128);
    assertThat(ids).hasSize(2_000);
    assertThat(ids.get(0).asLong()).isEqualTo(1);
    assertThat(ids.get(1_999).asLong()).isEqualTo(2_000);
    allAgree("keyset", 0, 128);
  }

  @Test
  void groupByAggregatesAreTheSameEverywhere() throws Exception {
    JsonNode expected = rounded(answer(READERS.get(0), "agg", 0, 1));
    assertThat(expected).hasSize(100);
    for (Object[] reader :
        List.of(READERS.get(1), READERS.get(2), READERS.get(3), READERS.get(8))) {
      assertThat(rounded(answer(reader, "agg", 0, 1))).as(label(reader)).isEqualTo(expected);
    }
  }

  /** Averages to 6 decimals: systems may sum in another order. */
  private static JsonNode rounded(JsonNode rows) {
    ArrayNode out = JSON.createArrayNode();
    for (JsonNode r : rows) {
      ArrayNode row = out.addArray();
      row.add(r.get(0).asLong()).add(r.get(1).asLong()).add(r.get(2).asLong());
      row.add(String.format(Locale.ROOT, "%.6f", r.get(3).asDouble()));
    }
    return out;
  }
}
