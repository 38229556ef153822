package io.ormdb.cdc.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The audit files of a directory: {@code audit-000001.jsonl}, {@code audit-000002.jsonl}, ... (the
 * sequence number has at least six digits), oldest first; reading them back as lines.
 */
public final class AuditFiles {
  private static final Pattern NAME = Pattern.compile("audit-(\\d{6,})\\.jsonl");

  private AuditFiles() {}

  /** The name of file number {@code seq} (from 1). */
  public static String fileName(long seq) {
    return String.format(java.util.Locale.ROOT, "audit-%06d.jsonl", seq);
  }

  /** The sequence number of an audit file name, or -1 for another name. */
  static long sequenceOf(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /** The audit files in {@code dir}, in sequence order (empty when the directory is missing). */
  public static List<Path> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> sequenceOf(p) >= 0)
          .sorted(Comparator.comparingLong(AuditFiles::sequenceOf))
          .toList();
    }
  }

  /**
   * Every complete line of the audit files in order. Text after the last line break of the newest
   * file is a line torn by a crash and is left out (the sink rewrites it when it restarts); such
   * text in an older file means the files were damaged and fails the read.
   */
  public static List<String> readLines(Path dir) throws IOException {
    List<Path> files = files(dir);
    List<String> lines = new ArrayList<>();
    for (int f = 0; f < files.size(); f++) {
      String text = Files.readString(files.get(f), StandardCharsets.UTF_8);
      int start = 0;
      for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        lines.add(text.substring(start, nl));
        start = nl + 1;
      }
      if (start < text.length() && f < files.size() - 1) {
        throw new IOException(
            "audit file "
                + files.get(f)
                + " ends in an incomplete line although a newer file follows it");
      }
    }
    return lines;
  }
}
