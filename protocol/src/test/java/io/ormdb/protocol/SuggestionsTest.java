package io.ormdb.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  private final List<String> fields = List.of("email", "name", "createdAt", "id");

  @Test
  void suggestsTheClosestNameForATypo() {
    assertThat(Suggestions.closest("emial", fields)).contains("email");
    assertThat(Suggestions.closest("createdat", fields)).contains("createdAt");
    assertThat(Suggestions.didYouMean("nmae", fields)).isEqualTo(" (did you mean 'name'?)");
  }

  @Test
  void staysQuietWhenNothingIsClose() {
    assertThat(Suggestions.closest("password", fields)).isEmpty();
    assertThat(Suggestions.closest("xy", fields)).isEmpty();
    assertThat(Suggestions.didYouMean("zzzzzz", fields)).isEmpty();
  }

  @Test
  void anExactMatchIsNotASuggestion() {
    assertThat(Suggestions.closest("email", fields)).isEmpty();
  }
}
