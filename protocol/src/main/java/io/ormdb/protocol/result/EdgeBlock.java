package io.ormdb.protocol.result;

import io.ormdb.protocol.value.Value;
import java.util.List;
import java.util.Objects;

/**
 * The links of one include path: parent id → child id, children in the include's order per parent.
 *
 * @param path the include path
 * @param toMany whether the relation yields a list (else at most one child per parent)
 * @param edges the links
 * @param pages parents whose children were cut by the per-parent limit, with a cursor to the rest
 */
public record EdgeBlock(String path, boolean toMany, List<Edge> edges, List<ParentPage> pages) {
  public EdgeBlock {
    Objects.requireNonNull(path, "path");
    edges = List.copyOf(edges);
    pages = pages == null ? List.of() : List.copyOf(pages);
  }

  public record Edge(Value from, Value to) {
    public Edge {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /** A parent whose children continue after {@code nextCursor}. */
  public record ParentPage(Value parentId, String nextCursor) {
    public ParentPage {
      Objects.requireNonNull(parentId, "parentId");
      Objects.requireNonNull(nextCursor, "nextCursor");
    }
  }
}
