package io.ormdb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchClasspathsTest {
  private final Classpaths cps = new Classpaths(Path.of(System.getProperty("user.dir")));

  @Test
  void aClasspathWithBothH2AndH2MvstoreIsRefused() {
    String mixed =
        String.join(File.pathSeparator, "/r/h2-2.3.232.jar", "/r/h2-mvstore-2.4.240.jar");
    assertThatThrownBy(() -> Classpaths.check("h2", mixed))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("both h2 and h2-mvstore");
  }

  @Test
  void theJdbcChildrenSeeTheirDriverAndNoMvstore() {
    String h2 = cps.of("h2");
    assertThat(h2)
        .contains("h2-2.3.232.jar")
        .doesNotContain("h2-mvstore")
        .doesNotContain("ormdb-store");
    String sqlite = cps.of("sqlite");
    assertThat(sqlite).contains("sqlite-jdbc-").doesNotContain("h2-").doesNotContain("ormdb-store");
  }

  @Test
  void ormdbsChildSeesMvstore2_4AndNoH2() {
    String ormdb = cps.of("ormdb");
    assertThat(ormdb).contains("h2-mvstore-2.4.240.jar").doesNotContain("h2-2.3.232.jar");
  }
}
