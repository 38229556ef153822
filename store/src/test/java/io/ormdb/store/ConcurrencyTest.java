package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static io.ormdb.store.StoreTestSupport.m;
import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.KeyRange;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyTest {
  @TempDir Path dir;
  OrmStore store;
  ExecutorService pool;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.of(dir));
    store.applySchema(TestSchemas.blog());
    pool = Executors.newFixedThreadPool(8);
  }

  @AfterEach
  void close() {
    pool.shutdownNow();
    store.close();
  }

  /** Runs two actions at once; returns the error codes of those that failed (null = success). */
  private List<ErrorCode> race(Callable<?> a, Callable<?> b) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<ErrorCode>> fs = new ArrayList<>();
    for (Callable<?> c : List.of(a, b)) {
      fs.add(
          pool.submit(
              () -> {
                go.await();
                try {
                  c.call();
                  return null;
                } catch (OrmDbException e) {
                  return e.code();
                }
              }));
    }
    go.countDown();
    List<ErrorCode> out = new ArrayList<>();
    for (Future<ErrorCode> f : fs) {
      out.add(f.get(30, TimeUnit.SECONDS));
    }
    return out;
  }

  @Test
  void twoInsertsOfOneUniqueKeyExactlyOneCommits() throws Exception {
    for (int round = 0; round < 200; round++) {
      String email = "r" + round + "@x.io";
      List<ErrorCode> codes =
          race(
              () -> commit(store, insert("User", "email", email, "name", "a")),
              () -> commit(store, insert("User", "email", email, "name", "b")));
      assertThat(codes).containsOnlyOnce((ErrorCode) null);
      assertThat(codes)
          .filteredOn(c -> c != null)
          .singleElement()
          .isIn(ErrorCode.CONSTRAINT_VIOLATION, ErrorCode.CONFLICT);
      try (ReadView v = store.snapshot()) {
        assertThat(
                StoreTestSupport.list(
                    v.indexScan("User", "User_email_key", KeyRange.eq(Value.of(email)), false)))
            .hasSize(1);
      }
    }
  }

  @Test
  void childInsertRacingParentDeleteOneFails() throws Exception {
    int deletesWon = 0;
    for (int round = 0; round < 200; round++) {
      String account = "acc" + round;
      commit(store, insert("Account", "id", account));
      List<ErrorCode> codes =
          race(
              () -> commit(store, new Mutation.Delete("Account", Value.of(account), 0)),
              () ->
                  commit(store, insert("Invoice", "accountId", account, "amount", BigDecimal.ONE)));
      assertThat(codes).containsOnlyOnce((ErrorCode) null);
      assertThat(codes).contains(ErrorCode.CONSTRAINT_VIOLATION);
      try (ReadView v = store.snapshot()) {
        boolean accountLive = v.get("Account", Value.of(account)).isPresent();
        long invoices =
            StoreTestSupport.list(
                    v.indexScan(
                        "Invoice", "Invoice_accountId_fk", KeyRange.eq(Value.of(account)), false))
                .size();
        // never an invoice without its account
        assertThat(accountLive || invoices == 0).isTrue();
        if (!accountLive) {
          deletesWon++;
        }
      }
    }
    System.out.println("parent-delete race: the delete won " + deletesWon + " of 200 rounds");
  }

  @Test
  void expectedVersionMakesLostUpdatesImpossible() throws Exception {
    Value id =
        commit(store, insert("User", "email", "c@x.io", "name", "n", "age", 0))
            .insertedIds()
            .get(0);
    int threads = 8;
    int perThread = 25;
    AtomicLong conflicts = new AtomicLong();
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      fs.add(
          pool.submit(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  while (true) {
                    Row r = StoreTestSupport.get(store, "User", id).orElseThrow();
                    int age = (int) r.get("age").asLong();
                    try {
                      commit(
                          store, new Mutation.Update("User", id, m("age", age + 1), r.version()));
                      break;
                    } catch (OrmDbException e) {
                      assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                      conflicts.incrementAndGet();
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : fs) {
      f.get(60, TimeUnit.SECONDS);
    }
    assertThat(StoreTestSupport.get(store, "User", id).orElseThrow().get("age"))
        .isEqualTo(Value.of(threads * perThread));
    assertThat(conflicts.get()).as("the race was real").isPositive();
  }

  // ---------------------------------------------------------------------------------------------
  // snapshot consistency of a churning graph

  private static final int USERS = 8;
  private static final int POSTS = 24;
  private static final int COMMENTS = 120;

  /**
   * Invariants of every committed state: each post's score is its number of comments; each user's
   * age is the sum of its posts' scores; the totals are constant.
   */
  @Test
  void readersSeeOnlyWholeCommittedStates() throws Exception {
    List<Value> users = new ArrayList<>();
    List<Value> posts = new ArrayList<>();
    List<Mutation> setup = new ArrayList<>();
    Random rnd = new Random(42);
    int[] postComments = new int[POSTS];
    int[] postAuthor = new int[POSTS];
    for (int i = 0; i < COMMENTS; i++) {
      postComments[rnd.nextInt(POSTS)]++;
    }
    int[] userAge = new int[USERS];
    for (int p = 0; p < POSTS; p++) {
      postAuthor[p] = p % USERS;
      userAge[p % USERS] += postComments[p];
    }
    for (int u = 0; u < USERS; u++) {
      Value id = Value.of(UUID.randomUUID());
      users.add(id);
      setup.add(
          new Mutation.Insert(
              "User", m("id", id, "email", u + "@g.io", "name", "u", "age", userAge[u])));
    }
    for (int p = 0; p < POSTS; p++) {
      Value id = Value.of(UUID.randomUUID());
      posts.add(id);
      setup.add(
          new Mutation.Insert(
              "Post",
              m(
                  "id",
                  id,
                  "authorId",
                  users.get(postAuthor[p]),
                  "title",
                  "p" + p,
                  "score",
                  (long) postComments[p])));
    }
    int c = 0;
    for (int p = 0; p < POSTS; p++) {
      for (int k = 0; k < postComments[p]; k++) {
        setup.add(insert("Comment", "id", (long) ++c, "postId", posts.get(p), "body", "c"));
      }
    }
    store.commit(new MutationBatch(setup));

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong writes = new AtomicLong();
    AtomicLong reads = new AtomicLong();
    AtomicLong anomalies = new AtomicLong();
    List<Future<?>> fs = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      int seed = w;
      fs.add(pool.submit(() -> writer(new Random(seed), posts, users, stop, writes)));
    }
    for (int r = 0; r < 4; r++) {
      fs.add(pool.submit(() -> reader(stop, reads, anomalies)));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while ((reads.get() < 1500 || writes.get() < 300) && System.nanoTime() < deadline) {
      // bounded poll on the counters; the workers run until stop
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    stop.set(true);
    for (Future<?> f : fs) {
      f.get(30, TimeUnit.SECONDS);
    }
    System.out.println(
        "snapshot consistency: "
            + reads.get()
            + " graph reads checked, "
            + writes.get()
            + " write batches, "
            + anomalies.get()
            + " anomalies");
    assertThat(anomalies.get()).isZero();
    assertThat(reads.get()).isGreaterThanOrEqualTo(1000);
    assertThat(writes.get()).isGreaterThanOrEqualTo(100);
  }

  private Void writer(
      Random rnd, List<Value> posts, List<Value> users, AtomicBoolean stop, AtomicLong writes) {
    while (!stop.get()) {
      try (ReadView v = store.snapshot()) {
        List<Mutation> ms = new ArrayList<>();
        if (rnd.nextBoolean()) {
          // move a comment to another post
          long cid = 1 + rnd.nextInt(COMMENTS);
          Row comment = v.get("Comment", Value.of(cid)).orElseThrow();
          Row from = v.get("Post", comment.get("postId")).orElseThrow();
          Row to = v.get("Post", posts.get(rnd.nextInt(POSTS))).orElseThrow();
          if (from.id().equals(to.id())) {
            continue;
          }
          Map<Value, Long> ageDelta = new HashMap<>();
          ageDelta.merge(from.get("authorId"), -1L, Long::sum);
          ageDelta.merge(to.get("authorId"), 1L, Long::sum);
          ms.add(
              new Mutation.Update(
                  "Comment", comment.id(), m("postId", to.id()), comment.version()));
          ms.add(
              new Mutation.Update(
                  "Post", from.id(), m("score", from.get("score").asLong() - 1), from.version()));
          ms.add(
              new Mutation.Update(
                  "Post", to.id(), m("score", to.get("score").asLong() + 1), to.version()));
          addAges(v, ms, ageDelta);
        } else {
          // move a post to another user
          Row post = v.get("Post", posts.get(rnd.nextInt(POSTS))).orElseThrow();
          Value target = users.get(rnd.nextInt(USERS));
          if (post.get("authorId").equals(target)) {
            continue;
          }
          long score = post.get("score").asLong();
          Map<Value, Long> ageDelta = new HashMap<>();
          ageDelta.merge(post.get("authorId"), -score, Long::sum);
          ageDelta.merge(target, score, Long::sum);
          ms.add(new Mutation.Update("Post", post.id(), m("authorId", target), post.version()));
          addAges(v, ms, ageDelta);
        }
        try {
          store.commit(new MutationBatch(ms));
          writes.incrementAndGet();
        } catch (OrmDbException e) {
          if (e.code() != ErrorCode.CONFLICT) {
            throw e;
          }
        }
      }
    }
    return null;
  }

  private static void addAges(ReadView v, List<Mutation> ms, Map<Value, Long> ageDelta) {
    for (Map.Entry<Value, Long> d : ageDelta.entrySet()) {
      if (d.getValue() == 0) {
        continue;
      }
      Row u = v.get("User", d.getKey()).orElseThrow();
      ms.add(
          new Mutation.Update(
              "User", u.id(), m("age", (int) (u.get("age").asLong() + d.getValue())), u.version()));
    }
  }

  private Void reader(AtomicBoolean stop, AtomicLong reads, AtomicLong anomalies) {
    while (!stop.get()) {
      try (ReadView v = store.snapshot()) {
        boolean ok = true;
        int totalPosts = 0;
        Set<Value> seenComments = new HashSet<>();
        for (Iterator<Row> us = v.scan("User"); us.hasNext(); ) {
          Row u = us.next();
          long sum = 0;
          for (Iterator<Row> ps =
                  v.indexScan("Post", "Post_authorId_fk", KeyRange.eq(u.id()), false);
              ps.hasNext(); ) {
            Row p = ps.next();
            totalPosts++;
            ok &= p.get("authorId").equals(u.id());
            int n = 0;
            for (Iterator<Row> cs =
                    v.indexScan("Comment", "Comment_postId_fk", KeyRange.eq(p.id()), false);
                cs.hasNext(); ) {
              Row comment = cs.next();
              ok &= seenComments.add(comment.id());
              n++;
            }
            ok &= n == p.get("score").asLong();
            sum += p.get("score").asLong();
          }
          ok &= sum == u.get("age").asLong();
        }
        int totalComments = seenComments.size();
        ok &= totalPosts == POSTS && totalComments == COMMENTS;
        ok &= v.get("Comment", Value.of(1L)).isPresent();
        if (!ok) {
          anomalies.incrementAndGet();
        }
        reads.incrementAndGet();
      }
    }
    return null;
  }
}
