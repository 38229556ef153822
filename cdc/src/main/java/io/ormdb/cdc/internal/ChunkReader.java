package io.ormdb.cdc.internal;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What a {@link ChunkedSource} reads: a stateful cursor over the store. Calls never overlap: {@link
 * #read} runs on the read executor, {@link #whenMore} on the stream after an empty read.
 */
public interface ChunkReader<T> {
  /**
   * Reads the next items (blocking I/O allowed), at most one chunk. An empty list means "caught up
   * with what is committed"; an exception fails the stream.
   */
  List<T> read();

  /**
   * After an empty read: completes when a read may return more (a commit notification, never a
   * timer), or null when the stream is complete (a "current" query reached its end).
   */
  CompletionStage<?> whenMore();
}
