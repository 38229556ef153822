package io.ormdb.bench.driver;

import java.util.List;
import java.util.Map;

/**
 * One thread's access to a loaded system, in one variant (for SQL: JOIN, IN batches or N+1; for
 * writes: the durability setting) and one connection mode (embedded, TCP, TCP through the delay
 * proxy). Every read returns plain objects — {@code Map<String, Object>} per row with related rows
 * nested under the relation name, exactly like ORMDB's {@code ResultObjects.toMaps} — so the smoke
 * test can compare systems, and so every system pays for object assembly.
 *
 * <p>Writes return only once they are durable as the variant defines it. A session is used by one
 * thread only.
 */
public interface Session extends AutoCloseable {

  Map<String, Object> point(long id) throws Exception;

  List<Map<String, Object>> byBucket(long bucket) throws Exception;

  List<Map<String, Object>> scoreAtLeast(long minScore, int limit) throws Exception;

  /**
   * Users {@code firstId .. firstId + count - 1} ordered by id; with {@code depth} 2 their posts
   * (by id) under {@code posts}, with depth 3 also each post's comments (by id) under {@code
   * comments}.
   */
  List<Map<String, Object>> users(long firstId, int count, int depth) throws Exception;

  /**
   * The movie with {@code cast} (by ord, each with {@code person}), {@code directors} (by ord, each
   * with {@code person}), {@code reviews} (by id, each with {@code author}) and {@code avgRating}
   * (a Double, null without reviews) computed from the reviews.
   */
  Map<String, Object> movie(long id) throws Exception;

  /**
   * The person ({@code id}, {@code name}) with {@code actedIn} and {@code directed}: the movies
   * they are cast in and the movies they direct, each movie once, ordered by year, title and id,
   * each as {@code id}, {@code title}, {@code year} and {@code avgRating} (a Double over all the
   * movie's reviews, null without reviews). Null when there is no such person.
   */
  default Map<String, Object> filmography(long id) throws Exception {
    throw new UnsupportedOperationException("no person filmography");
  }

  /**
   * The viewer ({@code id}, {@code name}) with {@code reviews}: their latest {@code latest} reviews
   * (by id, descending; every field), each with {@code movie} as {@code id}, {@code title}, {@code
   * year} and {@code avgRating} (over all the movie's reviews). Null when there is no such viewer.
   */
  default Map<String, Object> viewerReviews(long id, int latest) throws Exception {
    throw new UnsupportedOperationException("no viewer reviews");
  }

  /** One keyset page of items by id, after {@code cursor} (null: the first page). */
  Page itemsAfter(Object cursor, int size) throws Exception;

  void insertEvent(long id, int writer, String payload) throws Exception;

  /**
   * Inserts events {@code firstId .. firstId + n - 1} as {@code n} separate durable commits, all
   * submitted before waiting for any (a committer with {@code n} commits in flight). Only systems
   * with an asynchronous commit run it.
   */
  default void insertEventsPipelined(long firstId, int n, int writer) throws Exception {
    throw new UnsupportedOperationException("no asynchronous commit");
  }

  /** Inserts events {@code firstId .. firstId + n - 1} in one atomic, durable commit. */
  void insertEvents(long firstId, int n, int writer) throws Exception;

  /** Sets the account's unique email and its owner (a foreign key to a user). */
  void updateAccount(long id, String email, long ownerId) throws Exception;

  /** Per category, ordered by category: {@code [category, count, sum(price), avg(price)]}. */
  List<List<Object>> aggregateByCategory() throws Exception;

  @Override
  void close() throws Exception;

  /** A keyset page: its rows and the cursor to the next page (null at the end). */
  record Page(List<Map<String, Object>> rows, Object next) {}
}
