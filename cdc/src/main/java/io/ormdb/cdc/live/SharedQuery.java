package io.ormdb.cdc.live;

import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.SchemaBundle;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One live query as the hub keeps it for all its subscribers: the result as of the hub's LSN (as a
 * {@link LiveView}), what it depends on ({@link ReadSet}) and, during a round, whether it must be
 * re-run or which edits the round made to it. Touched by the hub's rounds only.
 */
final class SharedQuery {
  final LiveHub.Key key;
  final Set<Subscription> subscribers = new LinkedHashSet<>();

  /** The result as of the hub's LSN. */
  LiveView view;

  /** The last full result, while no edit changed the view since (else null). */
  QueryResult result;

  /** Null when the read set could not be computed: then every change set re-runs the query. */
  ReadSet readSet;

  /** The round must re-run the query. */
  boolean dirty;

  /** The edits the current round made to {@link #view}, or null. */
  LiveView.Edits edits;

  /** The edits decided for the change set being looked at, or null. */
  List<ReadSet.Edit> pending;

  /** The number of the last event the hub looked at this query for. */
  long lookedAt;

  /** In the hub's list of queries to bring to the round's LSN (dirty or edited). */
  boolean inRound;

  SharedQuery(LiveHub.Key key, QueryResult result, SchemaBundle schema) {
    this.key = key;
    this.view = LiveView.of(result);
    this.result = result;
    this.readSet = readSet(key, schema);
  }

  static ReadSet readSet(LiveHub.Key key, SchemaBundle schema) {
    try {
      return ReadSet.of(schema, key.query(), key.attributes());
    } catch (RuntimeException e) {
      return null; // the query ran, so this is unexpected: re-running every time stays correct
    }
  }

  /** Starts collecting the edits of one change set. */
  void beginChangeSet() {
    pending = new ArrayList<>(2);
  }

  /** Applies the edits collected for the change set to the view. */
  void applyPending() {
    if (pending != null && !pending.isEmpty() && !dirty) {
      if (edits == null) {
        edits = new LiveView.Edits();
      }
      for (ReadSet.Edit e : pending) {
        if (e instanceof ReadSet.Patch p) {
          view.put(p.row(), edits);
        } else if (e instanceof ReadSet.Enter en) {
          view.enterRoot(en.row(), readSet.rootOrder(), edits);
        } else if (e instanceof ReadSet.Leave l) {
          view.leaveRoot(l.id(), edits);
        } else if (e instanceof ReadSet.Move m) {
          view.leaveRoot(m.row().id(), edits);
          view.enterRoot(m.row(), readSet.rootOrder(), edits);
        }
      }
    }
    pending = null;
  }

  /** Marks the query for a re-run this round; edits already made are undone then. */
  void markDirty() {
    dirty = true;
    pending = null;
  }

  /**
   * Ends the round at {@code lsn} with the query's new full result: the delta from the result as of
   * the round's start, or null when it did not change.
   */
  LiveEvent.Delta replace(QueryResult now, SchemaBundle schema, long lsn) {
    if (edits != null) {
      view.undo(edits);
      edits = null;
    }
    LiveView next = LiveView.of(now);
    LiveEvent.Delta d = LiveView.diff(view, next, lsn);
    view = next;
    result = now;
    if (readSet == null || readSet.schemaVersion() != schema.version()) {
      readSet = readSet(key, schema);
    }
    dirty = false;
    return d;
  }

  /** Ends the round at {@code lsn} after in-place edits: their delta, or null. */
  LiveEvent.Delta edited(long lsn) {
    if (edits == null) {
      return null;
    }
    LiveEvent.Delta d = view.delta(edits, lsn);
    edits = null;
    if (d != null) {
      result = null;
    }
    return d;
  }
}
