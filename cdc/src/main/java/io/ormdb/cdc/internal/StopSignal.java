package io.ormdb.cdc.internal;

import org.apache.pekko.stream.stage.AsyncCallback;

/**
 * How a stream's {@code FeedControl.stop()}, called from any thread, completes its stage: {@link
 * #request} before or after the stage {@link #attach}es its callback — whichever happens second
 * sees the other (both are volatile), so a stop is never lost.
 */
public final class StopSignal {
  private volatile boolean requested;
  private volatile AsyncCallback<Boolean> callback;

  /** Asks the stage to complete (at once when it has started, else as it starts). */
  public void request() {
    requested = true;
    AsyncCallback<Boolean> cb = callback;
    if (cb != null) {
      cb.invoke(Boolean.TRUE);
    }
  }

  /**
   * From the stage's {@code preStart}: {@code stop} completes it on a later request; whether a stop
   * was requested already (the stage completes itself then).
   */
  public boolean attach(AsyncCallback<Boolean> stop) {
    callback = stop;
    return requested;
  }
}
