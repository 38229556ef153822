package io.ormdb.bench.systems;

import io.ormdb.bench.data.Dataset;
import io.ormdb.bench.driver.ChildLoop;
import io.ormdb.bench.driver.Driver;
import io.ormdb.bench.driver.Session;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.AggregateQuery.Aggregation;
import io.ormdb.protocol.query.AggregateQuery.Function;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.query.RelationAggregate;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.Values;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * ORMDB embedded, through {@link OrmStore} directly (the actor-based {@code OrmDb} extension is
 * {@link OrmDbExtensionDriver}). Durability: the store's default, SYNC — a commit is acknowledged
 * after its group's write-ahead-log record is fsynced, concurrent commits share one fsync (group
 * commit); every run of a workload that commits ends with a checkpoint inside its bytes window
 * ({@link #finishWrites}).
 */
public final class OrmStoreDriver implements Driver {

  /** The bench schema in ORMDB's schema language; the SQL drivers create the same tables. */
  public static final String SCHEMA =
      """
      entity Item {
        id       int64  @id
        category int32  @index
        bucket   int64  @index
        score    int64  @index
        price    int64
        name     string
      }
      entity User {
        id    int64  @id
        email string @unique
        name  string
        age   int32
        relation posts: one to many Post by authorId
      }
      entity Post {
        id       int64 @id
        authorId int64
        title    string
        views    int64
        relation author: many to one User by authorId
        relation comments: one to many Comment by postId
      }
      entity Comment {
        id     int64 @id
        postId int64
        text   string
        relation post: many to one Post by postId
      }
      entity Account {
        id      int64  @id
        email   string @unique
        ownerId int64
        relation owner: many to one User by ownerId
      }
      entity Event {
        id      int64 @id
        writer  int32
        payload string
      }
      entity Movie {
        id    int64 @id
        title string
        year  int32
        relation cast: one to many CastMember by movieId
        relation directors: one to many Directing by movieId
        relation reviews: one to many Review by movieId
      }
      entity Person {
        id   int64 @id
        name string
        relation actedIn: many to many Movie through CastMember(personId, movieId)
        relation directed: many to many Movie through Directing(personId, movieId)
      }
      entity CastMember {
        id       int64 @id
        movieId  int64
        personId int64
        ord      int32
        role     string
        relation movie: many to one Movie by movieId
        relation person: many to one Person by personId
      }
      entity Directing {
        id       int64 @id
        movieId  int64
        personId int64
        ord      int32
        relation movie: many to one Movie by movieId
        relation person: many to one Person by personId
      }
      entity Viewer {
        id   int64 @id
        name string
        relation reviews: one to many Review by viewerId
      }
      entity Review {
        id       int64 @id
        movieId  int64
        viewerId int64
        rating   int32
        text     string
        relation movie: many to one Movie by movieId
        relation author: many to one Viewer by viewerId
      }
      """;

  private OrmStore store;
  private final java.util.function.Function<Path, OrmStore> opener;

  public OrmStoreDriver() {
    this(dir -> OrmStore.open(StoreConfig.of(dir)));
  }

  /** A driver whose store comes from {@code opener} (the OrmDb extension driver's own store). */
  OrmStoreDriver(java.util.function.Function<Path, OrmStore> opener) {
    this.opener = opener;
  }

  public static void main(String[] args) {
    ChildLoop.serve(new OrmStoreDriver());
  }

  /**
   * What a session calls: the store directly ({@link #direct}), the embedded extension's API
   * ({@code OrmDb.query}, {@code mutate}, {@code aggregate}) or a connection actor of its own
   * ({@link ConnectionApi}).
   */
  interface Api {
    QueryResult query(GraphQuery q);

    MutationResult commit(MutationBatch batch);

    /** The commit without waiting: completes once the batch is durable (or refused). */
    java.util.concurrent.CompletionStage<MutationResult> commitAsync(MutationBatch batch);

    AggregateResult aggregate(AggregateQuery q);

    /** Ends what the session opened (a connection actor); the store stays open. */
    default void close() {}
  }

  static Api direct(OrmStore store) {
    return new Api() {
      @Override
      public QueryResult query(GraphQuery q) {
        return store.query(q);
      }

      @Override
      public MutationResult commit(MutationBatch batch) {
        return store.commit(batch);
      }

      @Override
      public java.util.concurrent.CompletionStage<MutationResult> commitAsync(MutationBatch batch) {
        return store.commitAsync(batch);
      }

      @Override
      public AggregateResult aggregate(AggregateQuery q) {
        return store.aggregate(q);
      }
    };
  }

  /** The open store (for the JMH benchmarks, which share the JVM). */
  public OrmStore store() {
    return store;
  }

  @Override
  public void load(Dataset data, Path dir) throws Exception {
    store = opener.apply(dir);
    store.applySchema(SchemaParser.parse(SCHEMA));
    Loader l = new Loader(store);
    data.items(
        r ->
            l.add(
                "Item",
                Map.of(
                    "id",
                    r.id(),
                    "category",
                    r.category(),
                    "bucket",
                    r.bucket(),
                    "score",
                    r.score(),
                    "price",
                    r.price(),
                    "name",
                    r.name())));
    data.users(
        r ->
            l.add(
                "User",
                Map.of("id", r.id(), "email", r.email(), "name", r.name(), "age", r.age())));
    l.flush();
    data.posts(
        r ->
            l.add(
                "Post",
                Map.of(
                    "id",
                    r.id(),
                    "authorId",
                    r.authorId(),
                    "title",
                    r.title(),
                    "views",
                    r.views())));
    data.accounts(
        r -> l.add("Account", Map.of("id", r.id(), "email", r.email(), "ownerId", r.ownerId())));
    l.flush();
    data.comments(
        r -> l.add("Comment", Map.of("id", r.id(), "postId", r.postId(), "text", r.text())));
    data.movies(r -> l.add("Movie", Map.of("id", r.id(), "title", r.title(), "year", r.year())));
    data.people(r -> l.add("Person", Map.of("id", r.id(), "name", r.name())));
    data.viewers(r -> l.add("Viewer", Map.of("id", r.id(), "name", r.name())));
    l.flush();
    data.cast(
        r ->
            l.add(
                "CastMember",
                Map.of(
                    "id",
                    r.id(),
                    "movieId",
                    r.movieId(),
                    "personId",
                    r.personId(),
                    "ord",
                    r.ord(),
                    "role",
                    r.role())));
    data.directing(
        r ->
            l.add(
                "Directing",
                Map.of(
                    "id",
                    r.id(),
                    "movieId",
                    r.movieId(),
                    "personId",
                    r.personId(),
                    "ord",
                    r.ord())));
    data.reviews(
        r ->
            l.add(
                "Review",
                Map.of(
                    "id",
                    r.id(),
                    "movieId",
                    r.movieId(),
                    "viewerId",
                    r.viewerId(),
                    "rating",
                    r.rating(),
                    "text",
                    r.text())));
    l.flush();
  }

  /** Loads in 1,000-row batches with a few commits in flight (they share fsyncs). */
  private static final class Loader {
    private final OrmStore store;
    private final List<Mutation> pending = new ArrayList<>();
    private final ArrayDeque<CompletableFuture<MutationResult>> inFlight = new ArrayDeque<>();

    Loader(OrmStore store) {
      this.store = store;
    }

    void add(String entity, Map<String, Object> row) {
      Map<String, Value> data = new HashMap<>();
      row.forEach((k, v) -> data.put(k, Values.of(v)));
      pending.add(new Mutation.Insert(entity, data));
      if (pending.size() == 1000) {
        send();
      }
    }

    private void send() {
      if (pending.isEmpty()) {
        return;
      }
      inFlight.add(store.commitAsync(new MutationBatch(pending)));
      pending.clear();
      while (inFlight.size() > 8) {
        inFlight.poll().join();
      }
    }

    /** Sends what is pending and waits for every commit (before rows that reference them). */
    void flush() {
      send();
      while (!inFlight.isEmpty()) {
        inFlight.poll().join();
      }
    }
  }

  @Override
  public Session session(String variant, String conn) {
    if (!"embedded".equals(conn)) {
      throw new UnsupportedOperationException("ORMDB server (TCP) is not built yet");
    }
    return new OrmSession(direct(store));
  }

  @Override
  public String durability(String variant) {
    return "SYNC: acknowledged after its write-ahead-log record is fsynced, group commit;"
        + " each repetition ends with a checkpoint, counted in the bytes";
  }

  /**
   * The store writes its database file at checkpoints (every minute or 64 MiB of log by default),
   * so a short run would leave that write uncounted: a checkpoint ends every run, inside its bytes
   * window.
   */
  @Override
  public String finishWrites() {
    long before = store.stats().checkpoints();
    store.checkpoint();
    if (store.stats().checkpoints() == before) {
      throw new IllegalStateException("OrmStore.checkpoint() returned without a checkpoint");
    }
    return "OrmStore.checkpoint()";
  }

  @Override
  public ChangeTiming changes(int writers, long millis, long firstId) throws Exception {
    Histogram h = ChildLoop.newHistogram();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong ids = new AtomicLong(firstId);
    AtomicLong commits = new AtomicLong();
    long fromLsn = store.currentLsn() + 1;
    Thread reader =
        new Thread(
            () -> {
              long next = fromLsn;
              while (!stop.get()) {
                List<ChangeSet> sets = store.changes(next, 1000);
                if (sets.isEmpty()) {
                  LockSupport.parkNanos(100_000);
                  continue;
                }
                long now = System.nanoTime();
                for (ChangeSet cs : sets) {
                  for (ChangeEvent e : cs.events()) {
                    Value p = e.after() == null ? null : e.after().get("payload");
                    if (p != null && "Event".equals(e.entity())) {
                      h.recordValue(Math.max(1, now - Long.parseLong(p.asString())));
                    }
                  }
                  next = cs.lsn() + 1;
                }
              }
            },
            "changes-poller");
    reader.start();
    Thread[] ws = new Thread[writers];
    for (int t = 0; t < writers; t++) {
      final int ti = t;
      ws[t] =
          new Thread(
              () -> {
                long end = System.nanoTime() + millis * 1_000_000L;
                while (System.nanoTime() < end) {
                  long id = ids.getAndIncrement();
                  store.commit(
                      MutationBatch.of(
                          new Mutation.Insert(
                              "Event",
                              Map.of(
                                  "id", Value.of(id),
                                  "writer", Value.of(ti),
                                  "payload", Value.of(Long.toString(System.nanoTime()))))));
                  commits.incrementAndGet();
                }
              });
      ws[t].start();
    }
    for (Thread w : ws) {
      w.join();
    }
    Thread.sleep(200);
    stop.set(true);
    reader.join();
    return new ChangeTiming(
        h,
        commits.get(),
        "commit call → change visible via OrmStore.changes() polling (0.1 ms park when empty);"
            + " NOT the push feed");
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
    }
  }

  /** Graph queries built with the Java builder, results assembled with ResultObjects. */
  static final class OrmSession implements Session {
    private final Api store;

    OrmSession(Api store) {
      this.store = store;
    }

    private List<Map<String, Object>> maps(GraphQuery q) {
      return ResultObjects.toMaps(store.query(q));
    }

    @Override
    public Map<String, Object> point(long id) {
      List<Map<String, Object>> rows =
          maps(GraphQuery.from("Item").where(Filter.eq("id", id)).build());
      return rows.isEmpty() ? null : rows.get(0);
    }

    @Override
    public List<Map<String, Object>> byBucket(long bucket) {
      return maps(
          GraphQuery.from("Item")
              .where(Filter.eq("bucket", bucket))
              .orderBy(OrderSpec.asc("id"))
              .build());
    }

    @Override
    public List<Map<String, Object>> scoreAtLeast(long minScore, int limit) {
      return maps(
          GraphQuery.from("Item")
              .where(Filter.cmp("score", Filter.Op.GE, minScore))
              .orderBy(OrderSpec.asc("score"), OrderSpec.asc("id"))
              .limit(limit)
              .build());
    }

    @Override
    public List<Map<String, Object>> users(long firstId, int count, int depth) {
      // The same identity range the SQL systems use: a seek in the store, not a scan.
      GraphQuery.Builder b =
          GraphQuery.from("User")
              .where(
                  Filter.and(
                      Filter.cmp("id", Filter.Op.GE, firstId),
                      Filter.cmp("id", Filter.Op.LT, firstId + count)))
              .orderBy(OrderSpec.asc("id"));
      if (depth >= 2) {
        b.include(ordered("posts", "id"));
      }
      if (depth >= 3) {
        b.include(ordered("posts.comments", "id"));
      }
      return maps(b.build());
    }

    private static Include ordered(String path, String field) {
      return new Include(path, List.of(), null, List.of(OrderSpec.asc(field)), Pagination.NONE);
    }

    @Override
    public Map<String, Object> movie(long id) {
      List<Map<String, Object>> rows =
          maps(
              GraphQuery.from("Movie")
                  .where(Filter.eq("id", id))
                  .include(ordered("cast", "ord"))
                  .include(Include.of("cast.person"))
                  .include(ordered("directors", "ord"))
                  .include(Include.of("directors.person"))
                  .include(ordered("reviews", "id"))
                  .include(Include.of("reviews.author"))
                  .build());
      if (rows.isEmpty()) {
        return null;
      }
      Map<String, Object> movie = rows.get(0);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> reviews = (List<Map<String, Object>>) movie.get("reviews");
      long sum = 0;
      for (Map<String, Object> r : reviews) {
        sum += ((Number) r.get("rating")).longValue();
      }
      movie.put("avgRating", reviews.isEmpty() ? null : (double) sum / reviews.size());
      return movie;
    }

    /** Each movie's average review rating, computed by the query from the related reviews. */
    private static final RelationAggregate AVG_RATING =
        RelationAggregate.of("avgRating", Function.AVG, "reviews", "rating");

    private static final List<String> MOVIE_FIELDS = List.of("id", "title", "year");

    private static Include ratedMovies(String relation) {
      return new Include(
          relation,
          MOVIE_FIELDS,
          null,
          List.of(OrderSpec.asc("year"), OrderSpec.asc("title"), OrderSpec.asc("id")),
          Pagination.NONE,
          List.of(AVG_RATING));
    }

    @Override
    public Map<String, Object> filmography(long id) {
      List<Map<String, Object>> rows =
          maps(
              GraphQuery.from("Person")
                  .where(Filter.eq("id", id))
                  .include(ratedMovies("actedIn"))
                  .include(ratedMovies("directed"))
                  .build());
      return rows.isEmpty() ? null : rows.get(0);
    }

    @Override
    public Map<String, Object> viewerReviews(long id, int latest) {
      List<Map<String, Object>> rows =
          maps(
              GraphQuery.from("Viewer")
                  .where(Filter.eq("id", id))
                  .include(
                      new Include(
                          "reviews",
                          List.of(),
                          null,
                          List.of(OrderSpec.desc("id")),
                          Pagination.limit(latest)))
                  .include(
                      new Include(
                          "reviews.movie",
                          MOVIE_FIELDS,
                          null,
                          List.of(),
                          Pagination.NONE,
                          List.of(AVG_RATING)))
                  .build());
      return rows.isEmpty() ? null : rows.get(0);
    }

    @Override
    public Page itemsAfter(Object cursor, int size) {
      QueryResult r =
          store.query(
              GraphQuery.from("Item")
                  .orderBy(OrderSpec.asc("id"))
                  .page(
                      cursor == null
                          ? Pagination.limit(size)
                          : Pagination.after((String) cursor, size))
                  .build());
      return new Page(ResultObjects.toMaps(r), r.hasMore() ? r.nextCursor() : null);
    }

    @Override
    public void insertEvent(long id, int writer, String payload) {
      store.commit(MutationBatch.of(event(id, writer, payload)));
    }

    private static Mutation event(long id, int writer, String payload) {
      return new Mutation.Insert(
          "Event",
          Map.of("id", Value.of(id), "writer", Value.of(writer), "payload", Value.of(payload)));
    }

    @Override
    public void insertEventsPipelined(long firstId, int n, int writer) {
      java.util.concurrent.CompletableFuture<?>[] inFlight =
          new java.util.concurrent.CompletableFuture<?>[n];
      for (int i = 0; i < n; i++) {
        long id = firstId + i;
        inFlight[i] =
            store
                .commitAsync(MutationBatch.of(event(id, writer, "event " + id)))
                .toCompletableFuture();
      }
      java.util.concurrent.CompletableFuture.allOf(inFlight).join();
    }

    @Override
    public void insertEvents(long firstId, int n, int writer) {
      List<Mutation> ms = new ArrayList<>(n);
      for (long id = firstId; id < firstId + n; id++) {
        ms.add(event(id, writer, "event " + id));
      }
      store.commit(new MutationBatch(ms));
    }

    @Override
    public void updateAccount(long id, String email, long ownerId) {
      store.commit(
          MutationBatch.of(
              new Mutation.Update(
                  "Account",
                  Value.of(id),
                  Map.of("email", Value.of(email), "ownerId", Value.of(ownerId)),
                  0)));
    }

    @Override
    public List<List<Object>> aggregateByCategory() {
      AggregateResult r =
          store.aggregate(
              new AggregateQuery(
                  "Item",
                  List.of(
                      new Aggregation(Function.COUNT, null),
                      new Aggregation(Function.SUM, "price"),
                      new Aggregation(Function.AVG, "price")),
                  null,
                  List.of("category"),
                  null));
      List<List<Object>> out = new ArrayList<>(r.rows().size());
      for (List<Value> row : r.rows()) {
        out.add(
            List.of(
                ((Number) Values.toJava(row.get(0))).intValue(),
                ((Number) Values.toJava(row.get(1))).longValue(),
                ((Number) Values.toJava(row.get(2))).longValue(),
                ((Number) Values.toJava(row.get(3))).doubleValue()));
      }
      out.sort((a, b) -> Integer.compare((Integer) a.get(0), (Integer) b.get(0)));
      return out;
    }

    @Override
    public void close() {
      store.close();
    }
  }
}
