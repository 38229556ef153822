package io.ormdb.bench.systems;

import io.ormdb.bench.data.Dataset;
import io.ormdb.bench.driver.ChildLoop;
import io.ormdb.bench.driver.Driver;
import io.ormdb.bench.driver.Session;
import io.ormdb.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The physical limit: h2-mvstore 2.4.240 used directly, doing the minimum work for each answer —
 * {@code MVMap.get}/{@code put} on {@code Long} keys with hand-encoded rows, secondary indexes as
 * composite {@code (key << 32 | id)} long keys, and for durable writes {@code commit()} + {@code
 * sync()} (concurrent writers share one sync, like ORMDB's group commit). No schema, no constraints
 * beyond the checks the update workload asks for, no query planning, no MVCC.
 */
public final class RawMvStoreDriver implements Driver {
  private MVStore store;
  private MVMap<Long, byte[]> items;
  private MVMap<Long, Long> itemsByBucket;
  private MVMap<Long, Long> itemsByScore;
  private MVMap<Long, byte[]> users;
  private MVMap<Long, byte[]> posts;
  private MVMap<Long, Long> postsByAuthor;
  private MVMap<Long, byte[]> comments;
  private MVMap<Long, Long> commentsByPost;
  private MVMap<Long, byte[]> accounts;
  private MVMap<String, Long> accountsByEmail;
  private MVMap<Long, byte[]> events;
  private MVMap<Long, byte[]> movies;
  private MVMap<Long, byte[]> people;
  private MVMap<Long, byte[]> cast;
  private MVMap<Long, Long> castByMovie;
  private MVMap<Long, byte[]> directing;
  private MVMap<Long, Long> directingByMovie;
  private MVMap<Long, byte[]> viewers;
  private MVMap<Long, byte[]> reviews;
  private MVMap<Long, Long> reviewsByMovie;

  private final ReentrantLock syncLock = new ReentrantLock();
  private final AtomicLong writes = new AtomicLong();
  private volatile long synced;
  private final ReentrantLock accountLock = new ReentrantLock();

  public static void main(String[] args) {
    ChildLoop.serve(new RawMvStoreDriver());
  }

  static long key(long high, long low) {
    return (high << 32) | low;
  }

  @Override
  public void load(Dataset data, Path dir) throws Exception {
    Files.createDirectories(dir);
    store =
        new MVStore.Builder()
            .fileName(dir.resolve("raw.mv.db").toString())
            .autoCommitDisabled()
            .cacheSize(StoreConfig.DEFAULT_CACHE_MEGABYTES) // the same page cache as ORMDB's
            .open();
    items = store.openMap("item");
    itemsByBucket = store.openMap("item_bucket");
    itemsByScore = store.openMap("item_score");
    users = store.openMap("user");
    posts = store.openMap("post");
    postsByAuthor = store.openMap("post_author");
    comments = store.openMap("comment");
    commentsByPost = store.openMap("comment_post");
    accounts = store.openMap("account");
    accountsByEmail = store.openMap("account_email");
    events = store.openMap("event");
    movies = store.openMap("movie");
    people = store.openMap("person");
    cast = store.openMap("cast");
    castByMovie = store.openMap("cast_movie");
    directing = store.openMap("directing");
    directingByMovie = store.openMap("directing_movie");
    viewers = store.openMap("viewer");
    reviews = store.openMap("review");
    reviewsByMovie = store.openMap("review_movie");
    int[] n = {0};
    Runnable tick =
        () -> {
          if (++n[0] % 10_000 == 0) {
            store.commit();
          }
        };
    data.items(
        r -> {
          items.put(
              r.id(),
              RowBytes.writer()
                  .putInt(r.category())
                  .putLong(r.bucket())
                  .putLong(r.score())
                  .putLong(r.price())
                  .putString(r.name())
                  .bytes());
          itemsByBucket.put(key(r.bucket(), r.id()), r.id());
          itemsByScore.put(key(r.score(), r.id()), r.id());
          tick.run();
        });
    data.users(
        r -> {
          users.put(
              r.id(),
              RowBytes.writer().putString(r.email()).putString(r.name()).putInt(r.age()).bytes());
          tick.run();
        });
    data.posts(
        r -> {
          posts.put(
              r.id(),
              RowBytes.writer()
                  .putLong(r.authorId())
                  .putString(r.title())
                  .putLong(r.views())
                  .bytes());
          postsByAuthor.put(key(r.authorId(), r.id()), r.id());
          tick.run();
        });
    data.comments(
        r -> {
          comments.put(r.id(), RowBytes.writer().putLong(r.postId()).putString(r.text()).bytes());
          commentsByPost.put(key(r.postId(), r.id()), r.id());
          tick.run();
        });
    data.accounts(
        r -> {
          accounts.put(r.id(), RowBytes.writer().putString(r.email()).putLong(r.ownerId()).bytes());
          accountsByEmail.put(r.email(), r.id());
          tick.run();
        });
    data.movies(
        r -> {
          movies.put(r.id(), RowBytes.writer().putString(r.title()).putInt(r.year()).bytes());
          tick.run();
        });
    data.people(
        r -> {
          people.put(r.id(), RowBytes.writer().putString(r.name()).bytes());
          tick.run();
        });
    data.cast(
        r -> {
          cast.put(
              r.id(),
              RowBytes.writer()
                  .putLong(r.movieId())
                  .putLong(r.personId())
                  .putInt(r.ord())
                  .putString(r.role())
                  .bytes());
          castByMovie.put(key(r.movieId(), r.ord()), r.id());
          tick.run();
        });
    data.directing(
        r -> {
          directing.put(
              r.id(),
              RowBytes.writer().putLong(r.movieId()).putLong(r.personId()).putInt(r.ord()).bytes());
          directingByMovie.put(key(r.movieId(), r.ord()), r.id());
          tick.run();
        });
    data.viewers(
        r -> {
          viewers.put(r.id(), RowBytes.writer().putString(r.name()).bytes());
          tick.run();
        });
    data.reviews(
        r -> {
          reviews.put(
              r.id(),
              RowBytes.writer()
                  .putLong(r.movieId())
                  .putLong(r.viewerId())
                  .putInt(r.rating())
                  .putString(r.text())
                  .bytes());
          reviewsByMovie.put(key(r.movieId(), r.id()), r.id());
          tick.run();
        });
    store.commit();
    store.sync();
  }

  /** Makes every write made before this call durable; concurrent callers share one sync. */
  void durable() {
    long mine = writes.incrementAndGet();
    syncLock.lock();
    try {
      if (synced >= mine) {
        return;
      }
      long upTo = writes.get();
      store.commit();
      store.sync();
      synced = upTo;
    } finally {
      syncLock.unlock();
    }
  }

  @Override
  public Session session(String variant, String conn) {
    if (!"embedded".equals(conn)) {
      throw new UnsupportedOperationException("raw MVStore is embedded only");
    }
    return new RawSession();
  }

  @Override
  public String durability(String variant) {
    return "MVStore commit() + sync() per write (concurrent writers share one sync)";
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
    }
  }

  private static Map<String, Object> item(long id, byte[] b) {
    RowBytes.Reader r = RowBytes.reader(b);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("category", r.getInt());
    m.put("bucket", r.getLong());
    m.put("score", r.getLong());
    m.put("price", r.getLong());
    m.put("name", r.getString());
    return m;
  }

  private static Map<String, Object> person(MVMap<Long, byte[]> map, long id) {
    byte[] b = map.get(id);
    if (b == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("name", RowBytes.reader(b).getString());
    return m;
  }

  /** The ids a composite index holds under {@code high}, in key order. */
  private static List<Long> ids(MVMap<Long, Long> index, long high) {
    List<Long> out = new ArrayList<>();
    Cursor<Long, Long> c = index.cursor(key(high, 0), key(high, 0xFFFFFFFFL), false);
    while (c.hasNext()) {
      c.next();
      out.add(c.getValue());
    }
    return out;
  }

  private final class RawSession implements Session {

    @Override
    public Map<String, Object> point(long id) {
      byte[] b = items.get(id);
      return b == null ? null : item(id, b);
    }

    @Override
    public List<Map<String, Object>> byBucket(long bucket) {
      List<Map<String, Object>> out = new ArrayList<>();
      for (long id : ids(itemsByBucket, bucket)) {
        out.add(item(id, items.get(id)));
      }
      return out;
    }

    @Override
    public List<Map<String, Object>> scoreAtLeast(long minScore, int limit) {
      List<Map<String, Object>> out = new ArrayList<>();
      Cursor<Long, Long> c = itemsByScore.cursor(key(minScore, 0));
      while (out.size() < limit && c.hasNext()) {
        c.next();
        long id = c.getValue();
        out.add(item(id, items.get(id)));
      }
      return out;
    }

    @Override
    public List<Map<String, Object>> users(long firstId, int count, int depth) {
      List<Map<String, Object>> out = new ArrayList<>(count);
      for (long id = firstId; id < firstId + count; id++) {
        byte[] b = users.get(id);
        if (b == null) {
          continue;
        }
        RowBytes.Reader r = RowBytes.reader(b);
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("id", id);
        u.put("email", r.getString());
        u.put("name", r.getString());
        u.put("age", r.getInt());
        if (depth >= 2) {
          List<Map<String, Object>> ps = new ArrayList<>();
          for (long pid : ids(postsByAuthor, id)) {
            RowBytes.Reader pr = RowBytes.reader(posts.get(pid));
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("id", pid);
            p.put("authorId", pr.getLong());
            p.put("title", pr.getString());
            p.put("views", pr.getLong());
            if (depth >= 3) {
              List<Map<String, Object>> cs = new ArrayList<>();
              for (long cid : ids(commentsByPost, pid)) {
                RowBytes.Reader cr = RowBytes.reader(comments.get(cid));
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("id", cid);
                c.put("postId", cr.getLong());
                c.put("text", cr.getString());
                cs.add(c);
              }
              p.put("comments", cs);
            }
            ps.add(p);
          }
          u.put("posts", ps);
        }
        out.add(u);
      }
      return out;
    }

    @Override
    public Map<String, Object> movie(long id) {
      byte[] b = movies.get(id);
      if (b == null) {
        return null;
      }
      RowBytes.Reader r = RowBytes.reader(b);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("title", r.getString());
      m.put("year", r.getInt());
      List<Map<String, Object>> cs = new ArrayList<>();
      for (long cid : ids(castByMovie, id)) {
        RowBytes.Reader cr = RowBytes.reader(cast.get(cid));
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", cid);
        c.put("movieId", cr.getLong());
        long person = cr.getLong();
        c.put("personId", person);
        c.put("ord", cr.getInt());
        c.put("role", cr.getString());
        c.put("person", person(people, person));
        cs.add(c);
      }
      m.put("cast", cs);
      List<Map<String, Object>> ds = new ArrayList<>();
      for (long did : ids(directingByMovie, id)) {
        RowBytes.Reader dr = RowBytes.reader(directing.get(did));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", did);
        d.put("movieId", dr.getLong());
        long person = dr.getLong();
        d.put("personId", person);
        d.put("ord", dr.getInt());
        d.put("person", person(people, person));
        ds.add(d);
      }
      m.put("directors", ds);
      List<Map<String, Object>> rs = new ArrayList<>();
      long sum = 0;
      for (long rid : ids(reviewsByMovie, id)) {
        RowBytes.Reader rr = RowBytes.reader(reviews.get(rid));
        Map<String, Object> rv = new LinkedHashMap<>();
        rv.put("id", rid);
        rv.put("movieId", rr.getLong());
        long viewer = rr.getLong();
        rv.put("viewerId", viewer);
        int rating = rr.getInt();
        sum += rating;
        rv.put("rating", rating);
        rv.put("text", rr.getString());
        rv.put("author", person(viewers, viewer));
        rs.add(rv);
      }
      m.put("reviews", rs);
      m.put("avgRating", rs.isEmpty() ? null : (double) sum / rs.size());
      return m;
    }

    @Override
    public Page itemsAfter(Object cursor, int size) {
      long from = cursor == null ? Long.MIN_VALUE : (Long) cursor + 1;
      List<Map<String, Object>> out = new ArrayList<>(size);
      Cursor<Long, byte[]> c = items.cursor(from);
      long last = 0;
      while (out.size() < size && c.hasNext()) {
        last = c.next();
        out.add(item(last, c.getValue()));
      }
      return new Page(out, out.size() < size ? null : last);
    }

    @Override
    public void insertEvent(long id, int writer, String payload) {
      events.put(id, RowBytes.writer().putInt(writer).putString(payload).bytes());
      durable();
    }

    @Override
    public void insertEvents(long firstId, int n, int writer) {
      for (long id = firstId; id < firstId + n; id++) {
        events.put(id, RowBytes.writer().putInt(writer).putString("event " + id).bytes());
      }
      durable();
    }

    @Override
    public void updateAccount(long id, String email, long ownerId) {
      accountLock.lock();
      try {
        byte[] old = accounts.get(id);
        if (old == null) {
          throw new IllegalStateException("no account " + id);
        }
        if (!users.containsKey(ownerId)) {
          throw new IllegalStateException("foreign key: no user " + ownerId);
        }
        Long holder = accountsByEmail.putIfAbsent(email, id);
        if (holder != null && holder != id) {
          throw new IllegalStateException("unique: email taken " + email);
        }
        accountsByEmail.remove(RowBytes.reader(old).getString());
        accounts.put(id, RowBytes.writer().putString(email).putLong(ownerId).bytes());
      } finally {
        accountLock.unlock();
      }
      durable();
    }

    @Override
    public List<List<Object>> aggregateByCategory() {
      long[] count = new long[Dataset.CATEGORIES];
      long[] sum = new long[Dataset.CATEGORIES];
      Cursor<Long, byte[]> c = items.cursor(null);
      while (c.hasNext()) {
        c.next();
        RowBytes.Reader r = RowBytes.reader(c.getValue());
        int cat = r.getInt();
        r.getLong();
        r.getLong();
        count[cat]++;
        sum[cat] += r.getLong();
      }
      List<List<Object>> out = new ArrayList<>();
      for (int cat = 0; cat < count.length; cat++) {
        if (count[cat] > 0) {
          out.add(List.of(cat, count[cat], sum[cat], (double) sum[cat] / count[cat]));
        }
      }
      return out;
    }

    @Override
    public void close() {}
  }
}
