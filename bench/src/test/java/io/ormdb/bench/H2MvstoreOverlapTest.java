package io.ormdb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * What docs/embedding.md says about H2 and h2-mvstore on one classpath: the numbers of classes the
 * two jars (the versions this build uses) both define, and of those that differ, are the ones the
 * guide states.
 */
class H2MvstoreOverlapTest {
  private final Classpaths cps = new Classpaths(Path.of(System.getProperty("user.dir")));

  @Test
  void theEmbeddingGuideStatesTheClassesH2AndH2MvstoreShare() throws Exception {
    Path h2 = jar(cps.of("h2"), "h2-\\d.*\\.jar");
    Path mvstore = jar(cps.of("ormdb"), "h2-mvstore-\\d.*\\.jar");
    Map<String, byte[]> a = classes(h2);
    Map<String, byte[]> b = classes(mvstore);
    List<String> shared = a.keySet().stream().filter(b::containsKey).toList();
    long differ = shared.stream().filter(c -> !Arrays.equals(a.get(c), b.get(c))).count();
    assertThat(shared).as("the jars overlap").isNotEmpty();

    String doc =
        Files.readString(Path.of(System.getProperty("user.dir"), "..", "docs", "embedding.md"))
            .replaceAll("\\s+", " ");
    assertThat(doc)
        .contains(
            "`com.h2database:h2` "
                + version(h2, "h2-")
                + " and `com.h2database:h2-mvstore` "
                + version(mvstore, "h2-mvstore-")
                + " define "
                + shared.size()
                + " classes of the same name")
        .contains("and " + differ + " of them differ");
  }

  private static Path jar(String classpath, String name) {
    return Arrays.stream(classpath.split(File.pathSeparator))
        .map(Path::of)
        .filter(p -> p.getFileName().toString().matches(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + classpath));
  }

  private static String version(Path jar, String prefix) {
    Matcher m =
        Pattern.compile(Pattern.quote(prefix) + "(.+)\\.jar").matcher(jar.getFileName().toString());
    assertThat(m.matches()).isTrue();
    return m.group(1);
  }

  private static Map<String, byte[]> classes(Path jar) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (ZipEntry e : zip.stream().toList()) {
        if (e.getName().endsWith(".class")) {
          out.put(e.getName(), zip.getInputStream(e).readAllBytes());
        }
      }
    }
    return out;
  }
}
