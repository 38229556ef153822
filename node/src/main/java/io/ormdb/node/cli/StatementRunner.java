package io.ormdb.node.cli;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.store.OrmStore;

/** Runs parsed query-language statements on a store and renders what they return. */
final class StatementRunner {
  private final OrmStore store;

  StatementRunner(OrmStore store) {
    this.store = store;
  }

  /**
   * Runs one statement and returns its rendering; a refused statement throws its OrmDbException
   * (nothing of a refused write was stored).
   */
  String run(Statement statement) {
    if (statement instanceof Statement.Find f) {
      QueryResult r = store.query(f.query());
      if (f.kind() == Statement.Find.Kind.UNIQUE && r.root().size() > 1) {
        throw OrmDbException.invalid(
            "findUnique() matched "
                + r.root().size()
                + " rows of "
                + r.root().entity()
                + "; use findMany() or a filter naming one row");
      }
      return ResultPrinter.query(r);
    } else if (statement instanceof Statement.Aggregate a) {
      return ResultPrinter.aggregate(store.aggregate(a.query()));
    } else if (statement instanceof Statement.Write w) {
      return ResultPrinter.write(store.commit(w.batch()));
    } else {
      Statement.Explain e = (Statement.Explain) statement;
      return store.explain(e.query(), e.analyze()).text();
    }
  }
}
