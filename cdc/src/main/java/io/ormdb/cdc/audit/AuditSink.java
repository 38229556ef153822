package io.ormdb.cdc.audit;

import io.ormdb.cdc.feed.ChangeFeed;
import io.ormdb.cdc.feed.ChangeFilter;
import io.ormdb.cdc.feed.NamedConsumer;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.store.journal.ConsumerOffset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A running audit sink: a named consumer of the change feed whose committed changes go, in LSN
 * order and in batches ({@code batch-size} / {@code flush-interval}), to a destination; after the
 * destination made a batch durable the consumer's offset is committed (durably, in the store file).
 *
 * <p>On start the sink resumes after the later of the consumer's stored offset and the last change
 * the destination says it holds ({@link AuditDestination#recover()}). With the built-in {@link
 * JsonLinesFileDestination} every committed change is therefore in the files exactly once, in LSN
 * order, across clean restarts and crashes; with other destinations delivery is at least once (the
 * changes since the last committed offset may be repeated after a crash).
 *
 * <p>Three forms: {@link #start(ActorSystem, ChangeFeed, AuditSettings)} (the JSON-lines files),
 * {@link #start(ActorSystem, ChangeFeed, AuditSettings, AuditDestination)} (a plain Java
 * destination) and {@link #startVia} (a Pekko Streams {@code Flow} that emits each batch once it
 * has made it durable, e.g. a {@code Sink} wrapped with its completion). {@link #stop()} writes the
 * changes already read, commits their offset and closes the destination; the sink also stops in
 * CoordinatedShutdown's {@code service-stop} phase, before the store closes. If the destination
 * fails, the stream fails ({@link #done()} completes exceptionally) with nothing acknowledged that
 * was not durable; start a new sink to retry.
 */
public final class AuditSink {
  private final String consumerName;
  private final UniqueKillSwitch killSwitch;
  private final CompletionStage<Done> done;
  private final AtomicBoolean stopping = new AtomicBoolean();

  private AuditSink(String consumerName, UniqueKillSwitch killSwitch, CompletionStage<Done> done) {
    this.consumerName = consumerName;
    this.killSwitch = killSwitch;
    this.done = done;
  }

  /** Runs the built-in JSON-lines file sink in {@code settings.directory()}. */
  public static AuditSink start(ActorSystem<?> system, ChangeFeed feed, AuditSettings settings) {
    return start(
        system,
        feed,
        settings,
        new JsonLinesFileDestination(settings.requireDirectory(), settings.maxFileBytes()));
  }

  /** Runs the sink into a destination; the sink closes it when it stops or fails. */
  public static AuditSink start(
      ActorSystem<?> system,
      ChangeFeed feed,
      AuditSettings settings,
      AuditDestination destination) {
    Executor io = ioExecutor(system, settings);
    Flow<AuditBatch, AuditBatch, NotUsed> writes =
        Flow.<AuditBatch>create()
            .mapAsync(
                1,
                batch ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          try {
                            destination.write(batch.events());
                            destination.flush();
                          } catch (IOException e) {
                            throw new UncheckedIOException(
                                "the audit destination failed to write up to lsn "
                                    + batch.last().lsn(),
                                e);
                          }
                          return batch;
                        },
                        io));
    return run(
        system,
        feed,
        settings,
        () ->
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return destination.recover();
                  } catch (IOException e) {
                    throw new UncheckedIOException("the audit destination cannot recover", e);
                  }
                },
                io),
        writes,
        streamDone ->
            streamDone.handleAsync(
                (d, failure) -> {
                  try {
                    destination.close();
                  } catch (IOException e) {
                    if (failure == null) {
                      throw new UncheckedIOException("closing the audit destination failed", e);
                    }
                    failure.addSuppressed(e);
                  }
                  if (failure != null) {
                    throw OrmDbException.of(failure, "the audit sink");
                  }
                  return d;
                },
                io));
  }

  /**
   * Runs the sink through a user's flow: it receives the batches in LSN order and must emit each
   * batch it received, in order, once the batch is durable wherever it goes (emitting the same
   * {@link AuditBatch} instance is simplest); the consumer offset of an emitted batch is then
   * committed. Delivery is at least once.
   */
  public static AuditSink startVia(
      ActorSystem<?> system,
      ChangeFeed feed,
      AuditSettings settings,
      Flow<AuditBatch, AuditBatch, ?> durably) {
    return run(
        system,
        feed,
        settings,
        () -> CompletableFuture.completedFuture(Optional.empty()),
        durably,
        streamDone -> streamDone);
  }

  private static AuditSink run(
      ActorSystem<?> system,
      ChangeFeed feed,
      AuditSettings settings,
      Supplier<CompletionStage<Optional<ConsumerOffset>>> recover,
      Flow<AuditBatch, AuditBatch, ?> durably,
      UnaryOperator<CompletionStage<Done>> afterStream) {
    NamedConsumer consumer = feed.consumer(settings.consumerName());
    Source<ChangeEvent, NotUsed> changes =
        Source.lazyCompletionStageSource(
                () ->
                    recover
                        .get()
                        .thenApply(
                            written -> {
                              ConsumerOffset stored = consumer.offset();
                              ConsumerOffset from =
                                  written.isPresent() && stored.isBefore(written.get())
                                      ? written.get()
                                      : stored;
                              return feed.itemsAfter(from, ChangeFilter.all())
                                  .map(i -> (ChangeEvent) i);
                            }))
            .mapMaterializedValue(f -> NotUsed.getInstance());
    Pair<UniqueKillSwitch, CompletionStage<Done>> running =
        changes
            .viaMat(KillSwitches.single(), Keep.right())
            .groupedWithin(settings.batchSize(), settings.flushInterval())
            .map(AuditBatch::new)
            .via(durably)
            .mapAsync(1, batch -> consumer.commit(batch.last()))
            .toMat(Sink.ignore(), Keep.both())
            .run(system);
    AuditSink sink =
        new AuditSink(
            settings.consumerName(), running.first(), afterStream.apply(running.second()));
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "ormdb-audit-sink-" + settings.consumerName() + "-" + System.identityHashCode(sink),
            () -> sink.stop().exceptionally(failure -> Done.getInstance()));
    return sink;
  }

  private static Executor ioExecutor(ActorSystem<?> system, AuditSettings settings) {
    return system.dispatchers().lookup(DispatcherSelector.fromConfig(settings.ioDispatcher()));
  }

  /** The named consumer whose offset this sink keeps. */
  public String consumerName() {
    return consumerName;
  }

  /**
   * Stops reading, writes and acknowledges what was already read, then closes the destination;
   * completes when all that is done (exceptionally if the sink had failed). Idempotent.
   */
  public CompletionStage<Done> stop() {
    if (stopping.compareAndSet(false, true)) {
      killSwitch.shutdown();
    }
    return done;
  }

  /** Completes when the sink has stopped (exceptionally when it failed). */
  public CompletionStage<Done> done() {
    return done;
  }
}
