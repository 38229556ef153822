package io.ormdb.store.query.internal;

import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.result.ExplainResult.PlanStep;
import io.ormdb.store.view.ReadView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a plan as explain steps: one per level with the access path, the index, estimated rows
 * (from row counts and fixed selectivity guesses: 0.1 per equality, 0.3 for a range, 0.1 for a
 * prefix LIKE, 0.5 for any residual filter) and, after a run, actual rows.
 */
public final class Explainer {
  private Explainer() {}

  public static ExplainResult explain(
      ReadView view, ResolvedQuery rq, QueryPlan plan, boolean cached, ExecStats stats) {
    List<PlanStep> steps = new ArrayList<>();
    long[] estimates = new long[rq.levels().size()];
    StringBuilder text = new StringBuilder();
    text.append("plan for ")
        .append(rq.root().entity().name())
        .append(cached ? " (cached)" : " (new)")
        .append('\n');
    Map<PlanStep, String> titles = new IdentityHashMap<>();
    for (Level level : rq.levels()) {
      PlanStep step =
          level.isRoot()
              ? rootStep(view, level, plan.root(), stats)
              : includeStep(view, rq, level, plan.joins().get(level.index()), estimates, stats);
      estimates[level.index()] = step.estimatedRows();
      steps.add(step);
      titles.put(step, level.isRoot() ? "root" : "include " + level.path());
    }
    // each level's aggregates right after it (the sort below is stable)
    for (AggregateGroup g : rq.aggregates()) {
      PlanStep step =
          aggregateStep(view, rq, g, plan.aggregateJoins().get(g.index()), estimates, stats);
      steps.add(steps.indexOf(levelStep(steps, titles, rq.levels().get(g.level()))) + 1, step);
      Level level = rq.levels().get(g.level());
      titles.put(
          step,
          "aggregates of "
              + (level.isRoot() ? "root" : "include " + level.path())
              + " over "
              + g.relation().name());
    }
    List<PlanStep> ordered = new ArrayList<>(steps);
    ordered.sort(java.util.Comparator.comparingInt(s -> blockOrder(rq, s.path())));
    for (PlanStep s : ordered) {
      text.append(titles.get(s)).append(": ").append(s.entity()).append(" by ").append(s.access());
      if (s.index() != null) {
        text.append(" using ").append(s.index());
      }
      text.append(", estimated ").append(s.estimatedRows()).append(" rows");
      if (s.actualRows() >= 0) {
        text.append(", actual ").append(s.actualRows()).append(" rows");
      }
      text.append('\n');
      for (String part : s.detail().split("; ")) {
        text.append("  ").append(part).append('\n');
      }
    }
    return new ExplainResult(ordered, cached, text.toString());
  }

  /** The step of {@code level} in {@code steps} (its last aggregate step, when it has some). */
  private static PlanStep levelStep(
      List<PlanStep> steps, Map<PlanStep, String> titles, Level level) {
    PlanStep found = null;
    for (PlanStep s : steps) {
      if (s.path().equals(level.path()) && titles.containsKey(s)) {
        found = s;
      }
    }
    return found;
  }

  /**
   * The step of one aggregate group: one batched lookup of the related rows of all the level's
   * rows, estimated like a to-many include without a page.
   */
  private static PlanStep aggregateStep(
      ReadView view,
      ResolvedQuery rq,
      AggregateGroup g,
      JoinPlan join,
      long[] estimates,
      ExecStats stats) {
    Level parent = rq.levels().get(g.level());
    long parents = Math.max(0, estimates[parent.index()]);
    long parentCount = Math.max(1, view.count(parent.entity().name()));
    JoinPlan.Hop last = join.second() == null ? join.first() : join.second();
    long children = view.count(g.target().name());
    long fetched = Math.min(children, (long) Math.ceil(parents * (double) children / parentCount));
    String strategy =
        stats != null && stats.aggregateJoin(g.index()) != null
            ? stats.aggregateJoin(g.index())
            : plannedStrategy(view, join, last, parents, parentCount, children);
    List<String> aggs = new ArrayList<>();
    for (AggregateGroup.Bound b : g.aggregates()) {
      aggs.add(
          b.description() + (b.filter() == null ? "" : " where " + Conjuncts.shape(b.filter())));
    }
    List<String> detail = new ArrayList<>();
    detail.add("aggregates: " + String.join(", ", aggs));
    detail.add(
        joinDetail(parent.entity().name(), join, last, g.relation().cardinality())
            + strategy
            + ", one batched lookup per hop for all rows of the level");
    detail.add("accumulated per row of the level; the related rows count against the budget");
    return new PlanStep(
        parent.path(),
        g.target().name(),
        strategy,
        indexFor(join.first(), strategy.split(" ")[0]),
        fetched,
        stats == null ? -1 : stats.aggregateRowsRead(g.index()),
        String.join("; ", detail));
  }

  private static int blockOrder(ResolvedQuery rq, String path) {
    for (Level l : rq.levels()) {
      if (l.path().equals(path)) {
        return l.blockOrder();
      }
    }
    return Integer.MAX_VALUE;
  }

  /** How the join's hops would read their rows for {@code parents} parents, as planned. */
  private static String plannedStrategy(
      ReadView view,
      JoinPlan join,
      JoinPlan.Hop last,
      long parents,
      long parentCount,
      long children) {
    long firstRows = view.count(join.first().entity());
    long est = Math.min(firstRows, (long) Math.ceil(parents * (double) firstRows / parentCount));
    String strategy = JoinExecutor.strategy(join.first(), parents, est, firstRows);
    if (join.second() != null) {
      strategy +=
          " then "
              + JoinExecutor.strategy(
                  join.second(), est, Math.min(children, est), view.count(last.entity()));
    }
    return strategy;
  }

  /** {@code join: Parent.key = Child.field[, Edge.key = Target.field] (cardinality), }. */
  private static String joinDetail(
      String parent,
      JoinPlan join,
      JoinPlan.Hop last,
      io.ormdb.protocol.schema.Cardinality cardinality) {
    return "join: "
        + parent
        + "."
        + join.parentKeyField()
        + " = "
        + join.first().entity()
        + "."
        + join.first().field()
        + (join.second() == null
            ? ""
            : ", "
                + join.first().entity()
                + "."
                + join.edgeKeyField()
                + " = "
                + last.entity()
                + "."
                + last.field())
        + " ("
        + cardinality.name().toLowerCase(java.util.Locale.ROOT)
        + "), ";
  }

  /** The rows the access path {@code ap} reads of an entity of {@code count} rows, estimated. */
  static long estimateRead(AccessPlan ap, List<Filter> conj, long count) {
    long read;
    if (ap.access() == AccessPlan.Access.PRIMARY_KEY) {
      Filter c = conj.get(ap.keyConjuncts().get(0));
      read = c instanceof Filter.In in ? in.values().size() : 1;
    } else {
      // As most planners do, never estimate zero rows from a non-empty entity: a guess of 0
      // reads as "this step is free" and hides the step from whoever reads the plan.
      read = Math.max(count > 0 ? 1 : 0, Math.round(count * ap.selectivity()));
    }
    return Math.min(read, count);
  }

  private static PlanStep rootStep(ReadView view, Level level, AccessPlan ap, ExecStats stats) {
    List<Filter> conj = Conjuncts.of(level.filter());
    long read = estimateRead(ap, conj, view.count(level.entity().name()));
    Set<Integer> pushed = new HashSet<>(ap.keyConjuncts());
    for (int i : new int[] {ap.lowerConjunct(), ap.upperConjunct(), ap.likeConjunct()}) {
      if (i >= 0) {
        pushed.add(i);
      }
    }
    List<String> residual = new ArrayList<>();
    for (int i = 0; i < conj.size(); i++) {
      if (!pushed.contains(i)) {
        residual.add(Conjuncts.shape(conj.get(i)));
      }
    }
    long out = residual.isEmpty() ? read : (read + 1) / 2;
    if (level.limit() > 0) {
      out = Math.min(out, level.limit());
    }
    List<String> detail = new ArrayList<>();
    if (!ap.pushed().isEmpty()) {
      detail.add("index condition: " + ap.pushed());
    }
    String recheck =
        pushed.isEmpty() ? "" : " (rows from the index are re-checked against the whole filter)";
    detail.add(
        "residual filter: "
            + (residual.isEmpty() ? "none" : String.join(" and ", residual))
            + recheck);
    detail.add(orderDetail(level, ap));
    relatedDetail(level, detail);
    detail.add(pageDetail(level, "page"));
    return new PlanStep(
        "",
        level.entity().name(),
        ap.access().label(),
        ap.index(),
        out,
        stats == null ? -1 : stats.rowsOut(0),
        String.join("; ", detail));
  }

  private static String orderDetail(Level level, AccessPlan ap) {
    String keys = level.order().keys().toString();
    if (ap.orderedKeys() >= level.order().keys().size()) {
      return "order "
          + keys
          + ": "
          + (ap.access() == AccessPlan.Access.SCAN ? "identity order" : "index order")
          + (ap.descending() ? " (read backwards)" : "")
          + ", no sort"
          + (level.limit() > 0 ? ", stops after the page" : "");
    }
    if (ap.orderedKeys() > 0) {
      return "order "
          + keys
          + ": index order on the first "
          + ap.orderedKeys()
          + " keys"
          + (ap.descending() ? " (read backwards)" : "")
          + ", ties sorted"
          + (level.limit() > 0 ? ", stops after the page" : "");
    }
    return "order "
        + keys
        + ": "
        + (level.limit() > 0
            ? "top-K sort keeping " + ((long) level.offset() + level.limit() + 1) + " rows"
            : "full sort");
  }

  /**
   * How the keys on related rows' fields are read: {@code order key person.last_name through
   * CastMember.personId = Person.id (many_to_one), one batched lookup per relation}.
   */
  private static void relatedDetail(Level level, List<String> detail) {
    for (SortKey k : level.order().keys()) {
      if (!k.related()) {
        continue;
      }
      StringBuilder sb = new StringBuilder("order key ").append(k.field()).append(" through ");
      for (int i = 0; i < k.via().size(); i++) {
        io.ormdb.protocol.schema.RelationDef r = k.via().get(i);
        sb.append(i == 0 ? "" : ", ")
            .append(r.fromEntity())
            .append('.')
            .append(r.fromField())
            .append(" = ")
            .append(r.toEntity())
            .append('.')
            .append(r.toField())
            .append(" (")
            .append(r.cardinality().name().toLowerCase(java.util.Locale.ROOT))
            .append(')');
      }
      detail.add(sb.append(", one batched lookup per relation for all rows").toString());
    }
  }

  /**
   * How a many-to-many level reads its link fields: {@code link fields from the MovieCast edge rows
   * of the first hop, no extra lookup: select [@list_order]; filter on edge rows: @list_order < ?;
   * filter on Person rows: ...; filter per link: ...}, one line each.
   */
  private static void linkDetail(Level level, JoinPlan join, List<String> detail) {
    Level.Links links = level.links();
    if (!links.used()) {
      return;
    }
    StringBuilder sb =
        new StringBuilder("link fields from the ")
            .append(join.first().entity())
            .append(" edge rows of the first hop, no extra lookup");
    if (!links.selected().isEmpty()) {
      sb.append(": select ").append(links.selected());
    }
    if (links.edge() != null) {
      sb.append("; filter on edge rows: ").append(Conjuncts.shape(links.edge()));
    }
    if (links.target() != null) {
      sb.append("; filter on ")
          .append(level.entity().name())
          .append(" rows: ")
          .append(Conjuncts.shape(links.target()));
    }
    if (links.pair() != null) {
      sb.append("; filter per link: ").append(Conjuncts.shape(links.pair()));
    }
    detail.add(
        sb.append("; a ")
            .append(level.entity().name())
            .append(
                " linked twice to one parent keeps the edge row with the smallest id that passes")
            .toString());
  }

  private static String pageDetail(Level level, String what) {
    StringBuilder sb = new StringBuilder(what).append(": ");
    sb.append(level.limit() > 0 ? "limit " + level.limit() : "no limit");
    if (level.offset() > 0) {
      sb.append(", offset ").append(level.offset());
    }
    if (level.cursor() != null) {
      sb.append(", keyset start after the cursor");
    }
    return sb.toString();
  }

  private static PlanStep includeStep(
      ReadView view,
      ResolvedQuery rq,
      Level level,
      JoinPlan join,
      long[] estimates,
      ExecStats stats) {
    Level parent = rq.levels().get(level.parent());
    long parents = Math.max(0, estimates[parent.index()]);
    long parentCount = Math.max(1, view.count(parent.entity().name()));
    JoinPlan.Hop last = join.second() == null ? join.first() : join.second();
    long children = view.count(level.entity().name());
    long fetched =
        level.relation().cardinality().toMany()
            ? Math.min(children, (long) Math.ceil(parents * (double) children / parentCount))
            : Math.min(children, parents);
    long out = level.filter() == null ? fetched : (fetched + 1) / 2;
    if (level.limit() > 0 && level.relation().cardinality().toMany()) {
      out = Math.min(out, parents * level.limit());
    }
    String strategy =
        stats != null && stats.join(level.index()) != null
            ? stats.join(level.index())
            : plannedStrategy(view, join, last, parents, parentCount, children);
    String index = indexFor(join.first(), strategy.split(" ")[0]);
    List<String> detail = new ArrayList<>();
    detail.add(
        joinDetail(parent.entity().name(), join, last, level.relation().cardinality())
            + strategy
            + ", one batched lookup per hop for all parents");
    detail.add("residual filter: " + (level.filter() == null ? "none" : level.filterShape()));
    linkDetail(level, join, detail);
    detail.add("order per parent " + level.order().keys() + ": sort");
    relatedDetail(level, detail);
    detail.add(pageDetail(level, "per parent"));
    return new PlanStep(
        level.path(),
        level.entity().name(),
        strategy,
        index,
        out,
        stats == null ? -1 : stats.rowsOut(level.index()),
        String.join("; ", detail));
  }

  private static String indexFor(JoinPlan.Hop hop, String strategy) {
    if (strategy.equals("index-merge")) {
      return hop.rangeIndex() != null ? hop.rangeIndex() : hop.eqIndex();
    }
    return null;
  }
}
