package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Makes files and directories read-only for a test, for real: their write permissions are removed,
 * and where that does not stop the current user (root ignores permissions, as on CI) they are made
 * immutable with {@code chattr +i}, which stops root too. A test is skipped only where neither
 * works (no {@code chattr}, a file system without the attribute, no privilege to set it). {@link
 * #close()} makes everything writable again.
 */
public final class ReadOnlyPaths implements AutoCloseable {
  private final List<Runnable> undo = new ArrayList<>();

  /** Makes {@code path} read-only; skips the test when this environment cannot. */
  public ReadOnlyPaths add(Path path) throws IOException {
    Set<PosixFilePermission> before = Files.getPosixFilePermissions(path);
    Set<PosixFilePermission> without = EnumSet.noneOf(PosixFilePermission.class);
    without.addAll(before);
    without.removeAll(
        Set.of(
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE));
    Files.setPosixFilePermissions(path, without);
    undo.add(
        () -> {
          try {
            Files.setPosixFilePermissions(path, before);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
    if (!Files.isWritable(path)) {
      return this;
    }
    // the permissions do not bind this user (root): an immutable attribute does
    if (chattr("+i", path)) {
      undo.add(() -> chattr("-i", path));
    }
    if (Files.isWritable(path)) {
      close();
      abort(
          "cannot make "
              + path
              + " read-only here: permissions do not bind this user and chattr +i failed");
    }
    return this;
  }

  private static boolean chattr(String flag, Path path) {
    try {
      Process p =
          new ProcessBuilder("chattr", flag, path.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false; // no chattr
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether a write to {@code file} really fails now (the condition the test relies on). */
  public static void assertUnwritable(Path file) {
    assertThat(Files.isWritable(file)).as("%s is read-only", file).isFalse();
  }

  @Override
  public void close() {
    for (int i = undo.size() - 1; i >= 0; i--) {
      undo.get(i).run();
    }
    undo.clear();
  }
}
