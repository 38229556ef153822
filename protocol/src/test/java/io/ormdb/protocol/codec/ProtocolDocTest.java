package io.ormdb.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.wire.Message;
import io.ormdb.protocol.wire.MessageType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** docs/protocol.md states what the code does: its tables and its example are checked here. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolDocTest {
  private String doc;

  @BeforeAll
  void readDoc() throws IOException {
    // Surefire runs in the module directory; the docs live at the repository root.
    doc = Files.readString(Path.of("..", "docs", "protocol.md"));
  }

  @Test
  void theWorkedExampleIsTheRealEncoding() {
    String hex =
        HexFormat.ofDelimiter(" ")
            .withUpperCase()
            .formatHex(new FrameCodec().encode(new Message.Ping(42)));

    assertThat(hex).isEqualTo("4F 52 4D 44 00 01 00 06 00 00 00 03 9A 03 54");
    assertThat(doc).contains("4F 52 4D 44  00 01  00 06  00 00 00 03  9A 03 54");
  }

  @Test
  void everyMessageTypeIsInTheTableWithItsCode() {
    for (MessageType t : MessageType.values()) {
      assertThat(doc).contains(String.format("| `0x%02X` | `%s`", t.code(), t.name()));
    }
  }

  @Test
  void everyErrorCodeIsInTheTableWithItsNumber() {
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(doc).containsPattern("\\|\\s+" + c.code() + " \\| `" + c.name() + "`");
    }
  }

  @Test
  void theLimitsAreTheCodesLimits() {
    assertThat(FrameCodec.DEFAULT_MAX_BODY_BYTES).isEqualTo(4_194_304);
    assertThat(doc).contains("**4 MiB** (4,194,304 bytes)");
    assertThat(KryoRegistry.DEFAULT_MAX_NESTING).isEqualTo(100);
    assertThat(doc).contains("at most **100** levels deep");
    assertThat(FieldCodec.MAX_DECIMAL_BYTES).isEqualTo(1_024);
    assertThat(FieldCodec.MAX_DECIMAL_SCALE).isEqualTo(10_000);
    assertThat(doc).contains("1,024 unscaled bytes").contains("±10,000");
  }

  @Test
  void everyFrameExceptionReasonIsExplained() {
    for (FrameException.Reason r : FrameException.Reason.values()) {
      assertThat(doc).contains("| `" + r.name() + "`");
    }
  }
}
