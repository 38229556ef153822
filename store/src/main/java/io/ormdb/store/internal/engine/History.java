package io.ormdb.store.internal.engine;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.store.internal.file.LoggedMap;
import java.util.ArrayList;
import java.util.List;

/**
 * The history epochs of the changelog (like PostgreSQL's timelines): an LSN names one change set
 * forever, so a recovery that discards change sets which may have been seen does not give their
 * LSNs again. It starts a new epoch whose first LSN is past every LSN that may have been handed
 * out, and the LSNs between the last one kept and that first LSN — the hole — name nothing.
 *
 * <p>Kept in {@code meta}: {@value #EPOCHS} is a comma-separated ascending list {@code
 * <epoch>@<firstLsn>} ({@code 1@1,2@111}; absent: a single epoch 1 starting at LSN 1), and {@value
 * #FORKS} the same list of {@code <epoch>@<lastLsnKept>} for every epoch after the first (the
 * newest LSN of the history before it that the epoch continues: {@code 2@100}). The hole of epoch
 * {@code n} is {@code (lastLsnKept, firstLsn)}.
 *
 * <p>Changelog reads skip holes. A reader that has seen a change set inside a hole, or beyond the
 * newest one, read a history that no longer exists: it gets INVALID_LSN saying where the history
 * diverged. Written at open (a primary whose recovery lost change sets) and by the committer (a
 * replica records its primary's epochs as its stream delivers them); read on any thread.
 */
final class History {
  /** Meta key: the epochs and their first LSNs, {@code 1@1,2@111}. */
  static final String EPOCHS = "history.epochs";

  /**
   * Meta key: the newest LSN each epoch after the first kept from the one before, {@code 2@100}.
   */
  static final String FORKS = "history.forks";

  /**
   * One epoch.
   *
   * @param number 1, 2, ...
   * @param firstLsn the first LSN it may give
   * @param lastKept the newest LSN of the previous history it continues (0 for epoch 1)
   */
  record Epoch(int number, long firstLsn, long lastKept) {
    /** Whether {@code lsn} lies in the hole before this epoch. */
    boolean holds(long lsn) {
      return lsn > lastKept && lsn < firstLsn;
    }
  }

  private volatile List<Epoch> epochs;

  private History(List<Epoch> epochs) {
    this.epochs = List.copyOf(epochs);
  }

  /** The epochs recorded in {@code meta}. */
  static History load(LoggedMap<String, String> meta) {
    String list = meta.map().get(EPOCHS);
    if (list == null || list.isBlank()) {
      return new History(List.of(new Epoch(1, 1, 0)));
    }
    String forks = meta.map().get(FORKS);
    List<Epoch> out = new ArrayList<>();
    for (String item : list.split(",")) {
      long[] e = pair(item, EPOCHS);
      long kept = e[1] - 1;
      if (forks != null) {
        for (String f : forks.split(",")) {
          long[] k = pair(f, FORKS);
          if (k[0] == e[0]) {
            kept = k[1];
          }
        }
      }
      out.add(new Epoch((int) e[0], e[1], kept));
    }
    return new History(out);
  }

  private static long[] pair(String item, String key) {
    int at = item.indexOf('@');
    try {
      return new long[] {
        Long.parseLong(item.substring(0, at).trim()), Long.parseLong(item.substring(at + 1).trim())
      };
    } catch (RuntimeException e) {
      throw new OrmDbException(
          ErrorCode.STORAGE_UNAVAILABLE,
          "the database file's "
              + key
              + " entry '"
              + item
              + "' is not <epoch>@<lsn>: it is damaged",
          e);
    }
  }

  /** Every epoch, oldest first. */
  List<Epoch> epochs() {
    return epochs;
  }

  /** The newest epoch. */
  Epoch current() {
    List<Epoch> e = epochs;
    return e.get(e.size() - 1);
  }

  /**
   * Starts epoch {@code current + 1} at {@code firstLsn}, continuing the history after {@code
   * lastKept}; written to {@code meta} (durable with the next checkpoint, which must come before
   * anything of the new epoch is published).
   */
  Epoch begin(LoggedMap<String, String> meta, long lastKept, long firstLsn) {
    List<Epoch> next = new ArrayList<>(epochs);
    Epoch e = new Epoch(current().number() + 1, firstLsn, lastKept);
    next.add(e);
    StringBuilder list = new StringBuilder();
    StringBuilder forks = new StringBuilder();
    for (Epoch x : next) {
      list.append(list.length() == 0 ? "" : ",")
          .append(x.number())
          .append('@')
          .append(x.firstLsn());
      if (x.number() > 1) {
        forks.append(forks.length() == 0 ? "" : ",").append(x.number()).append('@');
        forks.append(x.lastKept());
      }
    }
    meta.put(EPOCHS, list.toString());
    meta.put(FORKS, forks.toString());
    epochs = List.copyOf(next);
    return e;
  }

  /**
   * Records epoch {@code number}, which a replica's primary started at {@code firstLsn} after
   * {@code lastKept}, in {@code meta} (committer only: durable with the commit group it runs in).
   * False when the replica has it already. INVALID_LSN, and nothing written, when the replica has
   * another epoch of that number (another history), lacks the epoch before it, or has applied a
   * change set the epoch discarded.
   */
  boolean follow(
      LoggedMap<String, String> meta, int number, long firstLsn, long lastKept, long at) {
    if (number < 2 || lastKept < 0 || firstLsn <= lastKept) {
      throw OrmDbException.invalid(
          "replicated history epoch "
              + number
              + " at LSN "
              + firstLsn
              + " after LSN "
              + lastKept
              + " is not an epoch: epochs after the first begin past the LSN they continue from");
    }
    Epoch e = new Epoch(number, firstLsn, lastKept);
    Epoch c = current();
    if (number <= c.number()) {
      Epoch have = epochs.get(number - 1);
      if (have.equals(e)) {
        return false;
      }
      throw new OrmDbException(
          ErrorCode.INVALID_LSN,
          "the primary's history epoch "
              + number
              + " begins at LSN "
              + firstLsn
              + " after LSN "
              + lastKept
              + " but the replica's begins at LSN "
              + have.firstLsn()
              + " after LSN "
              + have.lastKept()
              + ": the histories diverged at LSN "
              + (Math.min(lastKept, have.lastKept()) + 1)
              + "; re-seed the replica (an empty data directory, or a copy of the primary's)");
    }
    if (number != c.number() + 1) {
      throw new OrmDbException(
          ErrorCode.INVALID_LSN,
          "replicated history epoch "
              + number
              + " does not follow the replica's epoch "
              + c.number());
    }
    if (at > lastKept) {
      if (e.holds(at)) {
        throw replicaDiverged(at, e);
      }
      throw new OrmDbException(
          ErrorCode.INVALID_LSN,
          "the replica has applied LSN "
              + at
              + " in epoch "
              + c.number()
              + " but the primary's epoch "
              + number
              + " begins at LSN "
              + firstLsn
              + " after LSN "
              + lastKept
              + ": the histories diverged; re-seed the replica (an empty data directory, or a"
              + " copy of the primary's)");
    }
    begin(meta, lastKept, firstLsn);
    return true;
  }

  /** The epoch before whose start {@code lsn} lies in the hole, or null when it names no hole. */
  Epoch holeOf(long lsn) {
    for (Epoch e : epochs) {
      if (e.holds(lsn)) {
        return e;
      }
    }
    return null;
  }

  /** The first LSN at or after {@code lsn} that is not in a hole. */
  long skipHoles(long lsn) {
    long l = lsn;
    for (Epoch e = holeOf(l); e != null; e = holeOf(l)) {
      l = e.firstLsn();
    }
    return l;
  }

  /**
   * INVALID_LSN when a reader that has seen change set {@code seen} cannot go on in this history:
   * that LSN was discarded by a recovery, or it is past {@code newest}.
   */
  void checkSeen(long seen, long newest, String reader) {
    Epoch e = holeOf(seen);
    if (e != null) {
      throw diverged(seen, e, reader);
    }
    if (seen > newest) {
      Epoch c = current();
      if (c.number() > 1 && seen > c.lastKept()) {
        throw new OrmDbException(
            ErrorCode.INVALID_LSN,
            reader
                + " has read up to LSN "
                + seen
                + ", past the newest LSN "
                + newest
                + ": the history diverged at LSN "
                + (c.lastKept() + 1)
                + " (epoch "
                + c.number()
                + ", which begins at LSN "
                + c.firstLsn()
                + " after a recovery discarded what followed LSN "
                + c.lastKept()
                + "); "
                + advice(c));
      }
      throw new OrmDbException(
          ErrorCode.INVALID_LSN,
          reader + " has read up to LSN " + seen + ", past the newest LSN " + newest);
    }
  }

  /**
   * INVALID_LSN when a replica that has applied change set {@code applied} cannot follow this
   * history (the primary's): a recovery discarded that LSN, or it is past {@code newest}.
   */
  void checkReplica(long applied, long newest) {
    Epoch e = holeOf(applied);
    if (e != null) {
      throw replicaDiverged(applied, e);
    }
    if (applied > newest) {
      Epoch c = current();
      if (c.number() > 1 && applied > c.lastKept()) {
        throw new OrmDbException(
            ErrorCode.INVALID_LSN,
            "the replica has applied LSN "
                + applied
                + ", past the primary's newest LSN "
                + newest
                + ": the history diverged at LSN "
                + (c.lastKept() + 1)
                + " (epoch "
                + c.number()
                + ", which begins at LSN "
                + c.firstLsn()
                + " after a recovery discarded what followed LSN "
                + c.lastKept()
                + "); "
                + replicaAdvice(c));
      }
      throw new OrmDbException(
          ErrorCode.INVALID_LSN,
          "the replica has applied LSN " + applied + " but the primary is at LSN " + newest);
    }
  }

  /**
   * INVALID_LSN: a replica has applied change set {@code applied}, which lies in the hole before
   * the primary's epoch {@code e}.
   */
  static OrmDbException replicaDiverged(long applied, Epoch e) {
    return new OrmDbException(
        ErrorCode.INVALID_LSN,
        "the replica has applied LSN "
            + applied
            + ", which the primary no longer has: "
            + divergence(e)
            + replicaAdvice(e));
  }

  /** Where the history diverged and what the recovery discarded, as both messages say it. */
  private static String divergence(Epoch e) {
    return "the history diverged at LSN "
        + (e.lastKept() + 1)
        + " (epoch "
        + e.number()
        + " begins at LSN "
        + e.firstLsn()
        + " after a recovery discarded LSNs "
        + (e.lastKept() + 1)
        + " to "
        + (e.firstLsn() - 1)
        + "); ";
  }

  private static String replicaAdvice(Epoch e) {
    return "the replica holds change sets after LSN "
        + e.lastKept()
        + " that are not in the primary's history: re-seed it (an empty data directory, or a copy"
        + " of the primary's)";
  }

  /** INVALID_LSN: {@code lsn} lies in the hole before epoch {@code e}. */
  static OrmDbException diverged(long lsn, Epoch e, String reader) {
    return new OrmDbException(
        ErrorCode.INVALID_LSN,
        reader + " has read LSN " + lsn + ", which no longer exists: " + divergence(e) + advice(e));
  }

  private static String advice(Epoch e) {
    return "what it read after LSN "
        + e.lastKept()
        + " is not in this database: rebuild the reader from a snapshot (a replica: re-seed it),"
        + " or restart it from LSN "
        + (e.lastKept() + 1)
        + " knowing that the change sets it read there were lost";
  }
}
