package io.ormdb.bench.data;

import java.util.Locale;

/**
 * How much data a run generates. Every system loads exactly the rows {@link Dataset} generates from
 * the same scale and seed.
 *
 * @param items rows of {@code Item}: point reads, filters, keyset pagination and aggregates
 * @param users blog users; each has 5 posts with 4 comments each
 * @param accounts rows of {@code Account} (unique email, foreign key to a user) for updates
 * @param movies movies of the movie-database shape (5 to 15 cast members, 1 or 2 directors)
 * @param people people who act in and direct movies
 * @param viewers users who write reviews
 * @param reviews reviews, each of a random movie by a random viewer
 */
public record Scale(
    String name,
    int items,
    int users,
    int accounts,
    int movies,
    int people,
    int viewers,
    int reviews) {

  /** Posts per user and comments per post, as the graph shape asks (100 × 5 × 4). */
  public static final int POSTS_PER_USER = 5;

  public static final int COMMENTS_PER_POST = 4;

  /** A few thousand rows: the harness's own tests. */
  public static final Scale SMOKE = new Scale("smoke", 2_000, 120, 200, 40, 100, 100, 400);

  /** {@code bench/run.sh quick}: minutes on two cores. */
  public static final Scale QUICK =
      new Scale("quick", 100_000, 1_000, 10_000, 1_000, 4_000, 4_000, 20_000);

  /** {@code bench/run.sh full}: the sizes the issue names. */
  public static final Scale FULL =
      new Scale("full", 1_000_000, 10_000, 100_000, 25_000, 100_000, 100_000, 500_000);

  public static Scale named(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "smoke":
        return SMOKE;
      case "quick":
        return QUICK;
      case "full":
        return FULL;
      default:
        throw new IllegalArgumentException(
            "unknown scale '" + name + "' (allowed: smoke, quick, full)");
    }
  }

  public int posts() {
    return users * POSTS_PER_USER;
  }

  public int comments() {
    return posts() * COMMENTS_PER_POST;
  }
}
