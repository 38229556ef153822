package io.ormdb.node.cli;

import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.result.QueryResult;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Runs parsed query-language statements through the embedded {@link OrmDb} (the same actor path an
 * application uses) and renders what they return. The command line's own thread waits for each
 * answer; no actor ever blocks.
 */
final class StatementRunner {
  private final OrmDb db;

  StatementRunner(OrmDb db) {
    this.db = db;
  }

  /**
   * Runs one statement and returns its rendering; a refused statement throws its OrmDbException
   * (nothing of a refused write was stored).
   */
  String run(Statement statement) {
    if (statement instanceof Statement.Find f) {
      QueryResult r = await(db.query(f.query()));
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
      return ResultPrinter.aggregate(await(db.aggregate(a.query())));
    } else if (statement instanceof Statement.Write w) {
      return ResultPrinter.write(await(db.mutate(w.batch())));
    } else {
      Statement.Explain e = (Statement.Explain) statement;
      return await(db.explain(e.query(), e.analyze())).text();
    }
  }

  /** The stage's value, or its OrmDbException rethrown as is. */
  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof OrmDbException o) {
        throw o;
      }
      throw e;
    }
  }
}
