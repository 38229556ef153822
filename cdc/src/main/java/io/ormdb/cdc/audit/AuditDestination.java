package io.ormdb.cdc.audit;

import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.store.journal.ConsumerOffset;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where an {@link AuditSink} puts the committed changes. The sink calls it from one thread at a
 * time (on its I/O dispatcher), in this order: {@link #recover()} once, then for every batch {@link
 * #write} and {@link #flush}, and {@link #close()} when the sink stops. Only after {@code flush}
 * returns does the sink commit the consumer offset of the batch.
 *
 * <p><b>Delivery.</b> At least once, in LSN order: after a crash between a {@code flush} and the
 * offset commit, the changes since the last committed offset are written again. A destination that
 * can tell which changes it already holds returns the last one from {@link #recover()}: the sink
 * then resumes after it (and after the stored offset, whichever is later), which makes the delivery
 * exactly once — {@link JsonLinesFileDestination} does this.
 */
public interface AuditDestination extends AutoCloseable {
  /**
   * Called once before the first write: the position of the last change this destination holds
   * durably, when it knows it. Empty (the default) means "unknown": the sink resumes after its
   * stored offset.
   */
  default Optional<ConsumerOffset> recover() throws IOException {
    return Optional.empty();
  }

  /** Writes the changes (in LSN order, never empty); they need not be durable yet. */
  void write(List<ChangeEvent> events) throws IOException;

  /** Makes everything written so far durable: the point after which the offset is committed. */
  void flush() throws IOException;

  /** Releases the destination; the sink calls it once, after the last flush. */
  @Override
  default void close() throws IOException {}
}
