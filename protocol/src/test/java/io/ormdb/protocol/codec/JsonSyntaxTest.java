package io.ormdb.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonSyntaxTest {
  private final KryoCodec codec = new KryoCodec();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "-0.5e+10",
        "  true ",
        "null",
        "\"a\\\"b\\u00e9\\n\"",
        "[]",
        "{}",
        "[1, [2, {\"a\": [null, false]}], \"x\"]",
        "{\"k\": {\"n\": -12.25E3}, \"e\": \"日本\"}"
      })
  void acceptsWellFormedDocuments(String json) {
    assertThat(JsonSyntax.problem(json)).isNull();
    assertThat(codec.fromBytes(codec.toBytes(new Value.Json(json)), Value.class))
        .isEqualTo(new Value.Json(json));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''| expected a value at offset 0",
        "{| expected a string key at offset 1",
        "{\"a\" 1}| expected ':' at offset 5",
        "{\"a\":1,}| expected a string key at offset 7",
        "[1 2]| expected ',' or ']' at offset 3",
        "[1,]| expected a value at offset 3",
        "01| expected end of the document at offset 1",
        "1.| expected a digit at offset 2",
        "-| expected a digit at offset 1",
        "tru| expected 'true' at offset 0",
        "\"abc| expected '\"' closing the string at offset 4",
        "\"\\x\"| expected a valid escape at offset 2",
        "\"\\u12g4\"| expected four hex digits after \\u at offset 5",
        "{} {}| expected end of the document at offset 3",
        "nul| expected 'null' at offset 0"
      })
  void namesWhatIsWrongAndWhere(String json, String problem) {
    assertThat(JsonSyntax.problem(json)).isEqualTo(problem);
  }

  @Test
  void refusesControlCharactersInStringsAndDeepNesting() {
    assertThat(JsonSyntax.problem("\"a\u0001\""))
        .isEqualTo("expected no control character inside a string at offset 2");
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    assertThat(JsonSyntax.problem(deep))
        .isEqualTo("JSON nested too deeply (more than 256 levels) at offset 257");
    assertThat(JsonSyntax.problem("[".repeat(256) + "]".repeat(256))).isNull();
  }

  @Test
  void malformedJsonIsRefusedWhenEncodingAndWhenDecoding() {
    Value.Json bad = new Value.Json("{\"a\":}");
    byte[] good = codec.toBytes(new Value.Json("[10]"));
    good[good.length - 2] = ','; // [1,]

    assertThatThrownBy(() -> codec.toBytes(bad))
        .isInstanceOf(OrmDbException.class)
        .hasMessage("cannot encode Value.Json: not well-formed JSON: expected a value at offset 5");
    assertThatThrownBy(() -> codec.fromBytes(good, Value.class))
        .isInstanceOf(OrmDbException.class)
        .hasMessage(
            "cannot decode Value from 6 bytes: not well-formed JSON: expected a value at offset 3"
                + " (at Value.Json.text)");
  }
}
