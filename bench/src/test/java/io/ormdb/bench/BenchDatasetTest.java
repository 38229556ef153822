package io.ormdb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.bench.data.Dataset;
import io.ormdb.bench.data.Scale;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchDatasetTest {

  private static List<Object> everything(Dataset d) {
    List<Object> rows = new ArrayList<>();
    d.items(rows::add);
    d.users(rows::add);
    d.posts(rows::add);
    d.comments(rows::add);
    d.accounts(rows::add);
    d.movies(rows::add);
    d.people(rows::add);
    d.cast(rows::add);
    d.directing(rows::add);
    d.viewers(rows::add);
    d.reviews(rows::add);
    return rows;
  }

  @Test
  void theSameSeedGeneratesTheSameRows() {
    assertThat(everything(new Dataset(Scale.SMOKE, 42)))
        .isEqualTo(everything(new Dataset(Scale.SMOKE, 42)));
  }

  @Test
  void anotherSeedGeneratesOtherRows() {
    assertThat(everything(new Dataset(Scale.SMOKE, 42)))
        .isNotEqualTo(everything(new Dataset(Scale.SMOKE, 43)));
  }

  @Test
  void aTableDoesNotDependOnWhichTablesWereGeneratedBefore() {
    Dataset a = new Dataset(Scale.SMOKE, 42);
    List<Object> reviewsFirst = new ArrayList<>();
    a.reviews(reviewsFirst::add);
    Dataset b = new Dataset(Scale.SMOKE, 42);
    b.items(r -> {});
    b.cast(r -> {});
    List<Object> reviewsLater = new ArrayList<>();
    b.reviews(reviewsLater::add);
    assertThat(reviewsLater).isEqualTo(reviewsFirst);
  }

  @Test
  void theGraphShapeIsFivePostsPerUserAndFourCommentsPerPost() {
    Dataset d = new Dataset(Scale.SMOKE, 1);
    List<Dataset.Post> posts = new ArrayList<>();
    d.posts(posts::add);
    assertThat(posts).hasSize(Scale.SMOKE.users() * 5);
    assertThat(posts.stream().filter(p -> p.authorId() == 3)).hasSize(5);
    List<Dataset.Comment> comments = new ArrayList<>();
    d.comments(comments::add);
    assertThat(comments.stream().filter(c -> c.postId() == 7)).hasSize(4);
  }
}
