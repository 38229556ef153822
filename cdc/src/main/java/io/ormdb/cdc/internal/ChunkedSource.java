package io.ormdb.cdc.internal;

import io.ormdb.cdc.FeedControl;
import io.ormdb.protocol.OrmDbException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.GraphStageWithMaterializedValue;
import scala.Tuple2;

/**
 * A source that reads a {@link ChunkReader} on demand: it reads only when downstream pulls and its
 * buffer is empty, so it holds at most one read's items (backpressure reaches the store), and when
 * caught up it waits for the reader's commit notification instead of polling. Each materialization
 * gets its own reader from the supplier.
 */
public final class ChunkedSource<T>
    extends GraphStageWithMaterializedValue<SourceShape<T>, FeedControl> {
  private final Supplier<ChunkReader<T>> readers;
  private final Executor executor;
  private final Outlet<T> out = Outlet.create("ChunkedSource.out");
  private final SourceShape<T> shape = SourceShape.of(out);

  public ChunkedSource(Supplier<ChunkReader<T>> readers, Executor executor) {
    this.readers = readers;
    this.executor = executor;
  }

  @Override
  public SourceShape<T> shape() {
    return shape;
  }

  @Override
  public Tuple2<GraphStageLogic, FeedControl> createLogicAndMaterializedValue(
      Attributes attributes) {
    Control control = new Control();
    return Tuple2.apply(new Logic(readers.get(), control), control);
  }

  private static final class Control implements FeedControl {
    final AtomicLong buffered = new AtomicLong();
    final AtomicLong max = new AtomicLong();
    final StopSignal stop = new StopSignal();

    void add(long n) {
      long now = buffered.addAndGet(n);
      max.accumulateAndGet(now, Math::max);
    }

    @Override
    public void stop() {
      stop.request();
    }

    @Override
    public long buffered() {
      return buffered.get();
    }

    @Override
    public long maxBuffered() {
      return max.get();
    }
  }

  /** A read's outcome, handed back to the stream. */
  private record ReadResult<T>(List<T> items, Throwable error) {}

  /** A wait's outcome: null error when more may be available. */
  private record More(Throwable error) {}

  private final class Logic extends GraphStageLogic {
    private final ChunkReader<T> reader;
    private final Control control;
    private final ArrayDeque<T> buffer = new ArrayDeque<>();
    private boolean busy; // a read or a wait is in flight
    private AsyncCallback<ReadResult<T>> onRead;
    private AsyncCallback<More> onMore;

    Logic(ChunkReader<T> reader, Control control) {
      super(shape);
      this.reader = reader;
      this.control = control;
      setHandler(
          out,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              if (!buffer.isEmpty()) {
                emitOne();
              } else if (!busy) {
                startRead();
              }
            }
          });
    }

    @Override
    public void preStart() {
      onRead = createAsyncCallback(this::readDone);
      onMore = createAsyncCallback(this::moreAvailable);
      if (control.stop.attach(createAsyncCallback(x -> completeStage()))) {
        completeStage();
      }
    }

    @Override
    public void postStop() {
      control.add(-buffer.size());
      buffer.clear();
    }

    private void emitOne() {
      T item = buffer.poll();
      control.add(-1);
      push(out, item);
    }

    private void startRead() {
      busy = true;
      CompletableFuture.supplyAsync(reader::read, executor)
          .whenComplete((items, error) -> onRead.invoke(new ReadResult<>(items, error)));
    }

    private void readDone(ReadResult<T> r) {
      busy = false;
      if (r.error() != null) {
        failStage(failure(r.error()));
        return;
      }
      if (!r.items().isEmpty()) {
        control.add(r.items().size());
        buffer.addAll(r.items());
        if (isAvailable(out)) {
          emitOne();
        }
        return;
      }
      CompletionStage<?> more;
      try {
        more = reader.whenMore();
      } catch (RuntimeException e) {
        failStage(failure(e));
        return;
      }
      if (more == null) {
        completeStage();
        return;
      }
      busy = true;
      more.whenComplete((v, error) -> onMore.invoke(new More(error)));
    }

    private void moreAvailable(More m) {
      busy = false;
      if (m.error() != null) {
        failStage(failure(m.error()));
      } else if (isAvailable(out)) {
        startRead();
      }
    }
  }

  /** A read's failure as the stream's: a refusal as it is, anything else INTERNAL. */
  private static OrmDbException failure(Throwable t) {
    return OrmDbException.of(t, "reading the changelog");
  }
}
