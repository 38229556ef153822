package io.ormdb.cdc.live;

import io.ormdb.cdc.internal.ChunkReader;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.view.ReadView;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The state of one live query subscription: its first read runs the query at the start LSN (the
 * snapshot); later reads walk the changelog and, for each change set that touches an entity the
 * query reads, re-run the query as of that LSN and diff it with the previous result. A read returns
 * at most one event, so the stage buffers at most one snapshot or delta plus one chunk of decoded
 * change sets here.
 */
final class LiveReader implements ChunkReader<LiveEvent> {
  private final OrmStore store;
  private final GraphQuery query;
  private final Map<String, Value> sessionAttributes;
  private final long fromLsn;
  private final int chunk;
  private final ArrayDeque<ChangeSet> pending = new ArrayDeque<>();
  private LiveView previous;
  private long next; // the first LSN not yet examined
  private Set<String> entities = Set.of();
  private long entitiesSchemaVersion = -1;
  private long queriesRun;

  LiveReader(
      OrmStore store,
      GraphQuery query,
      Map<String, Value> sessionAttributes,
      long fromLsn,
      int chunk) {
    this.store = store;
    this.query = query;
    this.sessionAttributes = sessionAttributes;
    this.fromLsn = fromLsn;
    this.chunk = chunk;
  }

  @Override
  public List<LiveEvent> read() {
    if (previous == null) {
      return List.of(snapshot());
    }
    while (true) {
      if (pending.isEmpty()) {
        if (next > store.currentLsn()) {
          return List.of(); // caught up: wait for the next commit
        }
        pending.addAll(store.changes(next, chunk));
      }
      while (!pending.isEmpty()) {
        ChangeSet cs = pending.poll();
        next = cs.lsn() + 1;
        if (!touches(cs)) {
          continue;
        }
        LiveView now = LiveView.of(resultAt(cs.lsn()));
        LiveEvent.Delta d = LiveView.diff(previous, now, cs.lsn());
        previous = now;
        if (d != null) {
          return List.of(d);
        }
      }
    }
  }

  private LiveEvent snapshot() {
    QueryResult first;
    long at;
    if (fromLsn == 0) {
      queriesRun++;
      try (ReadView view = store.snapshot()) {
        at = view.lsn();
        learnEntities(view.schema());
        first = store.queryEngine().query(view, query, sessionAttributes);
      }
    } else {
      at = fromLsn;
      first = resultAt(fromLsn); // INVALID_LSN when the history at fromLsn is gone
    }
    long oldest = store.oldestChangelogLsn();
    if (at + 1 < oldest) {
      throw new OrmDbException(
          ErrorCode.INVALID_LSN,
          "cannot resume the live query at lsn "
              + at
              + ": the changelog after it is no longer retained (the oldest available LSN is "
              + oldest
              + " and the newest is "
              + store.currentLsn()
              + ")");
    }
    previous = LiveView.of(first);
    next = at + 1;
    return new LiveEvent.Snapshot(at, first);
  }

  /** How many times this subscription ran its query (snapshot included): the cost counter. */
  long queriesRun() {
    return queriesRun;
  }

  /** The query's result as of {@code lsn} (INVALID_LSN outside the retained history). */
  private QueryResult resultAt(long lsn) {
    queriesRun++;
    try (ReadView view = store.snapshotAt(lsn)) {
      learnEntities(view.schema());
      return store.queryEngine().query(view, query, sessionAttributes);
    }
  }

  /** Whether the change set may change the result: it touches an entity the query reads. */
  private boolean touches(ChangeSet cs) {
    if (cs.schemaVersion() != entitiesSchemaVersion) {
      return true; // another schema: fields or relations may differ (resultAt relearns them)
    }
    for (ChangeEvent e : cs.events()) {
      if (entities.contains(e.entity())) {
        return true;
      }
    }
    return false;
  }

  private void learnEntities(SchemaBundle schema) {
    if (schema.version() != entitiesSchemaVersion) {
      entities = entitiesRead(schema, query);
      entitiesSchemaVersion = schema.version();
    }
  }

  /**
   * The entities whose rows the query can read: the root, each include's target and, for
   * many-to-many includes, the edge entity.
   */
  static Set<String> entitiesRead(SchemaBundle schema, GraphQuery q) {
    Set<String> out = new HashSet<>();
    out.add(q.rootEntity());
    Map<String, String> entityAt = new HashMap<>();
    entityAt.put("", q.rootEntity());
    List<Include> byDepth =
        q.includes().stream().sorted(Comparator.comparingInt(Include::depth)).toList();
    for (Include inc : byDepth) {
      String from = entityAt.get(inc.parentPath());
      if (from == null) {
        continue;
      }
      Optional<RelationDef> rel = schema.relation(from, inc.relationName());
      if (rel.isEmpty()) {
        continue; // the query fails on it anyway
      }
      entityAt.put(inc.path(), rel.get().toEntity());
      out.add(rel.get().toEntity());
      if (rel.get().cardinality() == Cardinality.MANY_TO_MANY) {
        out.add(rel.get().edgeEntity());
      }
    }
    return Set.copyOf(out);
  }

  @Override
  public CompletionStage<?> whenMore() {
    return store.lsnAfter(next - 1);
  }
}
