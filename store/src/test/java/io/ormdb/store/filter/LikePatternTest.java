package io.ormdb.store.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link LikePattern} matches what the same pattern as a regular expression matches ({@code %} is
 * {@code .*}, {@code _} is {@code .}, which is one code point), text with supplementary characters
 * included.
 */
class LikePatternTest {
  static final String EMOJI = "\ud83d\ude00"; // U+1F600

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.of("a", "b", "\ue000", EMOJI, "\ud83c\udf89")
        .list()
        .ofMaxSize(5)
        .map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<String> pattern() {
    return Arbitraries.of("a", "b", "%", "_", "\ue000", EMOJI, "\\_", "\\%")
        .list()
        .ofMaxSize(5)
        .map(l -> String.join("", l));
  }

  @Property(tries = 3000)
  void matchesLikeTheRegularExpression(
      @ForAll("pattern") String pattern, @ForAll("text") String text) {
    assertThat(LikePattern.matches(pattern, text))
        .as("%s like %s", text, pattern)
        .isEqualTo(regex(pattern).matcher(text).matches());
  }

  @Test
  void anUnderscoreIsOneCharacterASupplementaryOneToo() {
    assertThat(LikePattern.matches("_", EMOJI)).isTrue();
    assertThat(LikePattern.matches("__", EMOJI)).isFalse();
    assertThat(LikePattern.matches("a_b", "a" + EMOJI + "b")).isTrue();
    assertThat(LikePattern.matches("%_", EMOJI)).isTrue();
  }

  /** The regular expression of a LIKE pattern, read by code point. */
  static Pattern regex(String like) {
    StringBuilder re = new StringBuilder();
    int[] cps = like.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      int c = cps[i];
      if (c == '%') {
        re.append(".*");
      } else if (c == '_') {
        re.append('.');
      } else {
        if (c == '\\' && i + 1 < cps.length) {
          c = cps[++i];
        }
        re.append(Pattern.quote(Character.toString(c)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }
}
