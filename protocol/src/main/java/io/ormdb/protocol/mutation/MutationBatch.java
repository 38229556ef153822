package io.ormdb.protocol.mutation;

import java.util.List;

/**
 * Mutations committed atomically, in order: later mutations see earlier ones' effects. If any
 * fails, none is applied and the error names the failing mutation's index.
 */
public record MutationBatch(List<Mutation> mutations) {
  public MutationBatch {
    mutations = List.copyOf(mutations);
  }

  public static MutationBatch of(Mutation... mutations) {
    return new MutationBatch(List.of(mutations));
  }
}
