package io.ormdb.protocol.lang.query;

import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import java.util.Objects;

/** One parsed query-language statement: what {@link QueryParser} returns. */
public sealed interface Statement
    permits Statement.Find, Statement.Aggregate, Statement.Write, Statement.Explain {

  /**
   * A graph read: {@code findMany()}, {@code findFirst()} (its query has limit 1) or {@code
   * findUnique()} (expects at most one row).
   */
  record Find(GraphQuery query, Kind kind) implements Statement {
    public Find {
      Objects.requireNonNull(query, "query");
      Objects.requireNonNull(kind, "kind");
    }

    public enum Kind {
      MANY,
      FIRST,
      UNIQUE
    }
  }

  /** {@code count()} or {@code aggregate(...)}. */
  record Aggregate(AggregateQuery query) implements Statement {
    public Aggregate {
      Objects.requireNonNull(query, "query");
    }
  }

  /** One write, or several in a {@code batch { ... }}, committed atomically. */
  record Write(MutationBatch batch) implements Statement {
    public Write {
      Objects.requireNonNull(batch, "batch");
    }
  }

  /** {@code explain} (the plan) or {@code explain analyze} (the plan, run, with actual counts). */
  record Explain(GraphQuery query, boolean analyze) implements Statement {
    public Explain {
      Objects.requireNonNull(query, "query");
    }
  }
}
