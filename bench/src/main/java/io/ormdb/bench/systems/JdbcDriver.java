package io.ormdb.bench.systems;

import io.ormdb.bench.data.Dataset;
import io.ormdb.bench.driver.Driver;
import io.ormdb.bench.driver.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain JDBC with prepared statements, the way a skilled developer writes it by hand, for any SQL
 * database: the same tables, keys, foreign keys and indexes as ORMDB's bench schema. Subclasses say
 * how to connect and what a durable commit is. References only {@code java.sql}: this class runs in
 * child JVMs that have neither ORMDB nor MVStore on their classpath.
 *
 * <p>Graph variants: {@code join} (one LEFT JOIN statement per graph, assembled while reading the
 * rows; for the movie one statement per relation, since one statement across cast, directors and
 * reviews would multiply them), {@code in} (one statement per level, children fetched with batched
 * {@code IN (?, ...)} lists) and {@code n1} (the ORM lazy-loading pattern: one statement per
 * parent).
 */
public abstract class JdbcDriver implements Driver {

  static final String[] SCHEMA = {
    "CREATE TABLE item (id BIGINT PRIMARY KEY, category INT NOT NULL, bucket BIGINT NOT NULL,"
        + " score BIGINT NOT NULL, price BIGINT NOT NULL, name VARCHAR(200) NOT NULL)",
    "CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE,"
        + " name VARCHAR(200) NOT NULL, age INT NOT NULL)",
    "CREATE TABLE post (id BIGINT PRIMARY KEY, author_id BIGINT NOT NULL REFERENCES users(id),"
        + " title VARCHAR(200) NOT NULL, views BIGINT NOT NULL)",
    "CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL REFERENCES post(id),"
        + " body VARCHAR(1000) NOT NULL)",
    "CREATE TABLE account (id BIGINT PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE,"
        + " owner_id BIGINT NOT NULL REFERENCES users(id))",
    "CREATE TABLE event (id BIGINT PRIMARY KEY, writer INT NOT NULL, payload VARCHAR(200) NOT NULL)",
    "CREATE TABLE movie (id BIGINT PRIMARY KEY, title VARCHAR(200) NOT NULL,"
        + " release_year INT NOT NULL)",
    "CREATE TABLE person (id BIGINT PRIMARY KEY, name VARCHAR(200) NOT NULL)",
    "CREATE TABLE cast_member (id BIGINT PRIMARY KEY, movie_id BIGINT NOT NULL REFERENCES"
        + " movie(id), person_id BIGINT NOT NULL REFERENCES person(id), ord INT NOT NULL,"
        + " role_name VARCHAR(200) NOT NULL)",
    "CREATE TABLE directing (id BIGINT PRIMARY KEY, movie_id BIGINT NOT NULL REFERENCES movie(id),"
        + " person_id BIGINT NOT NULL REFERENCES person(id), ord INT NOT NULL)",
    "CREATE TABLE viewer (id BIGINT PRIMARY KEY, name VARCHAR(200) NOT NULL)",
    "CREATE TABLE review (id BIGINT PRIMARY KEY, movie_id BIGINT NOT NULL REFERENCES movie(id),"
        + " viewer_id BIGINT NOT NULL REFERENCES viewer(id), rating INT NOT NULL,"
        + " body VARCHAR(1000) NOT NULL)"
  };

  /** Created after the load, as one would for a bulk import. */
  static final String[] INDEXES = {
    "CREATE INDEX item_bucket ON item(bucket)",
    "CREATE INDEX item_score ON item(score)",
    "CREATE INDEX item_category ON item(category)",
    "CREATE INDEX post_author ON post(author_id)",
    "CREATE INDEX comments_post ON comments(post_id)",
    "CREATE INDEX account_owner ON account(owner_id)",
    "CREATE INDEX cast_movie ON cast_member(movie_id, ord)",
    "CREATE INDEX cast_person ON cast_member(person_id)",
    "CREATE INDEX directing_movie ON directing(movie_id, ord)",
    "CREATE INDEX directing_person ON directing(person_id)",
    "CREATE INDEX review_movie ON review(movie_id)",
    "CREATE INDEX review_viewer ON review(viewer_id)"
  };

  static final String ITEM_COLS = "id, category, bucket, score, price, name";

  /** Opens a new connection to the loaded database. */
  protected abstract Connection connect(String conn) throws SQLException;

  /** Runs after a write transaction committed, to make it durable (H2: CHECKPOINT SYNC). */
  protected void afterCommit(Connection c, String variant) throws SQLException {}

  /** Creates the database files under {@code dir} and returns a connection for the load. */
  protected abstract Connection create(Path dir) throws SQLException;

  @Override
  public void load(Dataset data, Path dir) throws Exception {
    Files.createDirectories(dir);
    try (Connection c = create(dir)) {
      try (Statement s = c.createStatement()) {
        for (String ddl : SCHEMA) {
          s.execute(ddl);
        }
      }
      c.setAutoCommit(false);
      try (BulkInsert b = new BulkInsert(c, "INSERT INTO item VALUES (?, ?, ?, ?, ?, ?)")) {
        data.items(r -> b.row(r.id(), r.category(), r.bucket(), r.score(), r.price(), r.name()));
      }
      try (BulkInsert b = new BulkInsert(c, "INSERT INTO users VALUES (?, ?, ?, ?)")) {
        data.users(r -> b.row(r.id(), r.email(), r.name(), r.age()));
      }
      try (BulkInsert b = new BulkInsert(c, "INSERT INTO post VALUES (?, ?, ?, ?)")) {
        data.posts(r -> b.row(r.id(), r.authorId(), r.title(), r.views()));
      }
      try (BulkInsert b = new BulkInsert(c, "INSERT INTO comments VALUES (?, ?, ?)")) {
        data.comments(r -> b.row(r.id(), r.postId(), r.text()));
      }
      try (BulkInsert b = new BulkInsert(c, "INSERT INTO account VALUES (?, ?, ?)")) {
        data.accounts(r -> b.row(r.id(), r.email(), r.ownerId()));
      }
      try (BulkInsert b = new BulkInsert(c, "INSERT INTO movie VALUES (?, ?, ?)")) {
        data.movies(r -> b.row(r.id(), r.title(), r.year()));
      }
      try (BulkInsert b = new BulkInsert(c, "INSERT INTO person VALUES (?, ?)")) {
        data.people(r -> b.row(r.id(), r.name()));
      }
      try (BulkInsert b = new BulkInsert(c, "INSERT INTO viewer VALUES (?, ?)")) {
        data.viewers(r -> b.row(r.id(), r.name()));
      }
      try (BulkInsert b = new BulkInsert(c, "INSERT INTO cast_member VALUES (?, ?, ?, ?, ?)")) {
        data.cast(r -> b.row(r.id(), r.movieId(), r.personId(), r.ord(), r.role()));
      }
      try (BulkInsert b = new BulkInsert(c, "INSERT INTO directing VALUES (?, ?, ?, ?)")) {
        data.directing(r -> b.row(r.id(), r.movieId(), r.personId(), r.ord()));
      }
      try (BulkInsert b = new BulkInsert(c, "INSERT INTO review VALUES (?, ?, ?, ?, ?)")) {
        data.reviews(r -> b.row(r.id(), r.movieId(), r.viewerId(), r.rating(), r.text()));
      }
      c.commit();
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        for (String ddl : INDEXES) {
          s.execute(ddl);
        }
        analyze(s);
      }
    }
  }

  /** Updates the optimizer's statistics after the load. */
  protected abstract void analyze(Statement s) throws SQLException;

  /** Batched inserts, 1,000 rows per executeBatch, one commit per 10,000 rows. */
  private static final class BulkInsert implements AutoCloseable {
    private final Connection c;
    private final PreparedStatement ps;
    private int pending;
    private long rows;

    BulkInsert(Connection c, String sql) throws SQLException {
      this.c = c;
      this.ps = c.prepareStatement(sql);
    }

    void row(Object... values) {
      try {
        for (int i = 0; i < values.length; i++) {
          ps.setObject(i + 1, values[i]);
        }
        ps.addBatch();
        if (++pending == 1000) {
          ps.executeBatch();
          pending = 0;
        }
        if (++rows % 10_000 == 0) {
          c.commit();
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() throws SQLException {
      if (pending > 0) {
        ps.executeBatch();
      }
      c.commit();
      ps.close();
    }
  }

  @Override
  public Session session(String variant, String conn) throws Exception {
    return new JdbcSession(connect(conn), variant);
  }

  final class JdbcSession implements Session {
    private final Connection c;
    private final String variant;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private long aggregateCalls;

    JdbcSession(Connection c, String variant) {
      this.c = c;
      this.variant = variant;
    }

    private PreparedStatement ps(String sql) throws SQLException {
      PreparedStatement ps = statements.get(sql);
      if (ps == null) {
        ps = c.prepareStatement(sql);
        // Over TCP, fetch a whole graph in one go instead of the driver's default batches.
        ps.setFetchSize(10_000);
        statements.put(sql, ps);
      }
      return ps;
    }

    private PreparedStatement ps(String sql, Object... params) throws SQLException {
      PreparedStatement ps = ps(sql);
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      return ps;
    }

    @Override
    public Map<String, Object> point(long id) throws SQLException {
      try (ResultSet rs =
          ps("SELECT " + ITEM_COLS + " FROM item WHERE id = ?", id).executeQuery()) {
        return rs.next() ? item(rs) : null;
      }
    }

    @Override
    public List<Map<String, Object>> byBucket(long bucket) throws SQLException {
      return items(ps("SELECT " + ITEM_COLS + " FROM item WHERE bucket = ? ORDER BY id", bucket));
    }

    @Override
    public List<Map<String, Object>> scoreAtLeast(long minScore, int limit) throws SQLException {
      return items(
          ps(
              "SELECT " + ITEM_COLS + " FROM item WHERE score >= ? ORDER BY score, id LIMIT ?",
              minScore,
              limit));
    }

    private List<Map<String, Object>> items(PreparedStatement ps) throws SQLException {
      List<Map<String, Object>> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(item(rs));
        }
      }
      return out;
    }

    @Override
    public List<Map<String, Object>> users(long firstId, int count, int depth) throws SQLException {
      switch (variant) {
        case "in":
          return usersIn(firstId, count, depth);
        case "n1":
          return usersNplus1(firstId, count, depth);
        default:
          return usersJoin(firstId, count, depth);
      }
    }

    private List<Map<String, Object>> usersJoin(long firstId, int count, int depth)
        throws SQLException {
      String sql;
      if (depth <= 1) {
        sql =
            "SELECT u.id, u.email, u.name, u.age FROM users u WHERE u.id >= ? AND u.id < ?"
                + " ORDER BY u.id";
      } else if (depth == 2) {
        sql =
            "SELECT u.id, u.email, u.name, u.age, p.id, p.author_id, p.title, p.views"
                + " FROM users u LEFT JOIN post p ON p.author_id = u.id"
                + " WHERE u.id >= ? AND u.id < ? ORDER BY u.id, p.id";
      } else {
        sql =
            "SELECT u.id, u.email, u.name, u.age, p.id, p.author_id, p.title, p.views,"
                + " c.id, c.post_id, c.body FROM users u LEFT JOIN post p ON p.author_id = u.id"
                + " LEFT JOIN comments c ON c.post_id = p.id"
                + " WHERE u.id >= ? AND u.id < ? ORDER BY u.id, p.id, c.id";
      }
      List<Map<String, Object>> out = new ArrayList<>(count);
      try (ResultSet rs = ps(sql, firstId, firstId + count).executeQuery()) {
        Map<String, Object> user = null;
        List<Map<String, Object>> posts = null;
        List<Map<String, Object>> comments = null;
        long userId = Long.MIN_VALUE;
        long postId = Long.MIN_VALUE;
        while (rs.next()) {
          long uid = rs.getLong(1);
          if (user == null || uid != userId) {
            user = user(rs, 1);
            userId = uid;
            out.add(user);
            if (depth >= 2) {
              posts = new ArrayList<>();
              user.put("posts", posts);
            }
          }
          if (depth < 2) {
            continue;
          }
          long pid = rs.getLong(5);
          if (rs.wasNull()) {
            continue;
          }
          if (pid != postId || posts.isEmpty()) {
            Map<String, Object> post = post(rs, 5);
            postId = pid;
            posts.add(post);
            if (depth >= 3) {
              comments = new ArrayList<>();
              post.put("comments", comments);
            }
          }
          if (depth < 3) {
            continue;
          }
          rs.getLong(9);
          if (!rs.wasNull()) {
            comments.add(comment(rs, 9));
          }
        }
      }
      return out;
    }

    private List<Map<String, Object>> usersIn(long firstId, int count, int depth)
        throws SQLException {
      List<Map<String, Object>> users = new ArrayList<>(count);
      Map<Long, List<Map<String, Object>>> postsOf = new LinkedHashMap<>();
      try (ResultSet rs =
          ps(
                  "SELECT id, email, name, age FROM users WHERE id >= ? AND id < ? ORDER BY id",
                  firstId,
                  firstId + count)
              .executeQuery()) {
        while (rs.next()) {
          Map<String, Object> u = user(rs, 1);
          users.add(u);
          if (depth >= 2) {
            List<Map<String, Object>> ps = new ArrayList<>();
            u.put("posts", ps);
            postsOf.put((Long) u.get("id"), ps);
          }
        }
      }
      if (depth < 2 || postsOf.isEmpty()) {
        return users;
      }
      Map<Long, List<Map<String, Object>>> commentsOf = new LinkedHashMap<>();
      try (ResultSet rs =
          in(
                  "SELECT id, author_id, title, views FROM post WHERE author_id IN (%s)"
                      + " ORDER BY author_id, id",
                  postsOf.keySet())
              .executeQuery()) {
        while (rs.next()) {
          Map<String, Object> p = post(rs, 1);
          postsOf.get((Long) p.get("authorId")).add(p);
          if (depth >= 3) {
            List<Map<String, Object>> cs = new ArrayList<>();
            p.put("comments", cs);
            commentsOf.put((Long) p.get("id"), cs);
          }
        }
      }
      if (depth < 3 || commentsOf.isEmpty()) {
        return users;
      }
      try (ResultSet rs =
          in(
                  "SELECT id, post_id, body FROM comments WHERE post_id IN (%s)"
                      + " ORDER BY post_id, id",
                  commentsOf.keySet())
              .executeQuery()) {
        while (rs.next()) {
          Map<String, Object> cm = comment(rs, 1);
          commentsOf.get((Long) cm.get("postId")).add(cm);
        }
      }
      return users;
    }

    /** A statement with an {@code IN} list of exactly {@code ids.size()} placeholders (cached). */
    private PreparedStatement in(String template, java.util.Collection<Long> ids)
        throws SQLException {
      StringBuilder marks = new StringBuilder();
      for (int i = 0; i < ids.size(); i++) {
        marks.append(i == 0 ? "?" : ", ?");
      }
      PreparedStatement ps = ps(String.format(template, marks));
      int i = 1;
      for (Long id : ids) {
        ps.setLong(i++, id);
      }
      return ps;
    }

    private List<Map<String, Object>> usersNplus1(long firstId, int count, int depth)
        throws SQLException {
      List<Map<String, Object>> users = new ArrayList<>(count);
      try (ResultSet rs =
          ps(
                  "SELECT id, email, name, age FROM users WHERE id >= ? AND id < ? ORDER BY id",
                  firstId,
                  firstId + count)
              .executeQuery()) {
        while (rs.next()) {
          users.add(user(rs, 1));
        }
      }
      if (depth < 2) {
        return users;
      }
      for (Map<String, Object> u : users) {
        List<Map<String, Object>> posts = new ArrayList<>();
        try (ResultSet rs =
            ps(
                    "SELECT id, author_id, title, views FROM post WHERE author_id = ? ORDER BY id",
                    u.get("id"))
                .executeQuery()) {
          while (rs.next()) {
            posts.add(post(rs, 1));
          }
        }
        u.put("posts", posts);
        if (depth < 3) {
          continue;
        }
        for (Map<String, Object> p : posts) {
          List<Map<String, Object>> comments = new ArrayList<>();
          try (ResultSet rs =
              ps(
                      "SELECT id, post_id, body FROM comments WHERE post_id = ? ORDER BY id",
                      p.get("id"))
                  .executeQuery()) {
            while (rs.next()) {
              comments.add(comment(rs, 1));
            }
          }
          p.put("comments", comments);
        }
      }
      return users;
    }

    @Override
    public Map<String, Object> movie(long id) throws SQLException {
      Map<String, Object> m;
      try (ResultSet rs =
          ps("SELECT id, title, release_year FROM movie WHERE id = ?", id).executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        m = new LinkedHashMap<>();
        m.put("id", rs.getLong(1));
        m.put("title", rs.getString(2));
        m.put("year", rs.getInt(3));
      }
      boolean n1 = "n1".equals(variant);
      List<Map<String, Object>> cast = new ArrayList<>();
      String castSql =
          n1
              ? "SELECT id, movie_id, person_id, ord, role_name FROM cast_member WHERE movie_id = ?"
                  + " ORDER BY ord"
              : "SELECT c.id, c.movie_id, c.person_id, c.ord, c.role_name, p.id, p.name"
                  + " FROM cast_member c JOIN person p ON p.id = c.person_id"
                  + " WHERE c.movie_id = ? ORDER BY c.ord";
      try (ResultSet rs = ps(castSql, id).executeQuery()) {
        while (rs.next()) {
          Map<String, Object> c = new LinkedHashMap<>();
          c.put("id", rs.getLong(1));
          c.put("movieId", rs.getLong(2));
          c.put("personId", rs.getLong(3));
          c.put("ord", rs.getInt(4));
          c.put("role", rs.getString(5));
          if (!n1) {
            c.put("person", named(rs, 6));
          }
          cast.add(c);
        }
      }
      List<Map<String, Object>> directors = new ArrayList<>();
      String dirSql =
          n1
              ? "SELECT id, movie_id, person_id, ord FROM directing WHERE movie_id = ? ORDER BY ord"
              : "SELECT d.id, d.movie_id, d.person_id, d.ord, p.id, p.name"
                  + " FROM directing d JOIN person p ON p.id = d.person_id"
                  + " WHERE d.movie_id = ? ORDER BY d.ord";
      try (ResultSet rs = ps(dirSql, id).executeQuery()) {
        while (rs.next()) {
          Map<String, Object> d = new LinkedHashMap<>();
          d.put("id", rs.getLong(1));
          d.put("movieId", rs.getLong(2));
          d.put("personId", rs.getLong(3));
          d.put("ord", rs.getInt(4));
          if (!n1) {
            d.put("person", named(rs, 5));
          }
          directors.add(d);
        }
      }
      List<Map<String, Object>> reviews = new ArrayList<>();
      String revSql =
          n1
              ? "SELECT id, movie_id, viewer_id, rating, body FROM review WHERE movie_id = ?"
                  + " ORDER BY id"
              : "SELECT r.id, r.movie_id, r.viewer_id, r.rating, r.body, v.id, v.name"
                  + " FROM review r JOIN viewer v ON v.id = r.viewer_id"
                  + " WHERE r.movie_id = ? ORDER BY r.id";
      long sum = 0;
      try (ResultSet rs = ps(revSql, id).executeQuery()) {
        while (rs.next()) {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("id", rs.getLong(1));
          r.put("movieId", rs.getLong(2));
          r.put("viewerId", rs.getLong(3));
          int rating = rs.getInt(4);
          sum += rating;
          r.put("rating", rating);
          r.put("text", rs.getString(5));
          if (!n1) {
            r.put("author", named(rs, 6));
          }
          reviews.add(r);
        }
      }
      if (n1) {
        for (Map<String, Object> c : cast) {
          c.put("person", byId("SELECT id, name FROM person WHERE id = ?", c.get("personId")));
        }
        for (Map<String, Object> d : directors) {
          d.put("person", byId("SELECT id, name FROM person WHERE id = ?", d.get("personId")));
        }
        for (Map<String, Object> r : reviews) {
          r.put("author", byId("SELECT id, name FROM viewer WHERE id = ?", r.get("viewerId")));
        }
      }
      m.put("cast", cast);
      m.put("directors", directors);
      m.put("reviews", reviews);
      m.put("avgRating", reviews.isEmpty() ? null : (double) sum / reviews.size());
      return m;
    }

    /** The average of a movie's ratings, computed by the database, null without reviews. */
    private static final String AVG_RATING_OF_M =
        "(SELECT AVG(CAST(r2.rating AS DOUBLE PRECISION)) FROM review r2 WHERE r2.movie_id = m.id)";

    @Override
    public Map<String, Object> filmography(long id) throws SQLException {
      Map<String, Object> p = byId("SELECT id, name FROM person WHERE id = ?", id);
      if (p == null) {
        return null;
      }
      List<Map<String, Object>> acted = new ArrayList<>();
      List<Map<String, Object>> directed = new ArrayList<>();
      if ("n1".equals(variant)) {
        // lazy loading: the person's castings, each movie, each movie's reviews
        acted = moviesOneByOne("SELECT movie_id FROM cast_member WHERE person_id = ?", id);
        directed = moviesOneByOne("SELECT movie_id FROM directing WHERE person_id = ?", id);
      } else {
        // one statement for both lists: each movie once per list, its average by the database
        String sql =
            "SELECT x.k, m.id, m.title, m.release_year, "
                + AVG_RATING_OF_M
                + " FROM (SELECT DISTINCT 0 AS k, movie_id FROM cast_member WHERE person_id = ?"
                + " UNION ALL SELECT DISTINCT 1 AS k, movie_id FROM directing WHERE person_id = ?) x"
                + " JOIN movie m ON m.id = x.movie_id"
                + " ORDER BY x.k, m.release_year, m.title, m.id";
        try (ResultSet rs = ps(sql, id, id).executeQuery()) {
          while (rs.next()) {
            (rs.getInt(1) == 0 ? acted : directed).add(ratedMovie(rs, 2));
          }
        }
      }
      p.put("actedIn", acted);
      p.put("directed", directed);
      return p;
    }

    /** id, title, year and the average rating from column {@code at} on. */
    private static Map<String, Object> ratedMovie(ResultSet rs, int at) throws SQLException {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", rs.getLong(at));
      m.put("title", rs.getString(at + 1));
      m.put("year", rs.getInt(at + 2));
      double avg = rs.getDouble(at + 3);
      m.put("avgRating", rs.wasNull() ? null : avg);
      return m;
    }

    /** N+1: the movie ids, then each movie and its ratings by statements of their own. */
    private List<Map<String, Object>> moviesOneByOne(String idsSql, long key) throws SQLException {
      java.util.Set<Long> ids = new java.util.LinkedHashSet<>();
      try (ResultSet rs = ps(idsSql, key).executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
      List<Map<String, Object>> movies = new ArrayList<>(ids.size());
      for (long movieId : ids) {
        movies.add(movieOneByOne(movieId));
      }
      movies.sort(
          java.util.Comparator.<Map<String, Object>>comparingInt(m -> (Integer) m.get("year"))
              .thenComparing(m -> (String) m.get("title"))
              .thenComparingLong(m -> (Long) m.get("id")));
      return movies;
    }

    private Map<String, Object> movieOneByOne(long movieId) throws SQLException {
      Map<String, Object> m = new LinkedHashMap<>();
      try (ResultSet rs =
          ps("SELECT id, title, release_year FROM movie WHERE id = ?", movieId).executeQuery()) {
        rs.next();
        m.put("id", rs.getLong(1));
        m.put("title", rs.getString(2));
        m.put("year", rs.getInt(3));
      }
      long sum = 0;
      int n = 0;
      try (ResultSet rs =
          ps("SELECT rating FROM review WHERE movie_id = ?", movieId).executeQuery()) {
        while (rs.next()) {
          sum += rs.getInt(1);
          n++;
        }
      }
      m.put("avgRating", n == 0 ? null : (double) sum / n);
      return m;
    }

    @Override
    public Map<String, Object> viewerReviews(long id, int latest) throws SQLException {
      Map<String, Object> v = byId("SELECT id, name FROM viewer WHERE id = ?", id);
      if (v == null) {
        return null;
      }
      boolean n1 = "n1".equals(variant);
      String sql =
          n1
              ? "SELECT id, movie_id, viewer_id, rating, body FROM review WHERE viewer_id = ?"
                  + " ORDER BY id DESC LIMIT ?"
              : "SELECT r.id, r.movie_id, r.viewer_id, r.rating, r.body,"
                  + " m.id, m.title, m.release_year, "
                  + AVG_RATING_OF_M
                  + " FROM review r JOIN movie m ON m.id = r.movie_id"
                  + " WHERE r.viewer_id = ? ORDER BY r.id DESC LIMIT ?";
      List<Map<String, Object>> reviews = new ArrayList<>(latest);
      try (ResultSet rs = ps(sql, id, latest).executeQuery()) {
        while (rs.next()) {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("id", rs.getLong(1));
          r.put("movieId", rs.getLong(2));
          r.put("viewerId", rs.getLong(3));
          r.put("rating", rs.getInt(4));
          r.put("text", rs.getString(5));
          if (!n1) {
            r.put("movie", ratedMovie(rs, 6));
          }
          reviews.add(r);
        }
      }
      if (n1) {
        for (Map<String, Object> r : reviews) {
          r.put("movie", movieOneByOne((Long) r.get("movieId")));
        }
      }
      v.put("reviews", reviews);
      return v;
    }

    private Map<String, Object> byId(String sql, Object id) throws SQLException {
      try (ResultSet rs = ps(sql, id).executeQuery()) {
        return rs.next() ? named(rs, 1) : null;
      }
    }

    @Override
    public Page itemsAfter(Object cursor, int size) throws SQLException {
      long after = cursor == null ? Long.MIN_VALUE : (Long) cursor;
      List<Map<String, Object>> rows =
          items(
              ps(
                  "SELECT " + ITEM_COLS + " FROM item WHERE id > ? ORDER BY id LIMIT ?",
                  after,
                  size));
      Object next = rows.size() < size ? null : rows.get(rows.size() - 1).get("id");
      return new Page(rows, next);
    }

    @Override
    public void insertEvent(long id, int writer, String payload) throws SQLException {
      ps("INSERT INTO event (id, writer, payload) VALUES (?, ?, ?)", id, writer, payload)
          .executeUpdate();
      afterCommit(c, variant);
    }

    @Override
    public void insertEvents(long firstId, int n, int writer) throws SQLException {
      c.setAutoCommit(false);
      try {
        PreparedStatement ps = ps("INSERT INTO event (id, writer, payload) VALUES (?, ?, ?)");
        for (long id = firstId; id < firstId + n; id++) {
          ps.setLong(1, id);
          ps.setInt(2, writer);
          ps.setString(3, "event " + id);
          ps.addBatch();
        }
        ps.executeBatch();
        c.commit();
      } finally {
        c.setAutoCommit(true);
      }
      afterCommit(c, variant);
    }

    @Override
    public void updateAccount(long id, String email, long ownerId) throws SQLException {
      int n =
          ps("UPDATE account SET email = ?, owner_id = ? WHERE id = ?", email, ownerId, id)
              .executeUpdate();
      if (n != 1) {
        throw new SQLException("no account " + id);
      }
      afterCommit(c, variant);
    }

    @Override
    public List<List<Object>> aggregateByCategory() throws SQLException {
      List<List<Object>> out = new ArrayList<>();
      // H2 hands back its previous result for a repeated deterministic query over unchanged
      // data; a parameter that differs on every call (and excludes no row: prices are >= 1)
      // makes each run compute the aggregate, as it must when the data changes between calls.
      try (ResultSet rs =
          ps(
                  "SELECT category, COUNT(*), SUM(price), AVG(CAST(price AS DOUBLE)) FROM item"
                      + " WHERE price > ? GROUP BY category ORDER BY category",
                  -(++aggregateCalls))
              .executeQuery()) {
        while (rs.next()) {
          out.add(List.of(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getDouble(4)));
        }
      }
      return out;
    }

    @Override
    public void close() throws SQLException {
      for (PreparedStatement ps : statements.values()) {
        ps.close();
      }
      c.close();
    }
  }

  static Map<String, Object> item(ResultSet rs) throws SQLException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", rs.getLong(1));
    m.put("category", rs.getInt(2));
    m.put("bucket", rs.getLong(3));
    m.put("score", rs.getLong(4));
    m.put("price", rs.getLong(5));
    m.put("name", rs.getString(6));
    return m;
  }

  static Map<String, Object> user(ResultSet rs, int at) throws SQLException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", rs.getLong(at));
    m.put("email", rs.getString(at + 1));
    m.put("name", rs.getString(at + 2));
    m.put("age", rs.getInt(at + 3));
    return m;
  }

  static Map<String, Object> post(ResultSet rs, int at) throws SQLException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", rs.getLong(at));
    m.put("authorId", rs.getLong(at + 1));
    m.put("title", rs.getString(at + 2));
    m.put("views", rs.getLong(at + 3));
    return m;
  }

  static Map<String, Object> comment(ResultSet rs, int at) throws SQLException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", rs.getLong(at));
    m.put("postId", rs.getLong(at + 1));
    m.put("text", rs.getString(at + 2));
    return m;
  }

  static Map<String, Object> named(ResultSet rs, int at) throws SQLException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", rs.getLong(at));
    m.put("name", rs.getString(at + 1));
    return m;
  }
}
