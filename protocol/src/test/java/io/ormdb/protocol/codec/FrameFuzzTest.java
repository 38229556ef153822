package io.ormdb.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.codec.FrameException.Reason;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.wire.Message;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Example;
import net.jqwik.api.RandomGenerator;

/**
 * Feeds the decoder hostile frames: random bytes, and valid frames with flipped bits, inserted and
 * deleted bytes, cuts, lying length and type fields, huge varints, spliced headers and nesting far
 * past the limit. Every outcome must be a decoded message or a {@link FrameException}: nothing
 * else, no Error. A decoded message must re-encode and decode to itself, and a {@link FrameDecoder}
 * fed the same bytes in random chunks must agree.
 *
 * <p>Deterministic by seed: {@code -Dormdb.fuzz.seed=...} replays a run, {@code
 * -Dormdb.fuzz.frames=...} changes its length. A failure message starts with the seed and the
 * frame's bytes.
 */
class FrameFuzzTest {
  private static final long DEFAULT_SEED = 0x4F524D44_00000001L;
  private static final int DEFAULT_FRAMES = 20_000;
  private static final int CORPUS = 300;

  private final FrameCodec codec = new FrameCodec();

  enum Strategy {
    RANDOM_BYTES,
    VALID_HEADER_RANDOM_BODY,
    BIT_FLIPS,
    BODY_BIT_FLIPS,
    INSERT_BYTES,
    DELETE_BYTES,
    TRUNCATE,
    LENGTH_FIELD,
    TYPE_FIELD,
    VARINT_BOMB,
    SPLICE,
    DEEP_NESTING
  }

  /** Runs on a jqwik thread ({@code @Example}) because the model generators need one. */
  @Example
  void everyHostileFrameIsDecodedOrRefusedWithAFrameException() {
    long seed = Long.getLong("ormdb.fuzz.seed", DEFAULT_SEED);
    int frames = Integer.getInteger("ormdb.fuzz.frames", DEFAULT_FRAMES);
    Random random = new Random(seed);
    List<byte[]> corpus = corpus(random);
    Map<Reason, Integer> refused = new EnumMap<>(Reason.class);
    Map<Strategy, Integer> byStrategy = new EnumMap<>(Strategy.class);
    int decoded = 0;
    long start = System.nanoTime();

    for (int i = 0; i < frames; i++) {
      Strategy strategy = Strategy.values()[random.nextInt(Strategy.values().length)];
      byte[] frame = mutate(strategy, corpus, random);
      byStrategy.merge(strategy, 1, Integer::sum);
      String context =
          "seed=" + seed + " frame #" + i + " " + strategy + " " + HexFormat.of().formatHex(frame);
      Message message;
      try {
        message = codec.decode(frame);
      } catch (FrameException e) {
        refused.merge(e.reason(), 1, Integer::sum);
        checkStreamDecoder(frame, null, random, context);
        continue;
      } catch (Throwable t) {
        throw new AssertionError("not a FrameException: " + t + " — " + context, t);
      }
      decoded++;
      assertThat(message).as(context).isNotNull();
      assertThat(codec.decode(codec.encode(message))).as(context).isEqualTo(message);
      checkStreamDecoder(frame, message, random, context);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;

    System.out.printf(
        "frame fuzz: seed=%d, %d frames in %d ms, %d decoded, refused %s%n",
        seed, frames, millis, decoded, new TreeMap<>(refused));
    assertThat(decoded + refused.values().stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(frames);
    if (frames >= DEFAULT_FRAMES) {
      assertThat(refused.keySet())
          .as("every reason seen; seed=" + seed)
          .containsAll(List.of(Reason.values()));
      assertThat(decoded).as("some mutated frames still decode; seed=" + seed).isPositive();
      assertThat(byStrategy).hasSize(Strategy.values().length);
    }
  }

  /**
   * The same bytes through a stream decoder, in random chunks: the same message when {@code
   * expected} is not null; otherwise a FrameException, or input left waiting for more bytes, or
   * (when the bytes hold a frame plus extra) a message — never another exception.
   */
  private void checkStreamDecoder(byte[] frame, Message expected, Random random, String context) {
    FrameDecoder decoder = codec.newDecoder();
    List<Message> out = new ArrayList<>();
    try {
      int p = 0;
      while (p < frame.length) {
        int n = Math.min(frame.length - p, 1 + random.nextInt(frame.length));
        decoder.feed(frame, p, n, out::add);
        p += n;
      }
    } catch (FrameException e) {
      assertThat(expected)
          .as("stream decoder refused a frame decode() accepted: " + context)
          .isNull();
      return;
    } catch (Throwable t) {
      throw new AssertionError("stream decoder threw " + t + " — " + context, t);
    }
    if (expected != null) {
      assertThat(out).as(context).containsExactly(expected);
      assertThat(decoder.pendingBytes()).as(context).isZero();
    }
  }

  // ---- the corpus of valid frames -------------------------------------------------------------

  private List<byte[]> corpus(Random random) {
    RandomGenerator<Message> generator = ModelArbitraries.messages().generator(100);
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < CORPUS; i++) {
      frames.add(codec.encode(generator.next(random).value()));
    }
    return frames;
  }

  /** A Query whose filter nests {@code depth} Not records: valid for a lenient codec only. */
  private static byte[] deeplyNestedQuery(int depth) {
    Filter f = new Filter.Const(true);
    for (int i = 0; i < depth; i++) {
      f = new Filter.Not(f);
    }
    FrameCodec lenient =
        new FrameCodec(new KryoCodec(depth + 10), FrameCodec.DEFAULT_MAX_BODY_BYTES);
    return lenient.encode(new Message.Query(1, 0, GraphQuery.from("User").where(f).build()));
  }

  private static final byte[] DEEP = deeplyNestedQuery(500);

  // ---- mutations ------------------------------------------------------------------------------

  private byte[] mutate(Strategy strategy, List<byte[]> corpus, Random random) {
    byte[] valid = corpus.get(random.nextInt(corpus.size())).clone();
    switch (strategy) {
      case RANDOM_BYTES:
        return randomBytes(random, random.nextInt(64));
      case VALID_HEADER_RANDOM_BODY:
        {
          byte[] body = randomBytes(random, random.nextInt(200));
          return withHeader(valid, body, body.length);
        }
      case BIT_FLIPS:
        return flipBits(valid, 0, random);
      case BODY_BIT_FLIPS:
        return flipBits(valid, FrameHeader.SIZE, random);
      case INSERT_BYTES:
        {
          int at = FrameHeader.SIZE + random.nextInt(valid.length - FrameHeader.SIZE + 1);
          byte[] extra = randomBytes(random, 1 + random.nextInt(4));
          byte[] out = splice(valid, at, 0, extra);
          return random.nextBoolean() ? fixLength(out) : out;
        }
      case DELETE_BYTES:
        {
          int bodyLength = valid.length - FrameHeader.SIZE;
          int n = Math.min(bodyLength, 1 + random.nextInt(4));
          int at = FrameHeader.SIZE + random.nextInt(bodyLength - n + 1);
          byte[] out = splice(valid, at, n, new byte[0]);
          return random.nextBoolean() ? fixLength(out) : out;
        }
      case TRUNCATE:
        return java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
      case LENGTH_FIELD:
        {
          long[] lengths = {
            0xFFFF_FFFFL,
            0x8000_0000L,
            FrameCodec.DEFAULT_MAX_BODY_BYTES + 1L,
            valid.length - FrameHeader.SIZE + 1L + random.nextInt(100),
            Math.max(0, valid.length - FrameHeader.SIZE - 1 - random.nextInt(10)),
            random.nextInt() & 0xFFFF_FFFFL
          };
          ByteBuffer.wrap(valid).putInt(8, (int) lengths[random.nextInt(lengths.length)]);
          return valid;
        }
      case TYPE_FIELD:
        ByteBuffer.wrap(valid)
            .putShort(6, (short) (random.nextBoolean() ? random.nextInt(0x14) : random.nextInt()));
        return valid;
      case VARINT_BOMB:
        {
          byte[] bomb = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
          int at = FrameHeader.SIZE + random.nextInt(valid.length - FrameHeader.SIZE + 1);
          int replace = Math.min(valid.length - at, random.nextInt(3));
          return fixLength(splice(valid, at, replace, bomb));
        }
      case SPLICE:
        {
          byte[] other = corpus.get(random.nextInt(corpus.size()));
          if (random.nextBoolean()) {
            // header of one frame, body of another: usually a type mismatch
            byte[] body = java.util.Arrays.copyOfRange(other, FrameHeader.SIZE, other.length);
            return withHeader(valid, body, body.length);
          }
          // two frames where one is expected: bytes after the declared body
          return splice(valid, valid.length, 0, other);
        }
      case DEEP_NESTING:
        {
          byte[] deep = DEEP.clone();
          return random.nextInt(4) == 0 ? flipBits(deep, FrameHeader.SIZE, random) : deep;
        }
      default:
        throw new IllegalStateException(strategy.name());
    }
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static byte[] flipBits(byte[] frame, int from, Random random) {
    if (frame.length <= from) {
      return frame;
    }
    int flips = 1 + random.nextInt(4);
    for (int i = 0; i < flips; i++) {
      int bit = random.nextInt((frame.length - from) * 8);
      frame[from + bit / 8] ^= (byte) (1 << (bit % 8));
    }
    return frame;
  }

  /** {@code frame} with {@code remove} bytes at {@code at} replaced by {@code insert}. */
  private static byte[] splice(byte[] frame, int at, int remove, byte[] insert) {
    byte[] out = new byte[frame.length - remove + insert.length];
    System.arraycopy(frame, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(frame, at + remove, out, at + insert.length, frame.length - at - remove);
    return out;
  }

  private static byte[] fixLength(byte[] frame) {
    ByteBuffer.wrap(frame).putInt(8, frame.length - FrameHeader.SIZE);
    return frame;
  }

  private static byte[] withHeader(byte[] headerSource, byte[] body, int declaredLength) {
    byte[] out = new byte[FrameHeader.SIZE + body.length];
    System.arraycopy(headerSource, 0, out, 0, FrameHeader.SIZE);
    System.arraycopy(body, 0, out, FrameHeader.SIZE, body.length);
    ByteBuffer.wrap(out).putInt(8, declaredLength);
    return out;
  }
}
