package io.ormdb.bench.data;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The seeded data generator every system loads from. Each table has its own random stream derived
 * from the seed, so the rows of a table do not depend on which other tables were generated, nor in
 * which order. Plain Java only: JDBC children use it without ORMDB on their classpath.
 */
public final class Dataset {
  /** Distinct {@code Item.category} values: the group-by groups. */
  public static final int CATEGORIES = 100;

  /** About this many items share one {@code Item.bucket} value (the indexed-equality filter). */
  public static final int ITEMS_PER_BUCKET = 10;

  /** {@code Item.score} is uniform in [0, SCORE_MAX). */
  public static final int SCORE_MAX = 1_000_000_000;

  public record Item(long id, int category, long bucket, long score, long price, String name) {}

  public record User(long id, String email, String name, int age) {}

  public record Post(long id, long authorId, String title, long views) {}

  public record Comment(long id, long postId, String text) {}

  public record Account(long id, String email, long ownerId) {}

  public record Movie(long id, String title, int year) {}

  public record Person(long id, String name) {}

  public record CastMember(long id, long movieId, long personId, int ord, String role) {}

  public record Directing(long id, long movieId, long personId, int ord) {}

  public record Viewer(long id, String name) {}

  public record Review(long id, long movieId, long viewerId, int rating, String text) {}

  private static final String[] WORDS = {
    "alpha", "bravo", "castle", "delta", "ember", "falcon", "garden", "harbor", "island", "jungle",
    "kettle", "lemon", "meadow", "nectar", "orbit", "pepper", "quartz", "river", "saddle", "timber",
    "umbra", "velvet", "willow", "xenon", "yonder", "zephyr"
  };

  private final Scale scale;
  private final long seed;

  public Dataset(Scale scale, long seed) {
    this.scale = scale;
    this.seed = seed;
  }

  public Scale scale() {
    return scale;
  }

  public long seed() {
    return seed;
  }

  /** A random stream for {@code purpose} (a table, a workload, a writer thread) under this seed. */
  public SplittableRandom random(String purpose, int index) {
    return new SplittableRandom(mix(seed, purpose.hashCode() * 31L + index));
  }

  public long buckets() {
    return Math.max(1, scale.items() / ITEMS_PER_BUCKET);
  }

  public void items(Consumer<Item> sink) {
    SplittableRandom r = random("Item", 0);
    long buckets = buckets();
    for (long id = 1; id <= scale.items(); id++) {
      sink.accept(
          new Item(
              id,
              r.nextInt(CATEGORIES),
              r.nextLong(buckets),
              r.nextInt(SCORE_MAX),
              1 + r.nextInt(100_000),
              "item-" + id + "-" + word(r)));
    }
  }

  public void users(Consumer<User> sink) {
    SplittableRandom r = random("User", 0);
    for (long id = 1; id <= scale.users(); id++) {
      sink.accept(
          new User(id, "user" + id + "@example.com", word(r) + " " + word(r), 18 + r.nextInt(60)));
    }
  }

  /** Post {@code id} belongs to user {@code (id - 1) / POSTS_PER_USER + 1}. */
  public void posts(Consumer<Post> sink) {
    SplittableRandom r = random("Post", 0);
    for (long id = 1; id <= scale.posts(); id++) {
      long author = (id - 1) / Scale.POSTS_PER_USER + 1;
      sink.accept(new Post(id, author, "post " + id + " " + word(r), r.nextInt(10_000)));
    }
  }

  /** Comment {@code id} belongs to post {@code (id - 1) / COMMENTS_PER_POST + 1}. */
  public void comments(Consumer<Comment> sink) {
    SplittableRandom r = random("Comment", 0);
    for (long id = 1; id <= scale.comments(); id++) {
      long post = (id - 1) / Scale.COMMENTS_PER_POST + 1;
      sink.accept(new Comment(id, post, sentence(r, 3 + r.nextInt(6))));
    }
  }

  public void accounts(Consumer<Account> sink) {
    SplittableRandom r = random("Account", 0);
    for (long id = 1; id <= scale.accounts(); id++) {
      sink.accept(new Account(id, "account" + id + "@example.com", 1 + r.nextInt(scale.users())));
    }
  }

  public void movies(Consumer<Movie> sink) {
    SplittableRandom r = random("Movie", 0);
    for (long id = 1; id <= scale.movies(); id++) {
      sink.accept(new Movie(id, "The " + word(r) + " of " + word(r), 1930 + r.nextInt(95)));
    }
  }

  public void people(Consumer<Person> sink) {
    SplittableRandom r = random("Person", 0);
    for (long id = 1; id <= scale.people(); id++) {
      sink.accept(new Person(id, capitalized(word(r)) + " " + capitalized(word(r)) + " " + id));
    }
  }

  /** 5 to 15 cast members per movie, {@code ord} 0, 1, ... within the movie. */
  public void cast(Consumer<CastMember> sink) {
    SplittableRandom r = random("CastMember", 0);
    long id = 1;
    for (long movie = 1; movie <= scale.movies(); movie++) {
      int n = 5 + r.nextInt(11);
      for (int ord = 0; ord < n; ord++) {
        sink.accept(
            new CastMember(id++, movie, 1 + r.nextInt(scale.people()), ord, "as " + word(r)));
      }
    }
  }

  /** One or two directors per movie, {@code ord} 0 or 1. */
  public void directing(Consumer<Directing> sink) {
    SplittableRandom r = random("Directing", 0);
    long id = 1;
    for (long movie = 1; movie <= scale.movies(); movie++) {
      int n = 1 + r.nextInt(2);
      for (int ord = 0; ord < n; ord++) {
        sink.accept(new Directing(id++, movie, 1 + r.nextInt(scale.people()), ord));
      }
    }
  }

  public void viewers(Consumer<Viewer> sink) {
    SplittableRandom r = random("Viewer", 0);
    for (long id = 1; id <= scale.viewers(); id++) {
      sink.accept(new Viewer(id, word(r) + "_" + id));
    }
  }

  public void reviews(Consumer<Review> sink) {
    SplittableRandom r = random("Review", 0);
    for (long id = 1; id <= scale.reviews(); id++) {
      sink.accept(
          new Review(
              id,
              1 + r.nextInt(scale.movies()),
              1 + r.nextInt(scale.viewers()),
              1 + r.nextInt(10),
              sentence(r, 5 + r.nextInt(8))));
    }
  }

  private static String word(SplittableRandom r) {
    return WORDS[r.nextInt(WORDS.length)];
  }

  private static String capitalized(String w) {
    return Character.toUpperCase(w.charAt(0)) + w.substring(1);
  }

  private static String sentence(SplittableRandom r, int words) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        b.append(' ');
      }
      b.append(word(r));
    }
    return b.toString();
  }

  /** A 64-bit mix (SplitMix64 finalizer) of the seed and a purpose. */
  static long mix(long seed, long purpose) {
    long z = seed * 0x9E3779B97F4A7C15L + purpose;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
