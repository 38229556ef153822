package io.ormdb.cdc.live;

import io.ormdb.cdc.FeedControl;
import io.ormdb.cdc.internal.StopSignal;
import io.ormdb.protocol.OrmDbException;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.GraphStageWithMaterializedValue;
import scala.Tuple2;

/**
 * The stream of one subscription: each materialization registers a {@link Subscription} with the
 * hub, emits what the hub hands it when downstream pulls, and unregisters when it stops.
 */
final class LiveSource
    extends GraphStageWithMaterializedValue<SourceShape<LiveEvent>, FeedControl> {
  private final LiveHub hub;
  private final LiveHub.Key key;
  private final long fromLsn;
  private final int capacity;
  private final Outlet<LiveEvent> out = Outlet.create("LiveSource.out");
  private final SourceShape<LiveEvent> shape = SourceShape.of(out);

  LiveSource(LiveHub hub, LiveHub.Key key, long fromLsn, int capacity) {
    this.hub = hub;
    this.key = key;
    this.fromLsn = fromLsn;
    this.capacity = capacity;
  }

  @Override
  public SourceShape<LiveEvent> shape() {
    return shape;
  }

  @Override
  public Tuple2<GraphStageLogic, FeedControl> createLogicAndMaterializedValue(
      Attributes attributes) {
    Subscription sub = new Subscription(key, fromLsn, capacity);
    Control control = new Control(sub);
    return Tuple2.apply(new Logic(sub, control), control);
  }

  private static final class Control implements FeedControl {
    final Subscription sub;
    final StopSignal stop = new StopSignal();

    Control(Subscription sub) {
      this.sub = sub;
    }

    @Override
    public void stop() {
      stop.request();
    }

    @Override
    public long buffered() {
      return sub.buffered();
    }

    @Override
    public long maxBuffered() {
      return sub.maxBuffered();
    }
  }

  private final class Logic extends GraphStageLogic {
    private final Subscription sub;
    private final Control control;

    Logic(Subscription sub, Control control) {
      super(shape);
      this.sub = sub;
      this.control = control;
      setHandler(
          out,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              emit();
            }
          });
    }

    @Override
    public void preStart() {
      AsyncCallback<Boolean> woken = createAsyncCallback(x -> onWake());
      sub.onWake(() -> woken.invoke(Boolean.TRUE));
      if (control.stop.attach(createAsyncCallback(x -> completeStage()))) {
        completeStage();
        return;
      }
      hub.subscribe(sub);
    }

    @Override
    public void postStop() {
      sub.close();
      hub.unsubscribe(sub);
    }

    private void onWake() {
      if (isAvailable(out)) {
        emit();
      }
    }

    private void emit() {
      Object next = sub.poll();
      if (next instanceof LiveEvent e) {
        push(out, e);
      } else if (next instanceof Throwable t) {
        failStage(OrmDbException.of(t, "the live query"));
      } else if (next == Subscription.RESYNC) {
        hub.resync(sub);
      }
    }
  }
}
