package io.ormdb.protocol.result;

import io.ormdb.protocol.value.Value;
import java.util.List;
import java.util.Objects;

/**
 * The links of one include path: parent id → child id, children in the include's order per parent.
 *
 * <p>An include over a many-to-many relation that selects link fields ({@code @list_order}) gets
 * their values per edge in {@code links}: one column per link field, named by the field (without
 * the {@code @}), holding the value of the edge at the same position in {@code edges}. A child
 * linked to two parents has a row once in its block but an edge, and link values, per parent.
 *
 * @param path the include path
 * @param toMany whether the relation yields a list (else at most one child per parent)
 * @param edges the links
 * @param pages parents whose children were cut by the per-parent limit, with a cursor to the rest
 * @param links the selected link fields' values, one column per field, aligned with {@code edges}
 */
public record EdgeBlock(
    String path, boolean toMany, List<Edge> edges, List<ParentPage> pages, List<Column> links) {
  public EdgeBlock {
    Objects.requireNonNull(path, "path");
    edges = List.copyOf(edges);
    pages = pages == null ? List.of() : List.copyOf(pages);
    links = links == null ? List.of() : List.copyOf(links);
    for (Column c : links) {
      if (c.values().size() != edges.size()) {
        throw new IllegalArgumentException(
            "link column "
                + c.name()
                + " of include "
                + path
                + " has "
                + c.values().size()
                + " values for "
                + edges.size()
                + " edges");
      }
    }
  }

  /** The links of an include without link fields. */
  public EdgeBlock(String path, boolean toMany, List<Edge> edges, List<ParentPage> pages) {
    this(path, toMany, edges, pages, List.of());
  }

  /** The values of the link field {@code name} (without the {@code @}), or null when absent. */
  public Column link(String name) {
    for (Column c : links) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
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
