package io.ormdb.bench.driver;

/**
 * The operations a child can time. Parameters (which id, which bucket, ...) come from a random
 * stream seeded by the run's seed, the workload, the repetition and the thread, so every system
 * answers the same sequence of requests.
 */
public enum Workload {
  POINT("point", "point read by id", Kind.TIMED),
  EQ("eq", "indexed equality filter (~10 rows), ordered by id", Kind.TIMED),
  RANGE("range", "range filter on an indexed field, order by it, limit 20", Kind.TIMED),
  GRAPH2("graph2", "graph, 2 levels: 100 users, each with 5 posts", Kind.TIMED),
  GRAPH3("graph3", "graph, 3 levels: 100 users, 5 posts each, 4 comments per post", Kind.TIMED),
  MOVIE(
      "movie",
      "a movie, its cast and directors in order (with the people), all reviews with authors,"
          + " average rating",
      Kind.TIMED),
  PERSON(
      "person",
      "a person's filmography: the movies they acted in and the movies they directed, each"
          + " with its average review rating, by year, title, id",
      Kind.TIMED),
  USER(
      "user",
      "a viewer's latest 10 reviews, each with its movie and that movie's average rating",
      Kind.TIMED),
  KEYSET("keyset", "keyset pagination, 100-row pages, through every item", Kind.SCAN),
  INSERT("insert", "durable single-row inserts (one commit per row)", Kind.TIMED),
  INSERT_PIPELINED(
      "insert-pipelined",
      "durable single-row inserts (one commit per row), each writer submitting "
          + "4 commits before waiting for them (one op = 4 commits)",
      Kind.TIMED),
  BATCH("batch1000", "durable 1,000-row insert batches (one commit per batch)", Kind.TIMED),
  UPDATE(
      "update",
      "durable single-row updates changing a unique field and a foreign key (both checked)",
      Kind.TIMED),
  AGG("agg", "count, sum, avg grouped by category over every item", Kind.TIMED),
  CHANGES("changes", "commit → change visible to a reader", Kind.CHANGES),
  LIVE(
      "live",
      "100 live queries over rows that 16 paced writers update (10,000 commits/s in total):"
          + " commit → subscriber update",
      Kind.CHANGES);

  /** How the child drives the workload. */
  public enum Kind {
    /** Repeats one operation for a time, on one or more threads. */
    TIMED,
    /** Pages through the whole table once; reports page time at the start and at the end. */
    SCAN,
    /** Writers commit while a reader waits for their changes. */
    CHANGES
  }

  /** Users per graph fetch. */
  public static final int GRAPH_USERS = 100;

  /** Reviews per {@code user} fetch: the viewer's latest. */
  public static final int LATEST_REVIEWS = 10;

  /** Rows per range page and keyset page. */
  public static final int RANGE_LIMIT = 20;

  public static final int PAGE_SIZE = 100;

  public static final int BATCH_ROWS = 1000;

  /** Commits a pipelined writer has in flight. */
  public static final int PIPELINE = 4;

  /** Live queries the {@code live} workload subscribes. */
  public static final int LIVE_QUERIES = 100;

  /** Rows each live query of the {@code live} workload watches (a range of ids of its own). */
  public static final int LIVE_ROWS_PER_QUERY = 10;

  /** The total commit rate the {@code live} workload's writers aim at. */
  public static final int LIVE_COMMITS_PER_SECOND = 10_000;

  private final String id;
  private final String description;
  private final Kind kind;

  Workload(String id, String description, Kind kind) {
    this.id = id;
    this.description = description;
    this.kind = kind;
  }

  public String id() {
    return id;
  }

  public String description() {
    return description;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * The commits one operation makes: 1 for a single-row insert, an update or a batch, {@link
   * #PIPELINE} for a pipelined op, 0 for a read; the change workload counts its commits itself.
   */
  public int commitsPerOp() {
    switch (this) {
      case INSERT:
      case BATCH:
      case UPDATE:
        return 1;
      case INSERT_PIPELINED:
        return PIPELINE;
      default:
        return 0;
    }
  }

  /** Whether the workload commits (its report table shows the bytes written and the file size). */
  public boolean commits() {
    return commitsPerOp() > 0 || kind == Kind.CHANGES;
  }

  public static Workload byId(String id) {
    for (Workload w : values()) {
      if (w.id.equals(id)) {
        return w;
      }
    }
    throw new IllegalArgumentException("unknown workload '" + id + "'");
  }
}
