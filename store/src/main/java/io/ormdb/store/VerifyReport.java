package io.ormdb.store;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link OrmStore#verify(Path)} checked in a data directory and what it found.
 *
 * @param dataDir the directory verified
 * @param checked what was read and checked, with counts, in the order the checks ran
 * @param problems damage: anything that is not as the store writes it (empty when the directory is
 *     clean); at most {@link #MAX_PROBLEMS_PER_KIND} per kind are listed, then one that says how
 *     many more there were
 * @param warnings what is not damage but worth knowing, such as the torn last record a crash leaves
 *     in the write-ahead log (the next open ignores it: it was never acknowledged)
 */
public record VerifyReport(
    Path dataDir, List<Checked> checked, List<Problem> problems, List<String> warnings) {

  /** The most problems of one kind listed one by one. */
  public static final int MAX_PROBLEMS_PER_KIND = 100;

  public VerifyReport {
    checked = List.copyOf(checked);
    problems = List.copyOf(problems);
    warnings = List.copyOf(warnings);
  }

  /** One thing checked: {@code what}, {@code count} {@code unit} ("map rows", 1200, "entries"). */
  public record Checked(String what, long count, String unit) {
    @Override
    public String toString() {
      return what + ": " + count + " " + unit;
    }
  }

  /** Which part of the directory a problem is in. */
  public enum Kind {
    /** The file's store headers and chunks (checksums, page headers, versions). */
    FILE,
    /** A map's pages and entries (a page that cannot be read, keys out of order, counts). */
    MAP,
    /** The changelog: a missing or unreadable change set, LSNs not contiguous. */
    CHANGELOG,
    /** Row versions that cannot be read or do not agree with the changelog and the counts. */
    ROWS,
    /** Index entries missing for a row, or present for no row. */
    INDEX,
    /** Columnar checkpoints that cannot be read or do not equal the rows they cover. */
    COLUMNAR,
    /** The write-ahead log after the file's checkpoint. */
    LOG
  }

  /**
   * One piece of damage.
   *
   * @param kind which part of the directory it is in
   * @param where the map and key, the LSN, the chunk or the log segment
   * @param what what is wrong there
   */
  public record Problem(Kind kind, String where, String what) {
    @Override
    public String toString() {
      return kind.name().toLowerCase(java.util.Locale.ROOT)
          + ": "
          + (where.isEmpty() ? "" : where + ": ")
          + what;
    }
  }

  /** Whether no damage was found (warnings may be present). */
  public boolean clean() {
    return problems.isEmpty();
  }

  /** The problems of one kind. */
  public List<Problem> problems(Kind kind) {
    return problems.stream().filter(p -> p.kind() == kind).toList();
  }

  /** The report as lines of text: what was checked, then warnings, problems and a verdict. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append("verified ").append(dataDir).append('\n');
    for (Checked c : checked) {
      out.append("  ").append(c).append('\n');
    }
    for (String w : warnings) {
      out.append("warning: ").append(w).append('\n');
    }
    for (Problem p : problems) {
      out.append("damage ").append(p).append('\n');
    }
    if (clean()) {
      out.append("clean: no damage found");
    } else {
      out.append("damaged: ").append(problems.size()).append(" problems listed");
    }
    if (!warnings.isEmpty()) {
      out.append(" (")
          .append(warnings.size())
          .append(warnings.size() == 1 ? " warning)" : " warnings)");
    }
    return out.append('\n').toString();
  }
}
