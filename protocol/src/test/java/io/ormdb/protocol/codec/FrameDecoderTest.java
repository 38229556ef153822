package io.ormdb.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.codec.FrameException.Reason;
import io.ormdb.protocol.wire.Message;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class FrameDecoderTest {
  private final FrameCodec codec = new FrameCodec();

  @Provide
  Arbitrary<List<Message>> messageStreams() {
    return ModelArbitraries.messages().list().ofMinSize(1).ofMaxSize(8);
  }

  /** Whatever the chunk boundaries, the stream decodes to the messages sent, in order. */
  @Property(tries = 300)
  void decodesAStreamCutAtRandomBoundaries(
      @ForAll("messageStreams") List<Message> messages,
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 64) int maxChunk) {
    byte[] stream = concat(messages);
    Random random = new Random(seed);
    FrameDecoder decoder = codec.newDecoder();
    List<Message> out = new ArrayList<>();

    int p = 0;
    while (p < stream.length) {
      int n =
          Math.min(
              stream.length - p, random.nextInt(maxChunk) + (random.nextInt(8) == 0 ? 500 : 1));
      decoder.feed(stream, p, n, out::add);
      p += n;
    }

    assertThat(out).isEqualTo(messages);
    assertThat(decoder.pendingBytes()).isZero();
  }

  @Property(tries = 50)
  void decodesAStreamFedByteByByte(
      @ForAll("messageStreams") @Size(max = 3) List<Message> messages) {
    byte[] stream = concat(messages);
    FrameDecoder decoder = codec.newDecoder();
    List<Message> out = new ArrayList<>();

    for (byte b : stream) {
      out.addAll(decoder.feed(new byte[] {b}));
    }

    assertThat(out).isEqualTo(messages);
  }

  @Example
  void refusesAnOversizedFrameFromItsHeaderWithoutWaitingForTheBody() {
    FrameDecoder decoder = new FrameCodec(1024).newDecoder();
    byte[] header = FrameCodecTest.frame(FrameHeader.MAGIC, 1, 0x02, 0x7FFF_FFFF, new byte[0]);

    assertThatThrownBy(() -> decoder.feed(header))
        .isInstanceOf(FrameException.class)
        .hasMessage("frame body length 2147483647 exceeds the maximum 1024");
    assertThat(decoder.isFailed()).isTrue();
  }

  @Example
  void deliversTheMessagesBeforeABadFrameThenRefusesMoreInput() {
    byte[] good = codec.encode(new Message.Ping(1));
    byte[] bad = FrameCodecTest.frame(0x0BADBEEF, 1, 0x06, 1, new byte[1]);
    byte[] chunk = concat(good, good, bad);
    FrameDecoder decoder = codec.newDecoder();
    List<Message> delivered = new ArrayList<>();

    assertThatThrownBy(() -> decoder.feed(chunk, 0, chunk.length, delivered::add))
        .isInstanceOf(FrameException.class)
        .satisfies(e -> assertThat(((FrameException) e).reason()).isEqualTo(Reason.BAD_MAGIC));
    assertThat(delivered).containsExactly(new Message.Ping(1), new Message.Ping(1));
    assertThatThrownBy(() -> decoder.feed(good))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "the frame decoder failed earlier: bad magic 0x0BADBEEF, expected 0x4F524D44 (ORMD)");
  }

  @Example
  void reportsTheBytesOfAnUnfinishedFrame() {
    byte[] frame = codec.encode(new Message.QueryText(1, 0, "select"));
    FrameDecoder decoder = codec.newDecoder();

    decoder.feed(Arrays.copyOf(frame, 5));
    assertThat(decoder.pendingBytes()).isEqualTo(5);
    decoder.feed(Arrays.copyOfRange(frame, 5, frame.length - 1));
    assertThat(decoder.pendingBytes()).isEqualTo(frame.length - 1);
    assertThat(decoder.feed(new byte[] {frame[frame.length - 1]}))
        .containsExactly(new Message.QueryText(1, 0, "select"));
    assertThat(decoder.pendingBytes()).isZero();
  }

  private byte[] concat(List<Message> messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Message m : messages) {
      out.writeBytes(codec.encode(m));
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
