package io.ormdb.bench;

import io.ormdb.bench.driver.Workload;
import java.util.ArrayList;
import java.util.List;

/** What a run measures: the child JVMs, the systems each one plays, and the workloads (cases). */
final class Plan {
  private Plan() {}

  /** A child JVM kind: its driver main class and classpath kind. */
  enum Child {
    ORMDB("ormdb", "io.ormdb.bench.systems.OrmStoreDriver", "ormdb"),
    ORMDB_EXT("ormdb-ext", "io.ormdb.bench.systems.OrmDbExtensionDriver", "ormdb"),
    MVSTORE("mvstore", "io.ormdb.bench.systems.RawMvStoreDriver", "ormdb"),
    H2("h2", "io.ormdb.bench.systems.H2Driver", "h2"),
    SQLITE("sqlite", "io.ormdb.bench.systems.SqliteDriver", "sqlite");

    final String id;
    final String mainClass;
    final String classpath;

    Child(String id, String mainClass, String classpath) {
      this.id = id;
      this.mainClass = mainClass;
      this.classpath = classpath;
    }
  }

  /**
   * One row of a result table: a system label, the child that plays it, the variant and connection
   * mode it is asked for; or, when {@code child} is null, a row that did not run and why.
   */
  record Entry(String label, Child child, String variant, String conn, String notRun) {
    static Entry of(String label, Child child, String variant, String conn) {
      return new Entry(label, child, variant, conn, null);
    }

    static Entry notRun(String label, String why) {
      return new Entry(label, null, "", "", why);
    }

    boolean runs() {
      return child != null;
    }

    boolean isOrmdb() {
      return child == Child.ORMDB;
    }
  }

  /** One workload as it appears in the report, with the systems it compares. */
  record Case(
      String id,
      int group,
      String title,
      Workload workload,
      int threads,
      boolean slow,
      List<Entry> entries) {}

  static final String ORMDB = "ORMDB embedded (OrmStore)";
  static final String ORMDB_EXTENSION = "ORMDB embedded (OrmDb extension)";
  static final String ORMDB_SESSION = "ORMDB embedded (connection actor)";

  /** {@link #ORMDB_SESSION}'s label in reports written before it ran every workload. */
  static final String ORMDB_SESSION_FORMERLY = "ORMDB embedded (OrmDb extension, connection actor)";

  static final String ORMDB_SERVER = "ORMDB server (TCP)";
  static final String RAW = "raw MVStore (the limit)";
  static final String POSTGRES = "PostgreSQL";
  static final String PUSH_FEED = "ORMDB push feed (OrmDb.changes subscriber)";
  static final String LIVE_QUERY = "ORMDB live query update (OrmDb.liveQuery subscriber)";
  static final String LIVE_QUERIES =
      "ORMDB live queries (" + Workload.LIVE_QUERIES + " OrmDb.liveQuery subscribers)";

  static final Entry ORMDB_ROW = Entry.of(ORMDB, Child.ORMDB, "", "embedded");
  static final Entry RAW_ROW = Entry.of(RAW, Child.MVSTORE, "", "embedded");
  static final Entry EXTENSION_ROW = Entry.of(ORMDB_EXTENSION, Child.ORMDB_EXT, "", "embedded");
  static final Entry SESSION_ROW = Entry.of(ORMDB_SESSION, Child.ORMDB_EXT, "session", "embedded");
  static final Entry SERVER_PENDING = Entry.notRun(ORMDB_SERVER, "pending: server not built yet");

  static List<Case> cases(String postgresStatus) {
    Entry postgres = Entry.notRun(POSTGRES + " (optional)", postgresStatus);
    List<Entry> simpleReads =
        List.of(
            ORMDB_ROW,
            EXTENSION_ROW,
            SESSION_ROW,
            RAW_ROW,
            Entry.of("H2 SQL embedded", Child.H2, "", "embedded"),
            Entry.of("H2 SQL TCP (loopback)", Child.H2, "", "tcp"),
            Entry.of("SQLite (WAL)", Child.SQLITE, "", "embedded"));
    List<Entry> graph =
        List.of(
            ORMDB_ROW,
            EXTENSION_ROW,
            SESSION_ROW,
            RAW_ROW,
            Entry.of("H2 SQL embedded, JOIN + assembly", Child.H2, "join", "embedded"),
            Entry.of("H2 SQL embedded, batched IN", Child.H2, "in", "embedded"),
            Entry.of("ORM N+1 on H2 embedded", Child.H2, "n1", "embedded"),
            Entry.of("H2 SQL TCP (loopback), JOIN", Child.H2, "join", "tcp"),
            Entry.of("ORM N+1 on H2 TCP (loopback)", Child.H2, "n1", "tcp"),
            Entry.of("SQLite (WAL), JOIN + assembly", Child.SQLITE, "join", "embedded"),
            Entry.of("SQLite (WAL), batched IN", Child.SQLITE, "in", "embedded"),
            Entry.of("ORM N+1 on SQLite", Child.SQLITE, "n1", "embedded"),
            SERVER_PENDING,
            postgres);
    List<Entry> movie =
        List.of(
            ORMDB_ROW,
            EXTENSION_ROW,
            SESSION_ROW,
            RAW_ROW,
            Entry.of("H2 SQL embedded, JOIN per relation", Child.H2, "join", "embedded"),
            Entry.of("ORM N+1 on H2 embedded", Child.H2, "n1", "embedded"),
            Entry.of("SQLite (WAL), JOIN per relation", Child.SQLITE, "join", "embedded"),
            Entry.of("ORM N+1 on SQLite", Child.SQLITE, "n1", "embedded"),
            SERVER_PENDING,
            postgres);
    List<Entry> shape =
        List.of(
            ORMDB_ROW,
            EXTENSION_ROW,
            SESSION_ROW,
            Entry.notRun(RAW, "not written: no hand-made lookups for this shape"),
            Entry.of("H2 SQL embedded, JOIN + AVG subquery", Child.H2, "join", "embedded"),
            Entry.of("ORM N+1 on H2 embedded", Child.H2, "n1", "embedded"),
            Entry.of("SQLite (WAL), JOIN + AVG subquery", Child.SQLITE, "join", "embedded"),
            Entry.of("ORM N+1 on SQLite", Child.SQLITE, "n1", "embedded"),
            SERVER_PENDING,
            postgres);
    List<Entry> embeddedOnly =
        List.of(
            ORMDB_ROW,
            EXTENSION_ROW,
            SESSION_ROW,
            RAW_ROW,
            Entry.of("H2 SQL embedded", Child.H2, "", "embedded"),
            Entry.of("SQLite (WAL)", Child.SQLITE, "", "embedded"));
    List<Entry> writes =
        List.of(
            ORMDB_ROW,
            EXTENSION_ROW,
            SESSION_ROW,
            RAW_ROW,
            Entry.of("H2 SQL embedded, durable", Child.H2, "durable", "embedded"),
            Entry.of("H2 SQL embedded, default (no fsync)", Child.H2, "nosync", "embedded"),
            Entry.of("SQLite (WAL)", Child.SQLITE, "durable", "embedded"));
    List<Entry> updates =
        List.of(
            ORMDB_ROW,
            EXTENSION_ROW,
            SESSION_ROW,
            RAW_ROW,
            Entry.of("H2 SQL embedded, durable", Child.H2, "durable", "embedded"),
            Entry.of("SQLite (WAL)", Child.SQLITE, "durable", "embedded"));
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("point", 1, "Point read by id", Workload.POINT, 1, false, simpleReads));
    cases.add(
        new Case(
            "point16",
            1,
            "Point read by id, 16 callers (each waits for its answer)",
            Workload.POINT,
            16,
            false,
            List.of(ORMDB_ROW, EXTENSION_ROW, SESSION_ROW)));
    cases.add(new Case("eq", 1, "Indexed equality (~10 rows)", Workload.EQ, 1, false, simpleReads));
    cases.add(
        new Case("range", 1, "Range + order by + limit 20", Workload.RANGE, 1, false, simpleReads));
    cases.add(
        new Case(
            "graph2",
            2,
            "Graph, 2 levels (100 users × 5 posts)",
            Workload.GRAPH2,
            1,
            false,
            graph));
    cases.add(
        new Case(
            "graph3",
            2,
            "Graph, 3 levels (100 users × 5 posts × 4 comments)",
            Workload.GRAPH3,
            1,
            false,
            graph));
    cases.add(
        new Case(
            "movie",
            2,
            "Movie: cast + directors in order, reviews with authors, avg rating",
            Workload.MOVIE,
            1,
            false,
            movie));
    cases.add(
        new Case(
            "person",
            2,
            "Person: movies acted in and directed (by year, title), each with its avg rating",
            Workload.PERSON,
            1,
            false,
            shape));
    cases.add(
        new Case(
            "user",
            2,
            "Viewer: latest 10 reviews, each with its movie and the movie's avg rating",
            Workload.USER,
            1,
            false,
            shape));
    cases.add(
        new Case(
            "keyset",
            3,
            "Keyset pagination through all items (100-row pages)",
            Workload.KEYSET,
            1,
            false,
            embeddedOnly));
    cases.add(
        new Case(
            "insert1",
            4,
            "Durable single-row inserts, 1 writer",
            Workload.INSERT,
            1,
            false,
            writes));
    cases.add(
        new Case(
            "insert16",
            4,
            "Durable single-row inserts, 16 writers",
            Workload.INSERT,
            16,
            false,
            writes));
    cases.add(
        new Case(
            "insert16p",
            4,
            "Durable single-row inserts, 16 writers with 4 commits in flight each (ops = 4 commits)",
            Workload.INSERT_PIPELINED,
            16,
            false,
            List.of(ORMDB_ROW, EXTENSION_ROW, SESSION_ROW)));
    cases.add(
        new Case(
            "batch1000",
            4,
            "Durable 1,000-row batches (ops = batches)",
            Workload.BATCH,
            1,
            false,
            writes));
    cases.add(
        new Case(
            "update",
            4,
            "Durable updates, unique index + foreign key checked",
            Workload.UPDATE,
            1,
            false,
            updates));
    cases.add(
        new Case(
            "agg",
            5,
            "count / sum / avg group by category over all items",
            Workload.AGG,
            1,
            false,
            embeddedOnly));
    cases.add(
        new Case(
            "changes",
            6,
            "Change stream: commit → subscriber, 16 writers",
            Workload.CHANGES,
            16,
            false,
            List.of(
                Entry.of(PUSH_FEED, Child.ORMDB_EXT, "", "embedded"),
                Entry.of(LIVE_QUERY, Child.ORMDB_EXT, "live", "embedded"),
                Entry.of(
                    "ORMDB, commit → visible via changes() polling", Child.ORMDB, "", "embedded"),
                Entry.notRun("H2 / SQLite", "n/a: no change feed"))));
    cases.add(
        new Case(
            "live",
            6,
            String.format(
                java.util.Locale.ROOT,
                "Live queries: commit → update, %d live queries, 16 writers paced to %,d commits/s"
                    + " in total (throughput = commits/s reached)",
                Workload.LIVE_QUERIES,
                Workload.LIVE_COMMITS_PER_SECOND),
            Workload.LIVE,
            16,
            false,
            List.of(
                Entry.of(LIVE_QUERIES, Child.ORMDB_EXT, "", "embedded"),
                Entry.of(PUSH_FEED + ", same writers", Child.ORMDB_EXT, "feed", "embedded"),
                Entry.notRun("H2 / SQLite", "n/a: no live queries"))));
    cases.add(
        new Case(
            "net-graph3",
            7,
            "Graph, 3 levels, through a delay proxy (1 ms per direction)",
            Workload.GRAPH3,
            1,
            true,
            List.of(
                SERVER_PENDING,
                Entry.of("H2 TCP + proxy, JOIN + assembly", Child.H2, "join", "proxy"),
                Entry.of("H2 TCP + proxy, batched IN", Child.H2, "in", "proxy"),
                Entry.of("ORM N+1 on H2 TCP + proxy", Child.H2, "n1", "proxy"))));
    return cases;
  }
}
