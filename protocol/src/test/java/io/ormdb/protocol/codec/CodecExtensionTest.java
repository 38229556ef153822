package io.ormdb.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.value.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodecExtensionTest {
  /** A foreign type the protocol has no encoding for. */
  static final class Handle {
    final String path;

    Handle(String path) {
      this.path = path;
    }
  }

  sealed interface Msg permits Ask, Answer {}

  record Ask(GraphQuery query, Map<String, Value> attributes, Handle replyTo) implements Msg {}

  record Answer(List<Value> ids, Handle from) implements Msg {}

  record Envelope(Msg msg, List<Handle> seen) {}

  private static CodecExtension extension() {
    return CodecExtension.builder()
        .register(1000, Ask.class)
        .register(1001, Answer.class)
        .register(1002, Envelope.class)
        .external(Handle.class, h -> h.path, Handle::new)
        .build();
  }

  @Test
  void extensionRecordsRoundTripWithProtocolTypesAndExternals() {
    KryoCodec codec = new KryoCodec(KryoRegistry.DEFAULT_MAX_NESTING, extension());
    Ask ask =
        new Ask(
            GraphQuery.from("User").include("posts").limit(3).build(),
            Map.of("tenant", Value.of(7L)),
            new Handle("/user/a"));
    Ask back = codec.fromBytes(codec.toBytes(ask), Ask.class);
    assertThat(back.query()).isEqualTo(ask.query());
    assertThat(back.attributes()).isEqualTo(ask.attributes());
    assertThat(back.replyTo().path).isEqualTo("/user/a");

    Envelope env =
        new Envelope(
            new Answer(List.of(Value.of(1L), Value.of("x")), null),
            List.of(new Handle("a"), new Handle("b")));
    Envelope e2 = codec.fromBytes(codec.toBytes(env), Envelope.class);
    assertThat(((Answer) e2.msg()).ids()).isEqualTo(List.of(Value.of(1L), Value.of("x")));
    assertThat(((Answer) e2.msg()).from()).isNull();
    assertThat(e2.seen()).extracting(h -> h.path).containsExactly("a", "b");
  }

  @Test
  void theProtocolCodecDoesNotKnowExtensionClasses() {
    KryoCodec plain = new KryoCodec();
    assertThatThrownBy(() -> plain.toBytes(new Answer(List.of(), null)))
        .isInstanceOf(IllegalArgumentException.class);
    KryoCodec extended = new KryoCodec(KryoRegistry.DEFAULT_MAX_NESTING, extension());
    byte[] bytes = extended.toBytes(new Answer(List.of(), null));
    assertThatThrownBy(() -> plain.fromBytes(bytes, Object.class))
        .isInstanceOf(OrmDbException.class)
        .hasMessageContaining("unknown class id 1001");
  }

  @Test
  void idsBelowTheExtensionRangeAndDuplicatesAreRefused() {
    assertThatThrownBy(() -> CodecExtension.builder().register(999, Ask.class))
        .hasMessageContaining("below 1000");
    assertThatThrownBy(
            () -> CodecExtension.builder().register(1000, Ask.class).register(1000, Answer.class))
        .hasMessageContaining("taken");
    assertThatThrownBy(() -> CodecExtension.builder().register(1000, GraphQuery.class))
        .hasMessageContaining("registered twice");
    assertThatThrownBy(() -> CodecExtension.builder().register(1000, Handle.class))
        .hasMessageContaining("only records and enums");
  }
}
