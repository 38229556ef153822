package io.ormdb.store.internal.file;

import io.ormdb.store.VerifyReport;
import io.ormdb.store.VerifyReport.Checked;
import io.ormdb.store.VerifyReport.Kind;
import io.ormdb.store.VerifyReport.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What a verification found so far: counts of what it checked, problems (at most {@link
 * VerifyReport#MAX_PROBLEMS_PER_KIND} listed per kind, the rest counted) and warnings.
 */
public final class Findings {
  private final List<Checked> checked = new ArrayList<>();
  private final List<Problem> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final Map<Kind, Long> perKind = new EnumMap<>(Kind.class);

  /** Records that {@code count} {@code unit} of {@code what} were checked. */
  public void checked(String what, long count, String unit) {
    checked.add(new Checked(what, count, unit));
  }

  public void problem(Kind kind, String where, String what) {
    long n = perKind.merge(kind, 1L, Long::sum);
    if (n <= VerifyReport.MAX_PROBLEMS_PER_KIND) {
      problems.add(new Problem(kind, where, what));
    }
  }

  public void warning(String text) {
    warnings.add(text);
  }

  /** How many problems of {@code kind} were found (listed or not). */
  public long problems(Kind kind) {
    return perKind.getOrDefault(kind, 0L);
  }

  public VerifyReport report(Path dataDir) {
    List<Problem> all = new ArrayList<>(problems);
    perKind.forEach(
        (kind, n) -> {
          if (n > VerifyReport.MAX_PROBLEMS_PER_KIND) {
            all.add(
                new Problem(
                    kind,
                    "",
                    (n - VerifyReport.MAX_PROBLEMS_PER_KIND)
                        + " more problems of this kind are not listed"));
          }
        });
    return new VerifyReport(dataDir, checked, all, warnings);
  }

  /** A key's bytes for a message: hexadecimal, cut after 64 bytes. */
  public static String hex(byte[] key) {
    int n = Math.min(key.length, 64);
    String h = HexFormat.of().formatHex(key, 0, n);
    return n < key.length ? h + "... (" + key.length + " bytes)" : h;
  }

  /**
   * A failure to read or decode something, in words: its message without MVStore's codes and
   * prefixes (no class names: a decoder that ran past its bytes has no message of its own).
   */
  public static String plain(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return "its bytes do not decode";
    }
    return StorageErrors.clean(m);
  }
}
