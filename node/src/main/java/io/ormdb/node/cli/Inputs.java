package io.ormdb.node.cli;

import io.ormdb.protocol.lang.ParseException;
import io.ormdb.store.StoreConfig;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The files and the data directory a command is given, checked before anything is opened or
 * created: a missing, unreadable or misplaced input is one line naming it and the cause (exit code
 * 2), and no database file has been created by then.
 */
final class Inputs {
  /** Exit code of a command whose input could not be used; nothing ran. */
  static final int BAD_INPUT = 2;

  /** A problem with an input, said in one line. */
  static final class Problem extends Exception {
    Problem(String message) {
      super(message, null, false, false);
    }
  }

  private Inputs() {}

  /** The text of {@code file} (UTF-8); {@code what} names the input, e.g. "schema file". */
  static String readText(String what, Path file) throws Problem {
    String name = what + " " + file;
    if (Files.isDirectory(file)) {
      throw new Problem(name + " is a directory, not a file");
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new Problem(name + " does not exist");
    } catch (AccessDeniedException e) {
      throw new Problem(name + " cannot be read: permission denied");
    } catch (CharacterCodingException e) {
      throw new Problem(name + " is not UTF-8 text");
    } catch (IOException e) {
      throw new Problem(name + " cannot be read: " + e.getMessage());
    }
  }

  /**
   * Parses {@code text} read from {@code source}; a syntax error becomes a problem naming the
   * source and the position.
   */
  static <T> T parse(String source, String text, Function<String, T> parser) throws Problem {
    try {
      return parser.apply(text);
    } catch (ParseException e) {
      throw new Problem(source + ": " + e.getMessage());
    }
  }

  /**
   * Checks that {@code dataDir} is {@code :memory:}, an existing writable directory, or can be
   * created (its nearest existing ancestor is a writable directory). Creates nothing.
   */
  static void checkDataDir(String dataDir) throws Problem {
    if (StoreConfig.IN_MEMORY.equals(dataDir)) {
      return;
    }
    Path dir = path(dataDir);
    String name = "data directory " + dataDir;
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new Problem(name + " is a file, not a directory");
      }
      if (!Files.isWritable(dir)) {
        throw new Problem(name + " is not writable");
      }
      Path file = dir.resolve(StoreConfig.FILE_NAME);
      if (Files.isDirectory(file)) {
        throw new Problem(name + " holds a directory named " + StoreConfig.FILE_NAME);
      }
      return;
    }
    Path ancestor = dir.toAbsolutePath().getParent();
    while (ancestor != null && !Files.exists(ancestor)) {
      ancestor = ancestor.getParent();
    }
    if (ancestor != null && !Files.isDirectory(ancestor)) {
      throw new Problem(name + " cannot be created: " + ancestor + " is a file");
    }
    if (ancestor != null && !Files.isWritable(ancestor)) {
      throw new Problem(name + " cannot be created: " + ancestor + " is not writable");
    }
  }

  /**
   * Checks that {@code dataDir} is an existing directory holding a database file, and returns it.
   * Creates nothing.
   */
  static Path checkExistingDataDir(String dataDir) throws Problem {
    if (StoreConfig.IN_MEMORY.equals(dataDir)) {
      throw new Problem("data directory :memory: is not on disk: there is nothing to verify");
    }
    Path dir = path(dataDir);
    String name = "data directory " + dataDir;
    if (!Files.exists(dir)) {
      throw new Problem(name + " does not exist");
    }
    if (!Files.isDirectory(dir)) {
      throw new Problem(name + " is a file, not a directory");
    }
    Path file = dir.resolve(StoreConfig.FILE_NAME);
    if (Files.isDirectory(file)) {
      throw new Problem(name + " holds a directory named " + StoreConfig.FILE_NAME);
    }
    if (!Files.exists(file)) {
      throw new Problem(name + " holds no database (no " + StoreConfig.FILE_NAME + " in it)");
    }
    return dir;
  }

  /** Creates {@code dataDir} (and missing parents) unless it is {@code :memory:}. */
  static void createDataDir(String dataDir) throws Problem {
    if (StoreConfig.IN_MEMORY.equals(dataDir)) {
      return;
    }
    try {
      Files.createDirectories(path(dataDir));
    } catch (IOException e) {
      throw new Problem("data directory " + dataDir + " cannot be created: " + e.getMessage());
    }
  }

  private static Path path(String dataDir) throws Problem {
    try {
      return Path.of(dataDir);
    } catch (InvalidPathException e) {
      throw new Problem("data directory '" + dataDir + "' is not a valid path: " + e.getReason());
    }
  }
}
