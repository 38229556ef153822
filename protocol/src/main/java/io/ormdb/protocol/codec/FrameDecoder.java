package io.ormdb.protocol.codec;

import io.ormdb.protocol.wire.Message;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Cuts a byte stream, arriving in chunks of any size, into frames and decodes them. Allocates a
 * body buffer only after the header has been checked (so never more than the maximum body size),
 * and decodes a body straight from the chunk when the chunk holds all of it.
 *
 * <p>Not thread-safe: one per connection. After a {@link FrameException} the stream is out of step
 * and the decoder refuses further input.
 */
public final class FrameDecoder {
  private final FrameCodec codec;
  private final byte[] header = new byte[FrameHeader.SIZE];
  private int headerFill;
  private FrameHeader current;
  private byte[] body;
  private int bodyFill;
  private FrameException failure;

  FrameDecoder(FrameCodec codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /**
   * Feeds a chunk; returns the messages it completed, in order.
   *
   * @throws FrameException at the first bad frame (messages completed before it in this chunk are
   *     lost; use {@link #feed(byte[], int, int, Consumer)} to keep them)
   */
  public List<Message> feed(byte[] chunk) {
    List<Message> out = new ArrayList<>(1);
    feed(chunk, 0, chunk.length, out::add);
    return out;
  }

  /**
   * Feeds {@code length} bytes of {@code chunk} from {@code offset}; hands each completed message
   * to {@code sink} as soon as it is decoded.
   *
   * @throws FrameException at the first bad frame; the decoder is then failed
   * @throws IllegalStateException when the decoder failed earlier
   */
  public void feed(byte[] chunk, int offset, int length, Consumer<? super Message> sink) {
    Objects.checkFromIndexSize(offset, length, chunk.length);
    if (failure != null) {
      throw new IllegalStateException("the frame decoder failed earlier: " + failure.getMessage());
    }
    try {
      int p = offset;
      int end = offset + length;
      while (p < end) {
        if (current == null) {
          int n = Math.min(FrameHeader.SIZE - headerFill, end - p);
          System.arraycopy(chunk, p, header, headerFill, n);
          headerFill += n;
          p += n;
          if (headerFill < FrameHeader.SIZE) {
            break;
          }
          current = FrameHeader.parse(ByteBuffer.wrap(header), codec.maxBodyBytes());
          headerFill = 0;
          bodyFill = 0;
          if (end - p >= current.bodyLength()) {
            // The whole body is in this chunk: decode it in place.
            Message m = codec.decodeBody(current, chunk, p, current.bodyLength());
            p += current.bodyLength();
            current = null;
            sink.accept(m);
            continue;
          }
          body = new byte[current.bodyLength()];
        }
        int n = Math.min(current.bodyLength() - bodyFill, end - p);
        System.arraycopy(chunk, p, body, bodyFill, n);
        bodyFill += n;
        p += n;
        if (bodyFill == current.bodyLength()) {
          Message m = codec.decodeBody(current, body);
          current = null;
          body = null;
          sink.accept(m);
        }
      }
    } catch (FrameException e) {
      failure = e;
      current = null;
      body = null;
      throw e;
    }
  }

  /** Bytes of an unfinished frame held back (a stream that ends now ends mid-frame). */
  public int pendingBytes() {
    return current == null ? headerFill : FrameHeader.SIZE + bodyFill;
  }

  /** Whether the decoder refused a frame and accepts no more input. */
  public boolean isFailed() {
    return failure != null;
  }
}
