package io.ormdb.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Each child JVM's classpath, from what {@code mvn package} writes into {@code bench/target}:
 * ORMDB's children get the module's runtime classpath (h2-mvstore 2.4.240); the H2 child gets the
 * harness classes, Jackson, HdrHistogram and H2 2.3.232, the SQLite child the same with sqlite-jdbc
 * — so the two MVStore versions never share a JVM. {@link #check} refuses a mix.
 */
final class Classpaths {
  private final Path target;

  Classpaths(Path benchHome) {
    this.target = benchHome.resolve("target");
  }

  /** The classpath of a child kind: {@code ormdb}, {@code h2} or {@code sqlite}. */
  String of(String kind) {
    List<String> parts = new ArrayList<>();
    parts.add(target.resolve("classes").toString());
    if ("ormdb".equals(kind)) {
      parts.add(read("classpath-ormdb.txt"));
    } else {
      parts.add(read("classpath-base.txt"));
      parts.addAll(jars(target.resolve("lib").resolve(kind)));
    }
    String cp = String.join(File.pathSeparator, parts);
    check(kind, cp);
    return cp;
  }

  /** The orchestrator's own classpath needs only the harness classes, Jackson and HdrHistogram. */
  String base() {
    return target.resolve("classes") + File.pathSeparator + read("classpath-base.txt");
  }

  /** Fails when a classpath would put H2 2.3.232 and h2-mvstore 2.4.240 into one JVM. */
  static void check(String kind, String classpath) {
    boolean mvstore = false;
    boolean h2 = false;
    for (String p : classpath.split(File.pathSeparator)) {
      String f = Path.of(p).getFileName().toString();
      mvstore |= f.startsWith("h2-mvstore-");
      h2 |= f.matches("h2-\\d.*\\.jar");
    }
    if (mvstore && h2) {
      throw new IllegalStateException(
          "classpath of '" + kind + "' holds both h2 and h2-mvstore: " + classpath);
    }
    if (!"ormdb".equals(kind) && mvstore) {
      throw new IllegalStateException("the " + kind + " child must not see h2-mvstore");
    }
  }

  private String read(String file) {
    Path p = target.resolve(file);
    try {
      return Files.readString(p).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(
          p + " is missing: build first (bench/run.sh does: mvn -DskipTests package -pl bench -am)",
          e);
    }
  }

  private static List<String> jars(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".jar")).map(Path::toString).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(dir + " is missing: build the bench module first", e);
    }
  }
}
